import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// Every filter on hand-made batches, and the filters end to end on pushed updates.
struct EventFilterTests {
    typealias F = UpdateFactory
    static let person1: Int64 = TelegramHarness.person(1)
    static let group: Int64 = 8100
    static let news: Int64 = 8200

    /// A batch with one of everything.
    static var batch: UpdateBatch {
        let service: Api.Message = .messageService(Api.Message.MessageService(
            id: 3, fromId: F.peerUser(person1), peerId: F.peerChannel(group), date: 1,
            action: .messageActionChatAddUser(Api.MessageAction.MessageActionChatAddUser(users: [person1]))))
        let title: Api.Message = .messageService(Api.Message.MessageService(
            id: 4, fromId: F.peerUser(person1), peerId: F.peerChannel(group), date: 1,
            action: .messageActionChatEditTitle(Api.MessageAction.MessageActionChatEditTitle(title: "Renamed"))))
        let left: Api.Message = .messageService(Api.Message.MessageService(
            id: 5, fromId: F.peerUser(person1), peerId: F.peerChannel(group), date: 1,
            action: .messageActionChatDeleteUser(Api.MessageAction.MessageActionChatDeleteUser(userId: person1))))
        let updates: [Api.Update] = [
            F.newMessage(1, from: person1, pts: 0, text: "hello there"),
            F.newMessage(2, from: person1, pts: 0, text: "from me", out: true),
            F.newChannelMessage(1, channel: group, pts: 0, from: person1, text: "in the group"),
            F.newChannelMessage(1, channel: news, pts: 0, text: "a post"),
            .updateEditMessage(Api.Update.UpdateEditMessage(message: F.message(1, from: person1, text: "hello, edited"), pts: 0, ptsCount: 0)),
            .updateDeleteMessages(Api.Update.UpdateDeleteMessages(messages: [7, 8], pts: 0, ptsCount: 0)),
            .updateDeleteChannelMessages(Api.Update.UpdateDeleteChannelMessages(channelId: news, messages: [9], pts: 0, ptsCount: 0)),
            .updateReadHistoryInbox(Api.Update.UpdateReadHistoryInbox(peer: F.peerUser(person1), maxId: 1, stillUnreadCount: 0, pts: 0, ptsCount: 0)),
            .updateReadHistoryOutbox(Api.Update.UpdateReadHistoryOutbox(peer: F.peerUser(person1), maxId: 2, pts: 0, ptsCount: 0)),
            .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(message: service, pts: 0, ptsCount: 0)),
            .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(message: title, pts: 0, ptsCount: 0)),
            .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(message: left, pts: 0, ptsCount: 0)),
            .updatePinnedChannelMessages(Api.Update.UpdatePinnedChannelMessages(pinned: true, channelId: group, messages: [1], pts: 0, ptsCount: 0)),
            .updateUserTyping(Api.Update.UpdateUserTyping(userId: person1, action: .sendMessageTypingAction)),
            .updateBotCallbackQuery(Api.Update.UpdateBotCallbackQuery(
                queryId: 55, userId: person1, peer: F.peerUser(person1), msgId: 2, chatInstance: 1, data: [1, 2])),
        ]
        return UpdateBatch(
            updates: updates, users: [F.user(person1)], chats: [F.channel(group, megagroup: true), F.channel(news)],
            notices: [.differenceTooLong(pts: 3)])
    }

    static func withClient(_ body: (TelegramClient) async throws -> Void) async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client(updates: UpdatesOptions(startsWithClient: false))
        defer { Task { await harness.close(client, store) } }
        try await body(client)
    }

    static func texts(_ filter: MessageFilter, _ client: TelegramClient) -> [String] {
        filter.events(in: batch, client: client).map(\.text)
    }

    @Test func messageFiltersCombineKindsAsAndAndAlternativesAsOr() async throws {
        try await Self.withClient { (client: TelegramClient) in
            #expect(Self.texts(.newMessage(), client) == ["hello there", "from me", "in the group", "a post"])
            #expect(Self.texts(.newMessage(.incoming), client) == ["hello there", "in the group", "a post"])
            #expect(Self.texts(.newMessage(.outgoing), client) == ["from me"])
            #expect(Self.texts(.newMessage(.private), client) == ["hello there", "from me"])
            #expect(Self.texts(.newMessage(.incoming, .private), client) == ["hello there"])
            #expect(Self.texts(.newMessage(.group), client) == ["in the group"])
            #expect(Self.texts(.newMessage(.channel), client) == ["a post"])
            #expect(Self.texts(.newMessage(.group, .channel), client) == ["in the group", "a post"])
            #expect(Self.texts(.newMessage(.from(.user(Self.person1))), client) == ["hello there", "in the group"])
            #expect(Self.texts(.newMessage(.chats(.channel(Self.news))), client) == ["a post"])
            #expect(Self.texts(.newMessage(.text(contains: "the")), client) == ["hello there", "in the group"])
            let pattern: MessageCondition = try .pattern("^a p")
            #expect(Self.texts(.newMessage(pattern), client) == ["a post"])
            #expect(Self.texts(.newMessage(.text { $0.count == 7 }), client) == ["from me"])
            #expect(Self.texts(.editedMessage(), client) == ["hello, edited"])
            #expect(throws: (any Error).self) { try MessageCondition.pattern("(unclosed") }
            let first: MessageEvent? = MessageFilter.newMessage().events(in: Self.batch, client: client).first
            #expect(first?.id == 1)
            #expect(first?.senderPeer?.name == "User \(Self.person1)")
            #expect(first?.chat == .user(Self.person1))
        }
    }

    @Test func deletedReadChatActionTypingCallbackRawAndNoticeFilters() async throws {
        try await Self.withClient { (client: TelegramClient) in
            let deleted: [DeletedEvent] = UpdateFilter<DeletedEvent>.deleted.events(in: Self.batch, client: client)
            #expect(deleted.map(\.messageIDs) == [[7, 8], [9]])
            #expect(deleted.map(\.chat) == [nil, .channel(Self.news)])
            let read: [ReadEvent] = UpdateFilter<ReadEvent>.read.events(in: Self.batch, client: client)
            #expect(read.map(\.maxID) == [1, 2])
            #expect(read.map(\.isOutbox) == [false, true])
            let actions: [ChatActionEvent] = UpdateFilter<ChatActionEvent>.chatAction.events(in: Self.batch, client: client)
            #expect(actions.map(\.action) == [
                .joined([Self.person1]), .titleChanged("Renamed"), .left(Self.person1), .pinned(messageIDs: [1], pinned: true),
            ])
            #expect(actions.first?.chat == .channel(Self.group))
            #expect(actions.first?.actor == .user(Self.person1))
            let typing: [TypingEvent] = UpdateFilter<TypingEvent>.typing.events(in: Self.batch, client: client)
            #expect(typing.map(\.sender) == [.user(Self.person1)])
            let queries: [CallbackQueryEvent] = UpdateFilter<CallbackQueryEvent>.callbackQuery.events(in: Self.batch, client: client)
            #expect(queries.map(\.queryID) == [55])
            #expect(queries.first?.data == [1, 2])
            #expect(RawUpdateFilter.raw.events(in: Self.batch, client: client).count == Self.batch.updates.count)
            #expect(NoticeFilter.notices.events(in: Self.batch, client: client) == [.differenceTooLong(pts: 3)])
        }
    }

    @Test func eventsEndToEndEditReadTypingAndAReply() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let incoming: EventStream<MessageFilter> = client.events(.newMessage(.incoming, .private, .text(contains: "ping")))
        let edits: EventStream<MessageFilter> = client.events(.editedMessage(.outgoing))
        let reads: EventStream<UpdateFilter<ReadEvent>> = client.events(.read)
        let typing: EventStream<UpdateFilter<TypingEvent>> = client.events(.typing)
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "no")
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "ping")
        guard let ping = await collect(1, from: incoming).first else {
            Issue.record("no ping")
            return
        }
        let reply: SentMessage = try await ping.reply("pong")
        let sent: [SimulatedMessage] = await harness.telegram.messages(from: TelegramHarness.ownerID)
        #expect(sent.map(\.text) == ["pong"])
        #expect(sent.first?.replyTo == ping.id)
        _ = try await client.edit(reply.id, in: .user(Self.person1), text: "pong!")
        #expect(await collect(1, from: edits).map(\.text) == ["pong!"])
        await harness.telegram.readOnPhone(owner: TelegramHarness.ownerID, peer: Self.person1, maxID: ping.id)
        #expect(await collect(1, from: reads).map(\.maxID) == [ping.id])
        await harness.server.push(.updateShort(Api.Updates.UpdateShort(
            update: .updateUserTyping(Api.Update.UpdateUserTyping(userId: Self.person1, action: .sendMessageTypingAction)), date: 1)),
            toUser: TelegramHarness.ownerID)
        #expect(await collect(1, from: typing).map(\.sender) == [.user(Self.person1)])
    }
}
