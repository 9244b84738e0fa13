import Foundation

/// Repository files for tests, found from this source file's location.
enum ProjectFiles {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }
}
