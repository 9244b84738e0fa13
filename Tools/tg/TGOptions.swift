import ArgumentParser
import Foundation
import Telegram
import TelegramOptions

/// The connection flags every `tg` command shares, merged over the environment and the file.
struct TGOptions: ParsableArguments {
    @OptionGroup var telegram: TelegramOptions

    @Option(
        name: .customLong("flood-sleep-threshold"),
        help: "FLOOD_WAITs up to this many seconds are waited out; longer ones exit with status 3 (default: USERBOT_FLOOD_SLEEP_THRESHOLD, else 60).")
    var floodSleepThreshold: Int?

    /// The settings: file < environment < flags, checked. Exit status 2 names every problem.
    func load(requiring required: [String] = []) throws -> (TelegramConfiguration, floodThreshold: Int) {
        let merged: Result<[String: String], ConfigurationFile.Failure> = ConfigurationFile.merged(
            path: telegram.config, keys: TelegramConfiguration.keys + ["USERBOT_FLOOD_SLEEP_THRESHOLD"], accepts: TelegramConfiguration.acceptsSharedFileKey,
            environment: ProcessInfo.processInfo.environment, flags: telegram.flags)
        let values: [String: String]
        switch merged {
        case .success(let v): values = v
        case .failure(let failure): throw TGExit.badInput(failure.description)
        }
        var reader: ConfigurationReader = ConfigurationReader(values)
        let configuration: TelegramConfiguration = TelegramConfiguration.parse(&reader)
        let threshold: Int =
            floodSleepThreshold ?? reader.integer("USERBOT_FLOOD_SLEEP_THRESHOLD", 0 ... 86_400, "a number of seconds (0 or more)") ?? 60
        reader.require(required)
        if !reader.problems.isEmpty { throw TGExit.badInput(ConfigurationError(problems: reader.problems).description) }
        return (configuration, threshold)
    }
}

extension TGOptions {
    /// The secrets of the configuration, for hiding them in the error line (empty when it does not load).
    var secrets: () -> [String] {
        let options: TGOptions = self
        return { (try? options.load().0.secrets.compactMap { $0 }) ?? [] }
    }
}
