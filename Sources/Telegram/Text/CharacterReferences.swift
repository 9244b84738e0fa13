/// HTML character references: `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`, `&nbsp;`, `&#65;` and `&#x41;`.
/// Other names, and references without their `;`, stay as written (Python's `html.unescape`
/// knows every HTML5 name; the ones here are those Telegram texts use).
enum CharacterReferences {
    private static let named: [String: UInt16] = ["lt": 0x3C, "gt": 0x3E, "amp": 0x26, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0]
    private static let ampersand: UInt16 = 0x26, semicolon: UInt16 = 0x3B, hash: UInt16 = 0x23
    /// Longer than any reference we decode (`&#x10FFFF;`), so a stray `&` costs a bounded look-ahead.
    private static let longestReference: Int = 10

    static func decode(_ units: [UInt16]) -> [UInt16] {
        guard units.contains(ampersand) else { return units }
        var decoded: [UInt16] = []
        decoded.reserveCapacity(units.count)
        var position: Int = 0
        while position < units.count {
            if units[position] == ampersand, let (replacement, end): ([UInt16], Int) = reference(in: units, at: position) {
                decoded.append(contentsOf: replacement)
                position = end
            } else {
                decoded.append(units[position])
                position += 1
            }
        }
        return decoded
    }

    private static func reference(in units: [UInt16], at start: Int) -> ([UInt16], Int)? {
        let limit: Int = min(units.count, start + longestReference + 1)
        guard let end: Int = units[(start + 1)..<limit].firstIndex(of: semicolon), end > start + 1 else { return nil }
        let body: String = UTF16Text.string(units[(start + 1)..<end])
        if let unit: UInt16 = named[body] { return ([unit], end + 1) }
        guard units[start + 1] == hash else { return nil }
        var digits: Substring = body.dropFirst()
        var radix: Int = 10
        if digits.first == "x" || digits.first == "X" {
            digits = digits.dropFirst()
            radix = 16
        }
        guard !digits.isEmpty, let value: UInt32 = UInt32(digits, radix: radix) else { return nil }
        // What html.unescape does with code points a text cannot hold.
        let scalar: Unicode.Scalar = value == 0 ? "\u{FFFD}" : Unicode.Scalar(value) ?? "\u{FFFD}"
        return (Array(String(Character(scalar)).utf16), end + 1)
    }
}
