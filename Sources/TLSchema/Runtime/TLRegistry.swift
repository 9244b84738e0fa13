/// Decoding by constructor id across every generated schema, for `Object` slots and tools.
///
/// The generated code adds `decodeGeneratedObject`, `decodeGeneratedFunction` and `name(of:)`.
public enum TLRegistry {
    /// Decodes any boxed constructor or function of the generated schemas. `gzip_packed` is unwrapped
    /// (inflated, at most ``TLGzip/defaultMaximumInflatedSize`` bytes) and its content decoded.
    public static func decodeObject(from reader: inout TLReader) throws(TLDecodingError) -> any TLSerializable {
        let at: Int = reader.offset
        let id: UInt32 = try reader.peekUInt32()
        if id == TLBuiltinID.gzipPacked {
            _ = try reader.readUInt32()
            let packed: [UInt8] = try reader.readBytes()
            let inflated: [UInt8] = try TLGzip.inflate(packed, maximumSize: TLGzip.defaultMaximumInflatedSize, offset: at)
            var inner: TLReader = TLReader(inflated)
            inner.inheritNestingDepth(reader.nestingDepth)
            try inner.enterNested()
            return try decodeObject(from: &inner)
        }
        if let object = try decodeGeneratedObject(id: id, from: &reader) {
            return object
        }
        if let function = try decodeGeneratedFunction(id: id, from: &reader) {
            return function
        }
        if id == TLBuiltinID.vector {
            throw TLDecodingError.untypedValue(id: id, offset: at)
        }
        throw TLDecodingError.unknownConstructor(id: id, expectedType: "Object", offset: at)
    }

    /// Decodes any function (RPC method) of the generated schemas.
    public static func decodeFunction(from reader: inout TLReader) throws(TLDecodingError) -> any TLFunction {
        let at: Int = reader.offset
        let id: UInt32 = try reader.peekUInt32()
        if let function = try decodeGeneratedFunction(id: id, from: &reader) {
            return function
        }
        throw TLDecodingError.unknownConstructor(id: id, expectedType: "function", offset: at)
    }
}

/// A TL `Object`: any boxed value, decoded by its constructor id through ``TLRegistry``.
public struct TLAnyObject: TLObject {
    /// The decoded value.
    public var value: any TLSerializable

    public init(_ value: any TLSerializable) {
        self.value = value
    }

    public init(from reader: inout TLReader) throws(TLDecodingError) {
        value = try TLRegistry.decodeObject(from: &reader)
    }

    public func serialize(to writer: inout TLWriter) {
        value.serialize(to: &writer)
    }
}

/// Any function, for decoding a generic wrapper (`invokeWithLayer`, `initConnection`, …) whose inner
/// query is not known statically, as a server or a dump tool must. Its result is decoded as an
/// `Object`, so bare results (`Vector<long>`) of a wrapped unknown query cannot be decoded this way.
public struct TLAnyFunction: TLFunction {
    public typealias Result = TLAnyObject

    /// The decoded function.
    public var function: any TLFunction

    public init(_ function: any TLFunction) {
        self.function = function
    }

    public static var constructorID: UInt32 { 0 }
    public static var tlName: String { "function" }

    public init(bareFrom reader: inout TLReader) throws(TLDecodingError) {
        function = try TLRegistry.decodeFunction(from: &reader)
    }

    public init(from reader: inout TLReader) throws(TLDecodingError) {
        function = try TLRegistry.decodeFunction(from: &reader)
    }

    public func serializeBare(to writer: inout TLWriter) {
        function.serialize(to: &writer)
    }

    public func serialize(to writer: inout TLWriter) {
        function.serialize(to: &writer)
    }

    public static func decodeResult(from reader: inout TLReader) throws(TLDecodingError) -> TLAnyObject {
        try TLAnyObject(from: &reader)
    }
}
