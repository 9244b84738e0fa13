import Foundation

extension TelegramConfiguration {
    /// The `TG_*` settings from a configuration file (when given) overridden by the environment, checked,
    /// with `required` keys present: what a small program on this library starts with. A file may hold
    /// the userbot's keys too (`OPENAI_*`, `USERBOT_*`: left to it); any other key is refused as a typo.
    /// Throws ``ConfigurationError`` naming every problem (values never quoted).
    public static func load(
        file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, required: [String] = ["TG_API_ID"]
    ) throws(ConfigurationError) -> TelegramConfiguration {
        let merged: Result<[String: String], ConfigurationFile.Failure> = ConfigurationFile.merged(
            path: file, keys: keys, accepts: acceptsSharedFileKey, environment: environment, flags: [:])
        var reader: ConfigurationReader
        switch merged {
        case .success(let values): reader = ConfigurationReader(values)
        case .failure(let failure): throw ConfigurationError(problems: [failure.description])
        }
        let configuration: TelegramConfiguration = parse(&reader)
        reader.require(required)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }

    /// The keys of a configuration file shared with `userbot`: the `TG_*` keys are read here, the
    /// `OPENAI_*` and `USERBOT_*` ones belong to the bot.
    public static func acceptsSharedFileKey(_ key: String) -> Bool {
        keys.contains(key) || key.hasPrefix("OPENAI_") || key.hasPrefix("USERBOT_")
    }
}
