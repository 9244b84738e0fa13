import MTProto

/// The server side of a SOCKS5 `CONNECT` (RFC 1928/1929), sans-IO: greeting, optional
/// username/password, request; TestDC's SOCKS5 proxy drives it.
struct SOCKS5ServerNegotiation {
    /// What the proxy does after feeding bytes.
    enum Step: Equatable {
        /// Wait for more bytes.
        case needMoreBytes
        /// Send these bytes, then wait.
        case reply([UInt8])
        /// Send these bytes and close (a refusal).
        case refuse([UInt8])
        /// Connect to the target; on success send ``SOCKS5ServerNegotiation/success``, then relay
        /// (`leftover` first).
        case connect(host: String, port: Int, leftover: [UInt8])
    }

    private enum State {
        case greeting, authentication, request, done
    }

    private let credentials: SOCKS5Credentials?
    private let refusal: SOCKS5ReplyCode?
    private var state: State = .greeting
    private var buffer: [UInt8] = []

    /// The reply sent once the target is reached (bound address 0.0.0.0:0).
    static let success: [UInt8] = reply(.succeeded)

    /// `credentials`: required from clients (nil: no authentication); `refusal`: answer every
    /// request with this code instead of connecting.
    init(credentials: SOCKS5Credentials?, refusal: SOCKS5ReplyCode?) {
        self.credentials = credentials
        self.refusal = refusal
    }

    /// A reply with `code` and bound address 0.0.0.0:0.
    static func reply(_ code: SOCKS5ReplyCode) -> [UInt8] {
        [0x05, code.rawValue, 0x00, 0x01, 0, 0, 0, 0, 0, 0]
    }

    /// Feeds bytes from the client; bad bytes end in a refusal or a thrown error (then close).
    mutating func feed(_ bytes: [UInt8]) throws(SOCKS5Error) -> Step {
        buffer += bytes
        switch state {
        case .greeting:
            guard buffer.count >= 2 else { return .needMoreBytes }
            guard buffer[0] == 0x05 else { throw .unsupportedVersion(buffer[0]) }
            let count: Int = Int(buffer[1])
            guard buffer.count >= 2 + count else { return .needMoreBytes }
            let methods: ArraySlice<UInt8> = buffer[2 ..< 2 + count]
            buffer.removeFirst(2 + count)
            let wanted: UInt8 = credentials == nil ? 0x00 : 0x02
            guard methods.contains(wanted) else { return .refuse([0x05, 0xff]) }
            state = credentials == nil ? .request : .authentication
            return .reply([0x05, wanted])
        case .authentication:
            guard buffer.count >= 2 else { return .needMoreBytes }
            guard buffer[0] == 0x01 else { throw .malformedReply("authentication version \(buffer[0])") }
            let userLength: Int = Int(buffer[1])
            guard buffer.count >= 3 + userLength else { return .needMoreBytes }
            let passwordLength: Int = Int(buffer[2 + userLength])
            guard buffer.count >= 3 + userLength + passwordLength else { return .needMoreBytes }
            let user: String = String(decoding: buffer[2 ..< 2 + userLength], as: UTF8.self)
            let password: String = String(decoding: buffer[(3 + userLength) ..< (3 + userLength + passwordLength)], as: UTF8.self)
            buffer.removeFirst(3 + userLength + passwordLength)
            guard user == credentials?.username, password == credentials?.password else { return .refuse([0x01, 0x01]) }
            state = .request
            return .reply([0x01, 0x00])
        case .request:
            guard buffer.count >= 5 else { return .needMoreBytes }
            guard buffer[0] == 0x05 else { throw .unsupportedVersion(buffer[0]) }
            guard buffer[1] == 0x01 else { return .refuse(Self.reply(.commandNotSupported)) }
            let host: String
            let addressEnd: Int
            switch buffer[3] {
            case 0x01:
                addressEnd = 8
                guard buffer.count >= addressEnd + 2 else { return .needMoreBytes }
                host = buffer[4 ..< 8].map(String.init).joined(separator: ".")
            case 0x03:
                addressEnd = 5 + Int(buffer[4])
                guard buffer.count >= addressEnd + 2 else { return .needMoreBytes }
                host = String(decoding: buffer[5 ..< addressEnd], as: UTF8.self)
            case 0x04:
                addressEnd = 20
                guard buffer.count >= addressEnd + 2 else { return .needMoreBytes }
                host = stride(from: 4, to: 20, by: 2).map { String(UInt16(buffer[$0]) << 8 | UInt16(buffer[$0 + 1]), radix: 16) }
                    .joined(separator: ":")
            default:
                return .refuse(Self.reply(.addressTypeNotSupported))
            }
            let port: Int = Int(buffer[addressEnd]) << 8 | Int(buffer[addressEnd + 1])
            let leftover: [UInt8] = Array(buffer[(addressEnd + 2)...])
            buffer = []
            state = .done
            if let refusal { return .refuse(Self.reply(refusal)) }
            return .connect(host: host, port: port, leftover: leftover)
        case .done:
            throw .misuse
        }
    }
}
