import Foundation

/// Writes `dumps/context_YYYYMMDD_HHMMSS.json`: into a temporary file first (created mode 0600 with
/// `O_CREAT|O_EXCL`, so it is never readable by others, not even for a moment), then linked to its
/// name, so a reader never sees half a dump; a dump never replaces an earlier one of the same
/// second (a `_2`, `_3`, … suffix is added). The folder is created mode 0700 on first use. After
/// each dump only the newest ``keep`` dumps are kept (`USERBOT_DUMP_KEEP`).
public struct ContextDumper: Sendable {
    /// The folder dumps go to (`USERBOT_DUMP_DIR`); created, with its parents, by the first write.
    public let directory: URL
    /// How many dumps are kept; older ones are deleted after each new dump.
    public let keep: Int

    /// Touches nothing on disk until the first write. `keep` below 1 counts as 1.
    public init(directory: URL, keep: Int = 100) {
        self.directory = directory
        self.keep = max(1, keep)
    }

    /// Writes `json` and returns the file it went to.
    @discardableResult
    public func write(_ json: Data, at date: Date = Date()) throws -> URL {
        try write(at: date) { (output: DumpOutput) in try output.append(json) }
    }

    /// Streams the whole store from the session file (`{"<user id>": [{"user", "assistant",
    /// "datetime", "username"?, "phone"?}, …], …}`, datetimes in ISO 8601, UTC), one page of rows at a
    /// time, and returns the file it went to.
    @discardableResult
    public func write(from storage: BotStorage, at date: Date = Date()) throws -> URL {
        let encoder: JSONEncoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try write(at: date) { (output: DumpOutput) in
            var current: Int64? = nil
            try output.append(Data("{".utf8))
            try storage.forEachExchange { (user: Int64, exchange: Exchange) in
                var text: String = ""
                if user != current {
                    text += current == nil ? "\n  \"\(user)\": [\n    " : "\n  ],\n  \"\(user)\": [\n    "
                    current = user
                } else {
                    text += ",\n    "
                }
                try output.append(Data(text.utf8) + encoder.encode(exchange))
            }
            try output.append(Data((current == nil ? "}\n" : "\n  ]\n}\n").utf8))
        }
    }

    /// A file being written: appends go straight to its descriptor.
    final class DumpOutput {
        let handle: FileHandle
        let path: String

        init(descriptor: Int32, path: String) {
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
            self.path = path
        }

        func append(_ data: Data) throws {
            do {
                try handle.write(contentsOf: data)
            } catch {
                throw DumpError.cannotWrite(path, "\(error)")
            }
        }
    }

    /// Why a dump could not be written.
    public enum DumpError: Error, CustomStringConvertible {
        case cannotWrite(String, String)

        public var description: String {
            switch self {
            case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
            }
        }
    }

    private func write(at date: Date, _ body: (DumpOutput) throws -> Void) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Also a folder that existed before (created by hand, or by an older version) is made private.
        chmod(directory.path, 0o700)
        let formatter: DateFormatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd_HHmmss"
        let stem: String = "context_" + formatter.string(from: date)
        let temporary: String = directory.appendingPathComponent(".\(stem).\(UUID().uuidString).tmp").path
        // Dumps hold private conversations: readable by the owner only, from the first byte.
        let descriptor: Int32 = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DumpError.cannotWrite(temporary, String(cString: strerror(errno))) }
        do {
            try body(DumpOutput(descriptor: descriptor, path: temporary))
            guard fsync(descriptor) == 0 else { throw DumpError.cannotWrite(temporary, String(cString: strerror(errno))) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        defer { unlink(temporary) }
        var attempt: Int = 1
        while true {
            let name: String = attempt == 1 ? "\(stem).json" : "\(stem)_\(attempt).json"
            let target: URL = directory.appendingPathComponent(name)
            // link(2) fails if the target exists: never overwrite an earlier dump.
            if link(temporary, target.path) == 0 {
                removeOldDumps()
                return target
            }
            guard errno == EEXIST else { throw DumpError.cannotWrite(target.path, String(cString: strerror(errno))) }
            attempt += 1
        }
    }

    /// Deletes all but the newest ``keep`` dumps (by the time in their names, then their suffix).
    private func removeOldDumps() {
        let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasPrefix("context_") && $0.hasSuffix(".json") }
        guard names.count > keep else { return }
        let ordered: [String] = names.sorted { Self.order($0) < Self.order($1) }
        for name in ordered.prefix(names.count - keep) { unlink(directory.appendingPathComponent(name).path) }
    }

    /// `context_20250101_000000_3.json` → ("20250101_000000", 3); a name without a suffix is 1.
    static func order(_ name: String) -> (String, Int) {
        let core: Substring = name.dropFirst("context_".count).dropLast(".json".count)
        let stamp: Substring = core.prefix(15)
        let suffix: Int = core.count > 16 ? Int(core.dropFirst(16)) ?? 1 : 1
        return (String(stamp), suffix)
    }
}
