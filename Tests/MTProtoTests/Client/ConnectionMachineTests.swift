@testable import MTProto
import Testing

/// The connection's phases as a value: every event, and the ones that do not fit their phase.
struct ConnectionMachineTests {
    typealias Keys = ConnectionMachine.Keys

    static let boundKeys: Keys = Keys(permanent: true, permanentBeingWritten: false, forwardSecrecy: true, temporary: .bound)

    /// A machine whose connection is open (dialled and connected).
    static func opened() -> ConnectionMachine {
        var machine: ConnectionMachine = ConnectionMachine()
        let got1: Bool = machine.dial()
        #expect(got1)
        let got2: Int? = machine.opened()
        #expect(got2 == 1)
        return machine
    }

    @Test func aFirstConnectionExchangesBothKeysBindsAndInitialises() {
        var machine: ConnectionMachine = Self.opened()
        let got3: ConnectionMachine.SessionAction? = machine.startSession(Keys(permanent: false, permanentBeingWritten: false, forwardSecrecy: true, temporary: .none))
        #expect(got3
            == .exchangeKey(temporary: false))
        #expect(machine.phase == .exchangingKeys(temporary: false))
        let got4: ConnectionMachine.SessionAction? = machine.startSession(Keys(permanent: true, permanentBeingWritten: true, forwardSecrecy: true, temporary: .none))
        #expect(got4 == .awaitKeyWrite)
        #expect(machine.keyWritten())
        let got5: ConnectionMachine.SessionAction? = machine.startSession(Keys(permanent: true, permanentBeingWritten: false, forwardSecrecy: true, temporary: .none))
        #expect(got5
            == .exchangeKey(temporary: true))
        let got6: ConnectionMachine.SessionAction? = machine.startSession(Keys(permanent: true, permanentBeingWritten: false, forwardSecrecy: true, temporary: .unbound))
        #expect(got6 == .bind)
        #expect(!machine.sendsCalls)
        let got7: Bool = machine.bound()
        #expect(got7)
        #expect(machine.phase == .initializing)
        let got8: ConnectionMachine.Ready? = machine.initialized()
        #expect(got8 == ConnectionMachine.Ready(publish: .ready, updatesMayBeMissed: false))
        #expect(machine.sendsCalls && machine.isReady)
    }

    @Test func withoutForwardSecrecyThePermanentKeyCarriesTheSession() {
        var machine: ConnectionMachine = Self.opened()
        let got9: ConnectionMachine.SessionAction? = machine.startSession(Keys(permanent: true, permanentBeingWritten: false, forwardSecrecy: false, temporary: .none))
        #expect(got9 == .initialize)
        #expect(machine.phase == .initializing)
    }

    @Test func aDueTemporaryKeyIsReplacedAtTheNextSession() {
        var machine: ConnectionMachine = Self.opened()
        let got10: ConnectionMachine.SessionAction? = machine.startSession(Keys(permanent: true, permanentBeingWritten: false, forwardSecrecy: true, temporary: .due))
        #expect(got10
            == .replaceTemporaryKey)
        #expect(machine.phase == .exchangingKeys(temporary: true))
    }

    @Test func renewingHoldsNewCallsAndEndsWithoutCountingAsAFailure() {
        var machine: ConnectionMachine = Self.opened()
        _ = machine.startSession(Self.boundKeys)
        _ = machine.initialized()
        let got11: Bool = machine.renewalDue()
        #expect(got11)
        let got12: Bool = machine.renewalDue()
        #expect(!got12)
        #expect(!machine.sendsCalls && machine.isReady)
        let got13: ConnectionMachine.Ended = machine.ended()
        #expect(got13 == ConnectionMachine.Ended(wasReady: true, publish: .reconnecting))
        #expect(machine.phase == .idle)
    }

    @Test func theSecondReadyConnectionReportsThatUpdatesMayBeMissed() {
        var machine: ConnectionMachine = Self.opened()
        _ = machine.startSession(Self.boundKeys)
        _ = machine.initialized()
        _ = machine.ended()
        let got14: Bool = machine.dial()
        #expect(got14)
        let got15: Int? = machine.opened()
        #expect(got15 == 2)
        _ = machine.startSession(Self.boundKeys)
        let got16: ConnectionMachine.Ready? = machine.initialized()
        #expect(got16 == ConnectionMachine.Ready(publish: .ready, updatesMayBeMissed: true))
        #expect(machine.readyConnections == 2)
    }

    @Test func aFailedFirstAttemptPublishesNothing() {
        var machine: ConnectionMachine = ConnectionMachine()
        let got17: Bool = machine.dial()
        #expect(got17)
        let got18: ConnectionMachine.Ended = machine.ended()
        #expect(got18 == ConnectionMachine.Ended(wasReady: false, publish: nil))
        #expect(machine.published == .connecting)
    }

    @Test func eventsThatDoNotFitThePhaseAreIgnored() {
        var machine: ConnectionMachine = ConnectionMachine()
        let got19: Int? = machine.opened()
        #expect(got19 == nil)
        let got20: ConnectionMachine.SessionAction? = machine.startSession(Self.boundKeys)
        #expect(got20 == nil)
        let got21: Bool = machine.bound()
        #expect(!got21)
        let got22: ConnectionMachine.Ready? = machine.initialized()
        #expect(got22 == nil)
        let got23: Bool = machine.renewalDue()
        #expect(!got23)
        #expect(machine.phase == .idle)
        let got24: Bool = machine.dial()
        #expect(got24)
        let got25: Bool = machine.dial()
        #expect(!got25)
        _ = machine.opened()
        _ = machine.startSession(Self.boundKeys)
        // Initialising: a second session start or a late binding answer changes nothing.
        let got26: ConnectionMachine.SessionAction? = machine.startSession(Self.boundKeys)
        #expect(got26 == nil)
        let got27: Bool = machine.bound()
        #expect(!got27)
        #expect(machine.phase == .initializing)
        #expect(!machine.keyWritten())
    }

    @Test func afterCloseNothingHappens() {
        var machine: ConnectionMachine = Self.opened()
        let got28: ConnectionState? = machine.close()
        #expect(got28 == .closed)
        let got29: ConnectionState? = machine.close()
        #expect(got29 == nil)
        let got30: Bool = machine.dial()
        #expect(!got30)
        let got31: Int? = machine.opened()
        #expect(got31 == nil)
        let got32: ConnectionMachine.Ended = machine.ended()
        #expect(got32 == ConnectionMachine.Ended(wasReady: false, publish: nil))
        #expect(machine.isClosed && machine.published == .closed)
    }
}
