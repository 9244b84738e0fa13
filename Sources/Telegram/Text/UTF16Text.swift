import TLSchema

/// Helpers over texts as arrays of UTF-16 code units, the unit of entity offsets.
enum UTF16Text {
    static let newline: UInt16 = 0x0A

    /// Whitespace as Python's `str.isspace` sees it, which decides what Telethon strips and where it
    /// splits on words: ASCII blanks and separators, NEL, NBSP and the Unicode space separators.
    static func isWhitespace(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    static func isHighSurrogate(_ unit: UInt16) -> Bool { unit & 0xFC00 == 0xD800 }
    static func isLowSurrogate(_ unit: UInt16) -> Bool { unit & 0xFC00 == 0xDC00 }

    static func string(_ units: some Collection<UInt16>) -> String {
        String(decoding: units, as: UTF16.self)
    }

    /// Removes the given sorted, disjoint ranges from `units` and moves the entities with the text:
    /// an entity loses what was cut from it and is dropped if nothing is left.
    static func removing(
        _ ranges: [Range<Int>], from units: [UInt16], entities: [Api.MessageEntity]
    ) -> (units: [UInt16], entities: [Api.MessageEntity]) {
        guard !ranges.isEmpty else { return (units, entities.filter { $0.utf16Range.length > 0 }) }
        var kept: [UInt16] = []
        kept.reserveCapacity(units.count)
        var removedBefore: [Int] = []  // removed units before the end of each range
        var cursor: Int = 0
        var removed: Int = 0
        for range in ranges {
            kept.append(contentsOf: units[cursor..<range.lowerBound])
            removed += range.count
            removedBefore.append(removed)
            cursor = range.upperBound
        }
        kept.append(contentsOf: units[cursor...])
        func mapped(_ position: Int) -> Int {
            var low: Int = 0
            var high: Int = ranges.count  // first range whose lower bound is >= position
            while low < high {
                let middle: Int = (low + high) / 2
                if ranges[middle].lowerBound < position { low = middle + 1 } else { high = middle }
            }
            guard low > 0 else { return position }
            // A position inside a removed range lands where that range was.
            return max(position, ranges[low - 1].upperBound) - removedBefore[low - 1]
        }
        let moved: [Api.MessageEntity] = entities.compactMap { entity in
            let (offset, length): (Int, Int) = entity.utf16Range
            let start: Int = mapped(offset)
            let end: Int = mapped(offset + length)
            return end > start ? entity.moved(offset: start, length: end - start) : nil
        }
        return (kept, moved)
    }

    /// Telethon's final step for parsed text: whitespace is trimmed from both ends, entities are
    /// moved and clipped with it, and empty entities are dropped.
    static func stripped(_ units: [UInt16], entities: [Api.MessageEntity]) -> (units: [UInt16], entities: [Api.MessageEntity]) {
        var start: Int = 0
        var end: Int = units.count
        while start < end, isWhitespace(units[start]) { start += 1 }
        while end > start, isWhitespace(units[end - 1]) { end -= 1 }
        var ranges: [Range<Int>] = []
        if start > 0 { ranges.append(0..<start) }
        if end < units.count { ranges.append(end..<units.count) }
        return removing(ranges, from: units, entities: entities)
    }
}
