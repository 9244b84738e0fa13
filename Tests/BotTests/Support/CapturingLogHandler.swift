import Logging
import Synchronization

/// Every line of every level (trace included) that reaches it, exactly as logged: nothing is
/// redacted, so a test reading ``lines`` sees what the code wrote.
struct CapturingLogHandler: LogHandler {
    /// The lines of every handler made from one store.
    final class Store: Sendable {
        private let captured: Mutex<[(level: Logger.Level, line: String)]> = Mutex([])

        var lines: [String] { captured.withLock { $0.map(\.line) } }
        func lines(atLeast level: Logger.Level) -> [String] { captured.withLock { $0.filter { $0.level >= level }.map(\.line) } }

        fileprivate func append(_ level: Logger.Level, _ line: String) { captured.withLock { $0.append((level, line)) } }

        /// A handler factory for `Logger(label:factory:)`.
        func handler(label: String) -> any LogHandler { CapturingLogHandler(label: label, store: self) }
    }

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    let label: String
    let store: Store

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all: Logger.Metadata = metadata
        for (key, value) in event.metadata ?? [:] { all[key] = value }
        let extra: String = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        store.append(event.level, "\(event.level) \(label): \(event.message)\(extra) [\(event.source) \(event.file):\(event.line)]")
    }
}
