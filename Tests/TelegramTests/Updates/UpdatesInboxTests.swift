import Foundation
@testable import Telegram
import TLSchema
import Testing

/// The engine's inbox: inputs in order, and a `.tick` once the reader's deadline passes, with one
/// timer kept across waits.
struct UpdatesInboxTests {
    static func isTick(_ input: UpdatesInbox.Input?) -> Bool {
        if case .tick? = input { return true }
        return false
    }

    static func isUpdates(_ input: UpdatesInbox.Input?) -> Bool {
        if case .updates? = input { return true }
        return false
    }

    /// The next input, or nil when none came within `limit` (the inbox is closed then).
    static func next(_ inbox: UpdatesInbox, deadline: ContinuousClock.Instant, within limit: Duration = .seconds(5)) async -> UpdatesInbox.Input? {
        let watchdog: Task<Void, Never> = Task {
            try? await Task.sleep(for: limit)
            if !Task.isCancelled { inbox.close() }
        }
        defer { watchdog.cancel() }
        return await inbox.next(deadline: deadline)
    }

    @Test func aWaitTicksOnceItsDeadlinePassesAndNotBefore() async {
        let inbox: UpdatesInbox = UpdatesInbox(capacity: 10)
        let start: ContinuousClock.Instant = .now
        let input: UpdatesInbox.Input? = await Self.next(inbox, deadline: start + .milliseconds(50))
        #expect(Self.isTick(input))
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        inbox.close()
    }

    @Test func anInputBeforeTheDeadlineComesFirstAndTheNextWaitStillTicks() async {
        let inbox: UpdatesInbox = UpdatesInbox(capacity: 10)
        // Far enough for the push to come first on a loaded machine.
        let deadline: ContinuousClock.Instant = .now + .seconds(2)
        // A thread of its own, so that busy tasks of other tests cannot delay the push past the deadline.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.02)
            inbox.push(.updates(.updatesTooLong))
        }
        #expect(Self.isUpdates(await inbox.next(deadline: deadline)))
        // The timer armed by the first wait serves the second one.
        #expect(Self.isTick(await Self.next(inbox, deadline: deadline)))
        #expect(ContinuousClock.now >= deadline)
        inbox.close()
    }

    @Test func anEarlierDeadlineThanTheArmedTimerTicksAtItsOwnTime() async {
        let inbox: UpdatesInbox = UpdatesInbox(capacity: 10)
        inbox.push(.updates(.updatesTooLong))
        // A wait that is answered at once arms nothing; one that waits arms a timer far away.
        #expect(Self.isUpdates(await inbox.next(deadline: .now + .seconds(600))))
        let far: Task<UpdatesInbox.Input?, Never> = Task { await inbox.next(deadline: .now + .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(20))
        inbox.push(.updates(.updatesTooLong))
        #expect(Self.isUpdates(await far.value))
        #expect(Self.isTick(await Self.next(inbox, deadline: .now + .milliseconds(30))))
        inbox.close()
    }

    @Test func aLaterDeadlineThanTheArmedTimerIsNotTickedEarly() async {
        let inbox: UpdatesInbox = UpdatesInbox(capacity: 10)
        let armed: ContinuousClock.Instant = .now + .seconds(1)
        let first: Task<UpdatesInbox.Input?, Never> = Task { await inbox.next(deadline: armed) }
        try? await Task.sleep(for: .milliseconds(5))
        inbox.push(.updates(.updatesTooLong))
        #expect(Self.isUpdates(await first.value))
        // The timer armed for the first wait still sleeps; this wait wants 300 ms more.
        let later: ContinuousClock.Instant = armed + .milliseconds(300)
        #expect(Self.isTick(await Self.next(inbox, deadline: later)))
        #expect(ContinuousClock.now >= later)
        inbox.close()
    }

    @Test func closingEndsAWaitWithADeadline() async {
        let inbox: UpdatesInbox = UpdatesInbox(capacity: 10)
        let waiting: Task<UpdatesInbox.Input?, Never> = Task { await inbox.next(deadline: .now + .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(20))
        inbox.close()
        #expect(await waiting.value == nil)
    }
}
