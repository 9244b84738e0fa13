import TLGenCore

/// Builds valid wire bytes for any constructor or function straight from the parsed schema,
/// independently of the generated Swift code, so that every generated decoder and encoder can be
/// checked against bytes it did not produce itself.
struct WireSynthesizer {
    /// How optional fields are chosen.
    enum FlagMode: CaseIterable {
        case allUnset, allSet, random
    }

    let schema: TLSchema
    private var constructorsByType: [String: [TLCombinator]] = [:]
    private var constructorsByName: [String: TLCombinator] = [:]
    /// A function without fields, used as the inner query of generic wrappers.
    private var simpleQuery: TLCombinator?
    /// A constructor without fields, used for `Object` slots.
    private var simpleObject: TLCombinator?
    var random: SplitMix64
    var mode: FlagMode = .random
    private var depth: Int = 0

    /// A synthesizer for the constructors and functions of one schema file.
    init(schema: TLSchema, seed: UInt64) {
        self.schema = schema
        self.random = SplitMix64(seed: seed)
        for c in schema.constructors {
            constructorsByName[c.name] = c
            if case .boxed(let t) = c.result { constructorsByType[t, default: []].append(c) }
            if simpleObject == nil && c.fields.isEmpty, case .boxed = c.result { simpleObject = c }
        }
        for f in schema.functions where simpleQuery == nil && f.fields.isEmpty && f.generics.isEmpty {
            simpleQuery = f
        }
    }

    /// The boxed bytes of `c` (id first).
    mutating func boxed(_ c: TLCombinator) -> [UInt8] {
        var out: [UInt8] = []
        appendUInt32(c.id, to: &out)
        appendBare(c, to: &out)
        return out
    }

    private func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(v & 0xff))
        out.append(UInt8(v >> 8 & 0xff))
        out.append(UInt8(v >> 16 & 0xff))
        out.append(UInt8(v >> 24))
    }

    private mutating func appendUInt64(_ v: UInt64, to out: inout [UInt8]) {
        appendUInt32(UInt32(truncatingIfNeeded: v), to: &out)
        appendUInt32(UInt32(truncatingIfNeeded: v >> 32), to: &out)
    }

    private func appendByteString(_ payload: [UInt8], to out: inout [UInt8]) {
        if payload.count <= 253 {
            out.append(UInt8(payload.count))
        } else {
            out.append(254)
            out.append(UInt8(payload.count & 0xff))
            out.append(UInt8(payload.count >> 8 & 0xff))
            out.append(UInt8(payload.count >> 16 & 0xff))
        }
        out.append(contentsOf: payload)
    }

    private mutating func appendBare(_ c: TLCombinator, to out: inout [UInt8]) {
        depth += 1
        defer { depth -= 1 }
        // Decide which flag bits are set (all fields sharing a bit are present together).
        var bits: [String: UInt32] = [:]
        for f in c.fields {
            if case .conditional(let word, let bit, _) = f.kind {
                let set: Bool
                switch mode {
                case .allUnset: set = false
                case .allSet: set = depth < 4
                case .random: set = depth < 4 && random.next() % 2 == 0
                }
                if set { bits[word, default: 0] |= UInt32(1) << UInt32(bit) }
            }
        }
        for f in c.fields {
            switch f.kind {
            case .flagsWord:
                appendUInt32(bits[f.name] ?? 0, to: &out)
            case .plain(let t):
                appendValue(t, to: &out)
            case .conditional(let word, let bit, let t):
                if (bits[word] ?? 0) & (UInt32(1) << UInt32(bit)) != 0 {
                    appendValue(t, to: &out)
                }
            }
        }
    }

    private mutating func appendValue(_ t: TLType, to out: inout [UInt8]) {
        switch t {
        case .int, .nat:
            appendUInt32(UInt32(truncatingIfNeeded: random.next()), to: &out)
        case .long:
            appendUInt64(random.next(), to: &out)
        case .double:
            appendUInt64(Double(Int(random.next() % 100_000) - 50_000).bitPattern, to: &out)
        case .int128:
            appendUInt64(random.next(), to: &out)
            appendUInt64(random.next(), to: &out)
        case .int256:
            for _ in 0 ..< 4 { appendUInt64(random.next(), to: &out) }
        case .string:
            let samples: [String] = ["", "a", "hello", "Привет, мир", "emoji 😀", String(repeating: "x", count: 254)]
            appendPadded(Array(samples[Int(random.next() % UInt64(samples.count))].utf8), to: &out)
        case .bytes:
            let count: Int = [0, 1, 3, 4, 253, 254, 300][Int(random.next() % 7)]
            var payload: [UInt8] = []
            for _ in 0 ..< count { payload.append(UInt8(truncatingIfNeeded: random.next())) }
            appendPadded(payload, to: &out)
        case .bool:
            appendUInt32(random.next() % 2 == 0 ? 0x9972_75b5 : 0xbc79_9737, to: &out)
        case .trueFlag:
            break
        case .object:
            out += boxed(simpleObject!)
        case .generic:
            out += boxed(simpleQuery!)
        case .vector(let element, let isBoxed):
            if isBoxed { appendUInt32(0x1cb5_c415, to: &out) }
            let count: Int = depth < 4 ? Int(random.next() % 3) : 0
            appendUInt32(UInt32(count), to: &out)
            for _ in 0 ..< count { appendValue(element, to: &out) }
        case .boxed(let name):
            out += boxed(pickConstructor(of: name))
        case .bare(let constructor):
            appendBare(constructorsByName[constructor]!, to: &out)
        }
    }

    private func appendPadded(_ payload: [UInt8], to out: inout [UInt8]) {
        let start: Int = out.count
        appendByteString(payload, to: &out)
        while (out.count - start) % 4 != 0 { out.append(0) }
    }

    /// A random constructor of `type`; deep in the tree, the one with the fewest required boxed fields.
    private mutating func pickConstructor(of type: String) -> TLCombinator {
        let list: [TLCombinator] = constructorsByType[type]!
        if depth < 3 { return list[Int(random.next() % UInt64(list.count))] }
        return list.min(by: { requiredBoxedFields($0) < requiredBoxedFields($1) })!
    }

    private func requiredBoxedFields(_ c: TLCombinator) -> Int {
        c.fields.reduce(0) { (n: Int, f: TLField) -> Int in
            if case .plain(let t) = f.kind {
                switch t {
                case .boxed, .bare, .object, .generic: return n + 1
                default: return n
                }
            }
            return n
        }
    }
}

/// A small deterministic random number generator (SplitMix64).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z: UInt64 = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The project's schemas, parsed by tlgen's reader.
enum ProjectSchemas {
    static func load() throws -> [TLSchema] {
        [
            try SchemaReader.read(text: try RepositoryFiles.text("schema/api.tl"), file: "api.tl"),
            try SchemaReader.read(text: try RepositoryFiles.text("schema/mtproto.tl"), file: "mtproto.tl"),
        ]
    }
}
