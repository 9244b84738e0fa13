import Foundation
import MTProto
import Telegram

/// Every setting of the bot, from (lowest to highest precedence) a configuration file, the
/// environment, and command-line flags. Keys are the environment variable names; see
/// `config.example.env` for each one's meaning.
@dynamicMemberLookup
public struct BotConfiguration: Sendable {
    /// The `TG_*` keys: where to connect and how to log in (shared with `tg`); its fields read as
    /// the bot's own (`configuration.apiID`).
    public var telegram: TelegramConfiguration = TelegramConfiguration()
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
    public static let keys: [String] = TelegramConfiguration.keys + [
        "OPENAI_API_KEY", "OPENAI_MODEL", "OPENAI_BASE_URL", "OPENAI_SYSTEM_PROMPT", "OPENAI_TIMEOUT",
        "OPENAI_MAX_TOKENS", "OPENAI_ALLOW_INSECURE", "USERBOT_LOG_DIR", "USERBOT_DUMP_DIR", "USERBOT_FLOOD_SLEEP_THRESHOLD",
        "USERBOT_REPLY_TO", "USERBOT_DENY", "USERBOT_BURSTS", "USERBOT_PERSON_HOURLY_LIMIT", "USERBOT_CONCURRENCY", "USERBOT_DAILY_LIMIT",
        "USERBOT_MAX_PROMPT_CHARS", "USERBOT_MAX_AGE", "USERBOT_DUMP_KEEP", "USERBOT_RECENT_PEOPLE",
    ]

    /// Keys whose values are secret (never echoed; redacted from logs).
    public static let secretKeys: Set<String> = TelegramConfiguration.secretKeys.union(["OPENAI_API_KEY"])

    /// The secrets this configuration holds, for the log redactor.
    public var secrets: [String?] { telegram.secrets + [openAIKey] }

    /// Every setting at its default and nothing read or checked; ``parse(_:for:)`` builds a checked one.
    public init() {}

    /// A `TG_*` setting, read and written as if it were the bot's own.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<TelegramConfiguration, Value>) -> Value {
        get { telegram[keyPath: keyPath] }
        set { telegram[keyPath: keyPath] = newValue }
    }

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
        var reader: ConfigurationReader = ConfigurationReader(values)
        var c: BotConfiguration = BotConfiguration()
        c.telegram = TelegramConfiguration.parse(&reader)
        func value(_ key: String) -> String? { reader.value(key) }
        c.openAIKey = value("OPENAI_API_KEY")
        if let v = value("OPENAI_MODEL") { c.openAIModel = v }
        if let v = reader.flag("OPENAI_ALLOW_INSECURE") { c.openAIAllowInsecure = v }
        if let v = value("OPENAI_BASE_URL") {
            if let url = URL(string: v), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty {
                if scheme == "http", !c.openAIAllowInsecure, !LocalAddress.isLoopbackOrPrivate(host) {
                    reader.problems.append("OPENAI_BASE_URL must use https unless it is a loopback or private address (or OPENAI_ALLOW_INSECURE=true)")
                } else {
                    c.openAIBaseURL = url
                }
            } else {
                reader.problems.append("OPENAI_BASE_URL must be an http(s) URL")
            }
        }
        c.systemPrompt = value("OPENAI_SYSTEM_PROMPT")
        if let v = value("OPENAI_TIMEOUT") {
            if let s = Int(v), (1 ... 600).contains(s) { c.openAITimeout = s } else { reader.problems.append("OPENAI_TIMEOUT must be a number of seconds from 1 to 600") }
        }
        if let v = value("OPENAI_MAX_TOKENS") {
            if let n = Int(v), n > 0 { c.openAIMaximumTokens = n } else { reader.problems.append("OPENAI_MAX_TOKENS must be a positive integer") }
        }
        if let v = value("USERBOT_LOG_DIR") { c.logDirectory = v }
        if let v = value("USERBOT_DUMP_DIR") { c.dumpDirectory = v }
        if let v = value("USERBOT_FLOOD_SLEEP_THRESHOLD") {
            if let s = Int(v), s >= 0 { c.floodSleepThreshold = s } else { reader.problems.append("USERBOT_FLOOD_SLEEP_THRESHOLD must be a number of seconds (0 or more)") }
        }
        parseBotSettings(&reader, into: &c)
        let required: [String]
        switch requirement {
        case .run: required = ["TG_API_ID", "TG_API_HASH", "OPENAI_API_KEY"]
        case .login: required = ["TG_API_ID", "TG_API_HASH", "TG_PHONE"]
        case .logout: required = ["TG_API_ID"]
        case .diagnostics: required = []
        }
        if requirement == .diagnostics, value("TG_API_ID") == nil, value("TG_SERVER") == nil {
            reader.problems.append("TG_API_ID is required for Telegram's servers: a real api_id from my.telegram.org (only another server may go without)")
        }
        reader.require(required)
        return reader.problems.isEmpty ? .success(c) : .failure(ConfigurationError(problems: reader.problems))
    }

    /// The reply policy, limits and retention keys (`USERBOT_REPLY_TO` … `USERBOT_RECENT_PEOPLE`).
    private static func parseBotSettings(_ reader: inout ConfigurationReader, into c: inout BotConfiguration) {
        func value(_ key: String) -> String? { reader.value(key) }
        func people(_ key: String) -> [ReplyPolicy.Person]? {
            guard let v = value(key) else { return [] }
            let items: [String] = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let parsed: [ReplyPolicy.Person] = items.compactMap { ReplyPolicy.Person($0) }
            guard parsed.count == items.count else {
                reader.problems.append("\(key) must list user ids or @usernames, separated by commas")
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
            if let mode = BurstMode(rawValue: v.lowercased()) { c.behaviour.bursts = mode } else { reader.problems.append("USERBOT_BURSTS must be each or together") }
        }
        if let n = reader.integer("USERBOT_PERSON_HOURLY_LIMIT", 1 ... 100_000, "a number of model calls (1 or more)") { c.behaviour.personHourlyLimit = n }
        if let n = reader.integer("USERBOT_CONCURRENCY", 1 ... 64, "a number of model calls at once from 1 to 64") { c.behaviour.concurrency = n }
        if let n = reader.integer("USERBOT_DAILY_LIMIT", 0 ... 10_000_000, "a number of model calls (0 for no limit)") { c.behaviour.dailyLimit = n }
        if let n = reader.integer("USERBOT_MAX_PROMPT_CHARS", 1_000 ... 10_000_000, "a number of characters (1000 or more)") {
            c.behaviour.maximumPromptCharacters = n
        }
        if let n = reader.integer("USERBOT_DUMP_KEEP", 1 ... 1_000_000, "a number of dumps (1 or more)") { c.dumpKeep = n }
        if let n = reader.integer("USERBOT_RECENT_PEOPLE", 1 ... 10_000_000, "a number of people (1 or more)") { c.recentPeople = n }
        if let v = value("USERBOT_MAX_AGE") {
            if let age = parseDuration(v), age > .zero { c.behaviour.maximumAge = age } else {
                reader.problems.append("USERBOT_MAX_AGE must be a duration such as 90m, 24h, 2d or a number of seconds")
            }
        }
        if let prompt = c.systemPrompt, prompt.count >= c.behaviour.maximumPromptCharacters / 2 {
            reader.problems.append("OPENAI_SYSTEM_PROMPT must be shorter than half of USERBOT_MAX_PROMPT_CHARS")
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
        try telegram.clientConfiguration(deviceModel: "Swift userbot", appVersion: "1.0")
    }
}

extension ConfigurationFile {
    /// Parses file text with the bot's keys.
    public static func parse(_ text: String) -> Result<[String: String], Failure> {
        parse(text) { BotConfiguration.keys.contains($0) }
    }

    /// Reads and parses a file with the bot's keys.
    public static func load(path: String) -> Result<[String: String], Failure> {
        load(path: path) { BotConfiguration.keys.contains($0) }
    }
}
