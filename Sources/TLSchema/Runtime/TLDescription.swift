/// A boxed value of a type with several constructors (a generated enum), which can name the
/// constructor it holds.
public protocol TLSumType: TLObject {
    /// The id of the constructor this value holds.
    var tlConstructorID: UInt32 { get }
}

extension TLSerializable {
    /// A readable, multi-line description for logs and tools: constructor names, field names and
    /// values; absent optional fields and `false` booleans (unset flags) are left out, long byte
    /// strings are shortened.
    public var tlDescription: String {
        TLDescriber(maximumBytesShown: 32).describe(self)
    }
}

/// Renders TL values as an indented tree of constructor and field names (used by `tlDescription`
/// and `tldump`).
public struct TLDescriber: Sendable {
    /// Byte strings longer than this are shown shortened, with their length.
    public var maximumBytesShown: Int

    /// `maximumBytesShown` is the cut-off for byte strings (``TLSerializable/tlDescription`` uses 32).
    public init(maximumBytesShown: Int) {
        self.maximumBytesShown = maximumBytesShown
    }

    /// The tree for `value`.
    public func describe(_ value: Any) -> String {
        var out: String = ""
        append(value, indent: 0, into: &out)
        return out
    }

    private func pad(_ indent: Int) -> String {
        String(repeating: "  ", count: indent)
    }

    private func constructorName(of value: Any) -> String? {
        if let constructor = value as? any TLConstructor {
            return type(of: constructor).tlName
        }
        if let sum = value as? any TLSumType {
            return TLRegistry.name(of: sum.tlConstructorID) ?? TLConstructorID.hex(sum.tlConstructorID)
        }
        return nil
    }

    /// Appends `value` starting on the current line (the caller wrote any label), ending with a newline.
    private func append(_ value: Any, indent: Int, into out: inout String) {
        if let any = value as? TLAnyObject {
            append(any.value, indent: indent, into: &out)
            return
        }
        if let any = value as? TLAnyFunction {
            append(any.function, indent: indent, into: &out)
            return
        }
        if let bytes = value as? [UInt8] {
            out += describeBytes(bytes) + "\n"
            return
        }
        if let string = value as? String {
            out += string.debugDescription + "\n"
            return
        }
        if value is TLInt128 || value is TLInt256 {
            out += "\(value)\n"
            return
        }
        let mirror: Mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            if let some = mirror.children.first {
                append(some.value, indent: indent, into: &out)
            } else {
                out += "nil\n"
            }
            return
        }
        if let name = constructorName(of: value) {
            out += name + "\n"
            var fields: Mirror = mirror
            if mirror.displayStyle == .enum {
                guard let payload = mirror.children.first else { return }
                fields = Mirror(reflecting: payload.value)
            }
            appendFields(fields, indent: indent + 1, into: &out)
            return
        }
        switch mirror.displayStyle {
        case .collection?:
            out += "[\(mirror.children.count)]\n"
            for child in mirror.children {
                out += pad(indent + 1) + "- "
                append(child.value, indent: indent + 2, into: &out)
            }
        case .struct?, .class?:
            out += "\(type(of: value))\n"
            appendFields(mirror, indent: indent + 1, into: &out)
        default:
            out += "\(value)\n"
        }
    }

    private func appendFields(_ mirror: Mirror, indent: Int, into out: inout String) {
        for child in mirror.children {
            let childMirror: Mirror = Mirror(reflecting: child.value)
            if childMirror.displayStyle == .optional && childMirror.children.isEmpty {
                continue
            }
            if let flag = child.value as? Bool, !flag {
                continue
            }
            out += pad(indent) + (child.label ?? "_") + ": "
            append(child.value, indent: indent, into: &out)
        }
    }

    private func describeBytes(_ bytes: [UInt8]) -> String {
        if bytes.count <= maximumBytesShown {
            return "bytes[\(bytes.count)] " + TLHex.encode(bytes)
        }
        return "bytes[\(bytes.count)] " + TLHex.encode(bytes.prefix(maximumBytesShown)) + "…"
    }
}
