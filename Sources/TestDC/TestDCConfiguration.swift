import MTProto
import TLSchema

/// What an API method handler returns.
public enum HandlerOutcome: Sendable {
    /// The serialized result object.
    case result([UInt8])
    /// An `rpc_error`.
    case error(code: Int32, message: String)

    /// A typed result.
    public static func value(_ object: some TLSerializable) -> HandlerOutcome {
        .result(object.serializedData())
    }

    /// A `Vector<T>` result.
    public static func vector(_ items: [some TLSerializable]) -> HandlerOutcome {
        var writer: TLWriter = TLWriter()
        writer.writeUInt32(TLBuiltinID.vector)
        writer.writeInt32(Int32(items.count))
        for item in items { item.serialize(to: &writer) }
        return .result(writer.bytes)
    }

    /// A `Bool` result.
    public static func bool(_ value: Bool) -> HandlerOutcome {
        var writer: TLWriter = TLWriter()
        writer.writeUInt32(value ? TLBuiltinID.boolTrue : TLBuiltinID.boolFalse)
        return .result(writer.bytes)
    }
}

/// The context of one API call on the test DC.
public struct HandlerContext: Sendable {
    /// The DC that received the call.
    public var dc: Int
    /// The permanent auth key the call came with (identifies the client; with PFS, the key the
    /// temporary key is bound to).
    public var authKeyID: Int64
    /// The user that key is logged in as, if any.
    public var userID: Int64?
    /// The call, with `invokeWithLayer`/`initConnection`/… wrappers removed.
    public var function: any TLFunction
    /// The layer from `invokeWithLayer`, when the call carried one.
    public var layer: Int32?
    /// The msg_id the client sent the call with.
    public var messageID: Int64
}

/// A method handler: decides the answer to one call.
public typealias MethodHandler = @Sendable (HandlerContext) async -> HandlerOutcome

/// Faults the test DC injects, to exercise a client's recovery paths.
public struct FaultPlan: Sendable {
    /// Close each connection after it delivered this many client messages.
    public var dropConnectionAfterMessages: Int?
    /// Answer the next N client packets with `bad_server_salt` (after rotating the salt).
    public var rotateSaltTimes: Int = 0
    /// Seconds added to the server's clock (handshake `server_time` and msg_ids).
    public var clockSkew: Int32 = 0
    /// Send every outgoing packet twice.
    public var duplicatePackets: Bool = false
    /// Send outgoing packets out of order (each one after the next).
    public var reorderPackets: Bool = false
    /// Answer the next connection's first packet with this transport error code and close.
    public var transportErrorOnce: Int32?
    /// rpc_errors to answer instead of running the handler: constructor id → (code, message, times).
    public var rpcErrors: [UInt32: (code: Int32, message: String, times: Int)] = [:]
    /// Reply to the first N calls with `bad_msg_notification` 16 (msg_id too low).
    public var rejectMessageIDsTimes: Int = 0
    /// `help.getConfig` gives every DC an unreachable IPv4 address first, then its working address
    /// as IPv6 (`::1`) only.
    public var unreachableIPv4: Bool = false

    public init() {}
}
