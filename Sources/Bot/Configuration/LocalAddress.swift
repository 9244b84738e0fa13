import Foundation

/// Hosts an unencrypted `http://` API root may point at without `OPENAI_ALLOW_INSECURE`: the machine
/// itself or a private network.
enum LocalAddress {
    /// `localhost`, 127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and fc00::/7 (a name other
    /// than `localhost` is not resolved and does not qualify). IPv6 may come with or without brackets.
    static func isLoopbackOrPrivate(_ host: String) -> Bool {
        var name: String = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" { return true }
        var v4: in_addr = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            let a: [UInt8] = withUnsafeBytes(of: &v4) { Array($0) }
            return a[0] == 127 || a[0] == 10 || (a[0] == 172 && (16 ... 31).contains(a[1])) || (a[0] == 192 && a[1] == 168)
        }
        var v6: in6_addr = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let a: [UInt8] = withUnsafeBytes(of: &v6) { Array($0) }
            let loopback: Bool = a[0 ..< 15].allSatisfy { $0 == 0 } && a[15] == 1
            return loopback || a[0] & 0xFE == 0xFC
        }
        return false
    }
}
