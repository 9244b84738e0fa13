/// Accumulates indented lines of Swift source.
struct CodeWriter {
    private(set) var text: String = ""
    private var indentLevel: Int = 0

    mutating func line(_ s: String = "") {
        if s.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: "    ", count: indentLevel) + s + "\n"
        }
    }

    mutating func indent() { indentLevel += 1 }
    mutating func dedent() { indentLevel -= 1 }

    /// `header {`, body indented, `}`.
    mutating func block(_ header: String, _ body: (inout CodeWriter) -> Void) {
        line(header + " {")
        indent()
        body(&self)
        dedent()
        line("}")
    }
}
