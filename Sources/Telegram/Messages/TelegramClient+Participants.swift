import MTProto
import TLSchema

extension TelegramClient {
    /// The members of a group or channel. For a channel or supergroup they are read page by page
    /// with `channels.getParticipants` (`offset` grows by each page; at most 200 a page), ending at
    /// a short or empty page or after `limit`; for a basic group they come in one page from
    /// `messages.getFullChat`. Telegram lets only admins list a broadcast channel's members
    /// (`CHAT_ADMIN_REQUIRED` otherwise)
    /// ([channels.getParticipants](https://core.telegram.org/method/channels.getParticipants)).
    public nonisolated func participants(of peer: PeerID, limit: Int? = nil, pageSize: Int = 200) -> Pages<Participant, Int> {
        Pages(first: 0, limit: limit, pageSize: Swift.min(pageSize, 200)) { [self] (offset: Int, size: Int) in
            switch peer {
            case .channel(let channel):
                let result: Api.channels.ChannelParticipants = try await invoke(Api.functions.channels.GetParticipants(
                    channel: try await peers.inputChannel(channel), filter: .channelParticipantsRecent, offset: Int32(offset),
                    limit: Int32(size), hash: 0))
                guard case .channelParticipants(let page) = result else { return ([], nil) }
                let items: [Participant] = page.participants.compactMap { Self.participant($0, users: page.users) }
                let next: Int? = page.participants.count < size || offset + page.participants.count >= Int(page.count)
                    ? nil : offset + page.participants.count
                return (items, next)
            case .chat(let chat):
                let full: Api.messages.ChatFull = try await invoke(Api.functions.messages.GetFullChat(chatId: chat))
                guard case .chatFull(let info) = full.fullChat, case .chatParticipants(let list) = info.participants else { return ([], nil) }
                let items: [Participant] = list.participants.map { Self.participant($0, users: full.users) }
                return (Array(items.dropFirst(offset)), nil)
            case .user:
                throw TelegramError.unexpectedResult("\(peer) is a user, not a group or channel")
            }
        }
    }

    private static func participant(_ member: Api.ChannelParticipant, users: [Api.User]) -> Participant? {
        let (id, role, date): (Int64, Participant.Role, Int32?)
        switch member {
        case .channelParticipant(let p): (id, role, date) = (p.userId, .member, p.date)
        case .channelParticipantSelf(let p): (id, role, date) = (p.userId, .member, p.date)
        case .channelParticipantCreator(let p): (id, role, date) = (p.userId, .creator, nil)
        case .channelParticipantAdmin(let p): (id, role, date) = (p.userId, .admin, p.date)
        case .channelParticipantBanned(let p):
            guard case .peerUser(let u) = p.peer else { return nil }
            (id, role, date) = (u.userId, .banned, p.date)
        case .channelParticipantLeft:
            return nil
        }
        return Participant(userID: id, user: users.first { $0.userID == id }, role: role, joinedAt: date)
    }

    private static func participant(_ member: Api.ChatParticipant, users: [Api.User]) -> Participant {
        switch member {
        case .chatParticipant(let p):
            return Participant(userID: p.userId, user: users.first { $0.userID == p.userId }, role: .member, joinedAt: p.date)
        case .chatParticipantCreator(let p):
            return Participant(userID: p.userId, user: users.first { $0.userID == p.userId }, role: .creator, joinedAt: nil)
        case .chatParticipantAdmin(let p):
            return Participant(userID: p.userId, user: users.first { $0.userID == p.userId }, role: .admin, joinedAt: p.date)
        }
    }
}

extension Api.User {
    /// The user's id (`userEmpty` included).
    var userID: Int64 {
        switch self {
        case .user(let u): return u.id
        case .userEmpty(let u): return u.id
        }
    }
}
