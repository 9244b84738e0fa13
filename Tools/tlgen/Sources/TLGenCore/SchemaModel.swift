/// A type as written in a field or result, after resolution against the schema.
public indirect enum TLType: Equatable, Sendable {
    case int, long, double, string, bytes, int128, int256
    /// `#`: a flags word.
    case nat
    /// Boxed `Bool`.
    case bool
    /// `true`, only meaningful as `flags.N?true`.
    case trueFlag
    /// `Object`: any boxed value.
    case object
    /// `Vector<T>` (boxed) or `vector<T>` (bare).
    case vector(TLType, boxed: Bool)
    /// A boxed schema type, e.g. `messages.Messages`.
    case boxed(String)
    /// A constructor used bare (`%T` for a single-constructor type, or a constructor name such as `future_salt`).
    case bare(constructor: String)
    /// A type variable `X` of `{X:Type}`; `!X` in a field means "a query whose result is X".
    case generic(String)

    /// The smallest number of bytes one value of this type takes on the wire.
    public var minimumWireSize: Int {
        switch self {
        case .int, .nat, .string, .bytes, .bool, .object, .boxed, .generic: return 4
        case .long, .double: return 8
        case .int128: return 16
        case .int256: return 32
        case .trueFlag: return 0
        case .vector(_, let boxed): return boxed ? 8 : 4
        case .bare: return 0
        }
    }
}

/// How a field is present on the wire.
public enum TLFieldKind: Equatable, Sendable {
    /// Always present.
    case plain(TLType)
    /// A `name:#` flags word, computed from the conditional fields that use it.
    case flagsWord
    /// `name:word.bit?type`: present when bit `bit` of flags word `word` is set.
    case conditional(word: String, bit: Int, TLType)
}

/// One field of a constructor or function.
public struct TLField: Equatable, Sendable {
    public var name: String
    public var kind: TLFieldKind
    public var location: SourceLocation
}

/// A constructor or a function.
public struct TLCombinator: Equatable, Sendable {
    /// Full name with namespace, e.g. `messages.sendMessage`.
    public var name: String
    public var id: UInt32
    /// The id written in the schema, if any (otherwise `id` is the CRC32 of the normalised line).
    public var explicitID: UInt32?
    /// Names of `{X:Type}` variables.
    public var generics: [String]
    public var fields: [TLField]
    /// The result type: a boxed type name (`User`), `Bool`, `Vector<…>`, a generic `X` or `Object`.
    public var result: TLType
    public var isFunction: Bool
    public var location: SourceLocation
    /// The namespace part of `name` (empty at the top level).
    public var namespace: String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }
    /// `name` without its namespace.
    public var shortName: String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}

/// One schema file, parsed and resolved.
public struct TLSchema: Equatable, Sendable {
    public var constructors: [TLCombinator]
    public var functions: [TLCombinator]
    /// From `// LAYER N` or the command line.
    public var layer: Int?
    public var warnings: [SchemaWarning]

    /// Boxed type names in first-declaration order.
    public var typeNames: [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for c in constructors {
            if case .boxed(let t) = c.result, seen.insert(t).inserted { names.append(t) }
        }
        return names
    }

    /// Constructors of a boxed type, in schema order.
    public func constructors(of typeName: String) -> [TLCombinator] {
        constructors.filter { $0.result == .boxed(typeName) }
    }
}
