import TLSchema

/// Writes Telethon's Markdown for a formatted text (the reverse of ``MarkdownParser``).
enum MarkdownWriter {
    static func write(_ text: FormattedText) -> String {
        guard !text.text.isEmpty, !text.entities.isEmpty else { return text.text }
        return MarkupInsertion.render(text, markup: { entity, _ in markup(entity) }, escape: { $0 })
    }

    private static func markup(_ entity: Api.MessageEntity) -> (open: String, close: String)? {
        switch entity {
        case .messageEntityBold: ("**", "**")
        case .messageEntityItalic: ("__", "__")
        case .messageEntityStrike: ("~~", "~~")
        case .messageEntitySpoiler: ("||", "||")
        case .messageEntityCode: ("`", "`")
        case .messageEntityPre(let pre): (pre.language.isEmpty ? "```" : "```\(pre.language)\n", "```")
        case .messageEntityTextUrl(let link): ("[", "](\(link.url))")
        case .messageEntityMentionName(let mention): ("[", "](tg://user?id=\(mention.userId))")
        case .messageEntityCustomEmoji(let emoji): ("[", "](tg://emoji?id=\(emoji.documentId))")
        default: nil
        }
    }
}
