import Foundation
import MTProto
import TLSchema

/// `messages.updatePinnedMessage`: pin (with the service message `messageActionPinMessage`
/// replying to the pinned one) or unpin, announced with `updatePinnedMessages` in the common boxes
/// of the chat's members or `updatePinnedChannelMessages` with the channel's pts
/// ([messages.updatePinnedMessage](https://core.telegram.org/method/messages.updatePinnedMessage)).
extension SimulatedTelegram {
    func installPins() async {
        await server.handle(Api.functions.messages.UpdatePinnedMessage.self) { [self] in await self.updatePinnedMessage($0) }
    }

    /// The messages pinned in `channel`, oldest pin first.
    public func pinnedMessages(inChannel channel: Int64) -> [Int32] { rooms.channels[channel]?.pinned ?? [] }

    private func updatePinnedMessage(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.UpdatePinnedMessage else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        switch resolve(call.peer, for: me) {
        case .failure(let error): return .error(code: error.code, message: error.message)
        case .success(.channel(let channel)): return await pinInChannel(channel, id: call.id, unpin: call.unpin, by: me)
        case .success(let peer): return await pinInBoxes(peer, id: call.id, unpin: call.unpin, oneSide: call.pmOneside, by: me)
        }
    }

    private func pinInChannel(_ channel: Int64, id: Int32, unpin: Bool, by me: Int64) async -> HandlerOutcome {
        guard var room = rooms.channels[channel], room.isMember(me) else { return .error(code: 400, message: "CHANNEL_PRIVATE") }
        guard !room.isBroadcast || room.creator == me else { return .error(code: 400, message: "CHAT_ADMIN_REQUIRED") }
        guard room.post(id) != nil else { return .error(code: 400, message: "MESSAGE_ID_INVALID") }
        room.pinned.removeAll { $0 == id }
        if !unpin { room.pinned.append(id) }
        appendEvent(&room, .pin([id], pinned: !unpin))
        rooms.channels[channel] = room
        let pinUpdate: Api.Update = .updatePinnedChannelMessages(Api.Update.UpdatePinnedChannelMessages(
            pinned: !unpin, channelId: channel, messages: [id], pts: room.pts, ptsCount: 1))
        await pushChannelUpdate(pinUpdate, in: channel, skipping: me)
        guard !unpin else {
            return .value(Api.Updates.updates(Api.Updates.Updates(
                updates: [pinUpdate], users: [], chats: [channelChat(channel, for: me)], date: Int32(Date().timeIntervalSince1970), seq: 0)))
        }
        let action: Api.MessageAction = .messageActionPinMessage
        guard let service = appendPost(channel, MessageDraft(sender: me, text: "", replyTo: id, action: action, date: Int32(Date().timeIntervalSince1970))) else {
            return .error(code: 400, message: "CHANNEL_INVALID")
        }
        await pushNewPost(service, in: channel, skipping: me)
        return .value(channelUpdates(service, in: channel, for: me, extra: [pinUpdate]))
    }

    /// Pins in every box that holds a copy of `me`'s message `id` (in a private chat only `me`'s
    /// with `oneSide`).
    private func pinInBoxes(_ peer: SimulatedPeer, id: Int32, unpin: Bool, oneSide: Bool, by me: Int64) async -> HandlerOutcome {
        guard let origin = boxes[me]?.events.first(where: { $0.peer == peer && $0.message != nil && Self.id(of: $0.message) == id })?.origin else {
            return .error(code: 400, message: "MESSAGE_ID_INVALID")
        }
        var owners: [(owner: Int64, peer: SimulatedPeer)] = [(me, peer)]
        switch peer {
        case .user(let other) where other != me && !oneSide: owners.append((other, .user(me)))
        case .chat(let chat): owners += groupMembers(chat).filter { $0 != me }.map { ($0, peer) }
        default: break
        }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var mine: [Api.Update] = []
        var mineEvents: [BoxEvent] = []
        for (owner, seen) in owners {
            guard let copy = boxes[owner]?.events.first(where: { $0.origin == origin && $0.message != nil }) else { continue }
            let copyID: Int32 = Self.id(of: copy.message)
            var updates: [Api.Update] = []
            if let update = appendUpdate(owner: owner, peer: seen, { (pts: Int32) -> Api.Update in
                .updatePinnedMessages(Api.Update.UpdatePinnedMessages(pinned: !unpin, peer: seen.api, messages: [copyID], pts: pts, ptsCount: 1))
            }) { updates.append(update) }
            if !unpin {
                let (_, pts): (Int32, Int32) = append(
                    owner: owner, peer: seen, draft: MessageDraft(sender: me, text: "", replyTo: copyID, action: .messageActionPinMessage, date: now),
                    origin: 0)
                if let message = boxes[owner]?.events.last?.message {
                    updates.append(.updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: pts, ptsCount: 1)))
                }
            }
            guard let event = boxes[owner]?.events.last else { continue }
            if owner == me {
                mine = updates
                mineEvents = [event]
            } else {
                for update in updates { await pushBoxUpdate(update, event: event, to: owner) }
            }
        }
        let (users, chats): ([Api.User], [Api.Chat]) = peers(of: mineEvents, for: me)
        return .value(Api.Updates.updates(Api.Updates.Updates(updates: mine, users: users, chats: chats, date: now, seq: 0)))
    }
}
