import Foundation

/// `KEY=value` files: one setting per line, `#` comments, an optional `export ` prefix, optional
/// single or double quotes. The same file serves `userbot` and `tg`.
public enum ConfigurationFile {
    /// Why a configuration file was refused. Values are never quoted; an unknown key is cut to 64 characters.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file is missing, unreadable or larger than 1 MiB.
        case unreadable(String)
        /// A line that is neither blank, a comment, nor `KEY=value`.
        case malformedLine(Int)
        /// A key the reading program does not know (a typo would otherwise be ignored silently).
        case unknownKey(line: Int, key: String)

        public var description: String {
            switch self {
            case .unreadable(let path): return "cannot read the configuration file \(path)"
            case .malformedLine(let line): return "configuration file line \(line): expected KEY=value"
            case .unknownKey(let line, let key): return "configuration file line \(line): unknown key \(key)"
            }
        }
    }

    /// Parses file text; a key for which `accepts` is false is refused.
    public static func parse(_ text: String, accepts: (String) -> Bool) -> Result<[String: String], Failure> {
        var values: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line: Substring = raw.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            guard let equals = line.firstIndex(of: "=") else { return .failure(.malformedLine(index + 1)) }
            var key: String = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("export ") { key = String(key.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard accepts(key) else { return .failure(.unknownKey(line: index + 1, key: String(key.prefix(64)))) }
            var value: String = String(line[line.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: " \t\r"))
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return .success(values)
    }

    /// Reads and parses a file (at most 1 MiB: a configuration is a few lines).
    public static func load(path: String, accepts: (String) -> Bool) -> Result<[String: String], Failure> {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, size.intValue <= 1 << 20,
              let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable(path)) }
        return parse(String(decoding: data, as: UTF8.self), accepts: accepts)
    }

    /// The settings from the file at `path` (if any), overridden by the environment's values of the
    /// accepted `keys`, overridden by `flags` (nil: not given).
    public static func merged(
        path: String?, keys: [String], accepts: (String) -> Bool, environment: [String: String], flags: [String: String?]
    ) -> Result<[String: String], Failure> {
        var values: [String: String] = [:]
        if let path {
            switch load(path: path, accepts: accepts) {
            case .success(let file): values = file
            case .failure(let failure): return .failure(failure)
            }
        }
        for key in keys { if let value = environment[key] { values[key] = value } }
        for (key, value) in flags { if let value { values[key] = value } }
        return .success(values)
    }
}
