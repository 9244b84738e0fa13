import TLSchema

extension FormattedText {
    /// Cuts the text into parts of at most `maximumUTF16` UTF-16 code units, as Telethon's
    /// `utils.split_text` does: each part ends after the last newline that fits, else after the last
    /// whitespace, else at the limit (moved back so an emoji's surrogate pair stays whole). The
    /// separator stays at the end of its part. Entities are clipped to each part, continued in the
    /// next one, and their offsets made relative to the part. A limit below 1 counts as 1; a single
    /// emoji wider than the limit is kept whole in a part of its own.
    public func split(maximumUTF16: Int = FormattedText.maximumMessageUTF16) -> [FormattedText] {
        let limit: Int = max(1, maximumUTF16)
        let units: [UInt16] = Array(text.utf16)
        var parts: [FormattedText] = []
        var start: Int = 0
        var remaining: [Api.MessageEntity] = entities
        while units.count - start > limit {
            let cut: Int = Self.cut(units, from: start, limit: limit)
            var current: [Api.MessageEntity] = []
            var next: [Api.MessageEntity] = []
            for entity in remaining {
                let (offset, length): (Int, Int) = entity.utf16Range
                let local: Int = cut - start
                if offset >= local {
                    next.append(entity.moved(offset: offset - local, length: length) ?? entity)
                } else if offset + length > local {
                    current.append(entity.moved(offset: offset, length: local - offset) ?? entity)
                    next.append(entity.moved(offset: 0, length: offset + length - local) ?? entity)
                } else {
                    current.append(entity)
                }
            }
            parts.append(FormattedText(text: UTF16Text.string(units[start..<cut]), entities: current))
            remaining = next
            start = cut
        }
        parts.append(FormattedText(text: UTF16Text.string(units[start...]), entities: remaining))
        return parts
    }

    /// Where the part starting at `start` ends.
    private static func cut(_ units: [UInt16], from start: Int, limit: Int) -> Int {
        let window: Range<Int> = start..<start + limit
        if let newline: Int = window.last(where: { units[$0] == UTF16Text.newline }) { return newline + 1 }
        if let space: Int = window.last(where: { UTF16Text.isWhitespace(units[$0]) }) { return space + 1 }
        let end: Int = start + limit
        guard UTF16Text.isHighSurrogate(units[end - 1]), UTF16Text.isLowSurrogate(units[end]) else { return end }
        return end - 1 > start ? end - 1 : end + 1
    }
}
