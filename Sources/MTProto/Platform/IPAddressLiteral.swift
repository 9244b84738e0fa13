import Foundation

/// Parses IP address literals into their network bytes (for SOCKS5 requests); `inet_pton` comes
/// through Foundation on Linux and macOS alike.
enum IPAddressLiteral {
    /// The 4 bytes of a dotted-quad IPv4 literal, or nil.
    static func ipv4(_ text: String) -> [UInt8]? {
        var address: in_addr = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// The 16 bytes of an IPv6 literal (without brackets), or nil.
    static func ipv6(_ text: String) -> [UInt8]? {
        var address: in6_addr = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
