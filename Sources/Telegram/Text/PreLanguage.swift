import TLSchema

/// The language line of Markdown code blocks: ```` ```swift\ncode``` ```` is `code` in Swift.
///
/// Telethon 1.45 keeps the line as text; like Telegram's own clients and the Bot API, we take a
/// first line without whitespace, followed by a newline, as the language and remove both.
enum PreLanguage {
    static func extract(from units: [UInt16], entities: [Api.MessageEntity]) -> (units: [UInt16], entities: [Api.MessageEntity]) {
        var ranges: [Range<Int>] = []
        var labelled: [Api.MessageEntity] = entities
        for (index, entity) in entities.enumerated() {
            guard case .messageEntityPre(let pre) = entity, pre.language.isEmpty else { continue }
            let start: Int = Int(pre.offset)
            let end: Int = min(units.count, start + Int(pre.length))
            guard start >= 0, start < end,
                  let newline: Int = units[start..<end].firstIndex(of: UTF16Text.newline), newline > start,
                  !units[start..<newline].contains(where: UTF16Text.isWhitespace)
            else { continue }
            let language: String = UTF16Text.string(units[start..<newline])
            labelled[index] = .messageEntityPre(Api.MessageEntity.MessageEntityPre(
                offset: pre.offset, length: pre.length, language: language))
            ranges.append(start..<newline + 1)
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        return UTF16Text.removing(ranges, from: units, entities: labelled)
    }
}
