/// Chooses, for each type that needs one, a "zero" value: the first constructor whose required
/// fields can all be zero without cycles. It is written in place of a field that is absent while a
/// field sharing its flag bit is present, so the output always matches its flags.
struct ZeroValues {
    let symbols: SymbolTable

    /// For every type that can have a zero value, the constructor chosen for it.
    func chooseConstructors() -> [String: TLCombinator] {
        var chosen: [String: TLCombinator] = [:]
        // Answers for bare constructors, valid until `chosen` grows (each is computed once per
        // round, not once per path: fan-out schemas would take exponential time).
        var memo: [String: Bool] = [:]
        var changed: Bool = true
        while changed {
            changed = false
            for t in symbols.typeOrder where chosen[t] == nil {
                guard let info = symbols.types[t] else { continue }
                let list: [TLCombinator]
                switch info.shape {
                case .singleStruct(let c): list = [c]
                case .sumEnum(let cs): list = cs
                }
                for c in list where isZeroable(c, known: chosen, memo: &memo) {
                    chosen[t] = c
                    memo.removeAll()
                    changed = true
                    break
                }
            }
        }
        return chosen
    }

    private func isZeroable(_ c: TLCombinator, known: [String: TLCombinator], memo: inout [String: Bool]) -> Bool {
        for f in c.fields {
            if case .plain(let t) = f.kind, !isZeroable(t, known: known, memo: &memo) { return false }
        }
        return true
    }

    /// Terminates because the reader refuses bare constructors that contain themselves (``InlineCycleCheck``).
    private func isZeroable(_ t: TLType, known: [String: TLCombinator], memo: inout [String: Bool]) -> Bool {
        switch t {
        case .object, .generic: return false
        case .boxed(let name): return known[name] != nil
        case .bare(let constructor):
            if let answer = memo[constructor] { return answer }
            guard let c = symbols.constructors[constructor]?.combinator else { return false }
            let answer: Bool = isZeroable(c, known: known, memo: &memo)
            memo[constructor] = answer
            return answer
        default: return true
        }
    }

    /// Emits `static var tlZero` for `types` and every type their zero values need.
    func emit(types needed: Set<String>, coding: inout ValueCoding, into w: inout CodeWriter) throws(GeneratorError) {
        let chosen: [String: TLCombinator] = chooseConstructors()
        var pending: [String] = needed.sorted()
        var done: Set<String> = []
        while let t = pending.first {
            pending.removeFirst()
            if !done.insert(t).inserted { continue }
            guard let c = chosen[t], let info = symbols.types[t] else {
                throw GeneratorError("type '\(t)' shares a flag bit with another field but has no constructor that can be zero")
            }
            let ci: SymbolTable.ConstructorInfo = symbols.constructors[c.name]!
            var arguments: [String] = []
            for m in StructEmitter.members(of: c, symbols: symbols) {
                if case .plain(let type) = m.field.kind {
                    arguments.append(m.swiftName + ": " + coding.zeroExpression(type))
                }
            }
            let construct: String = (ci.structPath ?? "") + "(" + arguments.joined(separator: ", ") + ")"
            let value: String
            if let caseName = ci.caseName {
                value = ci.structPath == nil ? "." + caseName : "." + caseName + "(" + construct + ")"
            } else {
                value = construct
            }
            w.line()
            w.block("extension \(info.swiftPath)") { w in
                w.line("/// A placeholder value, written for this type when its flag bit is set by a field sharing the bit.")
                w.line("public static var tlZero: \(info.swiftPath) { \(value) }")
            }
            for next in coding.zeroTypes.sorted() where !done.contains(next) {
                pending.append(next)
            }
        }
    }
}

/// A generation failure that is not tied to one place in a schema file.
public struct GeneratorError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
