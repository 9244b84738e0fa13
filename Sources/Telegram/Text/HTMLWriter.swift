import TLSchema

/// Writes HTML for a formatted text (the reverse of ``HTMLParser``), tags as Telethon 1.45 writes
/// them except `<pre>`, which Telethon pads with indentation that would become part of the code.
enum HTMLWriter {
    static func write(_ text: FormattedText) -> String {
        guard !text.text.isEmpty else { return text.text }
        return MarkupInsertion.render(text, markup: markup, escape: escape)
    }

    private static func markup(_ entity: Api.MessageEntity, covered: String) -> (open: String, close: String)? {
        switch entity {
        case .messageEntityBold: ("<strong>", "</strong>")
        case .messageEntityItalic: ("<em>", "</em>")
        case .messageEntityCode: ("<code>", "</code>")
        case .messageEntityUnderline: ("<u>", "</u>")
        case .messageEntityStrike: ("<del>", "</del>")
        case .messageEntitySpoiler: ("<tg-spoiler>", "</tg-spoiler>")
        case .messageEntityBlockquote(let quote): (quote.collapsed ? "<blockquote expandable>" : "<blockquote>", "</blockquote>")
        case .messageEntityPre(let pre):
            pre.language.isEmpty ? ("<pre>", "</pre>") : ("<pre><code class=\"language-\(escape(pre.language))\">", "</code></pre>")
        case .messageEntityEmail: ("<a href=\"mailto:\(escape(covered))\">", "</a>")
        case .messageEntityUrl: ("<a href=\"\(escape(covered))\">", "</a>")
        case .messageEntityTextUrl(let link): ("<a href=\"\(escape(link.url))\">", "</a>")
        case .messageEntityMentionName(let mention): ("<a href=\"tg://user?id=\(mention.userId)\">", "</a>")
        case .messageEntityCustomEmoji(let emoji): ("<tg-emoji emoji-id=\"\(emoji.documentId)\">", "</tg-emoji>")
        default: nil
        }
    }

    /// Python's `html.escape`: `&`, `<`, `>`, `"` and `'`.
    static func escape(_ text: String) -> String {
        var escaped: String = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#x27;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
