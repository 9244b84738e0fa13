import ArgumentParser
import Foundation
import TestDC

extension TestDCCommand {
    /// With `--bench-push-after-login N`: arms the burst of N messages for the account's first
    /// `updates.getState` (1 s later, so that the client has loaded its state).
    func armBenchPush(_ telegram: SimulatedTelegram, channel: Int64?) async throws {
        guard benchPushAfterLogin > 0 else { return }
        guard benchPushAfterLogin <= 1_000_000 else { throw ValidationError("--bench-push-after-login must be 1…1000000") }
        guard (1 ... 100).contains(benchBatch) else { throw ValidationError("--bench-batch must be 1…100") }
        guard let channel, !telegramUsers.isEmpty else {
            throw ValidationError("--bench-push-after-login needs --telegram-user and --telegram-channel")
        }
        var limits: SimulatedLimits = await telegram.limits
        limits.messagesPerChat = max(limits.messagesPerChat, benchPushAfterLogin + 1_000)
        limits.loggedMessages = max(limits.loggedMessages, benchPushAfterLogin + 1_000)
        await telegram.setLimits(limits)
        let count: Int = benchPushAfterLogin
        let batch: Int = benchBatch
        let sender: Int64 = 2001
        await telegram.whenNextAskingState(1000) {
            try? await Task.sleep(for: .seconds(1))
            await telegram.pushBurst(count: count, to: 1000, from: sender, inChannel: channel, batch: batch) { (index: Int) -> String in
                "bench \(index) \(monotonicNanoseconds())"
            }
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds (Python's `time.monotonic_ns()` on Linux reads the same clock).
func monotonicNanoseconds() -> UInt64 {
    var now: timespec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
