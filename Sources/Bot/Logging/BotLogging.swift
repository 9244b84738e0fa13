import Foundation
import Logging

/// The seed's logger: the console at `info` (configurable) and `logs/errors.log` with error level
/// and above only. Every line passes through a ``SecretRedactor`` first, so a secret that slipped
/// into a message (it should not) still never reaches a file or the terminal.
public enum BotLogging {
    /// A logger writing to the console and to `<logDirectory>/errors.log`. Every handler it makes shares
    /// `redactor`, so a secret added to it later (``SecretRedactor/add(_:)``) is hidden from then on.
    public static func logger(
        label: String, logDirectory: URL, consoleLevel: Logger.Level = .info, redactor: SecretRedactor = SecretRedactor([]),
        console: Bool = true
    ) -> Logger {
        let file: ErrorFileLogHandler.Sink = ErrorFileLogHandler.Sink(path: logDirectory.appendingPathComponent("errors.log"))
        return Logger(label: label) { (label: String) -> any LogHandler in
            var handlers: [any LogHandler] = [ErrorFileLogHandler(label: label, sink: file, redactor: redactor)]
            if console {
                var stream: ConsoleLogHandler = ConsoleLogHandler(label: label, redactor: redactor)
                stream.logLevel = consoleLevel
                handlers.append(stream)
            }
            var multiplex: MultiplexLogHandler = MultiplexLogHandler(handlers)
            multiplex.logLevel = min(consoleLevel, .error)
            return multiplex
        }
    }
}

/// Timestamped lines on standard error.
public struct ConsoleLogHandler: LogHandler {
    /// Metadata added to every line of this handler; an event's own metadata wins on a clash.
    public var metadata: Logger.Metadata = [:]
    /// Events below this level are dropped; ``BotLogging`` sets it to the console level (`info` by default).
    public var logLevel: Logger.Level = .info
    private let label: String
    private let redactor: SecretRedactor

    /// `label` starts each line after the level; every line passes through `redactor` before it is printed.
    public init(label: String, redactor: SecretRedactor) {
        self.label = label
        self.redactor = redactor
    }

    /// One entry of ``metadata``, as `Logger`'s `subscript(metadataKey:)` reads and sets it.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one redacted line (ISO 8601 time, level, label, message, sorted `key=value` metadata) to
    /// standard error when `event` is at or above ``logLevel``.
    public func log(event: LogEvent) {
        guard event.level >= logLevel else { return }
        let line: String = ErrorFileLogHandler.format(event: event, label: label, metadata: metadata)
        FileHandle.standardError.write(Data((redactor.redact(line) + "\n").utf8))
    }
}

/// Appends error-level lines to a file, creating its folder on first use.
public struct ErrorFileLogHandler: LogHandler {
    /// The file, shared by every logger of one bot (appends are serialised).
    public final class Sink: Sendable {
        /// The log file, normally `<logDirectory>/errors.log`; opened for appending (mode 0600) for each line.
        public let path: URL
        private let lock: NSLock = NSLock()

        /// Creates nothing yet: the folder and the file are made when the first line is appended.
        public init(path: URL) {
            self.path = path
        }

        func append(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            try? FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(path.deletingLastPathComponent().path, 0o700)
            let descriptor: Int32 = open(path.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return }
            defer { close(descriptor) }
            let bytes: [UInt8] = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        }
    }

    /// Metadata added to every line of this handler; an event's own metadata wins on a clash.
    public var metadata: Logger.Metadata = [:]
    /// Always `error`: the file receives error and critical lines only.
    public var logLevel: Logger.Level {
        get { .error }
        set {}
    }

    private let label: String
    private let sink: Sink
    private let redactor: SecretRedactor

    /// `sink` is the file shared by every handler of one logger; lines pass through `redactor` first.
    public init(label: String, sink: Sink, redactor: SecretRedactor) {
        self.label = label
        self.sink = sink
        self.redactor = redactor
    }

    /// One entry of ``metadata``, as `Logger`'s `subscript(metadataKey:)` reads and sets it.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Appends the redacted line to the sink when `event` is `error` or `critical`; other levels are ignored.
    public func log(event: LogEvent) {
        guard event.level >= .error else { return }
        sink.append(redactor.redact(Self.format(event: event, label: label, metadata: metadata)))
    }

    static func format(event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        let time: String = ISO8601DateFormatter().string(from: Date())
        var all: Logger.Metadata = metadata
        for (key, value) in event.metadata ?? [:] { all[key] = value }
        let extra: String = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(time) \(event.level) \(label): \(event.message)\(extra)"
    }
}
