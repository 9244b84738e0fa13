import Foundation
import MTProto
import TLSchema

/// `messages.sendMedia` and `messages.sendMultiMedia` (albums): the media is stored (or found by
/// id for a resend) and the message lands in private chats, basic groups and channels as a text
/// message does, answered with `updates` (`updateMessageID` and the new message per item).
extension SimulatedTelegram {
    /// One message of a media send.
    struct MediaItem {
        var media: Api.InputMedia
        var randomID: Int64
        var caption: String
        var entities: [Api.MessageEntity]?
    }

    /// The longest album Telegram takes.
    static let maximumAlbumItems: Int = 10

    func sendMedia(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.SendMedia else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let item: MediaItem = MediaItem(media: call.media, randomID: call.randomId, caption: call.message, entities: call.entities)
        return await send([item], to: call.peer, replyTo: call.replyTo, from: me, dc: context.dc, album: false)
    }

    func sendMultiMedia(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.SendMultiMedia else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard !call.multiMedia.isEmpty else { return .error(code: 400, message: "MEDIA_EMPTY") }
        guard call.multiMedia.count <= Self.maximumAlbumItems else { return .error(code: 400, message: "MULTI_MEDIA_TOO_LONG") }
        let items: [MediaItem] = call.multiMedia.map { (single: Api.InputSingleMedia) -> MediaItem in
            MediaItem(media: single.media, randomID: single.randomId, caption: single.message, entities: single.entities)
        }
        return await send(items, to: call.peer, replyTo: call.replyTo, from: me, dc: context.dc, album: true)
    }

    private func send(_ items: [MediaItem], to input: Api.InputPeer, replyTo: Api.InputReplyTo?, from me: Int64, dc: Int, album: Bool) async -> HandlerOutcome {
        let peer: SimulatedPeer
        switch resolve(input, for: me) {
        case .success(let found): peer = found
        case .failure(let error): return .error(code: error.code, message: error.message)
        }
        if let refusal = writeRefusal(peer, for: me) { return .error(code: refusal.code, message: refusal.message) }
        for item in items where isRandomIDTaken(item.randomID, by: me) { return .error(code: 400, message: "RANDOM_ID_DUPLICATE") }
        var media: [SimulatedMedia] = []
        for item in items {
            switch storedMedia(item.media, user: me, dc: dc) {
            case .success(let stored): media.append(stored)
            case .failure(let error): return .error(code: error.code, message: error.message)
            }
        }
        var reply: Int32? = nil
        if case .inputReplyToMessage(let r)? = replyTo { reply = r.replyToMsgId }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        let groupedID: Int64? = album && items.count > 1 ? Int64.random(in: 1 ... Int64.max) : nil
        var updates: [Api.Update] = []
        var messages: [Api.Message] = []
        for (item, stored) in zip(items, media) {
            sentRandomIDs[me, default: []].insert(item.randomID)
            let draft: MessageDraft = MessageDraft(
                sender: me, text: item.caption, hasMedia: true, media: stored, entities: item.entities, groupedID: groupedID, replyTo: reply, date: now)
            guard let (id, update) = await deliver(draft, to: peer, from: me) else { return .error(code: 400, message: "PEER_ID_INVALID") }
            updates += [.updateMessageID(Api.Update.UpdateMessageID(id: id, randomId: item.randomID)), update]
            if case .updateNewMessage(let u) = update { messages.append(u.message) }
            if case .updateNewChannelMessage(let u) = update { messages.append(u.message) }
        }
        let (users, chats): ([Api.User], [Api.Chat]) = peers(ofMessages: messages, for: me)
        return .value(Api.Updates.updates(Api.Updates.Updates(updates: updates, users: users, chats: chats, date: now, seq: 0)))
    }

    /// Why `me` may not post in `peer`, if it may not.
    private func writeRefusal(_ peer: SimulatedPeer, for me: Int64) -> RPCError? {
        switch peer {
        case .user: return nil
        case .chat(let chat): return rooms.groups[chat]?.isMember(me) == true ? nil : RPCError(code: 403, message: "CHAT_WRITE_FORBIDDEN")
        case .channel(let channel):
            guard let room = rooms.channels[channel], room.isMember(me) else { return RPCError(code: 403, message: "CHAT_WRITE_FORBIDDEN") }
            return !room.isBroadcast || room.creator == me ? nil : RPCError(code: 403, message: "CHAT_ADMIN_REQUIRED")
        }
    }

    /// Puts a message from `me` in `peer` (both boxes of a private chat, every member's box of a
    /// group, the channel), tells the others, and returns its id for `me` with the update `me` gets.
    func deliver(_ draft: MessageDraft, to peer: SimulatedPeer, from me: Int64) async -> (Int32, Api.Update)? {
        switch peer {
        case .user(let target):
            let origin: Int64 = newOrigin()
            let (id, pts): (Int32, Int32) = append(owner: me, peer: .user(target), draft: draft, origin: origin)
            guard let message = boxes[me]?.events.last?.message else { return nil }
            record(SimulatedMessage(id: id, from: me, to: target, text: draft.text, replyTo: draft.replyTo, randomID: nil, hasMedia: true, date: draft.date))
            if target != me {
                var copy: MessageDraft = draft
                copy.replyTo = nil
                let (theirs, theirPts): (Int32, Int32) = append(owner: target, peer: .user(me), draft: copy, origin: origin)
                await push(id: theirs, pts: theirPts, owner: target, peer: me, out: false, text: draft.text, hasMedia: true, date: draft.date, form: .full)
            }
            return (id, .updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: pts, ptsCount: 1)))
        case .chat(let chat):
            let copies: [(owner: Int64, id: Int32, pts: Int32)] = await postInGroup(chat, draft, push: .full, skipping: me)
            guard let mine = copies.first(where: { $0.owner == me }),
                  let message = boxes[me]?.events.last(where: { $0.pts == mine.pts })?.message else { return nil }
            return (mine.id, .updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: mine.pts, ptsCount: 1)))
        case .channel(let channel):
            guard let post = appendPost(channel, draft), let room = rooms.channels[channel] else { return nil }
            record(SimulatedMessage(
                id: post.id, from: me, to: -1_000_000_000_000 - channel, text: draft.text, replyTo: draft.replyTo, randomID: nil, hasMedia: true,
                date: draft.date))
            await pushNewPost(post, in: channel, skipping: me)
            return (post.id, .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(
                message: channelMessage(post, in: room, for: me), pts: room.pts, ptsCount: 1)))
        }
    }
}
