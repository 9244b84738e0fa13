import Telegram
import Bot
import Foundation
import Telegram
import Testing

struct ConfigurationTests {
    static let hash: String = "0123456789abcdef0123456789abcdef"

    @Test func aFileIsParsedWithCommentsQuotesAndExport() throws {
        let text: String = """
            # comment
            TG_API_ID=12345
            export TG_API_HASH="\(Self.hash)"
            OPENAI_SYSTEM_PROMPT='Be brief.'

            TG_PHONE = +1 555 000 1111
            """
        let values: [String: String] = try ConfigurationFile.parse(text).get()
        let configuration: BotConfiguration = try BotConfiguration.parse(values.merging(["OPENAI_API_KEY": "sk-test"]) { $1 }, for: .run).get()
        #expect(configuration.apiID == 12345)
        #expect(configuration.apiHash == Self.hash)
        #expect(configuration.systemPrompt == "Be brief.")
        #expect(configuration.phone == "15550001111")
        #expect(configuration.openAIModel == "gpt-4o-mini")
        #expect(configuration.sessionPath == "userbot.session")
    }

    @Test func badFilesAreRejectedWithTheLine() {
        #expect(ConfigurationFile.parse("TG_API_ID=1\nnonsense\n") == .failure(.malformedLine(2)))
        #expect(ConfigurationFile.parse("TG_APIID=1") == .failure(.unknownKey(line: 1, key: "TG_APIID")))
    }

    @Test func everyProblemIsNamedAtOnceAndNoSecretIsEchoed() {
        let values: [String: String] = [
            "TG_API_HASH": "not-a-hash-secret", "TG_DC": "9", "TG_TRANSPORT": "carrier-pigeon", "USERBOT_FLOOD_SLEEP_THRESHOLD": "-1",
            "OPENAI_BASE_URL": "ftp://x", "OPENAI_TIMEOUT": "0",
        ]
        guard case .failure(let error) = BotConfiguration.parse(values, for: .run) else {
            Issue.record("accepted an invalid configuration")
            return
        }
        let text: String = error.description
        for key in [
            "TG_API_ID is required", "OPENAI_API_KEY is required", "TG_API_HASH", "TG_DC", "TG_TRANSPORT", "USERBOT_FLOOD_SLEEP_THRESHOLD", "OPENAI_BASE_URL",
            "OPENAI_TIMEOUT",
        ] {
            #expect(text.contains(key), "\(key) missing from \(text)")
        }
        #expect(!text.contains("not-a-hash-secret"))
        #expect(error.problems.count == 8)
    }

    static func baseURLProblems(_ url: String, allowInsecure: String? = nil) -> [String] {
        var values: [String: String] = ["OPENAI_BASE_URL": url, "TG_API_ID": "12345"]
        values["OPENAI_ALLOW_INSECURE"] = allowInsecure
        switch BotConfiguration.parse(values, for: .diagnostics) {
        case .success(let configuration):
            #expect(configuration.openAIBaseURL.absoluteString == url)
            return []
        case .failure(let error): return error.problems
        }
    }

    @Test func plainHTTPIsOnlyForLoopbackAndPrivateAddressesUnlessAllowed() {
        for local in [
            "http://127.0.0.1:8080/v1", "http://127.9.9.9/v1", "http://localhost:11434/v1", "http://LOCALHOST/v1", "http://[::1]:8000/v1",
            "http://10.1.2.3/v1", "http://172.16.0.1/v1", "http://172.31.255.255/v1", "http://192.168.1.20:8000/v1", "http://[fd12:3456::1]/v1",
            "http://[fc00::1]/v1", "https://api.example.com/v1",
        ] {
            #expect(Self.baseURLProblems(local) == [], "\(local) was refused")
        }
        let refusal: String = "OPENAI_BASE_URL must use https unless it is a loopback or private address (or OPENAI_ALLOW_INSECURE=true)"
        for remote in [
            "http://api.openai.com/v1", "http://8.8.8.8/v1", "http://172.32.0.1/v1", "http://172.15.0.1/v1", "http://192.169.0.1/v1",
            "http://11.0.0.1/v1", "http://[2001:db8::1]/v1", "http://[fe80::1]/v1", "http://localhost.example.com/v1",
        ] {
            #expect(Self.baseURLProblems(remote) == [refusal], "\(remote) was accepted")
        }
        #expect(Self.baseURLProblems("http://api.example.com/v1", allowInsecure: "true") == [])
        #expect(Self.baseURLProblems("http://api.example.com/v1", allowInsecure: "false") == [refusal])
        #expect(Self.baseURLProblems("https://api.example.com/v1", allowInsecure: "maybe") == ["OPENAI_ALLOW_INSECURE must be true or false"])
    }

    @Test func theTokenLimitIsAPositiveInteger() throws {
        #expect(try BotConfiguration.parse(["TG_API_ID": "1"], for: .logout).get().openAIMaximumTokens == nil)
        #expect(try BotConfiguration.parse(["OPENAI_MAX_TOKENS": " 512 ", "TG_API_ID": "1"], for: .logout).get().openAIMaximumTokens == 512)
        for bad in ["0", "-5", "many", "1.5", "99999999999999999999"] {
            guard case .failure(let error) = BotConfiguration.parse(["OPENAI_MAX_TOKENS": bad, "TG_API_ID": "1"], for: .logout) else {
                Issue.record("OPENAI_MAX_TOKENS=\(bad) accepted")
                continue
            }
            #expect(error.problems == ["OPENAI_MAX_TOKENS must be a positive integer"])
        }
    }

    @Test func loginNeedsThePhoneAndLogoutOnlyTheAPIID() {
        guard case .failure(let login) = BotConfiguration.parse(["TG_API_ID": "1", "TG_API_HASH": Self.hash], for: .login) else {
            Issue.record("login without a phone accepted")
            return
        }
        #expect(login.problems == ["TG_PHONE is required"])
        #expect((try? BotConfiguration.parse(["TG_API_ID": "1"], for: .logout).get()) != nil)
    }

    @Test func runNeedsThePhoneOnlyToLogIn() throws {
        let run: BotConfiguration = try BotConfiguration.parse(
            ["TG_API_ID": "1", "TG_API_HASH": Self.hash, "OPENAI_API_KEY": "sk-test"], for: .run).get()
        #expect {
            _ = try run.loginFlow(prompter: NoPrompter())
        } throws: { (error: any Error) -> Bool in
            (error as? ConfigurationError)?.problems == ["TG_PHONE is required to log in (this session is not logged in yet)"]
        }
        var withPhone: BotConfiguration = run
        withPhone.phone = "15550001000"
        withPhone.code = "12345"
        let flow: LoginFlow = try withPhone.loginFlow(prompter: NoPrompter())
        #expect(flow.apiID == 1 && flow.apiHash == Self.hash && flow.phone == "15550001000" && flow.code == "12345")
    }

    @Test func diagNeedsARealAPIIDExceptForAnotherServer() throws {
        guard case .failure(let missing) = BotConfiguration.parse([:], for: .diagnostics) else {
            Issue.record("diag without an api_id accepted for Telegram's servers")
            return
        }
        #expect(missing.problems.count == 1 && missing.problems[0].hasPrefix("TG_API_ID is required for Telegram's servers"))
        let local: BotConfiguration = try BotConfiguration.parse(["TG_SERVER": "127.0.0.1:4430"], for: .diagnostics).get()
        #expect(try local.clientConfiguration().apiID == 0)
        let real: BotConfiguration = try BotConfiguration.parse(["TG_API_ID": "611335"], for: .diagnostics).get()
        #expect(try real.clientConfiguration().apiID == 611335)
    }
}

/// The committed example file documents every key and parses.
/// The reply policy, limit and retention keys.
struct BehaviourConfigurationTests {
    static let base: [String: String] = ["TG_API_ID": "1"]

    @Test func thePolicyAndLimitKeysAreParsedIntoTheBotsSettings() throws {
        var values: [String: String] = Self.base
        values.merge([
            "USERBOT_REPLY_TO": "@alice_1, 42", "USERBOT_DENY": "7", "USERBOT_BURSTS": "together", "USERBOT_PERSON_HOURLY_LIMIT": "5",
            "USERBOT_CONCURRENCY": "2", "USERBOT_DAILY_LIMIT": "0", "USERBOT_MAX_PROMPT_CHARS": "8_000", "USERBOT_MAX_AGE": "90m",
            "USERBOT_DUMP_KEEP": "7", "USERBOT_RECENT_PEOPLE": "50", "OPENAI_SYSTEM_PROMPT": "be kind", "USERBOT_DUMP_DIR": "/tmp/d",
        ]) { $1 }
        let configuration: BotConfiguration = try BotConfiguration.parse(values, for: .logout).get()
        let settings: BotSettings = configuration.botSettings()
        #expect(settings.replyPolicy == ReplyPolicy(audience: .only([.username("alice_1"), .id(42)]), deny: [.id(7)]))
        #expect(settings.bursts == .together)
        #expect(settings.personHourlyLimit == 5 && settings.concurrency == 2 && settings.dailyLimit == 0)
        #expect(settings.maximumPromptCharacters == 8_000)
        #expect(settings.maximumAge == .seconds(5_400))
        #expect(settings.systemPrompt == "be kind" && settings.dumpDirectory.path == "/tmp/d")
        #expect(configuration.dumpKeep == 7 && configuration.recentPeople == 50)
        let defaults: BotSettings = try BotConfiguration.parse(Self.base, for: .logout).get().botSettings()
        #expect(defaults.replyPolicy == ReplyPolicy() && defaults.bursts == .each && defaults.personHourlyLimit == 30)
        #expect(defaults.concurrency == 4 && defaults.dailyLimit == 500 && defaults.maximumPromptCharacters == 24_000)
        #expect(defaults.maximumAge == .seconds(86_400))
        for (key, value) in [("USERBOT_REPLY_TO", "contacts"), ("USERBOT_REPLY_TO", "mutual"), ("USERBOT_REPLY_TO", "EVERYONE")] {
            let parsed: BotSettings = try BotConfiguration.parse(Self.base.merging([key: value]) { $1 }, for: .logout).get().botSettings()
            let expected: [String: ReplyPolicy.Audience] = ["contacts": .contacts, "mutual": .mutualContacts, "EVERYONE": .everyone]
            #expect(parsed.replyPolicy.audience == expected[value])
        }
    }

    @Test func badValuesAreNamedByTheirKey() {
        let bad: [String: String] = [
            "USERBOT_REPLY_TO": "@a b", "USERBOT_DENY": "x", "USERBOT_BURSTS": "sometimes", "USERBOT_PERSON_HOURLY_LIMIT": "0",
            "USERBOT_CONCURRENCY": "65", "USERBOT_DAILY_LIMIT": "-1", "USERBOT_MAX_PROMPT_CHARS": "10", "USERBOT_MAX_AGE": "soon",
            "USERBOT_DUMP_KEEP": "0", "USERBOT_RECENT_PEOPLE": "many",
        ]
        guard case .failure(let error) = BotConfiguration.parse(Self.base.merging(bad) { $1 }, for: .logout) else {
            Issue.record("accepted")
            return
        }
        for key in bad.keys { #expect(error.problems.contains { $0.hasPrefix(key) }, "\(key) not named") }
        #expect(error.problems.count == bad.count)
        let long: [String: String] = Self.base.merging(["OPENAI_SYSTEM_PROMPT": String(repeating: "x", count: 600), "USERBOT_MAX_PROMPT_CHARS": "1000"]) { $1 }
        guard case .failure(let tooLong) = BotConfiguration.parse(long, for: .logout) else {
            Issue.record("a system prompt over half the budget was accepted")
            return
        }
        #expect(tooLong.problems == ["OPENAI_SYSTEM_PROMPT must be shorter than half of USERBOT_MAX_PROMPT_CHARS"])
    }
}

struct ConfigurationExampleTests {
    @Test func theExampleNamesEveryKeyAndParses() throws {
        let url: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config.example.env")
        let text: String = try String(contentsOf: url, encoding: .utf8)
        for key in BotConfiguration.keys { #expect(text.contains(key + "="), "\(key) is not documented") }
        let values: [String: String] = try ConfigurationFile.parse(text).get()
        #expect(throws: Never.self) { try BotConfiguration.parse(values, for: .login).get() }
    }
}
