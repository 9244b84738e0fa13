import Foundation
import TLSchema
@testable import Telegram

/// An entity as the fixture file writes it: TL constructor name, UTF-16 range and fields.
struct EntityJSON: Codable, Equatable, CustomStringConvertible {
    var type: String
    var offset: Int
    var length: Int
    var language: String?
    var url: String?
    var user_id: Int64?
    var document_id: Int64?
    var collapsed: Bool?

    var description: String {
        "\(type)(\(offset), \(length)\([language, url, user_id.map(String.init), document_id.map(String.init), collapsed.map(String.init)].compactMap { $0 }.map { ", \($0)" }.joined()))"
    }

    init(type: String, offset: Int, length: Int, language: String? = nil, url: String? = nil, user_id: Int64? = nil,
         document_id: Int64? = nil, collapsed: Bool? = nil) {
        (self.type, self.offset, self.length, self.language, self.url) = (type, offset, length, language, url)
        (self.user_id, self.document_id, self.collapsed) = (user_id, document_id, collapsed)
    }

    init(_ entity: Api.MessageEntity) {
        let (offset, length): (Int, Int) = entity.utf16Range
        self.init(type: entity.tlConstructorName, offset: offset, length: length)
        switch entity {
        case .messageEntityPre(let e): language = e.language
        case .messageEntityTextUrl(let e): url = e.url
        case .messageEntityMentionName(let e): user_id = e.userId
        case .messageEntityCustomEmoji(let e): document_id = e.documentId
        case .messageEntityBlockquote(let e): collapsed = e.collapsed
        default: break
        }
    }

    /// The generated entity this describes.
    var entity: Api.MessageEntity {
        typealias E = Api.MessageEntity
        let (o, l): (Int32, Int32) = (Int32(offset), Int32(length))
        switch type {
        case "messageEntityBold": return .messageEntityBold(E.MessageEntityBold(offset: o, length: l))
        case "messageEntityItalic": return .messageEntityItalic(E.MessageEntityItalic(offset: o, length: l))
        case "messageEntityUnderline": return .messageEntityUnderline(E.MessageEntityUnderline(offset: o, length: l))
        case "messageEntityStrike": return .messageEntityStrike(E.MessageEntityStrike(offset: o, length: l))
        case "messageEntitySpoiler": return .messageEntitySpoiler(E.MessageEntitySpoiler(offset: o, length: l))
        case "messageEntityCode": return .messageEntityCode(E.MessageEntityCode(offset: o, length: l))
        case "messageEntityPre": return .messageEntityPre(E.MessageEntityPre(offset: o, length: l, language: language ?? ""))
        case "messageEntityTextUrl": return .messageEntityTextUrl(E.MessageEntityTextUrl(offset: o, length: l, url: url ?? ""))
        case "messageEntityMentionName":
            return .messageEntityMentionName(E.MessageEntityMentionName(offset: o, length: l, userId: user_id ?? 0))
        case "messageEntityCustomEmoji":
            return .messageEntityCustomEmoji(E.MessageEntityCustomEmoji(offset: o, length: l, documentId: document_id ?? 0))
        case "messageEntityBlockquote":
            return .messageEntityBlockquote(E.MessageEntityBlockquote(collapsed: collapsed ?? false, offset: o, length: l))
        case "messageEntityUrl": return .messageEntityUrl(E.MessageEntityUrl(offset: o, length: l))
        case "messageEntityEmail": return .messageEntityEmail(E.MessageEntityEmail(offset: o, length: l))
        case "messageEntityHashtag": return .messageEntityHashtag(E.MessageEntityHashtag(offset: o, length: l))
        default: fatalError("fixture entity type \(type) not mapped")
        }
    }
}

extension Api.MessageEntity {
    /// The schema name of the constructor, e.g. `messageEntityBold`.
    var tlConstructorName: String {
        TLRegistry.name(of: tlConstructorID) ?? "?"
    }
}

extension FormattedText {
    /// Entities in the fixture form, for exact comparison.
    var entityJSON: [EntityJSON] { entities.map(EntityJSON.init) }
}

/// Telethon's fixtures (Scripts/telethon/make_entity_fixtures.py).
struct EntityFixture: Decodable, CustomStringConvertible, Sendable {
    struct Part: Decodable, Sendable {
        var text: String
        var entities: [EntityJSON]
    }

    var name: String
    var kind: String
    var input: String?
    var text: String
    var entities: [EntityJSON]
    var output: String?
    var limit: Int?
    var parts: [Part]?
    var description: String { name }

    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()

    static func load() throws -> [EntityFixture] {
        struct File: Decodable { var telethon: String; var cases: [EntityFixture] }
        let data: Data = try Data(contentsOf: root.appendingPathComponent("Fixtures/telethon_entities.json"))
        return try JSONDecoder().decode(File.self, from: data).cases
    }
}
