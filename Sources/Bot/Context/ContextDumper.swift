import Foundation

/// Writes `dumps/context_YYYYMMDD_HHMMSS.json`: into a temporary file first, then renamed, so a
/// reader never sees half a dump; a dump never replaces an earlier one of the same second (a
/// `_2`, `_3`, … suffix is added). The folder is created on first use.
public struct ContextDumper: Sendable {
    /// The folder dumps go to (`USERBOT_DUMP_DIR`); created, with its parents, by the first write.
    public let directory: URL

    /// Touches nothing on disk until the first ``write(_:at:)``.
    public init(directory: URL) {
        self.directory = directory
    }

    /// Writes `json` and returns the file it went to.
    @discardableResult
    public func write(_ json: Data, at date: Date = Date()) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let formatter: DateFormatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd_HHmmss"
        let stem: String = "context_" + formatter.string(from: date)
        let temporary: URL = directory.appendingPathComponent(".\(stem).\(UUID().uuidString).tmp")
        // Dumps hold private conversations: readable by the owner only.
        guard FileManager.default.createFile(atPath: temporary.path, contents: json, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot write \(temporary.path)"])
        }
        var attempt: Int = 1
        while true {
            let name: String = attempt == 1 ? "\(stem).json" : "\(stem)_\(attempt).json"
            let target: URL = directory.appendingPathComponent(name)
            // link(2) fails if the target exists: never overwrite an earlier dump.
            if link(temporary.path, target.path) == 0 {
                unlink(temporary.path)
                return target
            }
            guard errno == EEXIST else {
                let reason: String = String(cString: strerror(errno))
                unlink(temporary.path)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot write \(target.path): \(reason)"])
            }
            attempt += 1
        }
    }
}
