import ArgumentParser
import Bot
import Foundation
import Telegram
import TelegramOptions

/// The settings flags every bot command shares, merged over the environment and the file.
struct ConfigurationOptions: ParsableArguments {
    @OptionGroup var telegram: TelegramOptions

    @Option(name: .customLong("openai-model"), help: "OPENAI_MODEL (default gpt-4o-mini).")
    var openAIModel: String?

    @Option(name: .customLong("openai-base-url"), help: "OPENAI_BASE_URL (default https://api.openai.com/v1).")
    var openAIBaseURL: String?

    @Option(name: .customLong("system-prompt"), help: "OPENAI_SYSTEM_PROMPT.")
    var systemPrompt: String?

    @Option(name: .customLong("openai-timeout"), help: "OPENAI_TIMEOUT in seconds per request (default 60).")
    var openAITimeout: String?

    @Option(name: .customLong("log-dir"), help: "USERBOT_LOG_DIR (default logs).")
    var logDirectory: String?

    @Option(name: .customLong("dump-dir"), help: "USERBOT_DUMP_DIR (default dumps).")
    var dumpDirectory: String?

    @Option(name: .customLong("flood-sleep-threshold"), help: "USERBOT_FLOOD_SLEEP_THRESHOLD in seconds (default 60).")
    var floodSleepThreshold: String?

    /// File < environment < flags.
    func merged() throws -> [String: String] {
        try mergeSettings(configPath: telegram.config, flags: telegram.flags.merging([
            "OPENAI_MODEL": openAIModel, "OPENAI_BASE_URL": openAIBaseURL,
            "OPENAI_SYSTEM_PROMPT": systemPrompt, "OPENAI_TIMEOUT": openAITimeout, "USERBOT_LOG_DIR": logDirectory, "USERBOT_DUMP_DIR": dumpDirectory,
            "USERBOT_FLOOD_SLEEP_THRESHOLD": floodSleepThreshold,
        ]) { a, _ in a })
    }

    /// The configuration for a command, its secrets added to `redactor`, or exit status 2 with every problem named.
    func load(for requirement: BotConfiguration.Requirement, redactor: SecretRedactor) throws -> BotConfiguration {
        try checked(BotConfiguration.parse(try merged(), for: requirement), redactor: redactor)
    }
}

/// A parsed configuration with its secrets added to `redactor`, or exit status 2 with every problem named.
func checked(_ parsed: Result<BotConfiguration, ConfigurationError>, redactor: SecretRedactor) throws -> BotConfiguration {
    switch parsed {
    case .success(let configuration):
        for secret in configuration.secrets.compactMap({ $0 }) { redactor.add(secret) }
        return configuration
    case .failure(let error): throw ConfigurationExit(message: error.description)
    }
}

/// The settings from the file at `configPath` (if any), overridden by the environment, overridden by `flags` (nil: not given).
func mergeSettings(configPath: String?, flags: [String: String?]) throws -> [String: String] {
    var values: [String: String] = [:]
    if let configPath {
        switch ConfigurationFile.load(path: configPath) {
        case .success(let file): values = file
        case .failure(let error): throw ConfigurationExit(message: error.description)
        }
    }
    let environment: [String: String] = ProcessInfo.processInfo.environment
    for key in BotConfiguration.keys { if let value = environment[key] { values[key] = value } }
    for (key, value) in flags { if let value { values[key] = value } }
    return values
}

/// A configuration problem: printed, then exit status 2.
struct ConfigurationExit: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs a command body, mapping configuration problems to status 2 and other failures to 1. The body
/// gets the redactor of the command: the configuration's secrets are added to it when it is loaded,
/// codes and passwords when they are typed, and the last error line printed here passes through it.
func runReportingErrors(_ body: (SecretRedactor) async throws -> Void) async throws {
    let redactor: SecretRedactor = SecretRedactor([])
    do {
        try await body(redactor)
    } catch let exit as ConfigurationExit {
        FileHandle.standardError.write(Data("userbot: \(redactor.redact(exit.message))\n".utf8))
        throw ExitCode(2)
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data("userbot: \(error)\n".utf8))
        throw ExitCode(2)
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("userbot: \(redactor.redact(String(describing: error)))\n".utf8))
        throw ExitCode(1)
    }
}
