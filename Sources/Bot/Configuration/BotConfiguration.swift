import Foundation
import MTProto

/// Every setting of the bot, from (lowest to highest precedence) a configuration file, the
/// environment, and command-line flags. Keys are the environment variable names; see
/// `config.example.env` for each one's meaning.
public struct BotConfiguration: Sendable {
    /// `TG_API_ID`: the app's id from my.telegram.org (a positive integer); every command needs it.
    public var apiID: Int32?
    /// Secret.
    public var apiHash: String?
    /// `TG_PHONE`: the account's number, kept as digits only (`+`, spaces and dashes removed when parsed).
    public var phone: String?
    /// Secret.
    public var password: String?
    /// Secret.
    public var code: String?
    /// `TG_SESSION`: the session file (auth keys, update state, peers, memory), created with mode 0600.
    public var sessionPath: String = "userbot.session"
    /// `TG_SERVER`: another server (for example a local `testdc`) used as DC ``dc`` instead of Telegram's
    /// address; when set it is the only DC the client knows.
    public var server: (host: String, port: Int)?
    /// `TG_DC`: the id (1–5) of the DC to start with; picks Telegram's address for it, or names ``server``.
    public var dc: Int = 2
    /// `TG_RSA_KEY`: a PEM file with the server's RSA public key (checked readable when parsed); nil uses
    /// Telegram's built-in keys for production or the test servers.
    public var rsaKeyPath: String?
    /// `TG_TRANSPORT`: the TCP framing; `obfuscated` selects padded intermediate and sets ``obfuscated``.
    public var transport: TransportKind = .intermediate
    /// Set by `TG_TRANSPORT=obfuscated`: the connection is obfuscated (straight to the DC, no proxy secret).
    public var obfuscated: Bool = false
    /// `TG_PROXY`: the proxy every connection goes through: `socks5://[user:pass@]host:port`, or an
    /// MTProxy link (`tg://proxy?server=…&port=…&secret=…`, `https://t.me/proxy?…`). Its password or
    /// secret is a secret.
    public var proxy: ProxySettings?
    /// `TG_TEST_DC`: Telegram's test servers (their addresses and RSA keys) instead of production.
    public var testServers: Bool = false
    /// Secret.
    public var openAIKey: String?
    /// `OPENAI_MODEL`: the model name sent in every chat-completions request.
    public var openAIModel: String = "gpt-4o-mini"
    /// `OPENAI_BASE_URL`: the API root (https, or http to a loopback or private address unless
    /// ``openAIAllowInsecure``), so any OpenAI-compatible server can be used; `chat/completions` is appended to it.
    public var openAIBaseURL: URL = URL(string: "https://api.openai.com/v1")!
    /// `OPENAI_ALLOW_INSECURE`: accept an `http://` ``openAIBaseURL`` to any host (the key then crosses
    /// the network in clear text); false by default.
    public var openAIAllowInsecure: Bool = false
    /// `OPENAI_SYSTEM_PROMPT`: sent first in every request when set.
    public var systemPrompt: String?
    /// `OPENAI_TIMEOUT`: seconds one OpenAI request may take in all (even while bytes keep arriving)
    /// before it is given up and retried (1 to 600; default 60).
    public var openAITimeout: Int = 60
    /// `OPENAI_MAX_TOKENS`: the most tokens one answer may have, sent as `max_completion_tokens`
    /// (a positive integer); nil sends no limit.
    public var openAIMaximumTokens: Int?
    /// `USERBOT_LOG_DIR`: the folder of `errors.log` (error level and above); relative to the working directory.
    public var logDirectory: String = "logs"
    /// `USERBOT_DUMP_DIR`: the folder the context dumps (`context_YYYYMMDD_HHMMSS.json`) are written to.
    public var dumpDirectory: String = "dumps"
    /// `USERBOT_FLOOD_SLEEP_THRESHOLD`: `FLOOD_WAIT`s up to this many seconds are waited out; longer ones
    /// fail the call.
    public var floodSleepThreshold: Int = 60
    /// `USERBOT_REPLY_TO`, `USERBOT_DENY`, `USERBOT_BURSTS`, `USERBOT_PERSON_HOURLY_LIMIT`,
    /// `USERBOT_CONCURRENCY`, `USERBOT_DAILY_LIMIT`, `USERBOT_MAX_PROMPT_CHARS` and `USERBOT_MAX_AGE`: who
    /// gets an answer and what it may cost, kept as the bot's settings (``botSettings()`` adds the
    /// system prompt and the dump folder).
    public var behaviour: BotSettings = BotSettings(dumpDirectory: URL(fileURLWithPath: "dumps"))
    /// `USERBOT_DUMP_KEEP`: how many context dumps are kept (the newest; 1 or more).
    public var dumpKeep: Int = 100
    /// `USERBOT_RECENT_PEOPLE`: how many people's memory stays in RAM (the others are read from the
    /// session file when they write; 1 or more).
    public var recentPeople: Int = 1000

    /// Every key the loader knows.
    public static let keys: [String] = [
        "TG_API_ID", "TG_API_HASH", "TG_PHONE", "TG_PASSWORD", "TG_CODE", "TG_SESSION", "TG_SERVER", "TG_DC", "TG_RSA_KEY",
        "TG_TRANSPORT", "TG_PROXY", "TG_TEST_DC", "OPENAI_API_KEY", "OPENAI_MODEL", "OPENAI_BASE_URL", "OPENAI_SYSTEM_PROMPT", "OPENAI_TIMEOUT",
        "OPENAI_MAX_TOKENS", "OPENAI_ALLOW_INSECURE", "USERBOT_LOG_DIR", "USERBOT_DUMP_DIR", "USERBOT_FLOOD_SLEEP_THRESHOLD",
        "USERBOT_REPLY_TO", "USERBOT_DENY", "USERBOT_BURSTS", "USERBOT_PERSON_HOURLY_LIMIT", "USERBOT_CONCURRENCY", "USERBOT_DAILY_LIMIT",
        "USERBOT_MAX_PROMPT_CHARS", "USERBOT_MAX_AGE", "USERBOT_DUMP_KEEP", "USERBOT_RECENT_PEOPLE",
    ]

    /// Keys whose values are secret (never echoed; redacted from logs).
    public static let secretKeys: Set<String> = ["TG_API_HASH", "TG_PASSWORD", "TG_CODE", "OPENAI_API_KEY", "TG_PROXY"]

    /// The secrets this configuration holds, for the log redactor (the proxy's password, or its
    /// MTProxy secret in every form a link may carry).
    public var secrets: [String?] { [apiHash, password, code, openAIKey] + (proxy?.secretForms ?? []) }

    /// Every setting at its default and nothing read or checked; ``parse(_:for:)`` builds a checked one.
    public init() {}

    /// What a command needs.
    public enum Requirement: Sendable {
        /// `run`: Telegram credentials and the OpenAI key.
        case run
        /// `login`: Telegram credentials and the phone number.
        case login
        /// `logout`: the Telegram api_id.
        case logout
        /// `diag`: where to connect, and `TG_API_ID` unless `TG_SERVER` names another server (Telegram's
        /// servers want a real api_id in `initConnection`; a local testdc takes 0).
        case diagnostics
    }

    /// Reads `values` (file, environment and flags already merged). Every problem is reported at
    /// once, each naming its key; values are never repeated in messages.
    public static func parse(_ values: [String: String], for requirement: Requirement) -> Result<BotConfiguration, ConfigurationError> {
        var c: BotConfiguration = BotConfiguration()
        var problems: [String] = []
        func value(_ key: String) -> String? {
            guard let v = values[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func flag(_ key: String) -> Bool? {
            guard let v = value(key) else { return nil }
            switch v.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no": return false
            default:
                problems.append("\(key) must be true or false")
                return nil
            }
        }
        if let v = value("TG_API_ID") {
            if let id = Int32(v), id > 0 { c.apiID = id } else { problems.append("TG_API_ID must be a positive integer (from my.telegram.org)") }
        }
        c.apiHash = value("TG_API_HASH")
        if let hash = c.apiHash, hash.count != 32 || !hash.allSatisfy(\.isHexDigit) {
            problems.append("TG_API_HASH must be the 32 hexadecimal characters from my.telegram.org")
        }
        if let v = value("TG_PHONE") {
            let digits: String = v.filter { $0 != " " && $0 != "-" }
            let bare: Substring = digits.hasPrefix("+") ? digits.dropFirst() : Substring(digits)
            if bare.count >= 5, bare.count <= 16, bare.allSatisfy({ $0.isASCII && $0.isNumber }) { c.phone = String(bare) } else {
                problems.append("TG_PHONE must be a phone number in international format (+ and digits)")
            }
        }
        c.password = values["TG_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        c.code = value("TG_CODE")
        if let v = value("TG_SESSION") { c.sessionPath = v }
        if let v = value("TG_SERVER") {
            if let colon = v.lastIndex(of: ":"), let port = Int(v[v.index(after: colon)...]), (1 ... 65535).contains(port), colon != v.startIndex {
                c.server = (String(v[..<colon]), port)
            } else {
                problems.append("TG_SERVER must be HOST:PORT")
            }
        }
        if let v = value("TG_DC") {
            if let dc = Int(v), (1 ... 5).contains(dc) { c.dc = dc } else { problems.append("TG_DC must be a DC id from 1 to 5") }
        }
        c.rsaKeyPath = value("TG_RSA_KEY")
        if let path = c.rsaKeyPath, !FileManager.default.isReadableFile(atPath: path) { problems.append("TG_RSA_KEY: cannot read \(path)") }
        if let v = value("TG_TRANSPORT") {
            switch v.lowercased() {
            case "abridged": c.transport = .abridged
            case "intermediate": c.transport = .intermediate
            case "padded": c.transport = .paddedIntermediate
            case "full": c.transport = .full
            case "obfuscated":
                c.transport = .paddedIntermediate
                c.obfuscated = true
            default: problems.append("TG_TRANSPORT must be abridged, intermediate, padded, full or obfuscated")
            }
        }
        if let v = value("TG_PROXY") {
            do {
                c.proxy = try ProxySettings(link: v)
            } catch {
                problems.append("TG_PROXY: \(error)")
            }
        }
        if let v = flag("TG_TEST_DC") { c.testServers = v }
        c.openAIKey = value("OPENAI_API_KEY")
        if let v = value("OPENAI_MODEL") { c.openAIModel = v }
        if let v = flag("OPENAI_ALLOW_INSECURE") { c.openAIAllowInsecure = v }
        if let v = value("OPENAI_BASE_URL") {
            if let url = URL(string: v), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty {
                if scheme == "http", !c.openAIAllowInsecure, !LocalAddress.isLoopbackOrPrivate(host) {
                    problems.append("OPENAI_BASE_URL must use https unless it is a loopback or private address (or OPENAI_ALLOW_INSECURE=true)")
                } else {
                    c.openAIBaseURL = url
                }
            } else {
                problems.append("OPENAI_BASE_URL must be an http(s) URL")
            }
        }
        c.systemPrompt = value("OPENAI_SYSTEM_PROMPT")
        if let v = value("OPENAI_TIMEOUT") {
            if let s = Int(v), (1 ... 600).contains(s) { c.openAITimeout = s } else { problems.append("OPENAI_TIMEOUT must be a number of seconds from 1 to 600") }
        }
        if let v = value("OPENAI_MAX_TOKENS") {
            if let n = Int(v), n > 0 { c.openAIMaximumTokens = n } else { problems.append("OPENAI_MAX_TOKENS must be a positive integer") }
        }
        if let v = value("USERBOT_LOG_DIR") { c.logDirectory = v }
        if let v = value("USERBOT_DUMP_DIR") { c.dumpDirectory = v }
        if let v = value("USERBOT_FLOOD_SLEEP_THRESHOLD") {
            if let s = Int(v), s >= 0 { c.floodSleepThreshold = s } else { problems.append("USERBOT_FLOOD_SLEEP_THRESHOLD must be a number of seconds (0 or more)") }
        }
        parseBotSettings(value, into: &c, problems: &problems)
        let required: [String]
        switch requirement {
        case .run: required = ["TG_API_ID", "TG_API_HASH", "OPENAI_API_KEY"]
        case .login: required = ["TG_API_ID", "TG_API_HASH", "TG_PHONE"]
        case .logout: required = ["TG_API_ID"]
        case .diagnostics: required = []
        }
        if requirement == .diagnostics, value("TG_API_ID") == nil, value("TG_SERVER") == nil {
            problems.append("TG_API_ID is required for Telegram's servers: a real api_id from my.telegram.org (only another server may go without)")
        }
        // A key given with a bad value is reported once, by its own check above.
        problems = required.filter { value($0) == nil }.map { "\($0) is required" } + problems
        return problems.isEmpty ? .success(c) : .failure(ConfigurationError(problems: problems))
    }

    /// The reply policy, limits and retention keys (`USERBOT_REPLY_TO` … `USERBOT_RECENT_PEOPLE`).
    private static func parseBotSettings(_ value: (String) -> String?, into c: inout BotConfiguration, problems: inout [String]) {
        func people(_ key: String) -> [ReplyPolicy.Person]? {
            guard let v = value(key) else { return [] }
            let items: [String] = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let parsed: [ReplyPolicy.Person] = items.compactMap { ReplyPolicy.Person($0) }
            guard parsed.count == items.count else {
                problems.append("\(key) must list user ids or @usernames, separated by commas")
                return nil
            }
            return parsed
        }
        if let v = value("USERBOT_REPLY_TO") {
            switch v.lowercased() {
            case "everyone": c.behaviour.replyPolicy.audience = .everyone
            case "contacts": c.behaviour.replyPolicy.audience = .contacts
            case "mutual": c.behaviour.replyPolicy.audience = .mutualContacts
            default:
                if let list = people("USERBOT_REPLY_TO") { c.behaviour.replyPolicy.audience = .only(list) }
            }
        }
        if let list = people("USERBOT_DENY") { c.behaviour.replyPolicy.deny = list }
        if let v = value("USERBOT_BURSTS") {
            if let mode = BurstMode(rawValue: v.lowercased()) { c.behaviour.bursts = mode } else { problems.append("USERBOT_BURSTS must be each or together") }
        }
        func integer(_ key: String, _ range: ClosedRange<Int>, _ what: String, _ apply: (Int) -> Void) {
            guard let v = value(key) else { return }
            if let n = Int(v.replacingOccurrences(of: "_", with: "")), range.contains(n) { apply(n) } else { problems.append("\(key) must be \(what)") }
        }
        integer("USERBOT_PERSON_HOURLY_LIMIT", 1 ... 100_000, "a number of model calls (1 or more)") { c.behaviour.personHourlyLimit = $0 }
        integer("USERBOT_CONCURRENCY", 1 ... 64, "a number of model calls at once from 1 to 64") { c.behaviour.concurrency = $0 }
        integer("USERBOT_DAILY_LIMIT", 0 ... 10_000_000, "a number of model calls (0 for no limit)") { c.behaviour.dailyLimit = $0 }
        integer("USERBOT_MAX_PROMPT_CHARS", 1_000 ... 10_000_000, "a number of characters (1000 or more)") { c.behaviour.maximumPromptCharacters = $0 }
        integer("USERBOT_DUMP_KEEP", 1 ... 1_000_000, "a number of dumps (1 or more)") { c.dumpKeep = $0 }
        integer("USERBOT_RECENT_PEOPLE", 1 ... 10_000_000, "a number of people (1 or more)") { c.recentPeople = $0 }
        if let v = value("USERBOT_MAX_AGE") {
            if let age = parseDuration(v), age > .zero { c.behaviour.maximumAge = age } else {
                problems.append("USERBOT_MAX_AGE must be a duration such as 90m, 24h, 2d or a number of seconds")
            }
        }
        if let prompt = c.systemPrompt, prompt.count >= c.behaviour.maximumPromptCharacters / 2 {
            problems.append("OPENAI_SYSTEM_PROMPT must be shorter than half of USERBOT_MAX_PROMPT_CHARS")
        }
    }

    /// `90s`, `90m`, `24h`, `2d`, or a plain number of seconds.
    static func parseDuration(_ text: String) -> Duration? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits: Substring = Substring(text.lowercased())
        var unit: Int64 = 1
        if let last = digits.last, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard let n = Int64(digits), n >= 0, n <= Int64.max / unit / 2 else { return nil }
        return .seconds(n * unit)
    }

    /// The bot's behaviour settings for this configuration (everything but connecting).
    public func botSettings() -> BotSettings {
        var settings: BotSettings = behaviour
        settings.systemPrompt = systemPrompt
        settings.dumpDirectory = URL(fileURLWithPath: dumpDirectory)
        return settings
    }

    /// The client settings for this configuration.
    public func clientConfiguration() throws -> ClientConfiguration {
        let defaults: [DataCentre] = testServers ? DataCentre.test : DataCentre.production
        var target: DataCentre = defaults.first(where: { $0.id == dc }) ?? defaults[0]
        if let server { target = DataCentre(id: dc, host: server.host, port: server.port) }
        var keys: [RSAPublicKey]? = nil
        if let rsaKeyPath { keys = [try RSAPublicKey(pem: try String(contentsOfFile: rsaKeyPath, encoding: .utf8))] }
        return ClientConfiguration(
            dataCentre: target, knownDataCentres: server == nil ? nil : [target], isTestServer: testServers, rsaKeys: keys,
            transport: transport, obfuscation: obfuscated ? Obfuscation() : nil, proxy: proxy, apiID: apiID ?? 0, deviceModel: "Swift userbot",
            appVersion: "1.0")
    }
}

/// Everything wrong with a configuration, one line per problem.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One message per problem, each naming its key (missing required keys first); values are never quoted.
    public var problems: [String]

    public var description: String {
        "the configuration is incomplete or invalid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// `KEY=value` files: one setting per line, `#` comments, optional single or double quotes.
public enum ConfigurationFile {
    /// Why a configuration file was refused. Values are never quoted; an unknown key is cut to 64 characters.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadable(String)
        case malformedLine(Int)
        case unknownKey(line: Int, key: String)

        public var description: String {
            switch self {
            case .unreadable(let path): return "cannot read the configuration file \(path)"
            case .malformedLine(let line): return "configuration file line \(line): expected KEY=value"
            case .unknownKey(let line, let key): return "configuration file line \(line): unknown key \(key)"
            }
        }
    }

    /// Parses file text. Files larger than 1 MiB are refused (a configuration is a few lines).
    public static func parse(_ text: String) -> Result<[String: String], Failure> {
        var values: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line: Substring = raw.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            guard let equals = line.firstIndex(of: "=") else { return .failure(.malformedLine(index + 1)) }
            var key: String = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("export ") { key = String(key.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard BotConfiguration.keys.contains(key) else { return .failure(.unknownKey(line: index + 1, key: String(key.prefix(64)))) }
            var value: String = String(line[line.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: " \t\r"))
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return .success(values)
    }

    /// Reads and parses a file.
    public static func load(path: String) -> Result<[String: String], Failure> {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, size.intValue <= 1 << 20,
              let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable(path)) }
        return parse(String(decoding: data, as: UTF8.self))
    }
}
