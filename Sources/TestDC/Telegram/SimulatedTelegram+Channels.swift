import Foundation
import MTProto
import TLSchema

/// Supergroups and broadcast channels (`channel`): one copy of each message, an access hash per
/// viewer and their own pts box ([channels](https://core.telegram.org/api/channel)):
/// `channels.createChannel`, `joinChannel`, `leaveChannel`, `getChannels`, `getFullChannel`,
/// `editTitle`, with the service messages of a supergroup (join, leave, title) and
/// `updateNewChannelMessage` pushes with the channel's pts.
extension SimulatedTelegram {
    // MARK: Scripting

    /// Creates a channel of `creator` (a broadcast channel when `broadcast`, else a supergroup;
    /// public when it has a `username`) with `members` already joined. Its first message is
    /// `messageActionChannelCreate` (channel pts 1 ends with it). Returns its id.
    @discardableResult
    public func createChannel(
        title: String, creator: Int64, broadcast: Bool = false, username: String? = nil, members: [Int64] = [], id: Int64? = nil
    ) -> Int64 {
        let channelID: Int64 = id ?? nextChatID()
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var channel: SimulatedChannel = SimulatedChannel(
            id: channelID, title: title, isBroadcast: broadcast, creator: creator, username: username, date: now, pts: 0)
        for member in [creator] + members where accounts[member] != nil && !channel.isMember(member) {
            guard channel.members.count < rooms.limits.membersPerChat else { break }
            channel.members.append((member, creator, now))
        }
        rooms.channels[channelID] = channel
        let action: Api.MessageAction = .messageActionChannelCreate(Api.MessageAction.MessageActionChannelCreate(title: title))
        _ = appendPost(channelID, MessageDraft(sender: creator, text: "", action: action, date: now))
        return channelID
    }

    /// `user` writes `text` in channel `channel` (in a broadcast channel: posts it, as its
    /// creator would); pushed as `updateNewChannelMessage` to every member but `user` unless
    /// `form` is `.none` (`.short` pushes as `.full`: channels have no short form). Returns its id.
    @discardableResult
    public func post(_ text: String, inChannel channel: Int64, from user: Int64, replyTo: Int32? = nil, push form: PushForm = .full) async -> Int32 {
        let draft: MessageDraft = MessageDraft(sender: user, text: text, replyTo: replyTo, date: Int32(Date().timeIntervalSince1970))
        guard let post = appendPost(channel, draft) else { return 0 }
        record(SimulatedMessage(id: post.id, from: user, to: -1_000_000_000_000 - channel, text: text, replyTo: replyTo, randomID: nil,
                                hasMedia: false, date: draft.date))
        if form != .none { await pushNewPost(post, in: channel, skipping: user) }
        return post.id
    }

    /// `user` joins `channel` (in a supergroup with the service message `messageActionChatAddUser`).
    public func join(_ user: Int64, channel: Int64, push form: PushForm = .full) async {
        guard var room = rooms.channels[channel], !room.isMember(user), !room.banned.contains(user), accounts[user] != nil,
              room.members.count < rooms.limits.membersPerChat else { return }
        room.members.append((user, user, Int32(Date().timeIntervalSince1970)))
        rooms.channels[channel] = room
        guard !room.isBroadcast else { return }
        let action: Api.MessageAction = .messageActionChatAddUser(Api.MessageAction.MessageActionChatAddUser(users: [user]))
        guard let post = appendPost(channel, MessageDraft(sender: user, text: "", action: action, date: Int32(Date().timeIntervalSince1970))) else { return }
        if form != .none { await pushNewPost(post, in: channel, skipping: user) }
    }

    /// `user` leaves `channel` (in a supergroup with `messageActionChatDeleteUser`); a private
    /// channel then answers it `CHANNEL_PRIVATE`.
    public func leave(_ user: Int64, channel: Int64, push form: PushForm = .full) async {
        guard rooms.channels[channel]?.isMember(user) == true else { return }
        rooms.channels[channel]?.members.removeAll { $0.user == user }
        guard rooms.channels[channel]?.isBroadcast == false else { return }
        let action: Api.MessageAction = .messageActionChatDeleteUser(Api.MessageAction.MessageActionChatDeleteUser(userId: user))
        guard let post = appendPost(channel, MessageDraft(sender: user, text: "", action: action, date: Int32(Date().timeIntervalSince1970))) else { return }
        if form != .none { await pushNewPost(post, in: channel, skipping: user) }
    }

    /// Bans `user` from `channel`: it is no member, cannot join again, and every call about the
    /// channel answers it `CHANNEL_PRIVATE` (its `chats` show `channelForbidden`).
    public func ban(_ user: Int64, channel: Int64) async {
        await leave(user, channel: channel)
        rooms.channels[channel]?.banned.insert(user)
    }

    /// Replaces the text of message `id` of `channel` (`updateEditChannelMessage`, one pts).
    public func editPost(_ id: Int32, inChannel channel: Int64, text: String, push form: PushForm = .full) async {
        guard let update = editChannelPost(id, in: channel, text: text) else { return }
        if form != .none { await pushChannelUpdate(update, in: channel, skipping: nil) }
    }

    /// Deletes messages of `channel` for everyone (`updateDeleteChannelMessages`, one pts).
    public func deletePosts(_ ids: [Int32], inChannel channel: Int64, push form: PushForm = .full) async {
        guard let update = deleteChannelPosts(ids, in: channel) else { return }
        if form != .none { await pushChannelUpdate(update, in: channel, skipping: nil) }
    }

    /// Pushes `updateChannelTooLong` (with the channel's pts) to `user`'s sessions, as Telegram
    /// does when it has too many updates of a channel to push them.
    public func pushChannelTooLong(_ channel: Int64, to user: Int64) async {
        let update: Api.Update = .updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: channel, pts: rooms.channels[channel]?.pts))
        await server.push(.updates(Api.Updates.Updates(
            updates: [update], users: [], chats: [channelChat(channel, for: user)], date: Int32(Date().timeIntervalSince1970), seq: 0)),
            toUser: user)
    }

    /// The channel's own pts.
    public func channelPts(_ channel: Int64) -> Int32 { rooms.channels[channel]?.pts ?? 0 }

    /// The members of `channel`, in the order they joined.
    public func channelMembers(_ channel: Int64) -> [Int64] { rooms.channels[channel]?.members.map(\.user) ?? [] }

    /// The messages `channel` still has (service messages included, text empty), oldest first.
    public func channelMessages(_ channel: Int64) -> [SimulatedMessage] {
        (rooms.channels[channel]?.posts ?? []).map { (post: ChannelPost) -> SimulatedMessage in
            SimulatedMessage(id: post.id, from: post.draft.sender, to: -1_000_000_000_000 - channel, text: post.draft.text,
                             replyTo: post.draft.replyTo, randomID: nil, hasMedia: post.draft.hasMedia, date: post.draft.date)
        }
    }

    /// The highest message id `user` read in `channel`.
    public func channelReadMaxID(_ channel: Int64, of user: Int64) -> Int32 { rooms.channels[channel]?.readInbox[user] ?? 0 }

    /// The access hash `viewer` sees for channel `channel`.
    public nonisolated func channelAccessHash(of channel: Int64, for viewer: Int64) -> Int64 {
        accessHash(of: channel ^ 0x4348_414E_4E45_4C00, for: viewer)
    }

    /// The limits of the simulation (messages kept per chat, the too-long gap, …).
    public var limits: SimulatedLimits { rooms.limits }

    /// Changes the limits of the simulation (for later messages and calls).
    public func setLimits(_ limits: SimulatedLimits) { rooms.limits = limits }

    // MARK: Internals

    /// Appends a message to the channel's box (one pts); nil for an unknown channel.
    func appendPost(_ channel: Int64, _ draft: MessageDraft) -> ChannelPost? {
        // One hash look-up, then in place through the index (a copy of the room would copy every
        // post and event it keeps, once per post).
        guard let index = rooms.channels.index(forKey: channel) else { return nil }
        let post: ChannelPost = ChannelPost(id: rooms.channels.values[index].nextID, draft: draft, origin: newOrigin())
        let limit: Int = rooms.limits.messagesPerChat
        rooms.channels.values[index].nextID += 1
        rooms.channels.values[index].posts.append(post)
        rooms.channels.values[index].appendEvent(.newPost(post.id), limit: limit)
        return post
    }

    /// Takes the next pts of the channel for `kind`, forgetting the oldest messages and events past the limit.
    func appendEvent(_ room: inout SimulatedChannel, _ kind: ChannelEvent.Kind) {
        room.appendEvent(kind, limit: rooms.limits.messagesPerChat)
    }

    func editChannelPost(_ id: Int32, in channel: Int64, text: String) -> Api.Update? {
        guard var room = rooms.channels[channel], let index = room.index(of: id) else { return nil }
        room.posts[index].draft.text = text
        room.posts[index].editDate = Int32(Date().timeIntervalSince1970)
        appendEvent(&room, .edit(id))
        rooms.channels[channel] = room
        return .updateEditChannelMessage(Api.Update.UpdateEditChannelMessage(
            message: channelMessage(room.posts[index], in: room, for: 0), pts: room.pts, ptsCount: 1))
    }

    func deleteChannelPosts(_ ids: [Int32], in channel: Int64) -> Api.Update? {
        guard var room = rooms.channels[channel] else { return nil }
        let wanted: Set<Int32> = Set(ids)
        let deleted: [Int32] = room.posts.map(\.id).filter { wanted.contains($0) }
        guard !deleted.isEmpty else { return nil }
        room.posts.removeAll { wanted.contains($0.id) }
        room.pinned.removeAll { wanted.contains($0) }
        appendEvent(&room, .delete(deleted))
        rooms.channels[channel] = room
        return .updateDeleteChannelMessages(Api.Update.UpdateDeleteChannelMessages(channelId: channel, messages: deleted, pts: room.pts, ptsCount: 1))
    }

    /// The message as `viewer` sees it (`out` for its own; no `from_id` in broadcast channels).
    func channelMessage(_ post: ChannelPost, in room: SimulatedChannel, for viewer: Int64) -> Api.Message {
        let peer: Api.Peer = .peerChannel(Api.Peer.PeerChannel(channelId: room.id))
        let from: Api.Peer? = room.isBroadcast ? nil : .peerUser(Api.Peer.PeerUser(userId: post.draft.sender))
        let out: Bool = post.draft.sender == viewer
        let reply: Api.MessageReplyHeader? = post.draft.replyTo.map {
            .messageReplyHeader(Api.MessageReplyHeader.MessageReplyHeader(replyToMsgId: $0))
        }
        if let action = post.draft.action {
            return .messageService(Api.Message.MessageService(
                out: out, post: room.isBroadcast, id: post.id, fromId: from, peerId: peer, replyTo: reply, date: post.draft.date, action: action))
        }
        return .message(Api.Message.Message(
            out: out, post: room.isBroadcast, id: post.id, fromId: from, peerId: peer, fwdFrom: post.draft.forwardHeader, replyTo: reply,
            date: post.draft.date, message: post.draft.text, media: post.draft.media.map(apiMedia), entities: post.draft.entities,
            views: room.isBroadcast ? 1 : nil, editDate: post.editDate, groupedId: post.draft.groupedID))
    }

    /// The users a set of channel messages names (senders and service-message users), as `viewer` sees them.
    func users(of posts: [ChannelPost], for viewer: Int64) -> [Api.User] {
        var ids: Set<Int64> = [viewer]
        for post in posts {
            ids.insert(post.draft.sender)
            if let action = post.draft.action { ids.formUnion(Self.usersNamed(by: action)) }
            if case .peerUser(let u)? = post.draft.forwardHeader?.fromId { ids.insert(u.userId) }
        }
        return ids.sorted().map { user($0, for: viewer) }
    }

    func pushNewPost(_ post: ChannelPost, in channel: Int64, skipping: Int64?) async {
        guard let room = rooms.channels[channel] else { return }
        for member in room.members.map(\.user) where member != skipping {
            let update: Api.Update = .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(
                message: channelMessage(post, in: room, for: member), pts: room.pts, ptsCount: 1))
            await server.push(.updates(Api.Updates.Updates(
                updates: [update], users: users(of: [post], for: member), chats: [channelChat(channel, for: member)], date: post.draft.date,
                seq: 0)), toUser: member)
        }
    }

    func pushChannelUpdate(_ update: Api.Update, in channel: Int64, skipping: Int64?) async {
        guard let room = rooms.channels[channel] else { return }
        for member in room.members.map(\.user) where member != skipping {
            await server.push(.updates(Api.Updates.Updates(
                updates: [update], users: [], chats: [channelChat(channel, for: member)], date: Int32(Date().timeIntervalSince1970), seq: 0)),
                toUser: member)
        }
    }

    /// The channel as `viewer` sees it: `channel` (with `left` when it is no member) or, for a
    /// banned viewer, `channelForbidden`.
    func channelChat(_ id: Int64, for viewer: Int64) -> Api.Chat {
        guard let room = rooms.channels[id] else { return .chatEmpty(Api.Chat.ChatEmpty(id: id)) }
        if room.banned.contains(viewer) {
            return .channelForbidden(Api.Chat.ChannelForbidden(
                broadcast: room.isBroadcast, megagroup: !room.isBroadcast, id: id, accessHash: channelAccessHash(of: id, for: viewer), title: room.title))
        }
        return .channel(Api.Chat.Channel(
            creator: room.creator == viewer, left: !room.isMember(viewer), broadcast: room.isBroadcast, megagroup: !room.isBroadcast, id: id,
            accessHash: channelAccessHash(of: id, for: viewer), title: room.title, username: room.username, photo: .chatPhotoEmpty,
            date: room.date, participantsCount: Int32(room.members.count)))
    }

    /// The channel's dialog as `viewer` sees it.
    func channelDialog(_ room: SimulatedChannel, for viewer: Int64, folder: Int32?) -> Api.Dialog {
        let read: Int32 = room.readInbox[viewer] ?? 0
        let unread: Int = room.posts.filter { $0.id > read && $0.draft.sender != viewer }.count
        return .dialog(Api.Dialog.Dialog(
            peer: .peerChannel(Api.Peer.PeerChannel(channelId: room.id)), topMessage: room.posts.last?.id ?? 0, readInboxMaxId: read,
            readOutboxMaxId: room.posts.last?.id ?? 0, unreadCount: Int32(unread), unreadMentionsCount: 0, unreadReactionsCount: 0,
            unreadPollVotesCount: 0, notifySettings: Api.PeerNotifySettings(), pts: room.pts, folderId: folder))
    }

    func installChannels() async {
        await server.handle(Api.functions.channels.CreateChannel.self) { [self] in await self.createChannelCall($0) }
        await server.handle(Api.functions.channels.JoinChannel.self) { [self] in await self.joinChannel($0) }
        await server.handle(Api.functions.channels.LeaveChannel.self) { [self] in await self.leaveChannel($0) }
        await server.handle(Api.functions.channels.GetChannels.self) { [self] in await self.getChannels($0) }
        await server.handle(Api.functions.channels.GetFullChannel.self) { [self] in await self.getFullChannel($0) }
        await server.handle(Api.functions.channels.EditTitle.self) { [self] in await self.editChannelTitle($0) }
        await installChannelMessages()
    }

    /// Runs `body` with the caller, the call and the channel it names; answers the error instead
    /// when the key is not logged in or the channel is not the caller's to address.
    func onChannel<F: TLFunction>(
        _ context: HandlerContext, _ type: F.Type, _ input: (F) -> Api.InputChannel,
        _ body: (Int64, F, SimulatedChannel) async -> HandlerOutcome
    ) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? F else { return .error(code: 401, message: "AUTH_KEY_UNREGISTERED") }
        switch channel(input(call), for: me) {
        case .success(let room): return await body(me, call, room)
        case .failure(let error): return .error(code: error.code, message: error.message)
        }
    }

    /// The channel a call names for `me`, or the error to answer.
    func channel(_ input: Api.InputChannel, for me: Int64) -> Result<SimulatedChannel, RPCError> {
        resolve(input, for: me).flatMap { (id: Int64) -> Result<SimulatedChannel, RPCError> in
            guard let room = rooms.channels[id] else { return .failure(RPCError(code: 400, message: "CHANNEL_INVALID")) }
            return .success(room)
        }
    }

    /// `updates` with one channel message (and, for a send, its `updateMessageID`).
    func channelUpdates(_ post: ChannelPost, in channel: Int64, for me: Int64, randomID: Int64? = nil, extra: [Api.Update] = []) -> Api.Updates {
        guard let room = rooms.channels[channel] else { return .updatesTooLong }
        var updates: [Api.Update] = extra
        if let randomID { updates.append(.updateMessageID(Api.Update.UpdateMessageID(id: post.id, randomId: randomID))) }
        updates.append(.updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(
            message: channelMessage(post, in: room, for: me), pts: eventPts(of: post.id, in: room), ptsCount: 1)))
        return .updates(Api.Updates.Updates(
            updates: updates, users: users(of: [post], for: me), chats: [channelChat(channel, for: me)], date: post.draft.date, seq: 0))
    }

    /// The pts at which message `id` was added (the channel's pts when it is no longer known).
    func eventPts(of id: Int32, in room: SimulatedChannel) -> Int32 {
        for event in room.events.reversed() { if case .newPost(id) = event.kind { return event.pts } }
        return room.pts
    }

    private func createChannelCall(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.channels.CreateChannel else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard !call.title.isEmpty else { return .error(code: 400, message: "CHAT_TITLE_EMPTY") }
        let id: Int64 = createChannel(title: call.title, creator: me, broadcast: call.broadcast || !call.megagroup)
        guard let post = rooms.channels[id]?.posts.first else { return .value(Api.Updates.updatesTooLong) }
        return .value(channelUpdates(post, in: id, for: me, extra: [.updateChannel(Api.Update.UpdateChannel(channelId: id))]))
    }

    private func joinChannel(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.JoinChannel.self, { $0.channel }) { me, call, room in
            guard !room.isMember(me) else { return .error(code: 400, message: "USER_ALREADY_PARTICIPANT") }
            await join(me, channel: room.id)
            let changed: Api.Update = .updateChannel(Api.Update.UpdateChannel(channelId: room.id))
            let updates: Api.Updates
            if !room.isBroadcast, let post = rooms.channels[room.id]?.posts.last {
                updates = channelUpdates(post, in: room.id, for: me, extra: [changed])
            } else {
                updates = .updates(Api.Updates.Updates(
                    updates: [changed], users: [], chats: [channelChat(room.id, for: me)], date: Int32(Date().timeIntervalSince1970), seq: 0))
            }
            return .value(Api.messages.ChatInviteJoinResult.chatInviteJoinResultOk(Api.messages.ChatInviteJoinResult.ChatInviteJoinResultOk(updates: updates)))
        }
    }

    private func leaveChannel(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.LeaveChannel.self, { $0.channel }) { me, call, room in
            guard room.isMember(me) else { return .error(code: 400, message: "USER_NOT_PARTICIPANT") }
            await leave(me, channel: room.id)
            return .value(Api.Updates.updates(Api.Updates.Updates(
                updates: [.updateChannel(Api.Update.UpdateChannel(channelId: room.id))], users: [], chats: [channelChat(room.id, for: me)],
                date: Int32(Date().timeIntervalSince1970), seq: 0)))
        }
    }

    private func getChannels(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.channels.GetChannels else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        var chats: [Api.Chat] = []
        for input in call.id {
            switch resolve(input, for: me) {
            case .success(let id): chats.append(channelChat(id, for: me))
            case .failure(let error) where error.name == "CHANNEL_PRIVATE":
                if case .inputChannel(let c) = input { chats.append(channelChat(c.channelId, for: me)) }
            case .failure(let error): return .error(code: error.code, message: error.message)
            }
        }
        return .value(Api.messages.Chats.chats(Api.messages.Chats.Chats(chats: chats)))
    }

    private func getFullChannel(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.GetFullChannel.self, { $0.channel }) { me, call, room in
            let read: Int32 = room.readInbox[me] ?? 0
            let full: Api.ChatFull = .channelFull(Api.ChatFull.ChannelFull(
                canViewParticipants: !room.isBroadcast || room.creator == me, id: room.id, about: "", participantsCount: Int32(room.members.count),
                adminsCount: 1, readInboxMaxId: read, readOutboxMaxId: room.posts.last?.id ?? 0,
                unreadCount: Int32(room.posts.filter { $0.id > read && $0.draft.sender != me }.count), chatPhoto: .photoEmpty(Api.Photo.PhotoEmpty(id: 0)),
                notifySettings: Api.PeerNotifySettings(), botInfo: [], pinnedMsgId: room.pinned.last, pts: room.pts))
            return .value(Api.messages.ChatFull(fullChat: full, chats: [channelChat(room.id, for: me)], users: [user(me, for: me)]))
        }
    }

    private func editChannelTitle(_ context: HandlerContext) async -> HandlerOutcome {
        await onChannel(context, Api.functions.channels.EditTitle.self, { $0.channel }) { me, call, room in
            guard room.creator == me else { return .error(code: 403, message: "CHAT_ADMIN_REQUIRED") }
            guard room.title != call.title else { return .error(code: 400, message: "CHAT_NOT_MODIFIED") }
            rooms.channels[room.id]?.title = call.title
            let action: Api.MessageAction = .messageActionChatEditTitle(Api.MessageAction.MessageActionChatEditTitle(title: call.title))
            guard let post = appendPost(room.id, MessageDraft(sender: me, text: "", action: action, date: Int32(Date().timeIntervalSince1970))) else {
                return .error(code: 400, message: "CHANNEL_INVALID")
            }
            await pushNewPost(post, in: room.id, skipping: me)
            return .value(channelUpdates(post, in: room.id, for: me))
        }
    }
}
