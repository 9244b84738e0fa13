/// A value that can be written in its TL wire form.
///
/// For boxed types (everything generated from a capitalised TL type, and every function) that form
/// starts with the constructor id.
public protocol TLSerializable: Sendable {
    /// Appends the value's wire form.
    func serialize(to writer: inout TLWriter)
}

/// A boxed TL value that can be read back from its wire form.
public protocol TLObject: TLSerializable {
    /// Reads a boxed value (constructor id first), checking the id against this type's constructors.
    init(from reader: inout TLReader) throws(TLDecodingError)
}

/// One TL constructor (or function) with its bare wire form.
public protocol TLConstructor: Sendable {
    /// The constructor id (`name#id` in the schema).
    static var constructorID: UInt32 { get }
    /// The name as written in the schema, e.g. `messages.sendMessage`.
    static var tlName: String { get }
    /// Reads the fields, without the constructor id.
    init(bareFrom reader: inout TLReader) throws(TLDecodingError)
    /// Writes the fields, without the constructor id.
    func serializeBare(to writer: inout TLWriter)
}

/// A constructor that is also the whole boxed type (single-constructor types and functions).
public protocol TLBoxedConstructor: TLConstructor, TLObject {}

extension TLBoxedConstructor {
    /// Writes ``TLConstructor/constructorID`` followed by the bare fields.
    public func serialize(to writer: inout TLWriter) {
        writer.writeUInt32(Self.constructorID)
        serializeBare(to: &writer)
    }

    /// Reads and checks the constructor id, then the fields. Throws ``TLDecodingError/unknownConstructor(id:expectedType:offset:)``
    /// for another id, ``TLDecodingError/nestingTooDeep(offset:limit:)`` past ``TLReader/maximumDepth``, and
    /// whatever reading the fields throws.
    public init(from reader: inout TLReader) throws(TLDecodingError) {
        try reader.expectConstructor(Self.constructorID, typeName: Self.tlName)
        try reader.enterNested()
        self = try Self(bareFrom: &reader)
        reader.leaveNested()
    }

    /// The value's boxed wire form as a new byte array.
    public func serializedBytes() -> [UInt8] {
        var writer: TLWriter = TLWriter()
        serialize(to: &writer)
        return writer.bytes
    }
}

extension TLSerializable {
    /// The value's wire form as a new byte array.
    public func serializedData() -> [UInt8] {
        var writer: TLWriter = TLWriter()
        serialize(to: &writer)
        return writer.bytes
    }
}

extension TLObject {
    /// Decodes one boxed value that must span all of `bytes`.
    public init(decoding bytes: [UInt8]) throws(TLDecodingError) {
        var reader: TLReader = TLReader(bytes)
        self = try Self(from: &reader)
    }
}

/// A TL function (an RPC method). `Result` is the Swift type of its answer, so that a client's
/// `invoke(_:)` is typed statically; generic wrappers such as `invokeWithLayer` forward the wrapped
/// query's `Result`.
public protocol TLFunction: TLBoxedConstructor {
    /// The Swift type of the method's answer.
    associatedtype Result: Sendable
    /// Reads the answer to this method (the `result` of its `rpc_result`). Bare results such as
    /// `Vector<long>` are decoded by their schema type, which the wire form alone does not carry.
    static func decodeResult(from reader: inout TLReader) throws(TLDecodingError) -> Result
}
