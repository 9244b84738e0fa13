import TLSchema

/// Writes markup around entity ranges, in Telethon's order: at one position the closing markup of
/// later entities comes first, then the opening markup in entity order. A position inside a
/// surrogate pair moves past the pair, so an emoji is never cut.
enum MarkupInsertion {
    /// The opening and closing markup for an entity, given the text it covers; nil to leave it out.
    typealias Markup = (Api.MessageEntity, _ covered: String) -> (open: String, close: String)?

    static func render(_ text: FormattedText, markup: Markup, escape: (String) -> String) -> String {
        let units: [UInt16] = Array(text.text.utf16)
        var insertions: [(position: Int, key: Int, markup: String)] = []
        for (index, entity) in text.entities.enumerated() {
            let (offset, length): (Int, Int) = entity.utf16Range
            let start: Int = min(max(offset, 0), units.count)
            let end: Int = min(max(offset + length, start), units.count)
            guard let (open, close): (String, String) = markup(entity, UTF16Text.string(units[start..<end])) else { continue }
            insertions.append((start, index, open))
            insertions.append((end, -index, close))
        }
        let ordered: [(position: Int, key: Int, markup: String)] = insertions.enumerated()
            .sorted { ($0.element.position, $0.element.key, $0.offset) < ($1.element.position, $1.element.key, $1.offset) }
            .map(\.element)
        var result: String = ""
        result.reserveCapacity(units.count + ordered.count * 8)
        var cursor: Int = 0
        for insertion in ordered {
            var position: Int = insertion.position
            if position > 0, position < units.count, UTF16Text.isHighSurrogate(units[position - 1]),
               UTF16Text.isLowSurrogate(units[position]) {
                position += 1
            }
            if position > cursor {
                result += escape(UTF16Text.string(units[cursor..<position]))
                cursor = position
            }
            result += insertion.markup
        }
        result += escape(UTF16Text.string(units[cursor...]))
        return result
    }
}
