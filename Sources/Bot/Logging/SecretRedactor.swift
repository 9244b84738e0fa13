import Foundation
import Synchronization

/// Replaces known secrets (API hash, keys, password, login code) by `[redacted]`, in the forms they
/// take as typed, percent-encoded (`%20` or `+` for a space) and JSON-escaped (`\"`, `\\`, `\/`,
/// `\uXXXX`). One redactor is shared by every handler of a logger; secrets learnt while running (a
/// code or password typed at a prompt) are added with ``add(_:)`` and apply to every line after.
public final class SecretRedactor: Sendable {
    /// Every form of every secret, longest first.
    private let forms: Mutex<[String]> = Mutex([])

    /// Starts with `secrets` (nil entries are skipped; see ``add(_:)`` for short ones).
    public init(_ secrets: [String?]) {
        for secret in secrets.compactMap({ $0 }) { add(secret) }
    }

    /// Redacts `secret` from now on, from any thread (the terminal prompter calls this with each code
    /// and password it reads, before they are used). Secrets shorter than 4 characters are ignored:
    /// they would redact ordinary words.
    public func add(_ secret: String) {
        guard secret.count >= 4 else { return }
        let new: Set<String> = Self.forms(of: secret)
        forms.withLock { (all: inout [String]) in
            all = Array(Set(all).union(new)).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        }
    }

    /// `text` with every occurrence of a known secret, in each of its forms, replaced by `[redacted]`,
    /// longest forms first (so a secret that contains a shorter one is removed whole).
    public func redact(_ text: String) -> String {
        let all: [String] = forms.withLock { $0 }
        var out: String = text
        for form in all where out.contains(form) { out = out.replacingOccurrences(of: form, with: "[redacted]") }
        return out
    }

    /// The secret as typed, percent-encoded in both space styles, and JSON-escaped with and without
    /// `\/` and `\uXXXX` (lower- and upper-case hex) for non-ASCII.
    static func forms(of secret: String) -> Set<String> {
        var forms: Set<String> = [secret]
        let unreserved: CharacterSet = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if let percent = secret.addingPercentEncoding(withAllowedCharacters: unreserved) {
            forms.insert(percent)
            forms.insert(percent.replacingOccurrences(of: "%20", with: "+"))
        }
        for slash in [false, true] {
            for ascii in [false, true] {
                for upper in [false, true] { forms.insert(jsonEscaped(secret, slash: slash, asciiOnly: ascii, upperHex: upper)) }
            }
        }
        return forms
    }

    /// `text` as inside a JSON string.
    private static func jsonEscaped(_ text: String, slash: Bool, asciiOnly: Bool, upperHex: Bool) -> String {
        var out: String = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where slash: out += "\\/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E):
                for unit in String(scalar).utf16 {
                    let hex: String = String(unit, radix: 16, uppercase: upperHex)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
