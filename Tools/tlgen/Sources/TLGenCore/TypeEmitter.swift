/// Emits the Swift declaration of each boxed type, function and `Object` constructor.
struct TypeEmitter {
    let symbols: SymbolTable

    /// One boxed type: a struct (single constructor) or an enum whose cases carry payload structs.
    func emitType(_ info: SymbolTable.TypeInfo, coding: inout ValueCoding, into w: inout CodeWriter) {
        switch info.shape {
        case .singleStruct(let c):
            w.line("/// \(StructEmitter.declarationText(c)): the only constructor of `\(info.tlName)`.")
            w.block("public struct \(info.swiftName): TLBoxedConstructor") { w in
                StructEmitter.emitBody(c, symbols: symbols, coding: &coding, into: &w)
            }
        case .sumEnum(let list):
            emitEnum(info, constructors: list, coding: &coding, into: &w)
        }
    }

    private func emitEnum(_ info: SymbolTable.TypeInfo, constructors list: [TLCombinator], coding: inout ValueCoding, into w: inout CodeWriter) {
        w.line("/// The TL type `\(info.tlName)`: one case per constructor. A case with fields carries an immutable")
        w.line("/// final class, or for a few small numbers an inline struct, so the enum stays small and cheap to copy.")
        w.block("public enum \(info.swiftName): TLSumType") { w in
            for c in list {
                let ci: SymbolTable.ConstructorInfo = symbols.constructors[c.name]!
                w.line("/// \(StructEmitter.declarationText(c))")
                if let path = ci.structPath {
                    w.line("case \(ci.caseName!)(\(path))")
                } else {
                    w.line("case \(ci.caseName!)")
                }
            }
            w.line()
            w.block("public init(from reader: inout TLReader) throws(TLDecodingError)") { w in
                w.line("let offset: Int = reader.offset")
                w.line("let id: UInt32 = try reader.readUInt32()")
                w.line("try reader.enterNested()")
                w.line("switch id {")
                for c in list {
                    let ci: SymbolTable.ConstructorInfo = symbols.constructors[c.name]!
                    w.line("case \(SwiftNaming.hexLiteral(c.id)):")
                    if let path = ci.structPath {
                        w.line("    self = .\(ci.caseName!)(try \(path)(bareFrom: &reader))")
                    } else {
                        w.line("    self = .\(ci.caseName!)")
                    }
                }
                w.line("default:")
                w.line("    throw TLDecodingError.unknownConstructor(id: id, expectedType: \(SwiftNaming.stringLiteral(info.tlName)), offset: offset)")
                w.line("}")
                w.line("reader.leaveNested()")
            }
            w.line()
            w.block("public func serialize(to writer: inout TLWriter)") { w in
                w.line("switch self {")
                for c in list {
                    let ci: SymbolTable.ConstructorInfo = symbols.constructors[c.name]!
                    if ci.structPath != nil {
                        w.line("case .\(ci.caseName!)(let value):")
                        w.line("    writer.writeUInt32(\(SwiftNaming.hexLiteral(c.id)))")
                        w.line("    value.serializeBare(to: &writer)")
                    } else {
                        w.line("case .\(ci.caseName!):")
                        w.line("    writer.writeUInt32(\(SwiftNaming.hexLiteral(c.id)))")
                    }
                }
                w.line("}")
            }
            w.line()
            w.block("public var tlConstructorID: UInt32") { w in
                w.line("switch self {")
                for c in list {
                    let ci: SymbolTable.ConstructorInfo = symbols.constructors[c.name]!
                    w.line("case .\(ci.caseName!): return \(SwiftNaming.hexLiteral(c.id))")
                }
                w.line("}")
            }
            for c in list {
                let ci: SymbolTable.ConstructorInfo = symbols.constructors[c.name]!
                guard let name = ci.structName else { continue }
                w.line()
                w.line("/// \(StructEmitter.declarationText(c)): a constructor of `\(info.tlName)`.")
                w.block(ci.isInline ? "public struct \(name): TLConstructor" : "public final class \(name): TLConstructor") { w in
                    StructEmitter.emitBody(c, symbols: symbols, immutable: true, coding: &coding, into: &w)
                }
            }
        }
    }

    /// A constructor whose result is `Object` (`gzip_packed`): a standalone boxed struct.
    func emitObjectConstructor(_ c: TLCombinator, coding: inout ValueCoding, into w: inout CodeWriter) {
        let ci: SymbolTable.ConstructorInfo = symbols.constructors[c.name]!
        w.line("/// \(StructEmitter.declarationText(c)): a constructor of `Object`.")
        w.block("public struct \(ci.structName!): TLBoxedConstructor") { w in
            StructEmitter.emitBody(c, symbols: symbols, coding: &coding, into: &w)
        }
    }

    /// The Swift name of a function's struct.
    static func functionName(_ f: TLCombinator) -> String {
        SwiftNaming.typeName(f.shortName)
    }

    /// One function: a struct conforming to `TLFunction` with its `Result` type.
    func emitFunction(_ f: TLCombinator, coding: inout ValueCoding, into w: inout CodeWriter) {
        let name: String = Self.functionName(f)
        let generics: String = f.generics.isEmpty ? "" : "<" + f.generics.map { $0 + ": TLFunction" }.joined(separator: ", ") + ">"
        let resultType: String
        if case .generic(let x) = f.result {
            resultType = x + ".Result"
        } else {
            resultType = symbols.swiftType(f.result)
        }
        w.line("/// \(StructEmitter.declarationText(f)): returns `\(resultType)`.")
        w.block("public struct \(name)\(generics): TLFunction") { w in
            w.line("public typealias Result = \(resultType)")
            StructEmitter.emitBody(f, symbols: symbols, coding: &coding, into: &w)
            w.line()
            w.block("public static func decodeResult(from reader: inout TLReader) throws(TLDecodingError) -> \(resultType)") { w in
                if case .generic(let x) = f.result {
                    w.line("return try \(x).decodeResult(from: &reader)")
                } else {
                    coding.emitRead(f.result, sink: "let result: \(resultType) = %", into: &w)
                    w.line("return result")
                }
            }
        }
    }
}
