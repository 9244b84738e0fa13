import FuzzSupport
import TLSchema

/// Any bytes, read as any boxed object (and as any function), then re-encoded.
@_cdecl("FuzzTLDecode_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        let input: [UInt8] = bytes(data, size)
        var reader: TLReader = TLReader(input)
        if let object = try? TLRegistry.decodeObject(from: &reader) {
            var writer: TLWriter = TLWriter()
            object.serialize(to: &writer)
            _ = writer.bytes.count
        }
        var functions: TLReader = TLReader(input)
        _ = try? TLRegistry.decodeFunction(from: &functions)
        return 0
    }
}
