/// What the emitter knows about each schema type and constructor: Swift names and shapes.
struct SymbolTable {
    /// How a boxed TL type is represented in Swift.
    enum TypeShape {
        /// One constructor: the struct is the type.
        case singleStruct(constructor: TLCombinator)
        /// Several constructors: an enum with one case per constructor.
        case sumEnum(constructors: [TLCombinator])
    }

    struct TypeInfo {
        var tlName: String
        /// e.g. `Api.messages.Messages`
        var swiftPath: String
        /// The namespace enum path that holds it, e.g. `Api.messages`.
        var containerPath: String
        var swiftName: String
        var shape: TypeShape
    }

    struct ConstructorInfo {
        var combinator: TLCombinator
        /// The struct holding the constructor's fields (nil for a field-less case of an enum).
        var structPath: String?
        var structName: String?
        /// The enum case name, for constructors of enums.
        var caseName: String?
        var typeName: String?
        /// A small constructor of an enum (at most 16 bytes of plain numbers and flags) whose
        /// payload is stored inline as a struct instead of in a heap-allocated class.
        var isInline: Bool = false
    }

    /// Whether a constructor's fields are few fixed-size numbers, so that its payload can live
    /// inside the enum without making it wider than two words.
    static func isSmallAndTrivial(_ c: TLCombinator) -> Bool {
        var size: Int = 0
        for f in c.fields {
            switch f.kind {
            case .flagsWord: continue
            case .conditional(_, _, .trueFlag): size += 1
            case .conditional: return false
            case .plain(let t):
                switch t {
                case .int: size += 4
                case .long, .double: size += 8
                case .bool: size += 1
                default: return false
                }
            }
        }
        return size <= 16
    }

    /// The Swift namespace enum for a schema file (`Api`, `MT`).
    let root: String
    let schema: TLSchema
    private(set) var types: [String: TypeInfo] = [:]
    private(set) var typeOrder: [String] = []
    private(set) var constructors: [String: ConstructorInfo] = [:]
    /// Constructors whose result is `Object` (e.g. `gzip_packed`): standalone structs.
    private(set) var objectConstructors: [TLCombinator] = []
    private(set) var namespaces: [String] = []
    private(set) var functionNamespaces: [String] = []
    /// Minimum wire sizes of bare constructors, computed once each: a schema whose bare fields fan
    /// out (`aN x:%aN-1 y:%aN-1`) would otherwise take exponential time.
    private let bareSizes: BareSizeCache = BareSizeCache()

    private final class BareSizeCache {
        var sizes: [String: Int] = [:]
    }

    init(root: String, schema: TLSchema) {
        self.root = root
        self.schema = schema
        var namespaceSet: Set<String> = []
        for c in schema.constructors {
            if !c.namespace.isEmpty { namespaceSet.insert(c.namespace) }
        }
        namespaces = namespaceSet.sorted()
        functionNamespaces = Set(schema.functions.map { $0.namespace }.filter { !$0.isEmpty }).sorted()

        var byType: [String: [TLCombinator]] = [:]
        for c in schema.constructors {
            switch c.result {
            case .boxed(let t):
                if byType[t] == nil { typeOrder.append(t) }
                byType[t, default: []].append(c)
            default:
                objectConstructors.append(c)
            }
        }
        for t in typeOrder {
            let list: [TLCombinator] = byType[t]!
            let container: String = containerPath(forTLName: t)
            let swiftName: String = SwiftNaming.typeName(shortName(t))
            let path: String = container + "." + swiftName
            if list.count == 1 {
                types[t] = TypeInfo(tlName: t, swiftPath: path, containerPath: container, swiftName: swiftName, shape: .singleStruct(constructor: list[0]))
                constructors[list[0].name] = ConstructorInfo(combinator: list[0], structPath: path, structName: swiftName, caseName: nil, typeName: t)
            } else {
                types[t] = TypeInfo(tlName: t, swiftPath: path, containerPath: container, swiftName: swiftName, shape: .sumEnum(constructors: list))
                var usedStructNames: Set<String> = []
                var usedCaseNames: Set<String> = []
                for c in list {
                    var caseName: String = SwiftNaming.memberName(c.shortName)
                    while !usedCaseNames.insert(caseName.lowercased()).inserted { caseName += "_" }
                    var structName: String? = nil
                    if !c.fields.isEmpty {
                        var name: String = SwiftNaming.typeName(c.shortName)
                        while !usedStructNames.insert(name.lowercased()).inserted { name += "_" }
                        structName = name
                    }
                    constructors[c.name] = ConstructorInfo(
                        combinator: c, structPath: structName.map { path + "." + $0 }, structName: structName,
                        caseName: caseName, typeName: t, isInline: Self.isSmallAndTrivial(c))
                }
            }
        }
        for c in objectConstructors {
            let container: String = containerPath(forTLName: c.name)
            let name: String = SwiftNaming.typeName(c.shortName)
            constructors[c.name] = ConstructorInfo(combinator: c, structPath: container + "." + name, structName: name, caseName: nil, typeName: nil)
        }
    }

    private func shortName(_ tlName: String) -> String {
        guard let dot = tlName.lastIndex(of: ".") else { return tlName }
        return String(tlName[tlName.index(after: dot)...])
    }

    /// `messages.Messages` → `Api.messages`; `User` → `Api`.
    func containerPath(forTLName name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return root }
        return root + "." + SwiftNaming.namespaceName(String(name[..<dot]))
    }

    /// `messages.sendMessage` → `Api.functions.messages`.
    func functionContainerPath(for function: TLCombinator) -> String {
        let ns: String = function.namespace
        return ns.isEmpty ? root + ".functions" : root + ".functions." + SwiftNaming.namespaceName(ns)
    }

    /// The Swift type for a TL type in a field or result.
    func swiftType(_ type: TLType) -> String {
        switch type {
        case .int: return "Int32"
        case .long: return "Int64"
        case .double: return "Double"
        case .string: return "String"
        case .bytes: return "[UInt8]"
        case .int128: return "TLInt128"
        case .int256: return "TLInt256"
        case .bool, .trueFlag: return "Bool"
        case .nat: return "UInt32"
        case .object: return "TLAnyObject"
        case .vector(let element, _): return "[" + swiftType(element) + "]"
        case .boxed(let name): return types[name]!.swiftPath
        case .bare(let constructor): return constructors[constructor]!.structPath!
        case .generic(let name): return name
        }
    }

    /// The fewest bytes one value of `type` takes on the wire, capped at 2^30 (it only bounds vector
    /// counts). Terminates because the reader refuses bare constructors that contain themselves
    /// (``InlineCycleCheck``); each constructor is computed once.
    func minimumWireSize(_ type: TLType) -> Int {
        guard case .bare(let constructor) = type, let info = constructors[constructor] else { return type.minimumWireSize }
        if let known = bareSizes.sizes[constructor] { return known }
        var total: Int = 0
        for f in info.combinator.fields {
            switch f.kind {
            case .flagsWord: total += 4
            case .plain(let t): total += minimumWireSize(t)
            case .conditional: break
            }
            total = min(total, 1 << 30)
        }
        bareSizes.sizes[constructor] = total
        return total
    }
}
