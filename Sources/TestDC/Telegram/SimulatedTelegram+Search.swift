import Foundation
import MTProto
import TLSchema

/// `messages.search` in one chat (text `q`, `from_id`, Telegram's history paging; only the empty
/// filter) and a minimal `messages.searchGlobal` over every chat of the account
/// ([messages.search](https://core.telegram.org/method/messages.search),
/// [messages.searchGlobal](https://core.telegram.org/method/messages.searchGlobal)).
extension SimulatedTelegram {
    func installSearch() async {
        await server.handle(Api.functions.messages.Search.self) { [self] in await self.search($0) }
        await server.handle(Api.functions.messages.SearchGlobal.self) { [self] in await self.searchGlobal($0) }
    }

    /// Whether `message` matches the text `query` (case-insensitive; empty matches everything but
    /// service messages) and comes from `from` (when given).
    private static func matches(_ message: Api.Message, query: String, from: SimulatedPeer?) -> Bool {
        guard case .message(let m) = message else { return false }
        if let from, let sender = m.fromId, SimulatedPeer(sender) != from { return false }
        if let from, m.fromId == nil, !(m.out && from.userID != nil) { return false }
        return query.isEmpty || m.message.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]) != nil
    }

    private func search(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.Search else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard case .inputMessagesFilterEmpty = call.filter else { return .error(code: 400, message: "FILTER_NOT_SUPPORTED") }
        let peer: SimulatedPeer
        switch resolve(call.peer, for: me) {
        case .success(let found): peer = found
        case .failure(let error): return .error(code: error.code, message: error.message)
        }
        var from: SimulatedPeer? = nil
        if let input = call.fromId {
            switch resolve(input, for: me) {
            case .success(let found): from = found
            case .failure(let error): return .error(code: error.code, message: error.message)
            }
        }
        let (all, _, channelPts): ([Api.Message], [Int64], Int32?) = chatMessages(peer, for: me)
        let found: [Api.Message] = all.filter {
            Self.matches($0, query: call.q, from: from) && (call.minDate == 0 || $0.dateInBox >= call.minDate)
                && (call.maxDate == 0 || $0.dateInBox <= call.maxDate)
        }
        let page: [Api.Message] = Self.page(
            found, offsetID: call.offsetId, offsetDate: 0, addOffset: call.addOffset, limit: call.limit, maxID: call.maxId, minID: call.minId)
        return .value(messagesResult(page, total: found.count, channelPts: channelPts, for: me))
    }

    /// Every chat's matching messages, newest first; a page starts after the message
    /// `offset_peer`/`offset_id` names (else below `offset_rate`, a date), and a slice names the
    /// `next_rate` to ask with.
    private func searchGlobal(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.SearchGlobal else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard !call.q.isEmpty else { return .error(code: 400, message: "SEARCH_QUERY_EMPTY") }
        var found: [(message: Api.Message, origin: Int64)] = []
        var chats: Set<SimulatedPeer> = []
        for event in boxes[me]?.events ?? [] { if event.message != nil { chats.insert(event.peer) } }
        for room in rooms.channels.values where room.isMember(me) { chats.insert(.channel(room.id)) }
        for peer in chats {
            if call.usersOnly && peer.userID == nil { continue }
            if call.groupsOnly, case .user = peer { continue }
            let (messages, origins, _): ([Api.Message], [Int64], Int32?) = chatMessages(peer, for: me)
            for (message, origin) in zip(messages, origins) where Self.matches(message, query: call.q, from: nil) {
                found.append((message, origin))
            }
        }
        found.sort { ($0.message.dateInBox, $0.origin) > ($1.message.dateInBox, $1.origin) }
        var rest: ArraySlice<(message: Api.Message, origin: Int64)> = found[...]
        if case .success(let offsetPeer) = resolve(call.offsetPeer, for: me),
           let index = found.firstIndex(where: { $0.message.messageIDInBox == call.offsetId && $0.message.chatInBox.map(SimulatedPeer.init) == offsetPeer }) {
            rest = found[(index + 1)...]
        } else if call.offsetRate != 0 {
            rest = found.drop { $0.message.dateInBox >= call.offsetRate }
        }
        let page: [Api.Message] = rest.prefix(Int(max(1, min(call.limit, 100)))).map(\.message)
        let (users, chatList): ([Api.User], [Api.Chat]) = peers(ofMessages: page, for: me)
        if page.count < rest.count {
            return .value(Api.messages.Messages.messagesSlice(Api.messages.Messages.MessagesSlice(
                count: Int32(found.count), nextRate: page.last?.dateInBox, messages: page, topics: [], chats: chatList, users: users)))
        }
        return .value(Api.messages.Messages.messages(Api.messages.Messages.Messages(messages: page, topics: [], chats: chatList, users: users)))
    }
}

extension Api.Message {
    /// The chat the message is in (`messageEmpty` without one: nil).
    var chatInBox: Api.Peer? {
        switch self {
        case .message(let m): return m.peerId
        case .messageService(let m): return m.peerId
        case .messageEmpty(let m): return m.peerId
        }
    }
}
