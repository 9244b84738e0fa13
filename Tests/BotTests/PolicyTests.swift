import Bot
import Foundation
import MTProto
import Telegram
import TLSchema
import Testing

/// The reply policy, the cost limits and the prompt budget as plain values.
struct PolicyTests {
    static let me: Int64 = 1000

    static func peer(_ id: Int64, _ flags: PeerFlags = [], username: String? = nil) -> Peer {
        Peer(id: .user(id), accessHash: 1, username: username, flags: flags)
    }

    @Test func botsServiceAccountsFlaggedAndOwnAccountsAreNeverAnswered() {
        let policy: ReplyPolicy = ReplyPolicy()
        #expect(policy.refusal(userID: 5, peer: Self.peer(5, .bot), selfID: Self.me) == .bot)
        #expect(policy.refusal(userID: 5, peer: Self.peer(5, .support), selfID: Self.me) == .support)
        #expect(policy.refusal(userID: 5, peer: Self.peer(5, .scam), selfID: Self.me) == .scam)
        #expect(policy.refusal(userID: 5, peer: Self.peer(5, .fake), selfID: Self.me) == .fake)
        #expect(policy.refusal(userID: 5, peer: Self.peer(5, .deleted), selfID: Self.me) == .deleted)
        #expect(policy.refusal(userID: 777_000, peer: Self.peer(777_000), selfID: Self.me) == .serviceAccount)
        #expect(policy.refusal(userID: 42_777, peer: nil, selfID: Self.me) == .serviceAccount)
        #expect(policy.refusal(userID: Self.me, peer: Self.peer(Self.me), selfID: Self.me) == .ownAccount)
        // A contact that is a bot is still a bot.
        #expect(ReplyPolicy(audience: .contacts).refusal(userID: 5, peer: Self.peer(5, [.bot, .contact]), selfID: Self.me) == .bot)
        #expect(policy.refusal(userID: 5, peer: Self.peer(5, [.verified, .contact]), selfID: Self.me) == nil)
        #expect(policy.refusal(userID: 5, peer: nil, selfID: Self.me) == nil)
    }

    @Test func theAudienceAndTheDenyListChooseAmongTheRest() throws {
        let contacts: ReplyPolicy = ReplyPolicy(audience: .contacts)
        #expect(contacts.refusal(userID: 5, peer: Self.peer(5), selfID: Self.me) == .notInAudience)
        #expect(contacts.refusal(userID: 5, peer: nil, selfID: Self.me) == .notInAudience)
        #expect(contacts.refusal(userID: 5, peer: Self.peer(5, .contact), selfID: Self.me) == nil)
        let mutual: ReplyPolicy = ReplyPolicy(audience: .mutualContacts)
        #expect(mutual.refusal(userID: 5, peer: Self.peer(5, .contact), selfID: Self.me) == .notInAudience)
        #expect(mutual.refusal(userID: 5, peer: Self.peer(5, [.contact, .mutualContact]), selfID: Self.me) == nil)
        let only: ReplyPolicy = ReplyPolicy(audience: .only([try #require(ReplyPolicy.Person("@Alice_1")), try #require(ReplyPolicy.Person("77"))]))
        #expect(only.refusal(userID: 5, peer: Self.peer(5, username: "alice_1"), selfID: Self.me) == nil)
        #expect(only.refusal(userID: 77, peer: nil, selfID: Self.me) == nil)
        #expect(only.refusal(userID: 6, peer: Self.peer(6, username: "bob_the"), selfID: Self.me) == .notInAudience)
        let deny: ReplyPolicy = ReplyPolicy(deny: [try #require(ReplyPolicy.Person("@ALICE_1"))])
        #expect(deny.refusal(userID: 5, peer: Self.peer(5, username: "Alice_1"), selfID: Self.me) == .denied)
        #expect(ReplyPolicy.Person("ab") == nil)
        #expect(ReplyPolicy.Person("1abcdef") == nil)
        #expect(ReplyPolicy.Person("-5") == nil)
    }

    @Test func flagsComeFromTheUserAndAMinUserKeepsTheContactFlags() async throws {
        let path: String = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        let peers: PeerStore = PeerStore(store: try SQLiteClientStore(session: session))
        try await peers.learn(users: [.user(Api.User.User(contact: true, id: 5, accessHash: 11, username: "x"))], chats: [])
        #expect(try await peers.peer(.user(5))?.flags == .contact)
        // A newer user says it is a bot now; a min one cannot tell the contact flags.
        try await peers.learn(users: [.user(Api.User.User(bot: true, min: true, id: 5, accessHash: 99))], chats: [])
        #expect(try await peers.peer(.user(5))?.flags == [.contact, .bot])
        #expect(try await peers.peer(.user(5))?.accessHash == 11)
        #expect(ReplyPolicy().refusal(userID: 5, peer: try await peers.peer(.user(5)), selfID: Self.me) == .bot)
        try await peers.learn(users: [.user(Api.User.User(id: 5, accessHash: 11))], chats: [])
        #expect(try await peers.peer(.user(5))?.flags == [])
        // A deleted account without an access hash: flagged, never addressable.
        try await peers.learn(users: [.user(Api.User.User(deleted: true, id: 6))], chats: [])
        #expect(try await peers.peer(.user(6))?.flags == .deleted)
        await #expect(throws: TelegramError.peerNotAddressable(.user(6))) { try await peers.inputPeer(.user(6)) }
        session.close()
    }

    @Test func thePersonalLimitRollsOverTheHourAndTheDailyOneOverTheUTCDay() {
        let midnight: Double = 1_735_689_600  // 2025-01-01T00:00:00Z
        var limits: ModelCallLimits = ModelCallLimits(personHourly: 2, daily: 3, now: midnight + 100)
        limits.record(1, now: midnight + 100)
        limits.record(1, now: midnight + 200)
        #expect(limits.refusal(for: 1, now: midnight + 300) == .personHourly(2))
        #expect(limits.refusal(for: 2, now: midnight + 300) == nil)
        // An hour after the first call, one is free again.
        #expect(limits.refusal(for: 1, now: midnight + 3_701) == nil)
        limits.record(2, now: midnight + 3_800)
        #expect(limits.refusal(for: 3, now: midnight + 3_900) == .daily(3))
        // The next UTC day starts afresh.
        #expect(limits.refusal(for: 3, now: midnight + 86_400) == nil)
        // A restart restores both from the stored calls.
        var restored: ModelCallLimits = ModelCallLimits(personHourly: 2, daily: 3, calls: [(1, midnight + 100), (1, midnight + 200)], now: midnight + 300)
        #expect(restored.refusal(for: 1, now: midnight + 300) == .personHourly(2))
        var restoredDay: ModelCallLimits = ModelCallLimits(
            personHourly: 2, daily: 3, calls: [(1, midnight + 100), (1, midnight + 200), (2, midnight + 3_800), (2, midnight - 10)], now: midnight + 3_850)
        #expect(restoredDay.refusal(for: 4, now: midnight + 3_850) == .daily(3))
        #expect(restoredDay.refusal(for: 1, now: midnight + 3_850) == .daily(3))
        // Pruning forgets the hour's callers who stopped, not the day's count.
        var pruned: ModelCallLimits = ModelCallLimits(personHourly: 2, daily: 3, calls: [(1, midnight + 100), (2, midnight + 3_000)], now: midnight + 3_000)
        pruned.prune(now: midnight + 3_800)
        #expect(pruned.hourlyWindowEnd(of: 1) == nil)
        #expect(pruned.hourlyWindowEnd(of: 2) == midnight + 6_600)
        #expect(pruned.callsToday(now: midnight + 3_800) == 2)
        var unlimited: ModelCallLimits = ModelCallLimits(personHourly: 100, daily: 0, now: midnight)
        for i in 0 ..< 50 { unlimited.record(Int64(i), now: midnight + Double(i)) }
        #expect(unlimited.refusal(for: 99, now: midnight + 60) == nil)
    }

    @Test func thePromptDropsTheOldestPairsFirstThenCutsTheNewText() {
        let history: [ChatMessage] = (1 ... 4).flatMap { (i: Int) -> [ChatMessage] in
            [ChatMessage(role: "user", content: String(repeating: "u", count: 100) + "\(i)"),
             ChatMessage(role: "assistant", content: String(repeating: "a", count: 100) + "\(i)")]
        }
        let budget: PromptBudget = PromptBudget(maximumCharacters: 600)
        let request: [ChatMessage] = budget.request(system: "be kind", history: history, text: "hello")
        #expect(request.first == ChatMessage(role: "system", content: "be kind"))
        #expect(request.last == ChatMessage(role: "user", content: "hello"))
        // 600 - 7 - 5 = 588: the two newest pairs (404 characters) fit, a third would not.
        #expect(request.count == 6)
        #expect(request[1].content.hasSuffix("3"))
        #expect(request.reduce(0) { $0 + $1.content.count } <= 600)
        let long: [ChatMessage] = budget.request(system: "be kind", history: history, text: String(repeating: "x", count: 4000))
        #expect(long.count == 2)
        #expect(long[1].content.count == 593)
        // One grapheme cluster of 5,000 combining marks counts as 5,001 characters, not as one.
        let zalgo: String = "e" + String(repeating: "\u{0301}", count: 5_000)
        #expect(zalgo.count == 1)
        let cut: [ChatMessage] = budget.request(system: nil, history: history, text: zalgo)
        #expect(cut.count == 1)
        #expect(cut[0].content.unicodeScalars.count == 600)
    }
}
