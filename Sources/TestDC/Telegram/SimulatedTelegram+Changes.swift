import Foundation
import MTProto
import TLSchema

/// `messages.editMessage` and `messages.deleteMessages` in the caller's own box, answered as
/// Telegram answers them (<https://core.telegram.org/method/messages.editMessage>,
/// <https://core.telegram.org/method/messages.deleteMessages>).
extension SimulatedTelegram {
    /// The `messages.deleteMessages` calls of `user`, in order: the ids and whether `revoke` was set.
    public func deleteMessagesCalls(of user: Int64) -> [(ids: [Int32], revoke: Bool)] { deleteCalls[user] ?? [] }

    func installMessageChanges() async {
        await server.handle(Api.functions.messages.EditMessage.self) { [self] in await self.editMessage($0) }
        await server.handle(Api.functions.messages.DeleteMessages.self) { [self] in await self.deleteMessages($0) }
    }

    private func editMessage(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, var box = boxes[me], let call = context.function as? Api.functions.messages.EditMessage else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        if case .success(.channel(let channel)) = resolve(call.peer, for: me) { return await editInChannel(channel, call, by: me) }
        guard let index = box.events.firstIndex(where: { $0.message != nil && Self.id(of: $0.message) == call.id }),
              case .message(let old)? = box.events[index].message else { return .error(code: 400, message: "MESSAGE_ID_INVALID") }
        guard old.out else { return .error(code: 403, message: "MESSAGE_AUTHOR_REQUIRED") }
        guard let text = call.message, !text.isEmpty else { return .error(code: 400, message: "MESSAGE_EMPTY") }
        guard text != old.message else { return .error(code: 400, message: "MESSAGE_NOT_MODIFIED") }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        let edited: Api.Message = .message(Api.Message.Message(
            out: old.out, id: old.id, fromId: old.fromId, peerId: old.peerId, replyTo: old.replyTo, date: old.date, message: text,
            media: old.media, editDate: now))
        box.events[index].message = edited
        box.pts += 1
        let update: Api.Update = .updateEditMessage(Api.Update.UpdateEditMessage(message: edited, pts: box.pts, ptsCount: 1))
        box.events.append(BoxEvent(pts: box.pts, message: nil, update: update, peer: box.events[index].peer, date: now))
        boxes[me] = box
        if let logged = log.firstIndex(where: { $0.from == me && $0.id == call.id }) { log[logged].text = text }
        return .value(Api.Updates.updates(Api.Updates.Updates(
            updates: [update], users: peers(of: [box.events[index]], for: me).0, chats: peers(of: [box.events[index]], for: me).1, date: now, seq: 0)))
    }

    private func deleteMessages(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, var box = boxes[me], let call = context.function as? Api.functions.messages.DeleteMessages else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        deleteCalls[me, default: []].append((call.id, call.revoke))
        let wanted: Set<Int32> = Set(call.id)
        var deleted: [Int32] = []
        for index in box.events.indices {
            if box.events[index].message != nil, wanted.contains(Self.id(of: box.events[index].message)) {
                deleted.append(Self.id(of: box.events[index].message))
                box.events[index].message = nil
            }
        }
        guard !deleted.isEmpty else { return .value(Api.messages.AffectedMessages(pts: box.pts, ptsCount: 0)) }
        box.pts += 1
        let update: Api.Update = .updateDeleteMessages(Api.Update.UpdateDeleteMessages(messages: deleted, pts: box.pts, ptsCount: 1))
        box.events.append(BoxEvent(pts: box.pts, message: nil, update: update, peer: .user(me), date: Int32(Date().timeIntervalSince1970)))
        boxes[me] = box
        return .value(Api.messages.AffectedMessages(pts: box.pts, ptsCount: 1))
    }

    /// `messages.editMessage` of a channel message: its author only, `updateEditChannelMessage` with the channel's pts.
    private func editInChannel(_ channel: Int64, _ call: Api.functions.messages.EditMessage, by me: Int64) async -> HandlerOutcome {
        guard let room = rooms.channels[channel], let post = room.post(call.id), post.draft.action == nil else {
            return .error(code: 400, message: "MESSAGE_ID_INVALID")
        }
        guard post.draft.sender == me else { return .error(code: 403, message: "MESSAGE_AUTHOR_REQUIRED") }
        guard let text = call.message, !text.isEmpty else { return .error(code: 400, message: "MESSAGE_EMPTY") }
        guard text != post.draft.text else { return .error(code: 400, message: "MESSAGE_NOT_MODIFIED") }
        guard let update = editChannelPost(call.id, in: channel, text: text), let edited = rooms.channels[channel]?.post(call.id),
              let after = rooms.channels[channel] else { return .error(code: 400, message: "MESSAGE_ID_INVALID") }
        let mine: Api.Update = .updateEditChannelMessage(Api.Update.UpdateEditChannelMessage(
            message: channelMessage(edited, in: after, for: me), pts: after.pts, ptsCount: 1))
        await pushChannelUpdate(update, in: channel, skipping: me)
        return .value(Api.Updates.updates(Api.Updates.Updates(
            updates: [mine], users: users(of: [edited], for: me), chats: [channelChat(channel, for: me)],
            date: Int32(Date().timeIntervalSince1970), seq: 0)))
    }
}
