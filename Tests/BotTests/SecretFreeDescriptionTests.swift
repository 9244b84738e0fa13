import Bot
import Foundation
import Telegram
import Testing

/// `description`, `debugDescription`, `dump`, `String(reflecting:)` and `Mirror` of every public type
/// holding a secret show `[redacted]` instead.
struct SecretFreeDescriptionTests {
    static let apiHash: String = "0123456789abcdef0123456789abcdef"
    static let key: String = "sk-description-secret"
    static let password: String = "hunter2-password"
    static let code: String = "97531"

    /// Every textual form of `value`.
    static func renderings(_ value: Any) -> [String] {
        var dumped: String = ""
        dump(value, to: &dumped)
        let mirrored: String = Mirror(reflecting: value).children.map { "\($0.label ?? ""): \($0.value)" }.joined(separator: "\n")
        return [dumped, String(describing: value), String(reflecting: value), mirrored, "\(value)"]
    }

    static func expectNoSecret(_ value: Any, shown: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for text in renderings(value) {
            for secret in [apiHash, key, password, code] {
                #expect(!text.contains(secret), "a secret in: \(text)", sourceLocation: sourceLocation)
            }
            #expect(text.contains("[redacted]"), "nothing redacted in: \(text)", sourceLocation: sourceLocation)
            for field in shown { #expect(text.contains(field), "\(field) missing from: \(text)", sourceLocation: sourceLocation) }
        }
    }

    @Test func botConfiguration() throws {
        let values: [String: String] = [
            "TG_API_ID": "12345", "TG_API_HASH": Self.apiHash, "TG_PASSWORD": Self.password, "TG_CODE": Self.code, "OPENAI_API_KEY": Self.key,
            "OPENAI_MODEL": "gpt-visible",
        ]
        let configuration: BotConfiguration = try BotConfiguration.parse(values, for: .run).get()
        Self.expectNoSecret(configuration, shown: ["12345", "gpt-visible"])
    }

    @Test func openAIConfigurationAndTheModelHoldingIt() {
        let configuration: OpenAIConfiguration = OpenAIConfiguration(apiKey: Self.key, model: "gpt-visible")
        Self.expectNoSecret(configuration, shown: ["gpt-visible"])
        Self.expectNoSecret(OpenAIChatModel(configuration: configuration), shown: ["gpt-visible"])
    }

    @Test func loginFlow() {
        var flow: LoginFlow = LoginFlow(apiID: 777, apiHash: Self.apiHash, phone: "15550001111", code: Self.code, password: Self.password, prompter: NoPrompter())
        flow.logoutTokens = [Array("future-token-credential".utf8)]
        Self.expectNoSecret(flow, shown: ["777", "15550001111", "1 token(s)"])
        for text in Self.renderings(flow) { #expect(!text.contains("102, 117, 116")) }
    }
}
