import Foundation
import Telegram
import Testing

@Suite struct TelegramConfigurationTests {
    @Test func theTGKeysAreParsedAndBadOnesNamed() {
        var reader: ConfigurationReader = ConfigurationReader([
            "TG_API_ID": "42", "TG_PHONE": "+1 555-000-1000", "TG_SERVER": "127.0.0.1:4430", "TG_DC": "1", "TG_TRANSPORT": "obfuscated",
        ])
        let c: TelegramConfiguration = TelegramConfiguration.parse(&reader)
        #expect(reader.problems.isEmpty)
        #expect(c.apiID == 42 && c.phone == "15550001000" && c.server?.port == 4430 && c.dc == 1 && c.obfuscated)

        var bad: ConfigurationReader = ConfigurationReader(["TG_API_ID": "-1", "TG_DC": "9", "TG_TEST_DC": "maybe", "TG_API_HASH": "secret-value"])
        _ = TelegramConfiguration.parse(&bad)
        bad.require(["TG_PHONE"])
        #expect(bad.problems.first == "TG_PHONE is required")
        for key in ["TG_API_ID", "TG_DC", "TG_TEST_DC", "TG_API_HASH"] { #expect(bad.problems.contains { $0.hasPrefix(key) }) }
        #expect(!bad.problems.joined().contains("secret-value"))
    }

    @Test func descriptionsHideTheSecrets() {
        var c: TelegramConfiguration = TelegramConfiguration()
        c.apiHash = "0123456789abcdef0123456789abcdef"
        c.password = "hunter2-password"
        c.code = "98765"
        var dumped: String = ""
        dump(c, to: &dumped)
        for text in [c.description, c.debugDescription, String(reflecting: c), dumped] {
            for secret in ["0123456789abcdef0123456789abcdef", "hunter2-password", "98765"] { #expect(!text.contains(secret)) }
        }
        #expect(c.description.contains("apiHash: [redacted]"))
    }

    @Test func aSharedFileKeepsTheOtherProgramsKeysOnlyWhenAccepted() {
        let text: String = "TG_API_ID=1\nOPENAI_API_KEY=sk-x\n"
        let onlyTG: Result<[String: String], ConfigurationFile.Failure> = ConfigurationFile.parse(text) { TelegramConfiguration.keys.contains($0) }
        #expect(onlyTG == .failure(.unknownKey(line: 2, key: "OPENAI_API_KEY")))
        let shared: Result<[String: String], ConfigurationFile.Failure> = ConfigurationFile.parse(text) { _ in true }
        #expect((try? shared.get())?["TG_API_ID"] == "1")
        let merged: Result<[String: String], ConfigurationFile.Failure> = ConfigurationFile.merged(
            path: nil, keys: ["TG_DC"], accepts: { _ in true }, environment: ["TG_DC": "3", "HOME": "/x"], flags: ["TG_DC": "4", "TG_PHONE": nil])
        #expect((try? merged.get()) == ["TG_DC": "4"])
    }
}
