import Foundation
import MTProto
import TLSchema

extension ProxySettings {
    /// The secret parts of the proxy as they may appear in text: a SOCKS5 password, or an MTProxy
    /// secret as hex, base64 and base64url (for the log redactor).
    public var secretForms: [String?] {
        switch self {
        case .socks5(let proxy):
            return [proxy.credentials?.password]
        case .mtproxy(let server):
            let bytes: [UInt8] = server.secret.bytes
            let base64: String = Data(bytes).base64EncodedString()
            let url: String = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            return [TLHex.encode(bytes), TLHex.encode(server.secret.key), base64, url]
        }
    }
}
