import Foundation
@testable import TLGenCore
import Testing

/// The emitter's output for small schemas, compared with committed golden files
/// (`Tests/TLGenTests/Golden`). Set TLGEN_UPDATE_GOLDEN=1 to rewrite them after an intended change.
@Suite struct GeneratorGoldenTests {
    static let schemas: [(name: String, text: String)] = [
        ("generics", """
            ---types---
            config#1 date:int = Config;
            ---functions---
            help.getConfig#2 = Config;
            invokeWithLayer#3 {X:Type} layer:int query:!X = X;
            getIds#4 peer:int = Vector<long>;
            ping#5 = Bool;
            """),
        ("shared_bits", """
            peerUser#1 user_id:long = Peer;
            peerChat#2 chat_id:long = Peer;
            message#3 flags:# out:flags.1?true views:flags.10?int forwards:flags.10?int from:flags.2?Peer saved_from:flags.2?Peer = Message;
            """),
        ("flags2", """
            user#1 flags:# self:flags.10?true name:flags.1?string flags2:# stories_max_id:flags2.5?int color:flags2.8?Color = User;
            color#2 flags:# color:flags.0?int = Color;
            """),
        ("bare_vectors", """
            future_salt#0949d9dc valid_since:int valid_until:int salt:long = FutureSalt;
            future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt> = FutureSalts;
            message msg_id:long seqno:int bytes:int body:Object = Message;
            msg_container#73f1f8dc messages:vector<%Message> = MessageContainer;
            nested#9 grid:Vector<Vector<int>> names:Vector<string> = Nested;
            """),
    ]

    static func render(_ files: [String: String]) -> String {
        var out: String = ""
        for name in files.keys.sorted() {
            out += "// FILE: \(name)\n" + files[name]!
        }
        return out
    }

    @Test(arguments: schemas.map(\.name))
    func matchesGolden(name: String) throws {
        let text: String = Self.schemas.first { $0.name == name }!.text
        let schema: TLSchema = try SchemaReader.read(text: text, file: name + ".tl", layer: 1)
        let files: [String: String] = try SwiftGenerator().generate([GeneratorInput(namespace: "G", sourceName: name + ".tl", schema: schema)])
        let rendered: String = Self.render(files)
        let goldenURL: URL = ProjectFiles.url("Tests/TLGenTests/Golden/\(name).swift.txt")
        if ProcessInfo.processInfo.environment["TLGEN_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: goldenURL, atomically: true, encoding: .utf8)
        }
        let golden: String = try String(contentsOf: goldenURL, encoding: .utf8)
        #expect(rendered == golden, "generated code for \(name) differs from Golden/\(name).swift.txt")
    }

    @Test func outputIsDeterministic() throws {
        let api: TLSchema = try SchemaReader.read(text: try ProjectFiles.text("schema/api.tl"), file: "api.tl")
        let mt: TLSchema = try SchemaReader.read(text: try ProjectFiles.text("schema/mtproto.tl"), file: "mtproto.tl")
        let inputs: [GeneratorInput] = [
            GeneratorInput(namespace: "Api", sourceName: "api.tl", schema: api),
            GeneratorInput(namespace: "MT", sourceName: "mtproto.tl", schema: mt),
        ]
        let first: [String: String] = try SwiftGenerator().generate(inputs)
        let second: [String: String] = try SwiftGenerator().generate(inputs)
        #expect(first == second)
        // File names stay distinct on a case-insensitive file system.
        #expect(Set(first.keys.map { $0.lowercased() }).count == first.count)
    }

    @Test func namesAreEscapedAndCollisionsResolved() throws {
        let text: String = """
            thing#1 flags:# self:flags.0?true default:int type:string a_b:int aB:long = Thing;
            foo.bar#2 x:int = foo.Bar;
            Foo.baz#3 y:int = Foo.Baz;
            """
        let schema: TLSchema = try SchemaReader.read(text: text, file: "names.tl")
        let files: [String: String] = try SwiftGenerator().generate([GeneratorInput(namespace: "N", sourceName: "names.tl", schema: schema)])
        let all: String = Self.render(files)
        #expect(all.contains("public var isSelf: Bool"))
        #expect(all.contains("public var `default`: Int32"))
        #expect(all.contains("public var type: String"))
        #expect(all.contains("public var aB: Int32"))
        #expect(all.contains("public var aB_: Int64"))
        #expect(Set(files.keys.map { $0.lowercased() }).count == files.count)
    }

    @Test func theProjectOutputIsCurrent() throws {
        let api: TLSchema = try SchemaReader.read(text: try ProjectFiles.text("schema/api.tl"), file: "api.tl")
        let mt: TLSchema = try SchemaReader.read(text: try ProjectFiles.text("schema/mtproto.tl"), file: "mtproto.tl")
        let files: [String: String] = try SwiftGenerator().generate([
            GeneratorInput(namespace: "Api", sourceName: "api.tl", schema: api),
            GeneratorInput(namespace: "MT", sourceName: "mtproto.tl", schema: mt),
        ])
        let folder: URL = ProjectFiles.url("Sources/TLSchema/Generated")
        let committed: [String] = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(Set(committed) == Set(files.keys), "run `swift run tlgen`")
        for (name, contents) in files {
            let existing: String? = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(existing == contents, "\(name) is stale: run `swift run tlgen`")
        }
    }
}
