import TLSchema

/// The wire form of a TL value: generated types are not `Equatable`, their bytes are.
func wire(_ value: some TLSerializable) -> [UInt8] { value.serializedData() }
