/// Refuses constructors that contain themselves by value.
///
/// tlgen stores a bare constructor, and a boxed type with exactly one constructor, inline as a Swift
/// struct. A chain of such fields that leads back to where it started describes a value of infinite
/// size: TL can never end it, and Swift refuses the struct. A `Vector` in between (an array) or a
/// type with several constructors (an enum whose cases are classes) breaks the chain and is fine.
/// An optional field (`flags.N?T`) does not break it either, because Swift stores optionals inline;
/// such schemas are refused with the same error (no published Telegram schema has one).
struct InlineCycleCheck {
    /// The declared constructors, in schema order.
    private let constructors: [TLCombinator]
    private let byName: [String: TLCombinator]
    private let byType: [String: [String]]

    init(constructors: [TLCombinator]) {
        self.constructors = constructors
        var byName: [String: TLCombinator] = [:]
        var byType: [String: [String]] = [:]
        for c in constructors {
            byName[c.name] = c
            if case .boxed(let t) = c.result { byType[t, default: []].append(c.name) }
        }
        self.byName = byName
        self.byType = byType
    }

    /// Throws at the field that closes the first cycle found, in declaration order.
    func check() throws(SchemaError) {
        var finished: Set<String> = []
        for c in constructors where !finished.contains(c.name) {
            var path: [String] = []
            try visit(c.name, path: &path, finished: &finished)
        }
    }

    /// Depth-first walk; `path` holds the constructors being visited. Schemas are small
    /// (thousands of constructors) and chains of inline structs short, so recursion depth is bounded
    /// by the number of constructors.
    private func visit(_ name: String, path: inout [String], finished: inout Set<String>) throws(SchemaError) {
        guard let c = byName[name] else { return }
        path.append(name)
        for field in c.fields {
            guard let next = inlineConstructor(of: field) else { continue }
            if let start = path.firstIndex(of: next) {
                let chain: String = (path[start...] + [next]).joined(separator: " → ")
                throw SchemaError(field.location, "field '\(field.name)' makes '\(next)' contain itself (\(chain)); a recursive type needs a Vector or a type with several constructors in between")
            }
            if !finished.contains(next) { try visit(next, path: &path, finished: &finished) }
        }
        path.removeLast()
        finished.insert(name)
    }

    /// The constructor a field stores inline, if any.
    private func inlineConstructor(of field: TLField) -> String? {
        let type: TLType
        switch field.kind {
        case .flagsWord: return nil
        case .plain(let t): type = t
        case .conditional(_, _, let t): type = t
        }
        switch type {
        case .bare(let constructor): return constructor
        case .boxed(let name):
            guard let list = byType[name], list.count == 1 else { return nil }
            return list[0]
        default: return nil
        }
    }
}
