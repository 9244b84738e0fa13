/// The texts of `soak strangers`: `m<index> u<sender> ` and filler up to the length, so every text
/// is distinct, can be made again from its index and sender (the soak keeps no copies), and names
/// its sender (model requests are attributed to people by it).
enum StrangerText {
    private static let filler: String = "the quick brown fox jumps over the lazy dog "

    /// The text of message `index` from `sender`: exactly `length` characters, or just the header
    /// when that is longer.
    static func make(index: Int, from sender: Int64, length: Int) -> String {
        let header: String = "m\(index) u\(sender) "
        guard header.count < length else { return header }
        let body: String = String(repeating: filler, count: length / filler.count + 1)
        return header + body.prefix(length - header.count)
    }

    /// The sender a text names, nil when it is not one of these texts.
    static func sender(of text: String) -> Int64? {
        let words: [Substring] = text.prefix(40).split(separator: " ", maxSplits: 2)
        guard words.count >= 2, words[0].hasPrefix("m"), words[1].hasPrefix("u") else { return nil }
        return Int64(words[1].dropFirst())
    }
}
