import TLSchema

/// Telethon's Markdown, read in one pass with no text rewriting (so it stays linear on large input).
///
/// An opening delimiter pairs with the first later copy of itself that leaves at least one unit
/// between them and is not already taken as the closer of an earlier opening; between them the
/// scan goes on, except in code and pre, whose content is literal. `[text](url)` is a link with
/// literal text. The closers of open entities are skipped wherever the scan meets them.
struct MarkdownParser {
    private struct Delimiter {
        let units: [UInt16]
        let kind: EntityKind
        var isLiteral: Bool { if case .code = kind { true } else if case .pre = kind { true } else { false } }
    }

    /// Longest first, so that ``` is not read as an empty code span.
    private static let delimiters: [Delimiter] = [
        Delimiter(units: Array("```".utf16), kind: .pre(language: "")),
        Delimiter(units: Array("**".utf16), kind: .bold),
        Delimiter(units: Array("__".utf16), kind: .italic),
        Delimiter(units: Array("~~".utf16), kind: .strike),
        Delimiter(units: Array("||".utf16), kind: .spoiler),
        Delimiter(units: Array("`".utf16), kind: .code),
    ]
    private static let delimiterStarts: Set<UInt16> = Set(delimiters.map { $0.units[0] })
    private static let openBracket: UInt16 = 0x5B, closeBracket: UInt16 = 0x5D
    private static let openParen: UInt16 = 0x28, closeParen: UInt16 = 0x29

    private let units: [UInt16]
    /// Where each delimiter occurs in the source (overlapping copies too), ascending.
    private let occurrences: [[Int]]
    /// The next `]` and `)` at or after each position (`units.count` if none).
    private let nextCloseBracket: [Int], nextCloseParen: [Int]
    /// For each unit of a reserved closer, the entity it closes; -1 elsewhere.
    private var closerOwner: [Int]
    private var closerLength: [Int: Int] = [:]
    private var kinds: [EntityKind] = []
    private var starts: [Int] = []
    private var ends: [Int?] = []
    private var output: [UInt16] = []

    init(source: String) {
        let source: [UInt16] = Array(source.utf16)
        units = source
        occurrences = Self.delimiters.map { Self.positions(of: $0.units, in: source) }
        nextCloseBracket = Self.nextPositions(of: Self.closeBracket, in: source)
        nextCloseParen = Self.nextPositions(of: Self.closeParen, in: source)
        closerOwner = Array(repeating: -1, count: source.count)
    }

    consuming func parse() -> FormattedText {
        output.reserveCapacity(units.count)
        var position: Int = 0
        while position < units.count {
            position = step(at: position)
        }
        var entities: [Api.MessageEntity] = []
        for index in kinds.indices {
            let end: Int = ends[index] ?? output.count
            if let entity = kinds[index].entity(offset: starts[index], length: end - starts[index]) { entities.append(entity) }
        }
        let (text, trimmed): ([UInt16], [Api.MessageEntity]) = UTF16Text.stripped(output, entities: entities)
        let (final, withLanguages): ([UInt16], [Api.MessageEntity]) = PreLanguage.extract(from: text, entities: trimmed)
        return FormattedText(text: UTF16Text.string(final), entities: withLanguages)
    }

    /// Reads what starts at `position` and returns where to go on.
    private mutating func step(at position: Int) -> Int {
        let owner: Int = closerOwner[position]
        if owner >= 0 {
            close(owner)
            return position + (closerLength[owner] ?? 1)
        }
        if let index: Int = delimiterIndex(at: position) {
            let delimiter: Delimiter = Self.delimiters[index]
            guard let closer: Int = findCloser(index, after: position) else {
                output.append(units[position])
                return position + 1
            }
            let entity: Int = open(delimiter.kind)
            closerLength[entity] = delimiter.units.count
            for unit in closer..<closer + delimiter.units.count { closerOwner[unit] = entity }
            guard delimiter.isLiteral else { return position + delimiter.units.count }
            _ = literal(position + delimiter.units.count..<closer, toOutput: true)
            close(entity)
            return closer + delimiter.units.count
        }
        if units[position] == Self.openBracket, let end: Int = link(at: position) {
            return end
        }
        output.append(units[position])
        return position + 1
    }

    /// `[text](url)` at `position`: emits the text with its entity and returns the position after it.
    private mutating func link(at position: Int) -> Int? {
        let textEnd: Int = nextCloseBracket[position]
        guard textEnd + 1 < units.count, units[textEnd + 1] == Self.openParen else { return nil }
        let urlEnd: Int = nextCloseParen[textEnd + 1]
        guard urlEnd < units.count else { return nil }
        let entity: Int = open(.link(url: ""))
        _ = literal(position + 1..<textEnd, toOutput: true)
        let url: [UInt16] = literal(textEnd + 2..<urlEnd, toOutput: false)
        kinds[entity] = .link(url: UTF16Text.string(url))
        close(entity)
        return urlEnd + 1
    }

    /// Takes units literally, appended to the output or returned, closing (and leaving out) the
    /// reserved closers among them at the current output position.
    private mutating func literal(_ range: Range<Int>, toOutput: Bool) -> [UInt16] {
        var taken: [UInt16] = []
        for position in range {
            let owner: Int = closerOwner[position]
            if owner >= 0 {
                close(owner)
            } else if toOutput {
                output.append(units[position])
            } else {
                taken.append(units[position])
            }
        }
        return taken
    }

    private mutating func open(_ kind: EntityKind) -> Int {
        kinds.append(kind)
        starts.append(output.count)
        ends.append(nil)
        return kinds.count - 1
    }

    private mutating func close(_ entity: Int) {
        if ends[entity] == nil { ends[entity] = output.count }
    }

    private func delimiterIndex(at position: Int) -> Int? {
        guard Self.delimiterStarts.contains(units[position]) else { return nil }
        return Self.delimiters.indices.first { matches(Self.delimiters[$0].units, at: position) }
    }

    private func matches(_ pattern: [UInt16], at position: Int) -> Bool {
        guard position + pattern.count <= units.count else { return false }
        for (index, unit) in pattern.enumerated() where units[position + index] != unit || closerOwner[position + index] >= 0 {
            return false
        }
        return true
    }

    /// The first copy of delimiter `index` starting at least one unit after the opening at
    /// `position` that no earlier opening has taken.
    private func findCloser(_ index: Int, after position: Int) -> Int? {
        let list: [Int] = occurrences[index]
        let length: Int = Self.delimiters[index].units.count
        var low: Int = 0
        var high: Int = list.count
        while low < high {
            let middle: Int = (low + high) / 2
            if list[middle] < position + length + 1 { low = middle + 1 } else { high = middle }
        }
        while low < list.count {
            let candidate: Int = list[low]
            if (candidate..<candidate + length).allSatisfy({ closerOwner[$0] < 0 }) { return candidate }
            low += 1
        }
        return nil
    }

    private static func positions(of pattern: [UInt16], in units: [UInt16]) -> [Int] {
        var found: [Int] = []
        var start: Int = 0
        while start + pattern.count <= units.count {
            var length: Int = 0
            while length < pattern.count, units[start + length] == pattern[length] { length += 1 }
            if length == pattern.count { found.append(start) }
            start += 1
        }
        return found
    }

    private static func nextPositions(of unit: UInt16, in units: [UInt16]) -> [Int] {
        var next: [Int] = Array(repeating: units.count, count: units.count + 1)
        for position in stride(from: units.count - 1, through: 0, by: -1) {
            next[position] = units[position] == unit ? position : next[position + 1]
        }
        return next
    }
}
