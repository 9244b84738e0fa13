/// Reads schema text into a resolved ``TLSchema``: every type reference checked, flags words known,
/// constructor ids verified against their CRC32.
public enum SchemaReader {
    /// Parses and resolves one schema file. `layer` is used when the file has no `// LAYER N` line.
    public static func read(text: String, file: String, layer: Int? = nil) throws(SchemaError) -> TLSchema {
        var lexer: SchemaLexer = SchemaLexer(text: text, file: file)
        let tokens: [Token] = try lexer.tokenize()
        var parser: SchemaParser = SchemaParser(tokens: tokens)
        let declarations: [RawDeclaration] = try parser.parseAll()
        var resolver: SchemaResolver = SchemaResolver(declarations: declarations)
        var schema: TLSchema = try resolver.resolve()
        schema.layer = lexer.layer ?? layer
        return schema
    }
}

/// Names the resolver treats as built in rather than as schema declarations.
enum BuiltinNames {
    /// Result types of built-in constructors that are never generated (Bool, True, Vector).
    static let builtinResultTypes: Set<String> = ["Bool", "True", "Vector"]
    static let primitive: [String: TLType] = [
        "int": .int, "long": .long, "double": .double, "string": .string, "bytes": .bytes,
        "int128": .int128, "int256": .int256, "Bool": .bool, "true": .trueFlag, "Object": .object,
    ]
}

struct SchemaResolver {
    let declarations: [RawDeclaration]
    private var typeNames: Set<String> = []
    private var constructorsByName: [String: RawDeclaration] = [:]
    private var constructorsByType: [String: [String]] = [:]
    private var warnings: [SchemaWarning] = []

    init(declarations: [RawDeclaration]) {
        self.declarations = declarations
    }

    mutating func resolve() throws(SchemaError) -> TLSchema {
        var seenNames: [String: SourceLocation] = [:]
        var seenIDs: [UInt32: String] = [:]
        var kept: [RawDeclaration] = []
        for d in declarations where !d.isBuiltin {
            if case .name(let r, _) = d.result, BuiltinNames.builtinResultTypes.contains(r), !d.isFunction { continue }
            if case .application(let r, _, _) = d.result, r == "Vector", !d.isFunction { continue }
            let computed: UInt32 = CRC32.checksum(d.normalizedText)
            let id: UInt32 = d.explicitID ?? computed
            if let explicit = d.explicitID, explicit != computed {
                warnings.append(SchemaWarning(
                    location: d.location,
                    message: "'\(d.name)' has id #\(hex(explicit)) but the CRC32 of its normalised declaration is #\(hex(computed))"))
            }
            if let previous = seenIDs[id] {
                if previous == d.name {
                    warnings.append(SchemaWarning(location: d.location, message: "duplicate declaration of '\(d.name)' ignored"))
                    continue
                }
                throw SchemaError(d.location, "id #\(hex(id)) of '\(d.name)' is already used by '\(previous)'")
            }
            if let previous = seenNames[d.name] {
                throw SchemaError(d.location, "'\(d.name)' is already declared at \(previous)")
            }
            seenNames[d.name] = d.location
            seenIDs[id] = d.name
            kept.append(d)
            if !d.isFunction {
                constructorsByName[d.name] = d
                if case .name(let t, _) = d.result {
                    typeNames.insert(t)
                    constructorsByType[t, default: []].append(d.name)
                }
            }
        }
        var constructors: [TLCombinator] = []
        var functions: [TLCombinator] = []
        for d in kept {
            let combinator: TLCombinator = try resolveDeclaration(d)
            if d.isFunction { functions.append(combinator) } else { constructors.append(combinator) }
        }
        try InlineCycleCheck(constructors: constructors).check()
        return TLSchema(constructors: constructors, functions: functions, layer: nil, warnings: warnings)
    }

    private func hex(_ id: UInt32) -> String {
        let digits: String = String(id, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private func resolveDeclaration(_ d: RawDeclaration) throws(SchemaError) -> TLCombinator {
        var fields: [TLField] = []
        var flagWords: Set<String> = []
        var fieldNames: Set<String> = []
        for f in d.fields {
            if !fieldNames.insert(f.name).inserted {
                throw SchemaError(f.location, "duplicate field '\(f.name)' in '\(d.name)'")
            }
            if let condition = f.condition {
                guard flagWords.contains(condition.word) else {
                    throw SchemaError(f.location, "field '\(f.name)' uses '\(condition.word)', which is not a '#' field declared before it")
                }
                let type: TLType = try resolveType(f.type, generics: d.generics, allowTrue: true)
                fields.append(TLField(name: f.name, kind: .conditional(word: condition.word, bit: condition.bit, type), location: f.location))
            } else if case .nat = f.type {
                flagWords.insert(f.name)
                fields.append(TLField(name: f.name, kind: .flagsWord, location: f.location))
            } else {
                let type: TLType = try resolveType(f.type, generics: d.generics, allowTrue: false)
                fields.append(TLField(name: f.name, kind: .plain(type), location: f.location))
            }
        }
        let result: TLType
        switch d.result {
        case .name(let n, let location):
            if d.generics.contains(n) {
                guard d.isFunction else { throw SchemaError(location, "a constructor cannot have the generic result type '\(n)'") }
                result = .generic(n)
            } else if n == "Object" {
                result = .object
            } else if !d.isFunction {
                guard let first = n.split(separator: ".").last?.first, first.isUppercase else {
                    throw SchemaError(location, "expected a result type starting with an uppercase letter, found '\(n)'")
                }
                result = .boxed(n)
            } else {
                result = try resolveType(d.result, generics: d.generics, allowTrue: false)
            }
        default:
            result = try resolveType(d.result, generics: d.generics, allowTrue: false)
        }
        let explicitID: UInt32? = d.explicitID
        let id: UInt32 = explicitID ?? CRC32.checksum(d.normalizedText)
        return TLCombinator(
            name: d.name, id: id, explicitID: explicitID, generics: d.generics, fields: fields, result: result,
            isFunction: d.isFunction, location: d.location)
    }

    private func resolveType(_ raw: RawType, generics: [String], allowTrue: Bool) throws(SchemaError) -> TLType {
        switch raw {
        case .nat(let location):
            throw SchemaError(location, "'#' is only allowed as the type of a flags field")
        case .query(let variable, let location):
            guard generics.contains(variable) else {
                throw SchemaError(location, "'!\(variable)' names no type variable declared with {\(variable):Type}")
            }
            return .generic(variable)
        case .application(let name, let argument, let location):
            guard name == "Vector" || name == "vector" else {
                throw SchemaError(location, "unknown generic type '\(name)' (only Vector and vector take an argument)")
            }
            let element: TLType = try resolveType(argument, generics: generics, allowTrue: false)
            return .vector(element, boxed: name == "Vector")
        case .bare(let inner, let location):
            switch inner {
            case .name(let n, _) where BuiltinNames.primitive[n] != nil && n != "Bool" && n != "Object" && n != "true":
                return BuiltinNames.primitive[n]!
            case .name(let n, _):
                if let constructors = constructorsByType[n] {
                    guard constructors.count == 1 else {
                        throw SchemaError(location, "'%\(n)' needs a type with exactly one constructor; '\(n)' has \(constructors.count)")
                    }
                    return .bare(constructor: constructors[0])
                }
                if constructorsByName[n] != nil { return try bareConstructor(n, at: inner.location) }
                throw SchemaError(inner.location, "unknown type '\(n)'")
            default:
                throw SchemaError(location, "expected a type name after '%'")
            }
        case .name(let name, let location):
            if let primitive = BuiltinNames.primitive[name] {
                if primitive == .trueFlag && !allowTrue {
                    throw SchemaError(location, "'true' is only allowed in a conditional field 'name:flags.N?true'")
                }
                return primitive
            }
            if generics.contains(name) {
                throw SchemaError(location, "type variable '\(name)' can only be used as '!\(name)' or as the result")
            }
            if typeNames.contains(name) { return .boxed(name) }
            if constructorsByName[name] != nil { return try bareConstructor(name, at: location) }
            throw SchemaError(location, "unknown type '\(name)'")
        }
    }

    /// A bare use of a constructor. One without fields whose type has other constructors carries
    /// no data and has no Swift type of its own: refused (found by fuzzing the generator).
    private func bareConstructor(_ name: String, at location: SourceLocation) throws(SchemaError) -> TLType {
        if let declaration = constructorsByName[name], declaration.fields.isEmpty, case .name(let type, _) = declaration.result,
           (constructorsByType[type]?.count ?? 0) > 1 {
            throw SchemaError(location, "bare '\(name)' has no fields and '\(type)' has other constructors: use '\(type)' instead")
        }
        return .bare(constructor: name)
    }
}
