import Foundation
import TLSchema

/// Files of the repository that tests read (schema, fixtures, benchmark inputs), found from this
/// source file's location so that tests run from any working directory.
enum RepositoryFiles {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // TLSchemaTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// One object serialized by Telethon 1.45 (see Scripts/telethon/make_tl_fixtures.py).
    struct TelethonFixture: Decodable, CustomStringConvertible {
        var name: String
        var tl: String
        var hex: String
        var bytes: [UInt8] { TLHex.decode(hex)! }
        var description: String { name }
    }

    static func telethonFixtures() throws -> [TelethonFixture] {
        let data: Data = try Data(contentsOf: root.appendingPathComponent("Tests/TLSchemaTests/Fixtures/telethon_objects.json"))
        return try JSONDecoder().decode([TelethonFixture].self, from: data)
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        guard let fixture = try telethonFixtures().first(where: { $0.name == name }) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return fixture.bytes
    }
}
