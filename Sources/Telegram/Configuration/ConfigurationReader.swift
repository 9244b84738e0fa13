import Foundation

/// Reads settings from merged `KEY=value` pairs (file, environment and flags) and collects every
/// problem, each naming its key, so a user sees them all at once. Values are never quoted in a
/// problem: some are secrets.
public struct ConfigurationReader: Sendable {
    /// The merged settings.
    public let values: [String: String]
    /// What was wrong so far, one line per problem.
    public var problems: [String] = []

    /// A reader of `values`, with no problems yet.
    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The value of `key` without surrounding spaces, or nil when absent or empty.
    public func value(_ key: String) -> String? {
        guard let v = values[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    /// `1`/`true`/`yes` or `0`/`false`/`no` (any case); anything else is a problem and gives nil.
    public mutating func flag(_ key: String) -> Bool? {
        guard let v = value(key) else { return nil }
        switch v.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default:
            problems.append("\(key) must be true or false")
            return nil
        }
    }

    /// An integer in `range` (`_` separators allowed); outside it, or not a number, the problem
    /// "`key` must be `what`" and nil.
    public mutating func integer(_ key: String, _ range: ClosedRange<Int>, _ what: String) -> Int? {
        guard let v = value(key) else { return nil }
        if let n = Int(v.replacingOccurrences(of: "_", with: "")), range.contains(n) { return n }
        problems.append("\(key) must be \(what)")
        return nil
    }

    /// Adds "`key` is required" for each of `keys` that has no value, before the other problems
    /// (a key given with a bad value is reported once, by its own check).
    public mutating func require(_ keys: [String]) {
        problems = keys.filter { value($0) == nil }.map { "\($0) is required" } + problems
    }
}
