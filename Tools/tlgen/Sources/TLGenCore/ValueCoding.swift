/// Emits the statements that read and write one field value.
struct ValueCoding {
    let symbols: SymbolTable
    /// Types that need a `tlZero` value (filled in while emitting shared-bit fields).
    private(set) var zeroTypes: Set<String> = []
    private var counter: Int = 0

    init(symbols: SymbolTable) {
        self.symbols = symbols
    }

    private mutating func fresh(_ prefix: String) -> String {
        counter += 1
        return prefix + String(counter)
    }

    /// An expression reading a non-vector value.
    private func readExpression(_ type: TLType) -> String {
        switch type {
        case .int: return "try reader.readInt32()"
        case .long: return "try reader.readInt64()"
        case .double: return "try reader.readDouble()"
        case .string: return "try reader.readString()"
        case .bytes: return "try reader.readBytes()"
        case .int128: return "try reader.readInt128()"
        case .int256: return "try reader.readInt256()"
        case .bool: return "try reader.readBool()"
        case .nat: return "try reader.readUInt32()"
        case .trueFlag: return "true"
        case .object: return "try TLAnyObject(from: &reader)"
        case .boxed, .generic: return "try " + symbols.swiftType(type) + "(from: &reader)"
        case .bare: return "try " + symbols.swiftType(type) + "(bareFrom: &reader)"
        case .vector: fatalError("vectors are read with statements")
        }
    }

    /// Statements that read a value of `type` and hand the result expression to `sink`
    /// (e.g. `self.x = %`), written with `%` standing for the value.
    mutating func emitRead(_ type: TLType, sink: String, into w: inout CodeWriter) {
        guard case .vector(let element, let boxed) = type else {
            w.line(sink.replacingPercent(with: readExpression(type)))
            return
        }
        let count: String = fresh("count")
        let values: String = fresh("values")
        let minimum: Int = symbols.minimumWireSize(element)
        if boxed {
            w.line("let \(count): Int = try reader.readVectorHeader(minimumElementSize: \(minimum))")
        } else {
            w.line("let \(count): Int = try reader.readBareVectorCount(minimumElementSize: \(minimum))")
        }
        w.line("var \(values): \(symbols.swiftType(type)) = []")
        w.line("\(values).reserveCapacity(\(count))")
        w.line("for _ in 0 ..< \(count) {")
        w.indent()
        emitRead(element, sink: "\(values).append(%)", into: &w)
        w.dedent()
        w.line("}")
        w.line(sink.replacingPercent(with: values))
    }

    /// Statements that write `value` (an expression of `type`).
    mutating func emitWrite(_ type: TLType, value: String, into w: inout CodeWriter) {
        switch type {
        case .int: w.line("writer.writeInt32(\(value))")
        case .long: w.line("writer.writeInt64(\(value))")
        case .double: w.line("writer.writeDouble(\(value))")
        case .string: w.line("writer.writeString(\(value))")
        case .bytes: w.line("writer.writeBytes(\(value))")
        case .int128: w.line("writer.writeInt128(\(value))")
        case .int256: w.line("writer.writeInt256(\(value))")
        case .bool: w.line("writer.writeBool(\(value))")
        case .nat: w.line("writer.writeUInt32(\(value))")
        case .trueFlag: break
        case .object, .boxed, .generic: w.line("\(value).serialize(to: &writer)")
        case .bare: w.line("\(value).serializeBare(to: &writer)")
        case .vector(let element, let boxed):
            if boxed {
                w.line("writer.writeVectorHeader(count: \(value).count)")
            } else {
                w.line("writer.writeInt32(Int32(truncatingIfNeeded: \(value).count))")
            }
            let item: String = fresh("item")
            w.line("for \(item): \(symbols.swiftType(element)) in \(value) {")
            w.indent()
            emitWrite(element, value: item, into: &w)
            w.dedent()
            w.line("}")
        }
    }

    /// Statements that write the zero value of `type` (for a field whose flag bit is set because a
    /// field sharing the bit is present, while this one is absent).
    mutating func emitWriteZero(_ type: TLType, into w: inout CodeWriter) {
        switch type {
        case .vector(_, let boxed):
            w.line(boxed ? "writer.writeVectorHeader(count: 0)" : "writer.writeInt32(0)")
        case .boxed(let name):
            zeroTypes.insert(name)
            w.line("\(symbols.swiftType(type)).tlZero.serialize(to: &writer)")
        case .bare(let constructor):
            if let t = symbols.constructors[constructor]?.typeName { zeroTypes.insert(t) }
            w.line("\(symbols.swiftType(type)).tlZero.serializeBare(to: &writer)")
        default:
            emitWrite(type, value: zeroExpression(type), into: &w)
        }
    }

    /// An expression for the zero value of `type`.
    mutating func zeroExpression(_ type: TLType) -> String {
        switch type {
        case .int, .long, .double, .nat: return "0"
        case .string: return "\"\""
        case .bytes, .vector: return "[]"
        case .int128: return "TLInt128(low: 0, high: 0)"
        case .int256: return "TLInt256(words: (0, 0, 0, 0))"
        case .bool, .trueFlag: return "false"
        case .boxed(let name):
            zeroTypes.insert(name)
            return symbols.swiftType(type) + ".tlZero"
        case .bare(let constructor):
            if let t = symbols.constructors[constructor]?.typeName { zeroTypes.insert(t) }
            return symbols.swiftType(type) + ".tlZero"
        case .object, .generic:
            return "fatalError(\"no zero value\")"
        }
    }
}

extension String {
    /// Replaces the single `%` placeholder of an emitter template.
    func replacingPercent(with value: String) -> String {
        guard let i = firstIndex(of: "%") else { return self }
        return String(self[..<i]) + value + String(self[index(after: i)...])
    }
}
