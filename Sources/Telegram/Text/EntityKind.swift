import TLSchema

/// What a parser found markup for, before its length is known.
enum EntityKind {
    case bold, italic, underline, strike, spoiler, code
    case pre(language: String)
    case blockquote(collapsed: Bool)
    case email
    /// A link; `tg://user?id=` and `tg://emoji?id=` links become mentions and custom emoji.
    case link(url: String)
    case customEmoji(documentID: Int64)

    /// The entity over `offset..<offset + length`; nil if that does not fit the wire's 32-bit fields.
    func entity(offset: Int, length: Int) -> Api.MessageEntity? {
        guard let o = Int32(exactly: offset), let l = Int32(exactly: length) else { return nil }
        typealias E = Api.MessageEntity
        switch self {
        case .bold: return .messageEntityBold(E.MessageEntityBold(offset: o, length: l))
        case .italic: return .messageEntityItalic(E.MessageEntityItalic(offset: o, length: l))
        case .underline: return .messageEntityUnderline(E.MessageEntityUnderline(offset: o, length: l))
        case .strike: return .messageEntityStrike(E.MessageEntityStrike(offset: o, length: l))
        case .spoiler: return .messageEntitySpoiler(E.MessageEntitySpoiler(offset: o, length: l))
        case .code: return .messageEntityCode(E.MessageEntityCode(offset: o, length: l))
        case .pre(let language): return .messageEntityPre(E.MessageEntityPre(offset: o, length: l, language: language))
        case .blockquote(let collapsed):
            return .messageEntityBlockquote(E.MessageEntityBlockquote(collapsed: collapsed, offset: o, length: l))
        case .email: return .messageEntityEmail(E.MessageEntityEmail(offset: o, length: l))
        case .customEmoji(let id):
            return .messageEntityCustomEmoji(E.MessageEntityCustomEmoji(offset: o, length: l, documentId: id))
        case .link(let url):
            if let id: Int64 = Self.number(after: "tg://user?id=", in: url) {
                return .messageEntityMentionName(E.MessageEntityMentionName(offset: o, length: l, userId: id))
            }
            if let id: Int64 = Self.number(after: "tg://emoji?id=", in: url) {
                return .messageEntityCustomEmoji(E.MessageEntityCustomEmoji(offset: o, length: l, documentId: id))
            }
            return .messageEntityTextUrl(E.MessageEntityTextUrl(offset: o, length: l, url: url))
        }
    }

    /// The decimal digits that make up the rest of `url` after `prefix`, if they fit an Int64.
    private static func number(after prefix: String, in url: String) -> Int64? {
        guard url.hasPrefix(prefix) else { return nil }
        let digits: Substring = url.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }
}
