@testable import MTProto
import Testing

/// The client's keys as a value: the write gate, temporary key renewal, refused bindings.
struct KeyRingTests {
    static func key(_ byte: UInt8, expiresAt: Int32? = nil) -> HandshakeResult {
        HandshakeResult(authKey: AuthKey(bytes: [UInt8](repeating: byte, count: 256))!, serverSalt: 1, timeOffset: 0, expiresAt: expiresAt)
    }

    @Test func aTemporaryKeyIsDueAtThreeQuartersOfItsLifetimeAndSwitchedAtSevenEighths() {
        let start: ContinuousClock.Instant = .now
        let wall: Double = 1_700_000_000
        var ring: KeyRing = KeyRing(permanent: [1: Self.key(1)])
        ring.addTemporary(Self.key(2, expiresAt: Int32(wall) + 86_400), dc: 1, wallSeconds: wall, at: start)
        #expect(ring.temporaryStatus(dc: 1, at: start) == .unbound)
        // Not bound yet: nothing to renew.
        #expect(ring.renewal(dc: 1, at: start + .seconds(80_000), inFlight: 0) == .notDue)
        ring.bound(dc: 1)
        #expect(ring.temporaryStatus(dc: 1, at: start) == .bound)
        #expect(ring.renewal(dc: 1, at: start + .seconds(64_799), inFlight: 0) == .notDue)
        #expect(ring.renewal(dc: 1, at: start + .seconds(64_800), inFlight: 3) == .waitForCalls)
        #expect(ring.renewal(dc: 1, at: start + .seconds(64_800), inFlight: 0) == .switchNow)
        #expect(ring.renewal(dc: 1, at: start + .seconds(75_600), inFlight: 3) == .switchNow)
        #expect(ring.temporaryStatus(dc: 1, at: start + .seconds(64_800)) == .due)
    }

    @Test func theLifetimeCountsFromTheServersClock() {
        let start: ContinuousClock.Instant = .now
        let wall: Double = 1_700_000_000
        var ring: KeyRing = KeyRing(permanent: [:])
        // The server's clock is 400 s ahead: 800 s of the key's 1,200 are left.
        var key: HandshakeResult = Self.key(2, expiresAt: Int32(wall) + 1_200)
        key.timeOffset = 400
        ring.addTemporary(key, dc: 2, wallSeconds: wall, at: start)
        #expect(ring.temporary[2]?.renewAt == start + .seconds(600))
        #expect(ring.temporary[2]?.deadline == start + .seconds(700))
    }

    @Test func aNewPermanentKeyWaitsForItsWriteWhenGated() {
        var ring: KeyRing = KeyRing(permanent: [:])
        ring.addPermanent(Self.key(1), dc: 1, at: .now, gated: true)
        ring.addPermanent(Self.key(2), dc: 2, at: .now, gated: false)
        #expect(ring.writesPending == [1])
        ring.writeFinished(dc: 1)
        #expect(ring.writesPending.isEmpty)
        #expect(Set(ring.permanent.keys) == [1, 2])
    }

    @Test func aFreshPermanentKeyGetsThreeRefusedBindingsAnOldOneNone() {
        let start: ContinuousClock.Instant = .now
        var ring: KeyRing = KeyRing(permanent: [2: Self.key(2)])
        ring.addPermanent(Self.key(1), dc: 1, at: start, gated: false)
        // The third refusal in a row gives up on the key, and the count starts again from there.
        var refusals: [Bool] = []
        for second: Int64 in 1 ... 4 { refusals.append(ring.bindingRefused(dc: 1, at: start + .seconds(second))) }
        #expect(refusals == [false, false, true, false])
        // A binding that succeeds starts the count again too.
        ring.bound(dc: 1)
        var afterBinding: [Bool] = []
        for second: Int64 in 5 ... 6 { afterBinding.append(ring.bindingRefused(dc: 1, at: start + .seconds(second))) }
        #expect(afterBinding == [false, false])
        // Past a minute the key is no longer fresh; a key loaded from the storage never was.
        let got7: Bool = ring.bindingRefused(dc: 1, at: start + .seconds(61))
        #expect(got7)
        let got8: Bool = ring.bindingRefused(dc: 2, at: start)
        #expect(got8)
    }

    @Test func newSaltsGoToTheKeyTheSessionRunsUnder() {
        var ring: KeyRing = KeyRing(permanent: [1: Self.key(1)])
        ring.addTemporary(Self.key(2, expiresAt: 2_000), dc: 1, wallSeconds: 1_000, at: .now)
        let got9: HandshakeResult? = ring.parametersChanged(authKey: Self.key(2).authKey, salt: 7, timeOffset: 3, dc: 1)
        #expect(got9 == nil)
        #expect(ring.temporary[1]?.result.serverSalt == 7 && ring.temporary[1]?.result.timeOffset == 3)
        let saved: HandshakeResult? = ring.parametersChanged(authKey: Self.key(1).authKey, salt: 9, timeOffset: 4, dc: 1)
        #expect(saved?.serverSalt == 9 && ring.permanent[1]?.serverSalt == 9)
        ring.forgetPermanent(dc: 1)
        #expect(ring.permanent.isEmpty && ring.temporary.isEmpty)
    }
}
