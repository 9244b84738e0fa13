/// A token of the TL schema language.
struct Token: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        case number(Int)
        /// `#xxxxxxxx` written directly after a name.
        case constructorID(UInt32)
        /// `---types---` or `---functions---`
        case section(isFunctions: Bool)
        /// A punctuation character: `: ? { } ( ) < > = ; ! % * [ ] . #`
        case punctuation(Character)
        case endOfFile
    }

    var kind: Kind
    var location: SourceLocation

    var text: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .number(let n): return "'\(n)'"
        case .constructorID(let id): return "'#\(String(id, radix: 16))'"
        case .section(let isFunctions): return isFunctions ? "'---functions---'" : "'---types---'"
        case .punctuation(let c): return "'\(c)'"
        case .endOfFile: return "end of file"
        }
    }
}

/// Splits schema text into tokens, dropping comments and remembering a `// LAYER N` marker.
struct SchemaLexer {
    private let bytes: [UInt8]
    private let file: String
    private var index: Int = 0
    private var line: Int = 1
    private var lineStart: Int = 0
    /// The layer from a `// LAYER N` comment, if the file has one.
    private(set) var layer: Int? = nil

    init(text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
    }

    private var location: SourceLocation {
        SourceLocation(file: file, line: line, column: index - lineStart + 1)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    private static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 48 ... 57: return UInt32(c - 48)
        case 97 ... 102: return UInt32(c - 87)
        case 65 ... 70: return UInt32(c - 55)
        default: return nil
        }
    }

    /// All tokens of the file, ending with `.endOfFile`.
    mutating func tokenize() throws(SchemaError) -> [Token] {
        var tokens: [Token] = []
        while true {
            try skipTriviaAndComments()
            let start: SourceLocation = location
            guard let c = peek() else {
                tokens.append(Token(kind: .endOfFile, location: start))
                return tokens
            }
            if c == UInt8(ascii: "-") {
                tokens.append(Token(kind: try lexSection(start), location: start))
            } else if Self.isIdentifierStart(c) {
                let begin: Int = index
                while let d = peek(), Self.isIdentifierStart(d) || Self.isDigit(d) { advance() }
                let name: String = String(decoding: bytes[begin ..< index], as: UTF8.self)
                tokens.append(Token(kind: .identifier(name), location: start))
            } else if Self.isDigit(c) {
                var value: Int = 0
                while let d = peek(), Self.isDigit(d) {
                    if value > 1_000_000_000 { throw SchemaError(start, "number too large") }
                    value = value * 10 + Int(d - 48)
                    advance()
                }
                tokens.append(Token(kind: .number(value), location: start))
            } else if c == UInt8(ascii: "#"), let next = peek(1), Self.hexValue(next) != nil,
                      case .identifier? = tokens.last?.kind, tokens.last!.location.line == line,
                      tokens.last!.location.column + identifierLength(tokens.last!) == start.column {
                advance()
                var value: UInt32 = 0
                var digits: Int = 0
                while let d = peek(), let h = Self.hexValue(d) {
                    digits += 1
                    if digits > 8 { throw SchemaError(start, "constructor id longer than 8 hex digits") }
                    value = value << 4 | h
                    advance()
                }
                if let d = peek(), Self.isIdentifierStart(d) {
                    throw SchemaError(location, "expected hex digit in constructor id, found '\(Character(UnicodeScalar(d)))'")
                }
                tokens.append(Token(kind: .constructorID(value), location: start))
            } else if "{}()<>=;:?!%*[].#".utf8.contains(c) {
                advance()
                tokens.append(Token(kind: .punctuation(Character(UnicodeScalar(c))), location: start))
            } else {
                let shown: String = c < 128 ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x\(String(c, radix: 16))"
                throw SchemaError(start, "unexpected character \(shown)")
            }
        }
    }

    private func identifierLength(_ token: Token) -> Int {
        if case .identifier(let name) = token.kind { return name.utf8.count }
        return 0
    }

    private mutating func lexSection(_ start: SourceLocation) throws(SchemaError) -> Token.Kind {
        let begin: Int = index
        while let d = peek(), d != UInt8(ascii: "\n"), d != UInt8(ascii: " "), d != UInt8(ascii: "\t"), d != UInt8(ascii: "\r") {
            advance()
        }
        let word: String = String(decoding: bytes[begin ..< index], as: UTF8.self)
        switch word {
        case "---types---": return .section(isFunctions: false)
        case "---functions---": return .section(isFunctions: true)
        default: throw SchemaError(start, "expected '---types---' or '---functions---', found '\(word)'")
        }
    }

    private mutating func skipTriviaAndComments() throws(SchemaError) {
        while let c = peek() {
            if c == 32 || c == 9 || c == 10 || c == 13 {
                advance()
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                let begin: Int = index
                while let d = peek(), d != 10 { advance() }
                noteLayerMarker(String(decoding: bytes[begin ..< index], as: UTF8.self))
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let start: SourceLocation = location
                advance()
                advance()
                while true {
                    guard let d = peek() else { throw SchemaError(start, "unterminated '/*' comment") }
                    if d == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private mutating func noteLayerMarker(_ comment: String) {
        let words: [Substring] = comment.dropFirst(2).split(separator: " ")
        if words.count == 2, words[0] == "LAYER", let n = Int(words[1]) {
            layer = n
        }
    }
}
