import Foundation
import MTProto
import TLSchema

/// The account boxes (private chats and basic groups): appending messages and read receipts,
/// resolving input peers, and the users and chats that go with a set of events.
extension SimulatedTelegram {
    /// A new serial for the copies of one message.
    func newOrigin() -> Int64 {
        defer { rooms.nextOrigin += 1 }
        return rooms.nextOrigin
    }

    /// Logs a message of the simulation (the oldest ones go past ``SimulatedLimits/loggedMessages``).
    func record(_ message: SimulatedMessage) {
        log.append(message)
        if log.count > rooms.limits.loggedMessages { log.removeFirst(log.count - rooms.limits.loggedMessages) }
    }

    /// Whether `user` already used `randomID` for a send or forward.
    func isRandomIDTaken(_ randomID: Int64, by user: Int64) -> Bool {
        sentRandomIDs[user]?.contains(randomID) == true || rooms.forwardRandomIDs[user]?.contains(randomID) == true
    }

    /// The message `draft` describes as `owner` sees it in `peer`, with id `id`.
    func message(_ draft: MessageDraft, id: Int32, owner: Int64, peer: SimulatedPeer) -> Api.Message {
        let reply: Api.MessageReplyHeader? = draft.replyTo.map {
            .messageReplyHeader(Api.MessageReplyHeader.MessageReplyHeader(replyToMsgId: $0))
        }
        let out: Bool = draft.sender == owner
        // Telegram sets from_id in groups always, in private chats on outgoing messages.
        let from: Api.Peer? = out || peer.userID == nil ? .peerUser(Api.Peer.PeerUser(userId: draft.sender)) : nil
        if let action = draft.action {
            return .messageService(Api.Message.MessageService(
                out: out, id: id, fromId: from, peerId: peer.api, replyTo: reply, date: draft.date, action: action))
        }
        let media: Api.MessageMedia? =
            draft.media.map(apiMedia) ?? (draft.hasMedia ? .messageMediaPhoto(Api.MessageMedia.MessageMediaPhoto()) : nil)
        return .message(Api.Message.Message(
            out: out, id: id, fromId: from, peerId: peer.api, fwdFrom: draft.forwardHeader, replyTo: reply, date: draft.date,
            message: draft.text, media: media, entities: draft.entities, groupedId: draft.groupedID))
    }

    /// Appends a message to `owner`'s box; returns its id there and the new pts.
    @discardableResult
    func append(owner: Int64, peer: SimulatedPeer, draft: MessageDraft, origin: Int64) -> (Int32, Int32) {
        // One hash look-up; the box is then changed in place through its index (a copy of the box
        // would copy every event it keeps, once per message).
        guard let index = boxes.index(forKey: owner) else { return (0, 0) }
        let id: Int32 = boxes.values[index].nextID
        let built: Api.Message = message(draft, id: id, owner: owner, peer: peer)
        let pts: Int32 = Self.append(
            BoxEvent(pts: 0, message: built, update: nil, peer: peer, date: draft.date, origin: origin), to: &boxes.values[index])
        trim(owner, at: index)
        return (id, pts)
    }

    /// The message of the newest event in `owner`'s box, read in place (neither the box nor the
    /// event is copied: a burst asks for it once per message).
    func newestMessage(of owner: Int64) -> Api.Message? {
        guard let index = boxes.index(forKey: owner), !boxes.values[index].events.isEmpty else { return nil }
        return boxes.values[index].events[boxes.values[index].events.count - 1].message
    }

    /// Adds `event` to `box` with the box's next id and pts; returns that pts.
    private static func append(_ event: BoxEvent, to box: inout Box) -> Int32 {
        box.nextID += 1
        box.pts += 1
        var stamped: BoxEvent = event
        stamped.pts = box.pts
        box.events.append(stamped)
        return box.pts
    }

    /// Appends a non-message update (taking one pts) to `owner`'s box; `make` gets the new pts.
    @discardableResult
    func appendUpdate(owner: Int64, peer: SimulatedPeer, _ make: (Int32) -> Api.Update) -> Api.Update? {
        guard let pts = boxes[owner].map({ $0.pts + 1 }) else { return nil }
        let update: Api.Update = make(pts)
        boxes[owner]?.pts = pts
        boxes[owner]?.events.append(BoxEvent(pts: pts, message: nil, update: update, peer: peer, date: Int32(Date().timeIntervalSince1970)))
        trim(owner)
        return update
    }

    /// Forgets the oldest events past ``SimulatedLimits/messagesPerChat``; a difference from
    /// before them is then "too long".
    private func trim(_ owner: Int64) {
        guard let index = boxes.index(forKey: owner) else { return }
        trim(owner, at: index)
    }

    private func trim(_ owner: Int64, at index: Dictionary<Int64, Box>.Index) {
        let excess: Int = boxes.values[index].events.count - rooms.limits.messagesPerChat
        guard excess > 0 else { return }
        let forgotten: Int32 = boxes.values[index].events[excess - 1].pts
        differenceHorizon[owner] = max(differenceHorizon[owner] ?? 0, forgotten)
        boxes.values[index].events.removeFirst(excess)
    }

    /// Records a read receipt in `owner`'s box up to `maxID` (0: the newest message); returns the new pts.
    func markRead(owner: Int64, peer: SimulatedPeer, maxID: Int32) -> Int32 {
        guard let box = boxes[owner] else { return 0 }
        let newest: Int32 = box.events.filter { $0.peer == peer && $0.message != nil }.map { Self.id(of: $0.message) }.max() ?? 0
        let upTo: Int32 = maxID == 0 ? newest : maxID
        boxes[owner]?.readInbox[peer] = max(box.readInbox[peer] ?? 0, upTo)
        appendUpdate(owner: owner, peer: peer) { (pts: Int32) -> Api.Update in
            .updateReadHistoryInbox(Api.Update.UpdateReadHistoryInbox(peer: peer.api, maxId: upTo, stillUnreadCount: 0, pts: pts, ptsCount: 1))
        }
        return boxes[owner]?.pts ?? 0
    }

    /// The peer an input peer names if `viewer` may address it, or the error Telegram answers.
    func resolve(_ input: Api.InputPeer, for viewer: Int64) -> Result<SimulatedPeer, RPCError> {
        switch input {
        case .inputPeerSelf:
            return .success(.user(viewer))
        case .inputPeerUser(let p):
            guard accounts[p.userId] != nil, p.accessHash == accessHash(of: p.userId, for: viewer) else {
                return .failure(RPCError(code: 400, message: "PEER_ID_INVALID"))
            }
            return .success(.user(p.userId))
        case .inputPeerUserFromMessage(let p):
            guard accounts[p.userId] != nil else { return .failure(RPCError(code: 400, message: "PEER_ID_INVALID")) }
            return .success(.user(p.userId))
        case .inputPeerChat(let p):
            guard let group = rooms.groups[p.chatId] else { return .failure(RPCError(code: 400, message: "CHAT_ID_INVALID")) }
            guard group.isMember(viewer) || boxes[viewer]?.events.contains(where: { $0.peer == .chat(p.chatId) }) == true else {
                return .failure(RPCError(code: 400, message: "PEER_ID_INVALID"))
            }
            return .success(.chat(p.chatId))
        case .inputPeerChannel(let p):
            return resolve(.inputChannel(Api.InputChannel.InputChannel(channelId: p.channelId, accessHash: p.accessHash)), for: viewer)
                .map { SimulatedPeer.channel($0) }
        case .inputPeerChannelFromMessage(let p):
            return resolve(.inputChannelFromMessage(Api.InputChannel.InputChannelFromMessage(peer: p.peer, msgId: p.msgId, channelId: p.channelId)), for: viewer)
                .map { SimulatedPeer.channel($0) }
        case .inputPeerEmpty:
            return .failure(RPCError(code: 400, message: "PEER_ID_INVALID"))
        }
    }

    /// The channel an input channel names (its access hash checked for `viewer`); a channel
    /// `viewer` was banned from, or left while it is private, answers `CHANNEL_PRIVATE`.
    func resolve(_ input: Api.InputChannel, for viewer: Int64) -> Result<Int64, RPCError> {
        let id: Int64
        switch input {
        case .inputChannel(let c):
            guard rooms.channels[c.channelId] != nil, c.accessHash == channelAccessHash(of: c.channelId, for: viewer) else {
                return .failure(RPCError(code: 400, message: "CHANNEL_INVALID"))
            }
            id = c.channelId
        case .inputChannelFromMessage(let c):
            guard rooms.channels[c.channelId] != nil else { return .failure(RPCError(code: 400, message: "CHANNEL_INVALID")) }
            id = c.channelId
        case .inputChannelEmpty:
            return .failure(RPCError(code: 400, message: "CHANNEL_INVALID"))
        }
        guard let channel = rooms.channels[id] else { return .failure(RPCError(code: 400, message: "CHANNEL_INVALID")) }
        if channel.banned.contains(viewer) || (!channel.isMember(viewer) && !channel.isPublic) {
            return .failure(RPCError(code: 406, message: "CHANNEL_PRIVATE"))
        }
        return .success(id)
    }

    /// The users and chats of some box events, as `viewer` sees them (the peers and the senders).
    func peers(of events: [BoxEvent], for viewer: Int64) -> ([Api.User], [Api.Chat]) {
        var users: Set<Int64> = [viewer]
        var chats: Set<SimulatedPeer> = []
        for event in events {
            switch event.peer {
            case .user(let id): users.insert(id)
            case .chat, .channel: chats.insert(event.peer)
            }
            if case .message(let m)? = event.message, case .peerUser(let from)? = m.fromId { users.insert(from.userId) }
            if case .messageService(let m)? = event.message {
                if case .peerUser(let from)? = m.fromId { users.insert(from.userId) }
                users.formUnion(Self.usersNamed(by: m.action))
            }
        }
        return (users.sorted().map { user($0, for: viewer) }, chats.map { chat($0, for: viewer) })
    }

    /// The users a service action names.
    static func usersNamed(by action: Api.MessageAction) -> [Int64] {
        switch action {
        case .messageActionChatCreate(let a): return a.users
        case .messageActionChatAddUser(let a): return a.users
        case .messageActionChatDeleteUser(let a): return [a.userId]
        default: return []
        }
    }

    /// The group or channel as `viewer` sees it (`chat`/`channel`, or forbidden).
    func chat(_ peer: SimulatedPeer, for viewer: Int64) -> Api.Chat {
        switch peer {
        case .chat(let id): return groupChat(id, for: viewer)
        case .channel(let id): return channelChat(id, for: viewer)
        case .user(let id): return .chatEmpty(Api.Chat.ChatEmpty(id: id))
        }
    }
}
