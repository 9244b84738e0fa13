import Foundation
import TLSchema
import Telegram

/// A message as `tg` prints it in JSON: ids are marked (users as they are, `-chat`, `-100channel`).
struct MessageRecord: Encodable {
    var id: Int32
    var chat: Int64?
    var from: Int64?
    var date: Int32
    var out: Bool
    var text: String
    var replyTo: Int32?
    var service: Bool

    init(_ message: Api.Message) {
        id = message.messageID
        chat = message.chat?.markedID
        date = message.date
        text = message.text
        out = false
        service = false
        switch message {
        case .message(let m):
            out = m.out
            from = m.fromId.map { PeerID($0).markedID } ?? (m.out ? nil : chat)
            if case .messageReplyHeader(let header)? = m.replyTo { replyTo = header.replyToMsgId }
        case .messageService(let m):
            service = true
            out = m.out
            from = m.fromId.map { PeerID($0).markedID }
        case .messageEmpty:
            break
        }
    }

    /// One line of text: `id date [out] from: text`.
    var line: String {
        let when: String = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(date)))
        let who: String = out ? "me" : from.map(String.init) ?? "?"
        return "\(id)\t\(when)\t\(who)\t\(service ? "[service]" : text.replacingOccurrences(of: "\n", with: "\\n"))"
    }

    enum CodingKeys: String, CodingKey {
        case id, chat, from, date, out, text, service
        case replyTo = "reply_to"
    }
}

/// A peer as `tg` prints it.
struct PeerRecord: Encodable {
    var id: Int64
    var kind: String
    var name: String
    var username: String?
    var phone: String?
    var bot: Bool
    var min: Bool

    init(_ peer: Peer) {
        id = peer.id.markedID
        switch peer.id {
        case .user: kind = "user"
        case .chat: kind = "chat"
        case .channel: kind = "channel"
        }
        name = peer.name
        username = peer.username
        phone = peer.phone
        bot = peer.flags.contains(.bot)
        min = peer.isMin
    }

    /// One line of text: `id kind name @username +phone`.
    var line: String {
        ["\(id)", kind, name, username.map { "@\($0)" }, phone.map { "+\($0)" }].compactMap { $0 }.joined(separator: "\t")
    }
}

/// A dialog as `tg` prints it.
struct DialogRecord: Encodable {
    var peer: Int64
    var name: String
    var unread: Int32
    var topMessage: Int32
    var folder: Int32?
    var pinned: Bool
    var text: String?

    enum CodingKeys: String, CodingKey {
        case peer, name, unread, folder, pinned, text
        case topMessage = "top_message"
    }
}

/// One compact JSON line (keys sorted, so output is stable).
func jsonLine<T: Encodable>(_ value: T) -> String {
    let encoder: JSONEncoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}
