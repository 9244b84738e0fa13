/// An `rpc_error` from the server: code (400, 401, 420, 303, …), name and the number some errors
/// carry (`FLOOD_WAIT_17` → name `FLOOD_WAIT`, value 17; `PHONE_MIGRATE_2` → `PHONE_MIGRATE`, 2).
public struct RPCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The error code: 303 see other DC, 400 bad request, 401 unauthorized, 420 flood, 500 internal, …
    public var code: Int32
    /// The message without a trailing number, e.g. `FLOOD_WAIT`.
    public var name: String
    /// The trailing number, e.g. the seconds of `FLOOD_WAIT_X` or the DC of `*_MIGRATE_X`.
    public var value: Int?
    /// The message exactly as the server sent it.
    public var message: String

    /// An error as the server sent it; `name` and `value` are split off `message`.
    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
        if let underscore = message.lastIndex(of: "_"),
           let number = Int(message[message.index(after: underscore)...]),
           underscore != message.startIndex {
            self.name = String(message[..<underscore])
            self.value = number
        } else {
            self.name = message
            self.value = nil
        }
    }

    public var description: String { "RPC error \(code) \(message)" }
}
