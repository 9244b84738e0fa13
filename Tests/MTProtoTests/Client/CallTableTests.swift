@testable import MTProto
import Testing

/// The client's table of calls as a value: waiting, queuing, answers, resends, timeouts.
struct CallTableTests {
    typealias Table = CallTable<String>

    static func call(_ name: String, deadline: ContinuousClock.Instant? = nil, connectionScoped: Bool = false) -> Table.Call {
        Table.Call(body: Array(name.utf8), contentRelated: true, token: nil, completion: name, connectionScoped: connectionScoped, deadline: deadline)
    }

    @Test func callsWaitUntilQueuedAndAnAnswerCompletesTheOneSentUnderItsToken() {
        var table: Table = Table()
        table.insert(Self.call("a"), id: 1, send: false)
        table.insert(Self.call("b"), id: 2, send: true)
        #expect(table.waiting == [1])
        let got1: Table.Call? = table.queue(2)
        #expect(got1?.token == 2)
        let got2: Table.Call? = table.complete(token: 1)
        #expect(got2 == nil)
        #expect(table.callSent(as: 2) == 2)
        let got3: Table.Call? = table.complete(token: 2)
        #expect(got3?.completion == "b")
        let got4: Table.Call? = table.complete(token: 2)
        #expect(got4 == nil)
        let got5: [UInt64] = table.takeWaiting()
        #expect(got5 == [1])
        #expect(table.waiting.isEmpty && table.count == 1)
    }

    @Test func aNewSessionSendsEveryUnansweredCallAgainInOrder() {
        var table: Table = Table()
        for id: UInt64 in [3, 1, 2] { table.insert(Self.call("\(id)"), id: id, send: true) }
        _ = table.queue(1)
        _ = table.queue(3)
        table.wait(2)
        table.requeueAll()
        #expect(table.waiting == [2, 1, 3])
        // Sent in the old session: an answer under the old token no longer completes it.
        let got6: Table.Call? = table.complete(token: 1)
        #expect(got6 == nil)
        #expect(table.calls.values.allSatisfy { $0.token == nil })
    }

    @Test func theCallsOfAConnectionAreDroppedWithIt() {
        var table: Table = Table()
        table.insert(Self.call("bind", connectionScoped: true), id: 1, send: true)
        table.insert(Self.call("init", connectionScoped: true), id: 2, send: true)
        table.insert(Self.call("user"), id: 3, send: true)
        _ = table.queue(1)
        let got7: [RequestToken] = table.removeConnectionScoped()
        #expect(got7 == [1])
        #expect(Array(table.calls.keys) == [3])
    }

    @Test func aCancellationBeforeTheCallIsTakenInFailsItOnArrival() {
        var table: Table = Table()
        let got8: Table.Call? = table.remove(7, cancelled: true)
        #expect(got8 == nil)
        let got9: Table.Call? = table.remove(8)
        #expect(got9 == nil)
        let got10: Bool = table.wasCancelledEarly(7)
        #expect(got10)
        let got11: Bool = table.wasCancelledEarly(7)
        #expect(!got11)
        let got12: Bool = table.wasCancelledEarly(8)
        #expect(!got12)
        table.insert(Self.call("w"), id: 9, send: false)
        let got13: Table.Call? = table.remove(9)
        #expect(got13?.completion == "w")
        #expect(table.waiting.isEmpty)
    }

    @Test func expiredCallsAreFoundInIdOrderWithTheNextDeadline() {
        let start: ContinuousClock.Instant = .now
        var table: Table = Table()
        table.insert(Self.call("late", deadline: start + .seconds(30)), id: 5, send: true)
        table.insert(Self.call("b", deadline: start + .seconds(1)), id: 4, send: true)
        table.insert(Self.call("a", deadline: start + .seconds(2)), id: 2, send: true)
        table.insert(Self.call("next", deadline: start + .seconds(10)), id: 3, send: true)
        table.insert(Self.call("none"), id: 1, send: true)
        let found: (ids: [UInt64], next: ContinuousClock.Instant?) = table.expired(at: start + .seconds(2))
        #expect(found.ids == [2, 4])
        #expect(found.next == start + .seconds(10))
        #expect(table.expired(at: start + .seconds(60)).next == nil)
    }

    @Test func oneTimerServesEveryDeadlineAndOnlyTheNewestCounts() {
        let start: ContinuousClock.Instant = .now
        var timer: TimeoutTimer = TimeoutTimer()
        let got14: Int? = timer.schedule(at: start + .seconds(10))
        #expect(got14 == 1)
        let got15: Int? = timer.schedule(at: start + .seconds(20))
        #expect(got15 == nil)
        let got16: Int? = timer.schedule(at: start + .seconds(5))
        #expect(got16 == 2)
        let got17: Bool = timer.fired(1)
        #expect(!got17)
        let got18: Bool = timer.fired(2)
        #expect(got18)
        #expect(timer.wake == nil)
        let got19: Int? = timer.schedule(at: start + .seconds(20))
        #expect(got19 == 3)
        timer.stop()
        let got20: Bool = timer.fired(3)
        #expect(!got20)
    }
}
