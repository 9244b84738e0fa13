/// A type expression as written, before it is resolved against the schema's declarations.
indirect enum RawType: Equatable {
    /// A (possibly namespaced) name: `int`, `User`, `messages.Messages`, `future_salt`, `X`.
    case name(String, SourceLocation)
    /// `Vector<T>`, `vector<T>`, `Vector T` or `(Vector T)`.
    case application(String, RawType, SourceLocation)
    /// `%T`: bare form of T.
    case bare(RawType, SourceLocation)
    /// `!X`: a serialized query returning X.
    case query(String, SourceLocation)
    /// `#`
    case nat(SourceLocation)

    var location: SourceLocation {
        switch self {
        case .name(_, let l), .application(_, _, let l), .bare(_, let l), .query(_, let l), .nat(let l): return l
        }
    }

    /// The text used for the CRC32 of a declaration; `directField` turns `bytes` into `string`.
    func normalizedText(directField: Bool) -> String {
        switch self {
        case .name(let n, _): return directField && n == "bytes" ? "string" : n
        case .application(let n, let arg, _): return n + " " + arg.normalizedText(directField: false)
        case .bare(let t, _): return "%" + t.normalizedText(directField: false)
        case .query(let n, _): return "!" + n
        case .nat: return "#"
        }
    }
}

/// A field as written.
struct RawField: Equatable {
    var name: String
    var location: SourceLocation
    /// Non-nil for `name:word.bit?type`.
    var condition: (word: String, bit: Int)?
    var type: RawType

    static func == (lhs: RawField, rhs: RawField) -> Bool {
        lhs.name == rhs.name && lhs.location == rhs.location && lhs.condition?.word == rhs.condition?.word
            && lhs.condition?.bit == rhs.condition?.bit && lhs.type == rhs.type
    }
}

/// A declaration as written.
struct RawDeclaration: Equatable {
    var name: String
    var location: SourceLocation
    var explicitID: UInt32?
    var generics: [String]
    var fields: [RawField]
    var result: RawType
    var isFunction: Bool
    /// A built-in pseudo-declaration (`int ? = Int;`, `vector … # [ t ] = Vector t;`, `int128 4*[ int ] = Int128;`).
    var isBuiltin: Bool

    /// The normalised text whose CRC32 is the constructor id (see the TL notes: `flags.N?true` fields
    /// dropped, `<>`/`{}`/`()` removed, direct `bytes` → `string`).
    var normalizedText: String {
        var parts: [String] = [name]
        for g in generics { parts.append(g + ":Type") }
        for f in fields {
            if let c = f.condition {
                if case .name("true", _) = f.type { continue }
                parts.append(f.name + ":" + c.word + "." + String(c.bit) + "?" + f.type.normalizedText(directField: true))
            } else {
                parts.append(f.name + ":" + f.type.normalizedText(directField: true))
            }
        }
        parts.append("=")
        parts.append(result.normalizedText(directField: false))
        return parts.joined(separator: " ")
    }
}

/// Parses the declarations of one schema file.
struct SchemaParser {
    private var tokens: [Token]
    private var index: Int = 0
    private var inFunctions: Bool = false

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token { tokens[index] }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func isPunctuation(_ c: Character) -> Bool {
        if case .punctuation(let p) = current.kind { return p == c }
        return false
    }

    private mutating func expectPunctuation(_ c: Character, _ what: String) throws(SchemaError) {
        guard isPunctuation(c) else {
            throw SchemaError(current.location, "expected '\(c)' \(what), found \(current.text)")
        }
        advance()
    }

    private mutating func expectIdentifier(_ what: String) throws(SchemaError) -> String {
        guard case .identifier(let name) = current.kind else {
            throw SchemaError(current.location, "expected \(what), found \(current.text)")
        }
        advance()
        return name
    }

    /// `ident ('.' ident)*`
    private mutating func qualifiedName(_ what: String) throws(SchemaError) -> String {
        var name: String = try expectIdentifier(what)
        while isPunctuation("."), case .identifier(let next)? = tokens[safe: index + 1]?.kind {
            advance()
            advance()
            name += "." + next
        }
        return name
    }

    mutating func parseAll() throws(SchemaError) -> [RawDeclaration] {
        var declarations: [RawDeclaration] = []
        while true {
            switch current.kind {
            case .endOfFile:
                return declarations
            case .section(let isFunctions):
                inFunctions = isFunctions
                advance()
            default:
                declarations.append(try parseDeclaration())
            }
        }
    }

    private mutating func parseDeclaration() throws(SchemaError) -> RawDeclaration {
        let location: SourceLocation = current.location
        let name: String = try qualifiedName("a constructor or function name")
        var explicitID: UInt32? = nil
        if case .constructorID(let id) = current.kind {
            explicitID = id
            advance()
        }
        var generics: [String] = []
        var fields: [RawField] = []
        var isBuiltin: Bool = false
        while !isPunctuation("=") {
            switch current.kind {
            case .punctuation("{"):
                advance()
                let variable: String = try expectIdentifier("a type variable name")
                try expectPunctuation(":", "after type variable '\(variable)'")
                let kind: String = try expectIdentifier("'Type'")
                if kind != "Type" && kind != "#" {
                    throw SchemaError(tokens[index - 1].location, "expected 'Type' for type variable '\(variable)', found '\(kind)'")
                }
                try expectPunctuation("}", "to close the type variable")
                generics.append(variable)
            case .punctuation("?"), .punctuation("["), .punctuation("#"), .punctuation("*"), .punctuation("]"), .number:
                // Built-in pseudo-declarations: `int ? = Int;`, `# [ t ]`, `4*[ int ]`.
                isBuiltin = true
                advance()
            case .identifier:
                if isBuiltin {
                    advance()
                } else {
                    fields.append(try parseField())
                }
            case .endOfFile:
                throw SchemaError(current.location, "expected '=' before end of file in declaration of '\(name)'")
            case .punctuation(";"):
                throw SchemaError(current.location, "expected '= ResultType' before ';' in declaration of '\(name)'")
            default:
                throw SchemaError(current.location, "expected a field 'name:type' or '=', found \(current.text)")
            }
        }
        advance()  // '='
        let result: RawType = try parseResultType()
        guard isPunctuation(";") else {
            throw SchemaError(current.location, "expected ';' after result type, found \(current.text)")
        }
        advance()
        return RawDeclaration(
            name: name, location: location, explicitID: explicitID, generics: generics, fields: fields,
            result: result, isFunction: inFunctions, isBuiltin: isBuiltin)
    }

    private mutating func parseField() throws(SchemaError) -> RawField {
        let location: SourceLocation = current.location
        let name: String = try expectIdentifier("a field name")
        try expectPunctuation(":", "after field name '\(name)'")
        // `word.bit?type`
        if case .identifier(let word) = current.kind,
           tokens[safe: index + 1]?.kind == .punctuation("."),
           case .number(let bit)? = tokens[safe: index + 2]?.kind {
            let bitLocation: SourceLocation = tokens[index + 2].location
            advance()
            advance()
            advance()
            if bit > 31 {
                throw SchemaError(bitLocation, "flag bit \(bit) out of range 0...31")
            }
            try expectPunctuation("?", "after '\(word).\(bit)'")
            let type: RawType = try parseTypeTerm()
            return RawField(name: name, location: location, condition: (word, bit), type: type)
        }
        let type: RawType = try parseTypeTerm()
        return RawField(name: name, location: location, condition: nil, type: type)
    }

    /// A field type: `#`, `!X`, `%T`, `T`, `T<U>`, `(T U)`.
    private mutating func parseTypeTerm() throws(SchemaError) -> RawType {
        let location: SourceLocation = current.location
        switch current.kind {
        case .punctuation("#"):
            advance()
            return .nat(location)
        case .punctuation("!"):
            advance()
            return .query(try expectIdentifier("a type variable after '!'"), location)
        case .punctuation("%"):
            advance()
            return .bare(try parseTypeTerm(), location)
        case .punctuation("("):
            advance()
            let name: String = try qualifiedName("a type name after '('")
            let argument: RawType = try parseTypeTerm()
            try expectPunctuation(")", "to close '('")
            return .application(name, argument, location)
        case .identifier:
            let name: String = try qualifiedName("a type")
            if isPunctuation("<") {
                advance()
                let argument: RawType = try parseTypeTerm()
                try expectPunctuation(">", "to close '<' of '\(name)'")
                return .application(name, argument, location)
            }
            return .name(name, location)
        default:
            throw SchemaError(location, "expected a type, found \(current.text)")
        }
    }

    /// A result type: `T`, `ns.T`, `T<U>`, `T U` (e.g. `Vector t`).
    private mutating func parseResultType() throws(SchemaError) -> RawType {
        let location: SourceLocation = current.location
        guard case .identifier = current.kind else {
            throw SchemaError(location, "expected a result type after '=', found \(current.text)")
        }
        let name: String = try qualifiedName("a result type")
        if isPunctuation("<") {
            advance()
            let argument: RawType = try parseTypeTerm()
            try expectPunctuation(">", "to close '<' of '\(name)'")
            return .application(name, argument, location)
        }
        // `Vector t`: an argument on the same line (a name on the next line starts a new declaration
        // after a forgotten ';').
        if case .identifier = current.kind, current.location.line == location.line {
            let argument: RawType = try parseTypeTerm()
            return .application(name, argument, location)
        }
        return .name(name, location)
    }
}

extension Array {
    subscript(safe i: Int) -> Element? {
        i >= 0 && i < count ? self[i] : nil
    }
}
