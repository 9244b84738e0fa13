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

    /// Wraps an already decoded (or newly built) value, for sending in an `Object` slot.
    public init(_ value: any TLSerializable) {
        self.value = value
    }

    /// Decodes any boxed constructor or function of the generated schemas (see ``TLRegistry/decodeObject(from:)``);
    /// throws for unknown ids and for bare vectors, whose element type the wire does not carry.
    public init(from reader: inout TLReader) throws(TLDecodingError) {
        value = try TLRegistry.decodeObject(from: &reader)
    }

    /// Writes the wrapped value's own boxed form; `TLAnyObject` adds nothing.
    public func serialize(to writer: inout TLWriter) {
        value.serialize(to: &writer)
    }
}

/// Any function, for decoding a generic wrapper (`invokeWithLayer`, `initConnection`, …) whose inner
/// query is not known statically, as a server or a dump tool must. Its result is decoded as an
/// `Object`, so bare results (`Vector<long>`) of a wrapped unknown query cannot be decoded this way.
public struct TLAnyFunction: TLFunction {
    /// The answer of an unknown query, decoded as any boxed `Object`.
    public typealias Result = TLAnyObject

    /// The decoded function.
    public var function: any TLFunction

    /// Wraps a function for sending or describing; the wrapper adds nothing on the wire.
    public init(_ function: any TLFunction) {
        self.function = function
    }

    /// 0, a placeholder: the id on the wire is the wrapped function's own.
    public static var constructorID: UInt32 { 0 }
    /// `function`, a placeholder name (used in error messages); the wrapped function keeps its own name.
    public static var tlName: String { "function" }

    /// The same as ``init(from:)``: a wrapped query is always boxed, so its id is read here too.
    public init(bareFrom reader: inout TLReader) throws(TLDecodingError) {
        function = try TLRegistry.decodeFunction(from: &reader)
    }

    /// Decodes any function of the generated schemas by its id; throws
    /// ``TLDecodingError/unknownConstructor(id:expectedType:offset:)`` for any other id.
    public init(from reader: inout TLReader) throws(TLDecodingError) {
        function = try TLRegistry.decodeFunction(from: &reader)
    }

    /// Writes the wrapped function boxed (its id included): a query inside a wrapper is always boxed.
    public func serializeBare(to writer: inout TLWriter) {
        function.serialize(to: &writer)
    }

    /// Writes the wrapped function's boxed form, with no id of the wrapper's own.
    public func serialize(to writer: inout TLWriter) {
        function.serialize(to: &writer)
    }

    /// Reads the answer as any boxed `Object`; a bare result (`Vector<long>`) throws instead.
    public static func decodeResult(from reader: inout TLReader) throws(TLDecodingError) -> TLAnyObject {
        try TLAnyObject(from: &reader)
    }
}
