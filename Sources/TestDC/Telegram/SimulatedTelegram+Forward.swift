import Foundation
import MTProto
import TLSchema

/// `messages.forwardMessages`: one new message per id with its own `random_id` (deduplicated
/// like a send), `fwd_from` naming the original author (a channel post's channel and id) unless
/// `drop_author`, answered with `updates` holding each `updateMessageID` and new message
/// ([messages.forwardMessages](https://core.telegram.org/method/messages.forwardMessages)).
extension SimulatedTelegram {
    func installForward() async {
        await server.handle(Api.functions.messages.ForwardMessages.self) { [self] in await self.forwardMessages($0) }
        await installPins()
    }

    /// The forward header for `message` of `source` (the original's when it was a forward itself).
    private func forwardHeader(of message: Api.Message, in source: SimulatedPeer, by me: Int64) -> Api.MessageFwdHeader? {
        guard case .message(let m) = message else { return nil }
        if let original = m.fwdFrom { return original }
        if case .channel(let id) = source, rooms.channels[id]?.isBroadcast == true {
            return Api.MessageFwdHeader(fromId: source.api, date: m.date, channelPost: m.id)
        }
        let author: Api.Peer = m.fromId ?? (m.out ? .peerUser(Api.Peer.PeerUser(userId: me)) : source.api)
        return Api.MessageFwdHeader(fromId: author, date: m.date)
    }

    private func forwardMessages(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.ForwardMessages else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard !call.id.isEmpty, call.id.count <= 100 else { return .error(code: 400, message: "MESSAGE_ID_INVALID") }
        guard call.randomId.count == call.id.count, Set(call.randomId).count == call.randomId.count else {
            return .error(code: 400, message: "RANDOM_ID_INVALID")
        }
        if call.randomId.contains(where: { isRandomIDTaken($0, by: me) }) { return .error(code: 400, message: "RANDOM_ID_DUPLICATE") }
        let source: SimulatedPeer
        let destination: SimulatedPeer
        switch (resolve(call.fromPeer, for: me), resolve(call.toPeer, for: me)) {
        case (.success(let from), .success(let to)): (source, destination) = (from, to)
        case (.failure(let error), _), (_, .failure(let error)): return .error(code: error.code, message: error.message)
        }
        switch destination {
        case .chat(let chat) where rooms.groups[chat]?.isMember(me) != true: return .error(code: 403, message: "CHAT_WRITE_FORBIDDEN")
        case .channel(let channel):
            guard let room = rooms.channels[channel], room.isMember(me) else { return .error(code: 403, message: "CHAT_WRITE_FORBIDDEN") }
            guard !room.isBroadcast || room.creator == me else { return .error(code: 403, message: "CHAT_ADMIN_REQUIRED") }
        default: break
        }
        let available: [Api.Message] = chatMessages(source, for: me).messages
        var originals: [Api.Message] = []
        for id in call.id {
            guard let message = available.first(where: { $0.messageIDInBox == id }), case .message = message else {
                return .error(code: 400, message: "MESSAGE_ID_INVALID")
            }
            originals.append(message)
        }
        rooms.forwardRandomIDs[me, default: []].formUnion(call.randomId)
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var updates: [Api.Update] = []
        var made: [Api.Message] = []
        for (original, randomID) in zip(originals, call.randomId) {
            guard case .message(let m) = original else { continue }
            let draft: MessageDraft = MessageDraft(
                sender: me, text: m.message, hasMedia: m.media != nil,
                forwardHeader: call.dropAuthor ? nil : forwardHeader(of: original, in: source, by: me), date: now)
            guard let (id, update) = await deliverForward(draft, to: destination, from: me) else { continue }
            updates.append(.updateMessageID(Api.Update.UpdateMessageID(id: id, randomId: randomID)))
            updates.append(update)
            if let message = Api.Updates.newMessage(in: update) { made.append(message) }
        }
        let (users, chats): ([Api.User], [Api.Chat]) = peers(ofMessages: made, for: me)
        return .value(Api.Updates.updates(Api.Updates.Updates(updates: updates, users: users, chats: chats, date: now, seq: 0)))
    }

    /// Puts one forwarded message into `destination` and pushes it to the others there; returns
    /// its id for `me` and the update that announces it to `me`.
    private func deliverForward(_ draft: MessageDraft, to destination: SimulatedPeer, from me: Int64) async -> (Int32, Api.Update)? {
        switch destination {
        case .user(let other):
            let origin: Int64 = newOrigin()
            let (id, pts): (Int32, Int32) = append(owner: me, peer: destination, draft: draft, origin: origin)
            guard let mine = boxes[me]?.events.last?.message else { return nil }
            if other != me {
                let (_, otherPts): (Int32, Int32) = append(owner: other, peer: .user(me), draft: draft, origin: origin)
                if let event = boxes[other]?.events.last, let message = event.message {
                    await pushBoxUpdate(.updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: otherPts, ptsCount: 1)), event: event, to: other)
                }
            }
            record(SimulatedMessage(id: id, from: me, to: other, text: draft.text, replyTo: nil, randomID: nil, hasMedia: draft.hasMedia, date: draft.date))
            return (id, .updateNewMessage(Api.Update.UpdateNewMessage(message: mine, pts: pts, ptsCount: 1)))
        case .chat(let chat):
            let copies = await postInGroup(chat, draft, push: .full, skipping: me)
            guard let mine = copies.first(where: { $0.owner == me }), let message = boxes[me]?.events.last(where: { $0.pts == mine.pts })?.message else {
                return nil
            }
            return (mine.id, .updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: mine.pts, ptsCount: 1)))
        case .channel(let channel):
            guard let post = appendPost(channel, draft), let room = rooms.channels[channel] else { return nil }
            await pushNewPost(post, in: channel, skipping: me)
            return (post.id, .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(
                message: channelMessage(post, in: room, for: me), pts: room.pts, ptsCount: 1)))
        }
    }
}

extension Api.Updates {
    /// The message of a new-message update (common box or channel).
    static func newMessage(in update: Api.Update) -> Api.Message? {
        switch update {
        case .updateNewMessage(let u): return u.message
        case .updateNewChannelMessage(let u): return u.message
        default: return nil
        }
    }
}
