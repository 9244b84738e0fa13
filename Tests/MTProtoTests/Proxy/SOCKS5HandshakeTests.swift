@testable import MTProto
import Testing

/// The SOCKS5 client state machine against the bytes of RFC 1928/1929.
@Suite struct SOCKS5HandshakeTests {
    static let success: [UInt8] = [0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x1f, 0x90]

    @Test func noAuthenticationToAnIPv4Target() throws {
        var machine: SOCKS5ClientHandshake = SOCKS5ClientHandshake(target: SOCKS5Target(host: "149.154.167.51", port: 443), credentials: nil)
        #expect(try machine.start() == [0x05, 0x01, 0x00])
        #expect(try machine.feed([0x05]) == .needMoreBytes)
        #expect(try machine.feed([0x00]) == .send([0x05, 0x01, 0x00, 0x01, 149, 154, 167, 51, 0x01, 0xbb]))
        #expect(try machine.feed(Array(Self.success[0 ..< 7])) == .needMoreBytes)
        #expect(try machine.feed(Array(Self.success[7...]) + [0xaa, 0xbb]) == .established(leftover: [0xaa, 0xbb]))
    }

    @Test func usernamePasswordToADomainAndIPv6() throws {
        let credentials: SOCKS5Credentials = SOCKS5Credentials(username: "ann", password: "pw")
        var machine: SOCKS5ClientHandshake = SOCKS5ClientHandshake(target: SOCKS5Target(host: "dc.example", port: 80), credentials: credentials)
        #expect(try machine.start() == [0x05, 0x02, 0x00, 0x02])
        #expect(try machine.feed([0x05, 0x02]) == .send([0x01, 3] + Array("ann".utf8) + [2] + Array("pw".utf8)))
        #expect(try machine.feed([0x01, 0x00]) == .send([0x05, 0x01, 0x00, 0x03, 10] + Array("dc.example".utf8) + [0x00, 0x50]))
        // A reply with a domain as bound address.
        #expect(try machine.feed([0x05, 0x00, 0x00, 0x03, 2, 0x61, 0x62, 0x00, 0x01]) == .established(leftover: []))

        var six: SOCKS5ClientHandshake = SOCKS5ClientHandshake(target: SOCKS5Target(host: "2001:db8::1", port: 443), credentials: nil)
        _ = try six.start()
        let request: ProxyStep = try six.feed([0x05, 0x00])
        #expect(request == .send([0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1, 0x01, 0xbb]))
        #expect(try six.feed([0x05, 0x00, 0x00, 0x04] + [UInt8](repeating: 0, count: 16) + [0, 0]) == .established(leftover: []))
    }

    @Test(arguments: Array(UInt8(1) ... 9) + [0x42])
    func everyReplyCodeIsTyped(code: UInt8) throws {
        var machine: SOCKS5ClientHandshake = SOCKS5ClientHandshake(target: SOCKS5Target(host: "10.0.0.1", port: 1), credentials: nil)
        _ = try machine.start()
        _ = try machine.feed([0x05, 0x00])
        #expect(throws: SOCKS5Error.requestFailed(SOCKS5ReplyCode(rawValue: code))) {
            _ = try machine.feed([0x05, code])
        }
        #expect(SOCKS5ReplyCode(rawValue: code).rawValue == code)
        if code == 5 { #expect(SOCKS5ReplyCode(rawValue: code) == .connectionRefused) }
        if code == 0x42 { #expect(SOCKS5ReplyCode(rawValue: code) == .unassigned(0x42)) }
        // After a failure the machine refuses to go on.
        #expect(throws: SOCKS5Error.misuse) { _ = try machine.feed([0]) }
    }

    @Test func authenticationOutcomes() throws {
        let credentials: SOCKS5Credentials = SOCKS5Credentials(username: "u", password: "p")
        func started(_ credentials: SOCKS5Credentials?) throws -> SOCKS5ClientHandshake {
            var machine: SOCKS5ClientHandshake = SOCKS5ClientHandshake(target: SOCKS5Target(host: "h", port: 1), credentials: credentials)
            _ = try machine.start()
            return machine
        }
        var rejected: SOCKS5ClientHandshake = try started(credentials)
        _ = try rejected.feed([0x05, 0x02])
        #expect(throws: SOCKS5Error.authenticationFailed(status: 1)) { _ = try rejected.feed([0x01, 0x01]) }
        var none: SOCKS5ClientHandshake = try started(nil)
        #expect(throws: SOCKS5Error.authenticationRequired) { _ = try none.feed([0x05, 0xff]) }
        var noMethod: SOCKS5ClientHandshake = try started(credentials)
        #expect(throws: SOCKS5Error.noAcceptableMethod) { _ = try noMethod.feed([0x05, 0xff]) }
        var unoffered: SOCKS5ClientHandshake = try started(nil)
        #expect(throws: SOCKS5Error.unexpectedMethod(2)) { _ = try unoffered.feed([0x05, 0x02]) }
    }

    @Test func malformedBytesAreTypedErrors() throws {
        func started() throws -> SOCKS5ClientHandshake {
            var machine: SOCKS5ClientHandshake = SOCKS5ClientHandshake(target: SOCKS5Target(host: "h", port: 1), credentials: nil)
            _ = try machine.start()
            return machine
        }
        var http: SOCKS5ClientHandshake = try started()
        #expect(throws: SOCKS5Error.unsupportedVersion(0x48)) { _ = try http.feed(Array("HTTP/1.1 400".utf8)) }
        var chatty: SOCKS5ClientHandshake = try started()
        #expect(throws: SOCKS5Error.malformedReply("1 unexpected bytes")) { _ = try chatty.feed([0x05, 0x00, 0x00]) }
        var badType: SOCKS5ClientHandshake = try started()
        _ = try badType.feed([0x05, 0x00])
        #expect(throws: SOCKS5Error.malformedReply("address type 9")) { _ = try badType.feed([0x05, 0x00, 0x00, 0x09, 0]) }
        var reserved: SOCKS5ClientHandshake = try started()
        _ = try reserved.feed([0x05, 0x00])
        #expect(throws: SOCKS5Error.malformedReply("reserved byte 7")) { _ = try reserved.feed([0x05, 0x00, 0x07, 0x01, 0]) }
        var long: SOCKS5ClientHandshake = SOCKS5ClientHandshake(target: SOCKS5Target(host: String(repeating: "a", count: 256), port: 1), credentials: nil)
        #expect(throws: SOCKS5Error.hostNameTooLong) { _ = try long.start() }
        var emptyPassword: SOCKS5ClientHandshake = SOCKS5ClientHandshake(
            target: SOCKS5Target(host: "h", port: 1), credentials: SOCKS5Credentials(username: "u", password: ""))
        #expect(throws: SOCKS5Error.credentialsTooLong) { _ = try emptyPassword.start() }
    }

    @Test func descriptionsNeverShowThePassword() {
        let proxy: SOCKS5Proxy = SOCKS5Proxy(host: "h", port: 1080, credentials: SOCKS5Credentials(username: "ann", password: "hunter2"))
        #expect(!"\(proxy)".contains("hunter2"))
        #expect(!"\(ProxySettings.socks5(proxy))".contains("hunter2"))
        #expect(!String(reflecting: proxy.credentials!).contains("hunter2"))
    }
}
