import TLSchema

extension Api.MessageEntity {
    /// Where the entity starts and how long it is, in UTF-16 code units.
    var utf16Range: (offset: Int, length: Int) {
        switch self {
        case .messageEntityUnknown(let e): (Int(e.offset), Int(e.length))
        case .messageEntityMention(let e): (Int(e.offset), Int(e.length))
        case .messageEntityHashtag(let e): (Int(e.offset), Int(e.length))
        case .messageEntityBotCommand(let e): (Int(e.offset), Int(e.length))
        case .messageEntityUrl(let e): (Int(e.offset), Int(e.length))
        case .messageEntityEmail(let e): (Int(e.offset), Int(e.length))
        case .messageEntityBold(let e): (Int(e.offset), Int(e.length))
        case .messageEntityItalic(let e): (Int(e.offset), Int(e.length))
        case .messageEntityCode(let e): (Int(e.offset), Int(e.length))
        case .messageEntityPre(let e): (Int(e.offset), Int(e.length))
        case .messageEntityTextUrl(let e): (Int(e.offset), Int(e.length))
        case .messageEntityMentionName(let e): (Int(e.offset), Int(e.length))
        case .inputMessageEntityMentionName(let e): (Int(e.offset), Int(e.length))
        case .messageEntityPhone(let e): (Int(e.offset), Int(e.length))
        case .messageEntityCashtag(let e): (Int(e.offset), Int(e.length))
        case .messageEntityUnderline(let e): (Int(e.offset), Int(e.length))
        case .messageEntityStrike(let e): (Int(e.offset), Int(e.length))
        case .messageEntityBankCard(let e): (Int(e.offset), Int(e.length))
        case .messageEntitySpoiler(let e): (Int(e.offset), Int(e.length))
        case .messageEntityCustomEmoji(let e): (Int(e.offset), Int(e.length))
        case .messageEntityBlockquote(let e): (Int(e.offset), Int(e.length))
        case .messageEntityFormattedDate(let e): (Int(e.offset), Int(e.length))
        case .messageEntityDiffInsert(let e): (Int(e.offset), Int(e.length))
        case .messageEntityDiffReplace(let e): (Int(e.offset), Int(e.length))
        case .messageEntityDiffDelete(let e): (Int(e.offset), Int(e.length))
        }
    }

    /// The same entity (kind and other fields) over another range; nil if the range does not fit
    /// the wire's 32-bit fields.
    func moved(offset: Int, length: Int) -> Api.MessageEntity? {
        guard let o = Int32(exactly: offset), let l = Int32(exactly: length) else { return nil }
        typealias E = Api.MessageEntity
        switch self {
        case .messageEntityUnknown: return .messageEntityUnknown(E.MessageEntityUnknown(offset: o, length: l))
        case .messageEntityMention: return .messageEntityMention(E.MessageEntityMention(offset: o, length: l))
        case .messageEntityHashtag: return .messageEntityHashtag(E.MessageEntityHashtag(offset: o, length: l))
        case .messageEntityBotCommand: return .messageEntityBotCommand(E.MessageEntityBotCommand(offset: o, length: l))
        case .messageEntityUrl: return .messageEntityUrl(E.MessageEntityUrl(offset: o, length: l))
        case .messageEntityEmail: return .messageEntityEmail(E.MessageEntityEmail(offset: o, length: l))
        case .messageEntityBold: return .messageEntityBold(E.MessageEntityBold(offset: o, length: l))
        case .messageEntityItalic: return .messageEntityItalic(E.MessageEntityItalic(offset: o, length: l))
        case .messageEntityCode: return .messageEntityCode(E.MessageEntityCode(offset: o, length: l))
        case .messageEntityPre(let e): return .messageEntityPre(E.MessageEntityPre(offset: o, length: l, language: e.language))
        case .messageEntityTextUrl(let e): return .messageEntityTextUrl(E.MessageEntityTextUrl(offset: o, length: l, url: e.url))
        case .messageEntityMentionName(let e):
            return .messageEntityMentionName(E.MessageEntityMentionName(offset: o, length: l, userId: e.userId))
        case .inputMessageEntityMentionName(let e):
            return .inputMessageEntityMentionName(E.InputMessageEntityMentionName(offset: o, length: l, userId: e.userId))
        case .messageEntityPhone: return .messageEntityPhone(E.MessageEntityPhone(offset: o, length: l))
        case .messageEntityCashtag: return .messageEntityCashtag(E.MessageEntityCashtag(offset: o, length: l))
        case .messageEntityUnderline: return .messageEntityUnderline(E.MessageEntityUnderline(offset: o, length: l))
        case .messageEntityStrike: return .messageEntityStrike(E.MessageEntityStrike(offset: o, length: l))
        case .messageEntityBankCard: return .messageEntityBankCard(E.MessageEntityBankCard(offset: o, length: l))
        case .messageEntitySpoiler: return .messageEntitySpoiler(E.MessageEntitySpoiler(offset: o, length: l))
        case .messageEntityCustomEmoji(let e):
            return .messageEntityCustomEmoji(E.MessageEntityCustomEmoji(offset: o, length: l, documentId: e.documentId))
        case .messageEntityBlockquote(let e):
            return .messageEntityBlockquote(E.MessageEntityBlockquote(collapsed: e.collapsed, offset: o, length: l))
        case .messageEntityFormattedDate(let e):
            return .messageEntityFormattedDate(E.MessageEntityFormattedDate(
                relative: e.relative, shortTime: e.shortTime, longTime: e.longTime, shortDate: e.shortDate,
                longDate: e.longDate, dayOfWeek: e.dayOfWeek, offset: o, length: l, date: e.date))
        case .messageEntityDiffInsert: return .messageEntityDiffInsert(E.MessageEntityDiffInsert(offset: o, length: l))
        case .messageEntityDiffReplace(let e):
            return .messageEntityDiffReplace(E.MessageEntityDiffReplace(offset: o, length: l, oldText: e.oldText))
        case .messageEntityDiffDelete: return .messageEntityDiffDelete(E.MessageEntityDiffDelete(offset: o, length: l))
        }
    }
}
