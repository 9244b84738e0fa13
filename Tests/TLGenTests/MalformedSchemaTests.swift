import Foundation
@testable import TLGenCore
import Testing

/// Malformed schemas give an error naming file:line:column and what was expected, never a crash.
@Suite struct MalformedSchemaTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var text: String
        var line: Int
        var column: Int
        var message: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing semicolon", text: "a#1 x:int = A\nb#2 = B;", line: 2, column: 1,
             message: "expected ';' after result type, found 'b'"),
        Case(name: "missing result", text: "a#1 x:int;", line: 1, column: 10,
             message: "expected '= ResultType' before ';' in declaration of 'a'"),
        Case(name: "missing colon", text: "a#1 x int = A;", line: 1, column: 7,
             message: "expected ':' after field name 'x', found 'int'"),
        Case(name: "unknown type", text: "a#1 x:Foo = A;", line: 1, column: 7, message: "unknown type 'Foo'"),
        Case(name: "unknown type in vector", text: "a#1\n  xs:Vector<Bar> = A;", line: 2, column: 13, message: "unknown type 'Bar'"),
        Case(name: "unclosed vector", text: "a#1 x:Vector<int = A;", line: 1, column: 18,
             message: "expected '>' to close '<' of 'Vector', found '='"),
        Case(name: "flags word not declared", text: "a#1 x:flags.0?int = A;", line: 1, column: 5,
             message: "field 'x' uses 'flags', which is not a '#' field declared before it"),
        Case(name: "flag bit out of range", text: "a#1 flags:# x:flags.32?int = A;", line: 1, column: 21,
             message: "flag bit 32 out of range 0...31"),
        Case(name: "missing question mark", text: "a#1 flags:# x:flags.3 int = A;", line: 1, column: 23,
             message: "expected '?' after 'flags.3', found 'int'"),
        Case(name: "bad character", text: "a#1 x:int = A;\nb#2 y:int & = B;", line: 2, column: 11,
             message: "unexpected character '&'"),
        Case(name: "id too long", text: "a#123456789 = A;", line: 1, column: 2, message: "constructor id longer than 8 hex digits"),
        Case(name: "bad hex digit", text: "a#12g4 = A;", line: 1, column: 5, message: "expected hex digit in constructor id, found 'g'"),
        Case(name: "unterminated comment", text: "a#1 = A;\n/* never closed", line: 2, column: 1, message: "unterminated '/*' comment"),
        Case(name: "bad section", text: "---methods---\na#1 = A;", line: 1, column: 1,
             message: "expected '---types---' or '---functions---', found '---methods---'"),
        Case(name: "query of unknown variable", text: "---functions---\nf#1 q:!X = X;", line: 2, column: 7,
             message: "'!X' names no type variable declared with {X:Type}"),
        Case(name: "bare of multi-constructor type", text: "a#1 = T;\nb#2 = T;\nc#3 x:%T = C;", line: 3, column: 7,
             message: "'%T' needs a type with exactly one constructor; 'T' has 2"),
        Case(name: "duplicate field", text: "a#1 x:int x:long = A;", line: 1, column: 11, message: "duplicate field 'x' in 'a'"),
        Case(name: "duplicate id", text: "a#1 = A;\nb#1 = B;", line: 2, column: 1, message: "id #00000001 of 'b' is already used by 'a'"),
        Case(name: "lowercase result", text: "a#1 = foo;", line: 1, column: 7,
             message: "expected a result type starting with an uppercase letter, found 'foo'"),
        Case(name: "true outside flags", text: "a#1 x:true = A;", line: 1, column: 7,
             message: "'true' is only allowed in a conditional field 'name:flags.N?true'"),
        Case(name: "end of file inside declaration", text: "a#1 x:int", line: 1, column: 10,
             message: "expected '=' before end of file in declaration of 'a'"),
        Case(name: "generic without bang", text: "---functions---\nf#1 {X:Type} q:X = X;", line: 2, column: 16,
             message: "type variable 'X' can only be used as '!X' or as the result"),
        Case(name: "bad type variable kind", text: "---functions---\nf#1 {X:Int} q:!X = X;", line: 2, column: 8,
             message: "expected 'Type' for type variable 'X', found 'Int'"),
        Case(name: "unknown generic", text: "a#1 x:List<int> = A;", line: 1, column: 7,
             message: "unknown generic type 'List' (only Vector and vector take an argument)"),
        Case(name: "non-utf8-ish byte", text: "a#1 x:int = A;\u{7f}", line: 1, column: 15, message: "unexpected character"),
        // Found by Scripts/fuzz.sh (FuzzSchemaParser): the generator used to trap on it.
        Case(name: "bare fieldless constructor of a sum type", text: "a#1 = T;\nb#2 x:int = T;\nc#3 y:a = U;", line: 3, column: 7,
             message: "bare 'a' has no fields and 'T' has other constructors: use 'T' instead"),
    ]

    @Test(arguments: cases)
    func reportsPosition(_ c: Case) {
        do {
            let schema: TLSchema = try SchemaReader.read(text: c.text, file: "bad.tl")
            Issue.record("\(c.name): parsed \(schema.constructors.count) constructors without error")
        } catch {
            #expect(error.location == SourceLocation(file: "bad.tl", line: c.line, column: c.column), "\(c.name): \(error)")
            #expect(error.message.hasPrefix(c.message), "\(c.name): \(error)")
            #expect(error.description.hasPrefix("bad.tl:\(c.line):\(c.column): error: "))
        }
    }

    /// Arbitrary text never crashes the reader: it yields a schema or a positioned error.
    @Test func randomTextNeverCrashes() {
        let alphabet: [Character] = Array("ab:#.?<>{}()=;!%*[] \n0123456789flagsVectorint---typesfunctions/")
        var state: UInt64 = 12345
        for _ in 0 ..< 3_000 {
            var text: String = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length: Int = Int(state >> 58)
            for _ in 0 ..< length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            do {
                _ = try SchemaReader.read(text: text, file: "fuzz.tl")
            } catch {
                #expect(error.location.line >= 1)
            }
        }
    }
}

/// Inputs that once crashed a fuzz target, kept as regression tests: the reader now refuses each
/// of them with a positioned error, so the generator never sees them.
struct FuzzRegressionTests {
    @Test(arguments: [
        ("fuzz-crash-bare-fieldless.tl", "bare "),
        ("fuzz-crash-bare-self-reference.tl", "field 'pingodlg_' makes 'n' contain itself (n → n)"),
    ])
    func theSchemaParserCrashInputsAreRefused(_ name: String, _ message: String) throws {
        let url: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        let text: String = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        do {
            let schema: TLSchema = try SchemaReader.read(text: text, file: "fuzz.tl", layer: 1)
            Issue.record("\(name): read \(schema.constructors.count) constructors without error")
        } catch {
            #expect(error.location.line >= 1)
            #expect(error.message.hasPrefix(message), "\(name): \(error)")
        }
    }
}

/// Types that contain themselves: refused when the chain is stored inline, accepted through a
/// Vector or a type with several constructors, and the accepted ones generate code.
struct RecursiveTypeTests {
    @Test(arguments: [
        ("a#1 x:int next:%A = A;", 1, 11, "field 'next' makes 'a' contain itself (a → a)"),
        ("a#1 b:B = A;\nb#2 flags:# a:flags.0?A = B;", 2, 13, "field 'a' makes 'a' contain itself (a → b → a)"),
        ("x#1 = X;\na#2 x:X next:b = A;\nb#3 y:a = B;", 3, 5, "field 'y' makes 'a' contain itself (a → b → a)"),
    ])
    func inlineCyclesAreRefused(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        do {
            let schema: TLSchema = try SchemaReader.read(text: text, file: "cycle.tl")
            Issue.record("read \(schema.constructors.count) constructors without error")
        } catch {
            #expect(error.location == SourceLocation(file: "cycle.tl", line: line, column: column), "\(error)")
            #expect(error.message.hasPrefix(message), "\(error)")
        }
    }

    /// Bare fields that fan out (each level holds the one below twice) are sized and zeroed once per
    /// constructor, not once per path (2^60 paths here), and the sizes do not overflow.
    @Test func fanOutChainsGenerateQuickly() throws {
        var text: String = "a0#1 x:int = A0;\n"
        for level in 1 ... 60 {
            text += "a\(level)#\(String(level + 1, radix: 16)) x:%A\(level - 1) y:%A\(level - 1) = A\(level);\n"
        }
        text += "holder#ff flags:# items:Vector<%A60> maybe:flags.0?A60 other:flags.0?int = Holder;\n"
        let schema: TLSchema = try SchemaReader.read(text: text, file: "fan.tl", layer: 1)
        let files = try SwiftGenerator().generate([GeneratorInput(namespace: "Fan", sourceName: "fan.tl", schema: schema)])
        #expect(!files.isEmpty)
    }

    @Test(arguments: [
        "node#1 children:Vector<Node> = Node;",
        "leaf#1 = Tree;\nbranch#2 left:Tree right:Tree = Tree;",
        "item#1 flags:# rest:flags.0?List = Item;\nnil#2 = List;\ncons#3 head:Item = List;",
    ])
    func recursionThroughAnArrayOrAnEnumIsAccepted(_ text: String) throws {
        let schema: TLSchema = try SchemaReader.read(text: text, file: "tree.tl", layer: 1)
        let files = try SwiftGenerator().generate([GeneratorInput(namespace: "Tree", sourceName: "tree.tl", schema: schema)])
        #expect(!files.isEmpty)
    }
}
