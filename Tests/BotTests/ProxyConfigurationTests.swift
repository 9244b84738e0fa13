@testable import Bot
import MTProto
import Testing

/// `TG_PROXY`: parsed into the client configuration, bad values named, the secret never shown.
struct ProxyConfigurationTests {
    static let base: [String: String] = ["TG_API_ID": "1"]

    @Test func socks5AndMTProxyValuesReachTheClient() throws {
        let socks: BotConfiguration = try BotConfiguration.parse(Self.base.merging(["TG_PROXY": "socks5://ann:hunter2@10.0.0.1:1080"]) { $1 }, for: .logout).get()
        #expect(socks.proxy == .socks5(SOCKS5Proxy(host: "10.0.0.1", port: 1080, credentials: SOCKS5Credentials(username: "ann", password: "hunter2"))))
        #expect(try socks.clientConfiguration().proxy == socks.proxy)
        let secret: String = "dd00112233445566778899aabbccddeeff"
        let mtproxy: BotConfiguration = try BotConfiguration.parse(
            Self.base.merging(["TG_PROXY": "tg://proxy?server=p.example&port=443&secret=\(secret)"]) { $1 }, for: .logout).get()
        guard case .mtproxy(let server)? = mtproxy.proxy else {
            Issue.record("not an MTProxy")
            return
        }
        #expect(server.secret.kind == .padded)
        for text in ["\(socks)", String(reflecting: socks), "\(mtproxy)", String(reflecting: mtproxy)] {
            #expect(!text.contains("hunter2"))
            #expect(!text.contains(secret))
            #expect(!text.contains("00112233445566778899aabbccddeeff"))
        }
        var dumped: String = ""
        dump(mtproxy, to: &dumped)
        #expect(!dumped.contains("00112233445566778899aabbccddeeff"))
        #expect(socks.secrets.contains("hunter2"))
        #expect(mtproxy.secrets.contains(secret))
        #expect(BotConfiguration.secretKeys.contains("TG_PROXY"))
    }

    @Test func badValuesAreNamedWithoutTheValue() {
        for bad in ["ftp://h:1", "socks5://h", "tg://proxy?server=h&port=1&secret=zz-not-a-secret-hunter2", "tg://proxy?server=h&port=99999&secret=00"] {
            guard case .failure(let error) = BotConfiguration.parse(Self.base.merging(["TG_PROXY": bad]) { $1 }, for: .logout) else {
                Issue.record("accepted \(bad)")
                continue
            }
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.hasPrefix("TG_PROXY: ") == true)
            #expect(!error.description.contains("hunter2"))
        }
    }
}
