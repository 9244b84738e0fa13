import ArgumentParser

/// What the test DC did with the soak's `messages.sendMessage` calls, per call (its text is
/// `soak <index>`): every delivery that reached the DC, and the applications among them (a
/// random_id carried out for the first time; a repeated random_id is refused, as Telegram does).
/// A correct client gets exactly one application per call, however many resends reach the DC.
actor SendLedger {
    /// Deliveries per call index, resends included.
    private(set) var deliveries: [Int: Int] = [:]
    /// Applications per call index: deliveries whose random_id was new.
    private(set) var applications: [Int: Int] = [:]
    private var appliedRandomIDs: Set<Int64> = []

    /// The call index a soak message names, or nil for a text the soak did not send.
    static func callIndex(of message: String) -> Int? {
        guard message.hasPrefix("soak ") else { return nil }
        return Int(message.dropFirst(5))
    }

    /// Records a delivery of call `index` with `randomID`; true when it is applied (its random_id
    /// is new), false when it is refused as a repeat.
    func deliver(call index: Int, randomID: Int64) -> Bool {
        deliveries[index, default: 0] += 1
        guard appliedRandomIDs.insert(randomID).inserted else { return false }
        applications[index, default: 0] += 1
        return true
    }
}

/// A defect the soak's own client can be told to have (`--break`, hidden), to show that the soak
/// fails on it: every 100th call misbehaves.
enum SoakBreakage: String, ExpressibleByArgument, Sendable {
    /// The call is made again after its answer, under a new random_id: the DC applies it twice.
    case resendNewRandomID = "resend-new-random-id"
    /// The call's result is dropped: the call never returns to its caller.
    case dropResult = "drop-result"

    /// Whether call `index` misbehaves.
    static func misbehaves(_ index: Int) -> Bool { index % 100 == 50 }
}
