import Foundation
import MTProto

extension TelegramConfiguration {
    /// Reads the `TG_*` keys from `reader` (file, environment and flags already merged), adding a
    /// problem naming the key for each bad value; which keys are required is the caller's choice
    /// (``ConfigurationReader/require(_:)``).
    public static func parse(_ reader: inout ConfigurationReader) -> TelegramConfiguration {
        var c: TelegramConfiguration = TelegramConfiguration()
        if let v = reader.value("TG_API_ID") {
            if let id = Int32(v), id > 0 { c.apiID = id } else { reader.problems.append("TG_API_ID must be a positive integer (from my.telegram.org)") }
        }
        c.apiHash = reader.value("TG_API_HASH")
        if let hash = c.apiHash, hash.count != 32 || !hash.allSatisfy(\.isHexDigit) {
            reader.problems.append("TG_API_HASH must be the 32 hexadecimal characters from my.telegram.org")
        }
        if let v = reader.value("TG_PHONE") {
            if let digits = phoneDigits(v) { c.phone = digits } else {
                reader.problems.append("TG_PHONE must be a phone number in international format (+ and digits)")
            }
        }
        c.password = reader.values["TG_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        c.code = reader.value("TG_CODE")
        if let v = reader.value("TG_SESSION") { c.sessionPath = v }
        if let v = reader.value("TG_SERVER") {
            if let colon = v.lastIndex(of: ":"), let port = Int(v[v.index(after: colon)...]), (1 ... 65535).contains(port), colon != v.startIndex {
                c.server = (String(v[..<colon]), port)
            } else {
                reader.problems.append("TG_SERVER must be HOST:PORT")
            }
        }
        if let dc = reader.integer("TG_DC", 1 ... 5, "a DC id from 1 to 5") { c.dc = dc }
        c.rsaKeyPath = reader.value("TG_RSA_KEY")
        if let path = c.rsaKeyPath, !FileManager.default.isReadableFile(atPath: path) { reader.problems.append("TG_RSA_KEY: cannot read \(path)") }
        if let v = reader.value("TG_TRANSPORT") {
            switch v.lowercased() {
            case "abridged": c.transport = .abridged
            case "intermediate": c.transport = .intermediate
            case "padded": c.transport = .paddedIntermediate
            case "full": c.transport = .full
            case "obfuscated":
                c.transport = .paddedIntermediate
                c.obfuscated = true
            default: reader.problems.append("TG_TRANSPORT must be abridged, intermediate, padded, full or obfuscated")
            }
        }
        if let v = reader.value("TG_PROXY") {
            do {
                c.proxy = try ProxySettings(link: v)
            } catch {
                reader.problems.append("TG_PROXY: \(error)")
            }
        }
        if let v = reader.flag("TG_TEST_DC") { c.testServers = v }
        return c
    }

    /// The digits of a phone number in international format (`+`, spaces and dashes dropped), or nil
    /// when it is not one (5 to 16 digits).
    public static func phoneDigits(_ text: String) -> String? {
        let compact: String = text.filter { $0 != " " && $0 != "-" }
        let bare: Substring = compact.hasPrefix("+") ? compact.dropFirst() : Substring(compact)
        guard bare.count >= 5, bare.count <= 16, bare.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(bare)
    }
}
