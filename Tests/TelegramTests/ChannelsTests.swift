import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// Groups and channels of TestDC through the client: their own pts, channel differences, paging,
/// search, participants, forward, pins, reads and messages by id.
struct ChannelsTests {
    static let owner: Int64 = TelegramHarness.ownerID
    static func person(_ i: Int) -> Int64 { TelegramHarness.person(i) }

    /// A harness, a started client, and a supergroup `@club` (owner and person 1 in it) the client has resolved.
    static func start(people: Int = 3, broadcast: Bool = false) async throws -> (TelegramHarness, TelegramClient, SQLiteClientStore, Int64) {
        let harness: TelegramHarness = try await TelegramHarness.start(people: people)
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        let creator: Int64 = broadcast ? person(1) : owner
        let channel: Int64 = await harness.telegram.createChannel(
            title: "Club", creator: creator, broadcast: broadcast, username: "club", members: [owner, person(1)])
        _ = try await client.resolve("@club")
        _ = try await client.resolve("@person1")
        return (harness, client, store, channel)
    }

    static func difference(_ client: TelegramClient, _ channel: Int64, pts: Int32, limit: Int32) async throws -> Api.updates.ChannelDifference {
        try await client.invoke(Api.functions.updates.GetChannelDifference(
            channel: try await client.peers.inputChannel(channel), filter: .channelMessagesFilterEmpty, pts: pts, limit: limit))
    }

    @Test func eachChannelHasItsOwnPtsAndTheCommonBoxDoesNotMove() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        let other: Int64 = await harness.telegram.createChannel(title: "Other", creator: Self.person(2), members: [Self.owner])
        let common: Int32 = await harness.telegram.pts(of: Self.owner)
        #expect(await harness.telegram.channelPts(club) == 1)
        for i in 1 ... 3 { await harness.telegram.post("post \(i)", inChannel: club, from: Self.person(1)) }
        #expect(await harness.telegram.channelPts(club) == 4)
        #expect(await harness.telegram.channelPts(other) == 1)
        #expect(await harness.telegram.pts(of: Self.owner) == common)
        let sent: SentMessage = try await client.send("mine", to: .channel(club))
        #expect(sent.id == 5)
        #expect(await harness.telegram.channelPts(club) == 5)
        let texts: [String] = try await MessagesTests.collect(client.history(of: .channel(club))).map(\.text)
        #expect(texts == ["mine", "post 3", "post 2", "post 1", ""])
    }

    @Test func channelDifferenceRespectsTheLimitAndAnswersTooLongPastTheGap() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        for i in 1 ... 5 { await harness.telegram.post("p\(i)", inChannel: club, from: Self.person(1), push: .none) }
        guard case .channelDifference(let first) = try await Self.difference(client, club, pts: 1, limit: 2) else {
            Issue.record("expected a channelDifference")
            return
        }
        #expect(first.newMessages.map(\.text) == ["p1", "p2"])
        #expect(first.pts == 3 && !first.final)
        guard case .channelDifference(let rest) = try await Self.difference(client, club, pts: first.pts, limit: 100) else {
            Issue.record("expected the rest")
            return
        }
        #expect(rest.newMessages.map(\.text) == ["p3", "p4", "p5"])
        #expect(rest.pts == 6 && rest.final)
        guard case .channelDifferenceEmpty(let empty) = try await Self.difference(client, club, pts: 6, limit: 100) else {
            Issue.record("expected an empty difference")
            return
        }
        #expect(empty.pts == 6 && empty.final)
        var limits: SimulatedLimits = await harness.telegram.limits
        limits.channelDifferenceTooLongGap = 3
        await harness.telegram.setLimits(limits)
        guard case .channelDifferenceTooLong(let tooLong) = try await Self.difference(client, club, pts: 1, limit: 2) else {
            Issue.record("expected channelDifferenceTooLong")
            return
        }
        guard case .dialog(let dialog) = tooLong.dialog else { return }
        #expect(dialog.pts == 6 && dialog.topMessage == 6)
        #expect(tooLong.messages.map(\.text) == ["p5", "p4"])
        // Within the gap it is an ordinary difference again.
        guard case .channelDifference = try await Self.difference(client, club, pts: 4, limit: 10) else {
            Issue.record("expected a channelDifference within the gap")
            return
        }
    }

    @Test func aBannedMemberGetsChannelPrivate() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        let secret: Int64 = await harness.telegram.createChannel(title: "Secret", creator: Self.person(1), members: [Self.owner])
        _ = try await MessagesTests.collect(client.dialogs())
        #expect(try await MessagesTests.collect(client.history(of: .channel(secret))).count == 1)
        await harness.telegram.ban(Self.owner, channel: secret)
        await #expect { try await MessagesTests.collect(client.history(of: .channel(secret))) } throws: {
            ($0 as? RPCError)?.message == "CHANNEL_PRIVATE"
        }
        await #expect { _ = try await Self.difference(client, secret, pts: 1, limit: 10) } throws: { ($0 as? RPCError)?.message == "CHANNEL_PRIVATE" }
        // Leaving a public channel keeps it readable; a private one is not.
        await harness.telegram.leave(Self.owner, channel: club)
        #expect(try await MessagesTests.collect(client.history(of: .channel(club))).count >= 1)
        await #expect { try await client.send("still here?", to: .channel(club)) } throws: { ($0 as? RPCError)?.message == "CHAT_WRITE_FORBIDDEN" }
    }

    @Test(arguments: [(0, 10), (10, 10), (25, 10), (25, 7), (3, 100)])
    func channelHistoryPagesAcrossBoundaries(count: Int, pageSize: Int) async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        for i in 0 ..< count { await harness.telegram.post("m\(i + 1)", inChannel: club, from: Self.person(1), push: .none) }
        let texts: [String] = try await MessagesTests.collect(client.history(of: .channel(club), pageSize: pageSize)).map(\.text)
        // The service message that created the channel is the oldest.
        #expect(texts == Array((1 ... max(count, 1)).reversed().map { "m\($0)" }.suffix(count)) + [""])
        let limited: [String] = try await MessagesTests.collect(client.history(of: .channel(club), limit: 2, pageSize: pageSize)).map(\.text)
        #expect(limited.count == min(2, count + 1))
    }

    @Test func searchPagesOverMatchesOnlyAndEndsPastTheLast() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        for i in 1 ... 7 {
            await harness.telegram.post("apple \(i)", inChannel: club, from: Self.person(1), push: .none)
            await harness.telegram.post("pear \(i)", inChannel: club, from: Self.owner, push: .none)
        }
        let apples: [String] = try await MessagesTests.collect(client.search("APPLE", in: .channel(club), pageSize: 3)).map(\.text)
        #expect(apples == (1 ... 7).reversed().map { "apple \($0)" })
        #expect(try await MessagesTests.collect(client.search("plum", in: .channel(club))).isEmpty)
        // In a private chat too, exactly one page.
        for i in 1 ... 3 { await harness.telegram.deliver(from: Self.person(1), to: Self.owner, text: "kiwi \(i)") }
        let kiwis: [String] = try await MessagesTests.collect(client.search("kiwi", in: .user(Self.person(1)), pageSize: 3)).map(\.text)
        #expect(kiwis == ["kiwi 3", "kiwi 2", "kiwi 1"])
    }

    @Test func participantsPageWithOffsetsAndBroadcastsNeedAnAdmin() async throws {
        let (harness, client, store, club) = try await Self.start(people: 6)
        defer { Task { await harness.close(client, store); await harness.stop() } }
        for i in 2 ... 6 { await harness.telegram.join(Self.person(i), channel: club) }
        let members: [Participant] = try await MessagesTests.collect(client.participants(of: .channel(club), pageSize: 3))
        #expect(members.map(\.userID) == [Self.owner] + (1 ... 6).map(Self.person))
        #expect(members.first?.role == .creator)
        #expect(try await MessagesTests.collect(client.participants(of: .channel(club), limit: 4, pageSize: 3)).count == 4)
        let news: Int64 = await harness.telegram.createChannel(title: "News", creator: Self.person(1), broadcast: true, members: [Self.owner])
        _ = try await MessagesTests.collect(client.dialogs())
        await #expect { try await MessagesTests.collect(client.participants(of: .channel(news))) } throws: {
            ($0 as? RPCError)?.message == "CHAT_ADMIN_REQUIRED"
        }
        let group: Int64 = await harness.telegram.createGroup(title: "Family", creator: Self.person(1), members: [Self.owner, Self.person(2)])
        let family: [Participant] = try await MessagesTests.collect(client.participants(of: .chat(group)))
        #expect(family.map(\.userID) == [Self.person(1), Self.owner, Self.person(2)])
    }

    @Test func aForwardedChannelPostKeepsItsSourceAndARetryMakesNoSecondCopy() async throws {
        let (harness, client, store, _) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        let news: Int64 = await harness.telegram.createChannel(title: "News", creator: Self.person(1), broadcast: true, members: [Self.owner])
        let post: Int32 = await harness.telegram.post("breaking", inChannel: news, from: Self.person(1))
        let group: Int64 = await harness.telegram.createGroup(title: "Family", creator: Self.owner, members: [Self.person(2)])
        _ = try await MessagesTests.collect(client.dialogs())
        var faults: FaultPlan = FaultPlan()
        faults.rpcErrors[Api.functions.messages.ForwardMessages.constructorID] = (500, "RPC_CALL_FAIL", 1)
        await harness.server.setFaults(faults)
        let ids: [Int32] = try await client.forward([post], from: .channel(news), to: .chat(group), randomIDs: [77])
        let copies: [Api.Message] = try await client.messages(ids, in: .chat(group))
        guard case .message(let copy)? = copies.first else {
            Issue.record("no forwarded copy")
            return
        }
        #expect(copy.message == "breaking")
        #expect(copy.fwdFrom?.channelPost == post)
        #expect(copy.fwdFrom?.fromId.map(PeerID.init) == .channel(news))
        let inGroup: [String] = try await MessagesTests.collect(client.history(of: .chat(group))).map(\.text)
        #expect(inGroup.filter { $0 == "breaking" }.count == 1)
        await #expect { try await client.forward([post], from: .channel(news), to: .chat(group), randomIDs: [77]) } throws: {
            ($0 as? RPCError)?.is(.randomIDDuplicate) == true
        }
        // Without the author, and into a private chat.
        let plain: [Int32] = try await client.forward([post], from: .channel(news), to: .user(Self.person(1)), dropAuthor: true)
        guard case .message(let bare)? = try await client.messages(plain, in: .user(Self.person(1))).first else { return }
        #expect(bare.fwdFrom == nil && bare.message == "breaking")
    }

    @Test func pinAndUnpinInAChannelAndAPrivateChat() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        let id: Int32 = await harness.telegram.post("rules", inChannel: club, from: Self.person(1))
        let before: Int32 = await harness.telegram.channelPts(club)
        try await client.pin(id, in: .channel(club))
        #expect(await harness.telegram.pinnedMessages(inChannel: club) == [id])
        // The pin takes a pts, its service message another.
        #expect(await harness.telegram.channelPts(club) == before + 2)
        let newest: [Api.Message] = try await MessagesTests.collect(client.history(of: .channel(club), limit: 1))
        guard case .messageService(let service)? = newest.first, case .messageActionPinMessage = service.action else {
            Issue.record("no pin service message")
            return
        }
        try await client.unpin(id, in: .channel(club))
        #expect(await harness.telegram.pinnedMessages(inChannel: club).isEmpty)
        let mine: SentMessage = try await client.send("remember", to: .user(Self.person(1)))
        try await client.pin(mine.id, in: .user(Self.person(1)))
        let privateNewest: [Api.Message] = try await MessagesTests.collect(client.history(of: .user(Self.person(1)), limit: 1))
        guard case .messageService(let pinned)? = privateNewest.first, case .messageReplyHeader(let header)? = pinned.replyTo else {
            Issue.record("no pin service message in the private chat")
            return
        }
        #expect(header.replyToMsgId == mine.id)
        await #expect { try await client.pin(9999, in: .user(Self.person(1))) } throws: { ($0 as? RPCError)?.message == "MESSAGE_ID_INVALID" }
    }

    @Test func markReadUsesTheRightMethodPerKind() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        for i in 1 ... 3 { await harness.telegram.post("c\(i)", inChannel: club, from: Self.person(1)) }
        try await client.markRead(.channel(club), upTo: 3)
        #expect(await harness.telegram.channelReadMaxID(club, of: Self.owner) == 3)
        try await client.markRead(.channel(club))
        #expect(await harness.telegram.channelReadMaxID(club, of: Self.owner) == 4)
        let group: Int64 = await harness.telegram.createGroup(title: "Family", creator: Self.person(1), members: [Self.owner])
        await harness.telegram.post("hello family", inGroup: group, from: Self.person(1))
        let dialogs: [Dialog] = try await MessagesTests.collect(client.dialogs())
        let unread: Int32? = dialogs.first { $0.peer == .chat(group) }?.unreadCount
        #expect(unread == 2)
        try await client.markRead(.chat(group))
        let after: [Dialog] = try await MessagesTests.collect(client.dialogs())
        #expect(after.first { $0.peer == .chat(group) }?.unreadCount == 0)
        #expect(after.first { $0.peer == .channel(club) }?.unreadCount == 0)
    }

    @Test func messagesByIdAreChannelAwareAndLeaveOutMissingOnes() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        let id: Int32 = await harness.telegram.post("kept", inChannel: club, from: Self.person(1))
        #expect(try await client.messages([id, 999], in: .channel(club)).map(\.text) == ["kept"])
        let sent: SentMessage = try await client.send("private", to: .user(Self.person(1)))
        #expect(try await client.messages([sent.id, 999], in: .user(Self.person(1))).map(\.text) == ["private"])
        await harness.telegram.deletePosts([id], inChannel: club)
        #expect(try await client.messages([id], in: .channel(club)).isEmpty)
    }

    @Test func dialogsCoverGroupsChannelsAndTheArchive() async throws {
        let (harness, client, store, club) = try await Self.start()
        defer { Task { await harness.close(client, store); await harness.stop() } }
        await harness.telegram.deliver(from: Self.person(2), to: Self.owner, text: "dm")
        let group: Int64 = await harness.telegram.createGroup(title: "Family", creator: Self.person(1), members: [Self.owner])
        await harness.telegram.post("latest", inChannel: club, from: Self.person(1))
        for size in [1, 2, 100] {
            let dialogs: [Dialog] = try await MessagesTests.collect(client.dialogs(pageSize: size))
            #expect(dialogs.map(\.peer) == [.channel(club), .chat(group), .user(Self.person(2))])
        }
        await harness.telegram.archive(.channel(club), for: Self.owner)
        let all: [Dialog] = try await MessagesTests.collect(client.dialogs())
        #expect(all.first { $0.peer == .channel(club) }?.folderID == 1)
        let archived: Api.messages.Dialogs = try await client.invoke(Api.functions.messages.GetDialogs(
            folderId: 1, offsetDate: 0, offsetId: 0, offsetPeer: .inputPeerEmpty, limit: 10, hash: 0))
        guard case .dialogs(let list) = archived else { return }
        #expect(list.dialogs.count == 1)
    }
}
