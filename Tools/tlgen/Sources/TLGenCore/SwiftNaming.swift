/// Turns TL names into Swift identifiers, deterministically.
enum SwiftNaming {
    /// Keywords that must be escaped with backticks when used as identifiers.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw",
        "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super",
        "throws", "true", "try", "Type", "Protocol",
    ]

    /// Identifiers that cannot be used even with backticks in every position (parameter names, members).
    static let renamed: [String: String] = [
        "self": "isSelf", "Self": "Self_", "Type": "Type_", "Protocol": "Protocol_", "init": "init_",
        "deinit": "deinit_", "subscript": "subscript_", "Any": "Any_",
    ]

    /// Swift type names the generated code uses unqualified; a TL type may not take one of them.
    static let reservedTypeNames: Set<String> = [
        "Int", "Int32", "Int64", "UInt8", "UInt32", "UInt64", "Double", "String", "Bool", "Array", "Optional",
        "Never", "Error", "Result", "TLReader", "TLWriter", "TLDecodingError", "TLInt128", "TLInt256", "TLAnyObject",
        "TLAnyFunction", "TLObject", "TLFunction", "TLConstructor", "TLBoxedConstructor", "TLSumType", "TLRegistry",
        "X", "Type", "Self", "Protocol", "Any",
    ]

    /// `p_q_inner_data_dc` → `PQInnerDataDc`, `sendMessage` → `SendMessage`.
    static func upperCamel(_ name: String) -> String {
        var out: String = ""
        for part in name.split(separator: "_", omittingEmptySubsequences: true) {
            out += part.prefix(1).uppercased() + part.dropFirst()
        }
        return out.isEmpty ? "_" : out
    }

    /// `reply_to_msg_id` → `replyToMsgId`, `srp_B` → `srpB`, `M1` → `m1`.
    static func lowerCamel(_ name: String) -> String {
        let upper: String = upperCamel(name)
        return upper.prefix(1).lowercased() + upper.dropFirst()
    }

    /// A type name that is safe as a nested Swift type.
    static func typeName(_ tlName: String) -> String {
        let name: String = upperCamel(tlName)
        if reservedTypeNames.contains(name) { return name + "_" }
        return name
    }

    /// A member (field, case, parameter) name, escaped or renamed when it is a keyword.
    static func memberName(_ tlName: String) -> String {
        let name: String = lowerCamel(tlName)
        if let replacement = renamed[name] { return replacement }
        if keywords.contains(name) { return "`" + name + "`" }
        return name
    }

    /// A namespace enum name (`messages`, `auth`): kept lowercase as in the schema.
    static func namespaceName(_ tlNamespace: String) -> String {
        if keywords.contains(tlNamespace) || renamed[tlNamespace] != nil { return tlNamespace + "_" }
        return tlNamespace
    }

    /// A Swift string literal for `text` (schema names are ASCII; quotes and backslashes escaped anyway).
    static func stringLiteral(_ text: String) -> String {
        var out: String = "\""
        for c in text {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }

    /// `0x1cb5c415`
    static func hexLiteral(_ id: UInt32) -> String {
        let digits: String = String(id, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
