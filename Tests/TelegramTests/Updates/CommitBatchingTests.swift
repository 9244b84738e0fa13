import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// Pushes that queue up while the engine commits go into one transaction together, and still
/// reach the commit hook and the consumers exactly once, in order.
struct CommitBatchingTests {
    @Test func updatesQueuedDuringACommitAreCommittedTogetherExactlyOnce() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let recorded: Recorder = Recorder()
        let commits: Counter = Counter()
        let allSent: Counter = Counter()
        store.setCommitHook { (changes: StoreChanges, _: inout ClientStoreTransaction) in
            let texts: [String] = UpdateFactory.texts(changes.updates?.updates ?? [])
            guard !texts.isEmpty else { return }
            // The first commit lasts until every push has left the server (and 0.3 s more for
            // them to arrive), so that they queue up behind it however slow the machine is.
            if commits.value == 0 {
                let deadline: Date = Date().addingTimeInterval(10)
                while allSent.value == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
                Thread.sleep(forTimeInterval: 0.3)
            }
            commits.add()
            recorded.add(texts)
        }
        let stream: EventStream<MessageFilter> = client.events(.newMessage())
        let sent: [String] = (1 ... 20).map { "q\($0)" }
        for text in sent { await harness.telegram.deliver(from: TelegramHarness.person(1), to: TelegramHarness.ownerID, text: text) }
        allSent.add()
        let got: [MessageEvent] = await collect(20, from: stream, timeout: .seconds(20))
        #expect(got.map(\.text) == sent)
        #expect(recorded.values == sent)
        // One commit for the first push, then the queued ones in commits of up to 16.
        #expect(commits.value <= 4)
        #expect(try store.updatesState()?.pts == (await harness.telegram.pts(of: TelegramHarness.ownerID)))
    }
}
