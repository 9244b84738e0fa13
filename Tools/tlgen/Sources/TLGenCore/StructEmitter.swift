/// Emits the struct for one constructor or function: stored fields, a memberwise initialiser,
/// the bare reader and writer. Flag words are never stored: they are computed when writing.
struct StructEmitter {
    /// A field as it appears in Swift.
    struct Member {
        var field: TLField
        var swiftName: String
        /// The stored property type (`Int32?` for conditionals, `Bool` for `flags.N?true`).
        var swiftType: String
        /// The parameter default in the initialiser (`nil`, `false`), if any.
        var defaultValue: String?
    }

    static func members(of c: TLCombinator, symbols: SymbolTable) -> [Member] {
        var used: Set<String> = []
        var result: [Member] = []
        for f in c.fields {
            var name: String = SwiftNaming.memberName(f.name)
            while !used.insert(name).inserted { name += "_" }
            switch f.kind {
            case .flagsWord:
                continue
            case .plain(let t):
                result.append(Member(field: f, swiftName: name, swiftType: symbols.swiftType(t), defaultValue: nil))
            case .conditional(_, _, .trueFlag):
                result.append(Member(field: f, swiftName: name, swiftType: "Bool", defaultValue: "false"))
            case .conditional(_, _, let t):
                result.append(Member(field: f, swiftName: name, swiftType: symbols.swiftType(t) + "?", defaultValue: "nil"))
            }
        }
        return result
    }

    /// The text of the declaration, for doc comments.
    static func declarationText(_ c: TLCombinator) -> String {
        "`\(c.name)#\(String(SwiftNaming.hexLiteral(c.id).dropFirst(2)))`"
    }

    /// Emits `init(...)`, `init(bareFrom:)` and `serializeBare(to:)` plus the stored properties
    /// (`let` in the immutable classes that carry the cases of enums, `var` in structs).
    static func emitBody(
        _ c: TLCombinator, symbols: SymbolTable, immutable: Bool = false, coding: inout ValueCoding, into w: inout CodeWriter
    ) {
        let members: [Member] = members(of: c, symbols: symbols)
        w.line("public static var constructorID: UInt32 { \(SwiftNaming.hexLiteral(c.id)) }")
        w.line("public static var tlName: String { \(SwiftNaming.stringLiteral(c.name)) }")
        let binding: String = immutable ? "let" : "var"
        for m in members {
            w.line("public \(binding) \(m.swiftName): \(m.swiftType)")
        }
        w.line()
        emitInitializer(members, into: &w)
        w.line()
        emitReader(c, members: members, coding: &coding, into: &w)
        w.line()
        emitWriter(c, members: members, coding: &coding, into: &w)
    }

    private static func emitInitializer(_ members: [Member], into w: inout CodeWriter) {
        if members.isEmpty {
            w.line("public init() {}")
            return
        }
        w.line("public init(")
        w.indent()
        for (i, m) in members.enumerated() {
            let suffix: String = i == members.count - 1 ? "" : ","
            if let d = m.defaultValue {
                w.line("\(m.swiftName): \(m.swiftType) = \(d)\(suffix)")
            } else {
                w.line("\(m.swiftName): \(m.swiftType)\(suffix)")
            }
        }
        w.dedent()
        w.line(") {")
        w.indent()
        for m in members {
            w.line("self.\(m.swiftName) = \(m.swiftName)")
        }
        w.dedent()
        w.line("}")
    }

    private static func flagsLocal(_ word: String) -> String { "_" + word }

    private static func emitReader(_ c: TLCombinator, members: [Member], coding: inout ValueCoding, into w: inout CodeWriter) {
        let readerName: String = c.fields.isEmpty ? "_" : "reader"
        w.line("public init(bareFrom \(readerName): inout TLReader) throws(TLDecodingError) {")
        w.indent()
        var byField: [String: Member] = [:]
        for m in members { byField[m.field.name] = m }
        for f in c.fields {
            switch f.kind {
            case .flagsWord:
                let used: Bool = c.fields.contains {
                    if case .conditional(let word, _, _) = $0.kind { return word == f.name }
                    return false
                }
                w.line(used ? "let \(flagsLocal(f.name)): UInt32 = try reader.readUInt32()" : "_ = try reader.readUInt32()")
            case .plain(let t):
                coding.emitRead(t, sink: "self.\(byField[f.name]!.swiftName) = %", into: &w)
            case .conditional(let word, let bit, .trueFlag):
                w.line("self.\(byField[f.name]!.swiftName) = \(flagsLocal(word)) & \(bitMask(bit)) != 0")
            case .conditional(let word, let bit, let t):
                let name: String = byField[f.name]!.swiftName
                w.line("if \(flagsLocal(word)) & \(bitMask(bit)) != 0 {")
                w.indent()
                coding.emitRead(t, sink: "self.\(name) = %", into: &w)
                w.dedent()
                w.line("} else {")
                w.line("    self.\(name) = nil")
                w.line("}")
            }
        }
        w.dedent()
        w.line("}")
    }

    private static func bitMask(_ bit: Int) -> String {
        SwiftNaming.hexLiteral(UInt32(1) << UInt32(bit))
    }

    /// Fields that share their flag bit with another field (the bit is set when any of them is present).
    private static func sharedBits(_ c: TLCombinator) -> Set<String> {
        var counts: [String: Int] = [:]
        for f in c.fields {
            if case .conditional(let word, let bit, _) = f.kind { counts[word + "." + String(bit), default: 0] += 1 }
        }
        return Set(counts.filter { $0.value > 1 }.keys)
    }

    private static func emitWriter(_ c: TLCombinator, members: [Member], coding: inout ValueCoding, into w: inout CodeWriter) {
        let writerName: String = c.fields.isEmpty ? "_" : "writer"
        w.line("public func serializeBare(to \(writerName): inout TLWriter) {")
        w.indent()
        var byField: [String: Member] = [:]
        for m in members { byField[m.field.name] = m }
        let shared: Set<String> = sharedBits(c)
        for f in c.fields {
            switch f.kind {
            case .flagsWord:
                let local: String = flagsLocal(f.name)
                let users: [TLField] = c.fields.filter {
                    if case .conditional(let word, _, _) = $0.kind { return word == f.name }
                    return false
                }
                if users.isEmpty {
                    w.line("writer.writeUInt32(0)")
                    continue
                }
                w.line("var \(local): UInt32 = 0")
                for u in users {
                    guard case .conditional(_, let bit, let t) = u.kind else { continue }
                    let name: String = byField[u.name]!.swiftName
                    let test: String = t == .trueFlag ? "self.\(name)" : "self.\(name) != nil"
                    w.line("if \(test) { \(local) |= \(bitMask(bit)) }")
                }
                w.line("writer.writeUInt32(\(local))")
            case .plain(let t):
                coding.emitWrite(t, value: "self.\(byField[f.name]!.swiftName)", into: &w)
            case .conditional(_, _, .trueFlag):
                break
            case .conditional(let word, let bit, let t):
                let name: String = byField[f.name]!.swiftName
                w.line("if let value: \(coding.symbols.swiftType(t)) = self.\(name) {")
                w.indent()
                coding.emitWrite(t, value: "value", into: &w)
                w.dedent()
                if shared.contains(word + "." + String(bit)) {
                    w.line("} else if \(flagsLocal(word)) & \(bitMask(bit)) != 0 {")
                    w.indent()
                    coding.emitWriteZero(t, into: &w)
                    w.dedent()
                }
                w.line("}")
            }
        }
        w.dedent()
        w.line("}")
    }
}
