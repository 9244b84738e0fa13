import Foundation

/// A peer as a person writes it: `me`, `@username`, `username`, `+phone`, a (marked) numeric id,
/// or a link: `https://t.me/name`, `t.me/+phone`, `tg://resolve?domain=name`, `tg://resolve?phone=…`
/// ([links](https://core.telegram.org/api/links)).
public enum PeerReference: Hashable, Sendable {
    /// The account itself.
    case me
    /// A peer by id (a marked id: users as they are, `-chat`, `-100channel`).
    case id(PeerID)
    /// A public username, without `@`.
    case username(String)
    /// A phone number, digits only.
    case phone(String)

    /// Parses `text`; nil for text that names no peer (an invite link, an empty or malformed name).
    public init?(_ text: String) {
        let trimmed: String = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "me" || trimmed == "self" {
            self = .me
        } else if trimmed.hasPrefix("+") {
            // Before the id: `Int64("+1555…")` would read a phone as an id.
            guard let phone = Self.phone(String(trimmed.dropFirst())) else { return nil }
            self = .phone(phone)
        } else if let id = Int64(trimmed) {
            self = .id(PeerID(markedID: id))
        } else if trimmed.hasPrefix("@") {
            guard let name = Self.username(String(trimmed.dropFirst())) else { return nil }
            self = .username(name)
        } else if let link = Self.link(trimmed) {
            self = link
        } else if let name = Self.username(trimmed) {
            self = .username(name)
        } else {
            return nil
        }
    }

    /// A `t.me`/`telegram.me`/`telegram.dog` link or a `tg://resolve` link.
    private static func link(_ text: String) -> PeerReference? {
        let withScheme: String = text.contains("://") ? text : "https://" + text
        guard let components = URLComponents(string: withScheme), let host = components.host?.lowercased() else { return nil }
        if components.scheme?.lowercased() == "tg" {
            guard host == "resolve" else { return nil }
            let items: [URLQueryItem] = components.queryItems ?? []
            if let domain = items.first(where: { $0.name == "domain" })?.value { return username(domain).map(PeerReference.username) }
            if let phone = items.first(where: { $0.name == "phone" })?.value { return Self.phone(phone).map(PeerReference.phone) }
            return nil
        }
        guard ["t.me", "www.t.me", "telegram.me", "telegram.dog"].contains(host) else { return nil }
        var parts: [Substring] = components.path.split(separator: "/")
        // t.me/s/name is the web preview of a channel.
        if parts.first == "s" { parts.removeFirst() }
        guard let first = parts.first else { return nil }
        // t.me/+phone is a phone link; t.me/+hash and t.me/joinchat/hash are invite links.
        if first.hasPrefix("+") { return phone(String(first.dropFirst())).map(PeerReference.phone) }
        return username(String(first)).map(PeerReference.username)
    }

    /// A username as Telegram allows them: 4 to 32 of letters, digits and `_`, starting with a letter.
    private static func username(_ text: String) -> String? {
        guard (4 ... 32).contains(text.count), let first = text.first, first.isASCII, first.isLetter,
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), text.lowercased() != "joinchat" else { return nil }
        return text
    }

    /// The digits of a phone number (spaces, dashes and brackets allowed between them).
    private static func phone(_ text: String) -> String? {
        let digits: String = text.filter { !" -()".contains($0) }
        guard (5 ... 15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return digits
    }
}
