import Foundation

/// A QR login token to show: ``url`` (`tg://login?token=<base64url>`) is what the QR code encodes;
/// an app logged in to the account scans it (Settings → Devices → Link Desktop Device). It expires
/// at ``expires``; the login then shows a new one. Its description leaves the token out.
public struct LoginTokenLink: Sendable, Equatable, CustomStringConvertible {
    /// The token's bytes, as `auth.exportLoginToken` gave them.
    public let token: [UInt8]
    /// When it expires (unix seconds, Telegram's clock).
    public let expires: Int32

    /// The link for `token`.
    public init(token: [UInt8], expires: Int32) {
        self.token = token
        self.expires = expires
    }

    /// `tg://login?token=` and the token in base64url without padding.
    public var url: String { "tg://login?token=" + Base64URL.encode(token) }

    /// The expiry only.
    public var description: String { "LoginTokenLink(expires: \(expires))" }
}

/// Base64url (RFC 4648 §5) without padding, as the login link and session strings use it.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes `text` encodes, or nil when it is not base64url (padding is accepted, nothing else).
    static func decode(_ text: String) -> [UInt8]? {
        let allowed: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8))
        var body: Substring.UTF8View = Substring(text).utf8
        while body.last == UInt8(ascii: "=") { body = body.dropLast() }
        guard body.allSatisfy({ allowed.contains($0) }), body.count % 4 != 1 else { return nil }
        var standard: String = String(Substring(body)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }
}
