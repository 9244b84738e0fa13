/// Splits HTML into text (character references decoded) and tags, the way Python's `html.parser`
/// does for the markup Telegram uses. Anything that is not a well-formed tag, comment or
/// declaration is text, so broken markup reads as what was typed.
struct HTMLTokenizer {
    /// One piece of the source.
    enum Token {
        case text([UInt16])
        /// A start tag: lower-cased name, attributes (lower-cased names, decoded values, nil for
        /// none) and whether it closed itself (`<br/>`).
        case start(name: String, attributes: [String: String?], selfClosing: Bool)
        case end(name: String)
    }

    private static let lessThan: UInt16 = 0x3C, greaterThan: UInt16 = 0x3E, slash: UInt16 = 0x2F
    private static let bang: UInt16 = 0x21, question: UInt16 = 0x3F, equals: UInt16 = 0x3D
    private static let doubleQuote: UInt16 = 0x22, singleQuote: UInt16 = 0x27

    private let units: [UInt16]
    private var position: Int = 0
    /// Set once markup runs into the end of the input: from there on everything is text, which
    /// also keeps broken input from being rescanned from every `<`.
    private var restIsText: Bool = false

    init(units: [UInt16]) {
        self.units = units
    }

    /// What a `<` starts.
    private enum Markup {
        /// A tag (or nil for a comment or declaration) ending before the given position.
        case markup(Token?, end: Int)
        /// Not markup (`a < b`): the `<` is text.
        case text
        /// Markup the input ends inside of: the rest of the input is text.
        case unterminated
    }

    /// The next token, or nil at the end.
    mutating func next() -> Token? {
        guard position < units.count else { return nil }
        var text: [UInt16] = []
        while position < units.count {
            if !restIsText, units[position] == Self.lessThan {
                switch markup(at: position) {
                case .markup(let token, let end):
                    if !text.isEmpty { return .text(CharacterReferences.decode(text)) }
                    position = end
                    if let token { return token }
                    continue
                case .unterminated:
                    restIsText = true
                case .text:
                    break
                }
            }
            text.append(units[position])
            position += 1
        }
        return .text(CharacterReferences.decode(text))
    }

    /// The tag, comment or declaration at `start` (a `<`).
    private func markup(at start: Int) -> Markup {
        guard start + 1 < units.count else { return .text }
        let first: UInt16 = units[start + 1]
        if first == Self.bang || first == Self.question {
            if hasPrefix("<!--", at: start) {
                guard let end: Int = find("-->", from: start + 4) else { return .unterminated }
                return .markup(nil, end: end + 3)
            }
            guard let end: Int = units[(start + 2)...].firstIndex(of: Self.greaterThan) else { return .unterminated }
            return .markup(nil, end: end + 1)
        }
        if first == Self.slash {
            guard start + 2 < units.count, Self.isLetter(units[start + 2]) else { return .text }
            guard let end: Int = units[(start + 2)...].firstIndex(of: Self.greaterThan) else { return .unterminated }
            let name: String = Self.lowercased(units[(start + 2)..<Self.nameEnd(in: units, from: start + 2, limit: end)])
            return .markup(.end(name: name), end: end + 1)
        }
        guard Self.isLetter(first) else { return .text }
        return startTag(at: start)
    }

    private func startTag(at start: Int) -> Markup {
        var cursor: Int = Self.nameEnd(in: units, from: start + 1, limit: units.count)
        let name: String = Self.lowercased(units[(start + 1)..<cursor])
        var attributes: [String: String?] = [:]
        while true {
            while cursor < units.count, UTF16Text.isWhitespace(units[cursor]) || units[cursor] == Self.slash && !closesTag(cursor) {
                cursor += 1
            }
            guard cursor < units.count else { return .unterminated }
            if units[cursor] == Self.greaterThan { return .markup(.start(name: name, attributes: attributes, selfClosing: false), end: cursor + 1) }
            if closesTag(cursor) { return .markup(.start(name: name, attributes: attributes, selfClosing: true), end: cursor + 2) }
            let nameStart: Int = cursor
            while cursor < units.count, !UTF16Text.isWhitespace(units[cursor]),
                  ![Self.slash, Self.greaterThan, Self.equals].contains(units[cursor]) || cursor == nameStart && units[cursor] == Self.equals {
                cursor += 1
            }
            let attribute: String = Self.lowercased(units[nameStart..<cursor])
            var valueCursor: Int = cursor
            while valueCursor < units.count, UTF16Text.isWhitespace(units[valueCursor]) { valueCursor += 1 }
            guard valueCursor < units.count, units[valueCursor] == Self.equals else {
                attributes[attribute] = .some(nil)
                continue
            }
            valueCursor += 1
            while valueCursor < units.count, UTF16Text.isWhitespace(units[valueCursor]) { valueCursor += 1 }
            guard let (value, end): ([UInt16], Int) = attributeValue(at: valueCursor) else { return .unterminated }
            attributes[attribute] = .some(UTF16Text.string(CharacterReferences.decode(value)))
            cursor = end
        }
    }

    /// A quoted or bare attribute value at `start` and where it ends.
    private func attributeValue(at start: Int) -> ([UInt16], Int)? {
        guard start < units.count else { return nil }
        let quote: UInt16 = units[start]
        if quote == Self.doubleQuote || quote == Self.singleQuote {
            guard let end: Int = units[(start + 1)...].firstIndex(of: quote) else { return nil }
            return (Array(units[(start + 1)..<end]), end + 1)
        }
        var end: Int = start
        while end < units.count, !UTF16Text.isWhitespace(units[end]), units[end] != Self.greaterThan { end += 1 }
        return (Array(units[start..<end]), end)
    }

    private func closesTag(_ cursor: Int) -> Bool {
        units[cursor] == Self.slash && cursor + 1 < units.count && units[cursor + 1] == Self.greaterThan
    }

    private func hasPrefix(_ prefix: String, at start: Int) -> Bool {
        let pattern: [UInt16] = Array(prefix.utf16)
        return start + pattern.count <= units.count && Array(units[start..<start + pattern.count]) == pattern
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        let pattern: [UInt16] = Array(needle.utf16)
        guard units.count >= pattern.count, start <= units.count - pattern.count else { return nil }
        return (start...(units.count - pattern.count)).first { units[$0..<$0 + pattern.count].elementsEqual(pattern) }
    }

    private static func nameEnd(in units: [UInt16], from start: Int, limit: Int) -> Int {
        var end: Int = start
        while end < limit, !UTF16Text.isWhitespace(units[end]), units[end] != slash, units[end] != greaterThan, units[end] != 0 {
            end += 1
        }
        return end
    }

    private static func isLetter(_ unit: UInt16) -> Bool {
        (0x41...0x5A).contains(unit) || (0x61...0x7A).contains(unit)
    }

    private static func lowercased(_ units: ArraySlice<UInt16>) -> String {
        UTF16Text.string(units).lowercased()
    }
}
