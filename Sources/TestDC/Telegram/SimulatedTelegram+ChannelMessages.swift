import Foundation
import MTProto
import TLSchema

/// The message calls of a channel's own box: `updates.getChannelDifference`
/// ([updates](https://core.telegram.org/api/updates)), `channels.getMessages`,
/// `channels.readHistory`, `channels.getParticipants`, `channels.deleteMessages`, and posting
/// with `messages.sendMessage` to a basic group or channel.
extension SimulatedTelegram {
    func installChannelMessages() async {
        await server.handle(Api.functions.updates.GetChannelDifference.self) { [self] in await self.getChannelDifference($0) }
        await server.handle(Api.functions.channels.GetMessages.self) { [self] in await self.getChannelMessages($0) }
        await server.handle(Api.functions.channels.ReadHistory.self) { [self] in await self.readChannelHistory($0) }
        await server.handle(Api.functions.channels.GetParticipants.self) { [self] in await self.getParticipants($0) }
        await server.handle(Api.functions.channels.DeleteMessages.self) { [self] in await self.deleteChannelMessages($0) }
    }

    /// Registers the group, channel, history, search, forward and user handlers.
    func installRooms() async {
        await installGroups()
        await installChannels()
        await installHistory()
        await installForward()
        await installUsers()
    }

    /// `messages.sendMessage` to a basic group or channel: `updates` with `updateMessageID` and
    /// the new message, pushed to the other members.
    func sendToRoom(_ call: Api.functions.messages.SendMessage, from me: Int64) async -> HandlerOutcome {
        guard !call.message.isEmpty else { return .error(code: 400, message: "MESSAGE_EMPTY") }
        if isRandomIDTaken(call.randomId, by: me) { return .error(code: 400, message: "RANDOM_ID_DUPLICATE") }
        var replyTo: Int32? = nil
        if case .inputReplyToMessage(let r)? = call.replyTo { replyTo = r.replyToMsgId }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        switch resolve(call.peer, for: me) {
        case .failure(let error):
            return .error(code: error.code, message: error.message)
        case .success(.chat(let chat)):
            guard rooms.groups[chat]?.isMember(me) == true else { return .error(code: 403, message: "CHAT_WRITE_FORBIDDEN") }
            sentRandomIDs[me, default: []].insert(call.randomId)
            let draft: MessageDraft = MessageDraft(sender: me, text: call.message, replyTo: replyTo, date: now)
            let copies = await postInGroup(chat, draft, push: .full, skipping: me)
            guard let mine = copies.first(where: { $0.owner == me }), let event = boxes[me]?.events.last(where: { $0.pts == mine.pts }),
                  let message = event.message else { return .error(code: 400, message: "CHAT_ID_INVALID") }
            let (users, chats): ([Api.User], [Api.Chat]) = peers(of: [event], for: me)
            return .value(Api.Updates.updates(Api.Updates.Updates(
                updates: [.updateMessageID(Api.Update.UpdateMessageID(id: mine.id, randomId: call.randomId)),
                          .updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: mine.pts, ptsCount: 1))],
                users: users, chats: chats, date: now, seq: 0)))
        case .success(.channel(let channel)):
            guard let room = rooms.channels[channel], room.isMember(me) else { return .error(code: 403, message: "CHAT_WRITE_FORBIDDEN") }
            guard !room.isBroadcast || room.creator == me else { return .error(code: 403, message: "CHAT_ADMIN_REQUIRED") }
            sentRandomIDs[me, default: []].insert(call.randomId)
            let id: Int32 = await post(call.message, inChannel: channel, from: me, replyTo: replyTo)
            guard let post = rooms.channels[channel]?.post(id) else { return .error(code: 400, message: "CHANNEL_INVALID") }
            return .value(channelUpdates(post, in: channel, for: me, randomID: call.randomId))
        case .success(.user):
            return .error(code: 400, message: "PEER_ID_INVALID")
        }
    }

    /// As Telegram: up to `limit` events after `pts` (`final` once none are left), an empty
    /// difference when there are none, and `channelDifferenceTooLong` with the dialog and the
    /// latest messages when `pts` is more than ``SimulatedLimits/channelDifferenceTooLongGap``
    /// behind or older than the updates still kept.
    private func getChannelDifference(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.updates.GetChannelDifference.self, { $0.channel }) { me, call, room in
            guard call.pts > 0 else { return .error(code: 400, message: "PERSISTENT_TIMESTAMP_EMPTY") }
            guard call.pts <= room.pts else { return .error(code: 400, message: "PERSISTENT_TIMESTAMP_INVALID") }
            let limit: Int = Int(min(max(call.limit, 1), 100_000))
            if room.pts - call.pts > rooms.limits.channelDifferenceTooLongGap || call.pts < room.horizon {
                let latest: [ChannelPost] = Array(room.posts.suffix(limit))
                return .value(Api.updates.ChannelDifference.channelDifferenceTooLong(Api.updates.ChannelDifference.ChannelDifferenceTooLong(
                    final: true, dialog: channelDialog(room, for: me, folder: nil),
                    messages: latest.reversed().map { channelMessage($0, in: room, for: me) }, chats: [channelChat(room.id, for: me)],
                    users: users(of: latest, for: me))))
            }
            let newer: [ChannelEvent] = room.events.filter { $0.pts > call.pts }
            guard let last = newer.prefix(limit).last else {
                return .value(Api.updates.ChannelDifference.channelDifferenceEmpty(Api.updates.ChannelDifference.ChannelDifferenceEmpty(
                    final: true, pts: room.pts, timeout: 30)))
            }
            var messages: [ChannelPost] = []
            var others: [Api.Update] = []
            for event in newer.prefix(limit) {
                switch event.kind {
                case .newPost(let id):
                    if let post = room.post(id) { messages.append(post) }
                case .edit(let id):
                    guard let post = room.post(id) else { continue }
                    others.append(.updateEditChannelMessage(Api.Update.UpdateEditChannelMessage(
                        message: channelMessage(post, in: room, for: me), pts: event.pts, ptsCount: 1)))
                case .delete(let ids):
                    others.append(.updateDeleteChannelMessages(Api.Update.UpdateDeleteChannelMessages(
                        channelId: room.id, messages: ids, pts: event.pts, ptsCount: 1)))
                case .pin(let ids, let pinned):
                    others.append(.updatePinnedChannelMessages(Api.Update.UpdatePinnedChannelMessages(
                        pinned: pinned, channelId: room.id, messages: ids, pts: event.pts, ptsCount: 1)))
                }
            }
            return .value(Api.updates.ChannelDifference.channelDifference(Api.updates.ChannelDifference.ChannelDifference(
                final: newer.count <= limit, pts: last.pts, timeout: newer.count <= limit ? 30 : nil,
                newMessages: messages.map { channelMessage($0, in: room, for: me) }, otherUpdates: others,
                chats: [channelChat(room.id, for: me)], users: users(of: messages, for: me))))
        }
    }

    private func getChannelMessages(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.GetMessages.self, { $0.channel }) { me, call, room in
            var found: [ChannelPost] = []
            let messages: [Api.Message] = call.id.map { (input: Api.InputMessage) -> Api.Message in
                let id: Int32
                switch input {
                case .inputMessageID(let m): id = m.id
                case .inputMessageReplyTo(let m): id = room.post(m.id)?.draft.replyTo ?? 0
                case .inputMessagePinned: id = room.pinned.last ?? 0
                default: id = 0
                }
                guard let post = room.post(id) else { return .messageEmpty(Api.Message.MessageEmpty(id: id)) }
                found.append(post)
                return channelMessage(post, in: room, for: me)
            }
            return .value(Api.messages.Messages.channelMessages(Api.messages.Messages.ChannelMessages(
                pts: room.pts, count: Int32(messages.count), messages: messages, topics: [], chats: [channelChat(room.id, for: me)],
                users: users(of: found, for: me))))
        }
    }

    private func readChannelHistory(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.ReadHistory.self, { $0.channel }) { me, call, room in
            let newest: Int32 = room.posts.last?.id ?? 0
            let upTo: Int32 = call.maxId == 0 ? newest : min(call.maxId, newest)
            rooms.channels[room.id]?.readInbox[me] = max(room.readInbox[me] ?? 0, upTo)
            return .bool(true)
        }
    }

    /// Members from `offset`, at most `limit` (200 at most), with the total; in a broadcast channel
    /// only its admins may list them (`CHAT_ADMIN_REQUIRED`).
    private func getParticipants(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.GetParticipants.self, { $0.channel }) { me, call, room in
            guard !room.isBroadcast || room.creator == me else { return .error(code: 400, message: "CHAT_ADMIN_REQUIRED") }
            guard call.offset >= 0 else { return .error(code: 400, message: "OFFSET_INVALID") }
            let start: Int = min(Int(call.offset), room.members.count)
            let page = room.members[start ..< min(room.members.count, start + Int(min(max(call.limit, 0), 200)))]
            let participants: [Api.ChannelParticipant] = page.map { (member: (user: Int64, inviter: Int64, date: Int32)) -> Api.ChannelParticipant in
                if member.user == room.creator {
                    return .channelParticipantCreator(Api.ChannelParticipant.ChannelParticipantCreator(
                        userId: member.user, adminRights: Api.ChatAdminRights(changeInfo: true, postMessages: true, editMessages: true,
                                                                              deleteMessages: true, banUsers: true, inviteUsers: true, pinMessages: true)))
                }
                if member.user == me {
                    return .channelParticipantSelf(Api.ChannelParticipant.ChannelParticipantSelf(userId: me, inviterId: member.inviter, date: member.date))
                }
                return .channelParticipant(Api.ChannelParticipant.ChannelParticipant(userId: member.user, date: member.date))
            }
            return .value(Api.channels.ChannelParticipants.channelParticipants(Api.channels.ChannelParticipants.ChannelParticipants(
                count: Int32(room.members.count), participants: participants, chats: [], users: page.map { user($0.user, for: me) })))
        }
    }

    /// Deletes for everyone; only the sender or the channel's creator may.
    private func deleteChannelMessages(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.DeleteMessages.self, { $0.channel }) { me, call, room in
            deleteCalls[me, default: []].append((call.id, true))
            let own: [Int32] = call.id.filter { room.post($0).map { $0.draft.sender == me || room.creator == me } ?? false }
            guard own.count == call.id.filter({ room.post($0) != nil }).count else { return .error(code: 403, message: "MESSAGE_DELETE_FORBIDDEN") }
            guard let update = deleteChannelPosts(own, in: room.id) else { return .value(Api.messages.AffectedMessages(pts: room.pts, ptsCount: 0)) }
            await pushChannelUpdate(update, in: room.id, skipping: me)
            return .value(Api.messages.AffectedMessages(pts: rooms.channels[room.id]?.pts ?? 0, ptsCount: 1))
        }
    }
}
