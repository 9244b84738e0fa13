@testable import MTProto
import Testing

/// The flood-wait policy behind the one-method retry protocol.
struct RetryPolicyTests {
    @Test func floodWaitsWithinTheThresholdAreRetriedAFewTimes() {
        let policy: FloodWaitPolicy = FloodWaitPolicy(sleepThreshold: .seconds(10), maximumRetries: 2)
        let flood: RPCError = RPCError(code: 420, message: "FLOOD_WAIT_5")
        #expect(policy.retryDelay(after: flood, retries: 0) == .seconds(5))
        #expect(policy.retryDelay(after: flood, retries: 1) == .seconds(5))
        #expect(policy.retryDelay(after: flood, retries: 2) == nil)
        #expect(policy.retryDelay(after: RPCError(code: 420, message: "FLOOD_WAIT_11"), retries: 0) == nil)
        #expect(policy.retryDelay(after: RPCError(code: 420, message: "SLOWMODE_WAIT_3"), retries: 0) == .seconds(3))
        #expect(policy.retryDelay(after: RPCError(code: 400, message: "PEER_ID_INVALID"), retries: 0) == nil)
        #expect(FloodWaitPolicy.never.retryDelay(after: flood, retries: 0) == nil)
    }

    @Test func aFloodLimitedMethodWaitsWithinTheThresholdAndFailsBeyondIt() {
        let policy: FloodWaitPolicy = FloodWaitPolicy(sleepThreshold: .seconds(10))
        #expect(policy.admission(remaining: .zero) == .call)
        #expect(policy.admission(remaining: .seconds(-3)) == .call)
        #expect(policy.admission(remaining: .seconds(4)) == .wait(.seconds(4)))
        #expect(policy.admission(remaining: .milliseconds(12_500)) == .fail(RPCError(code: 420, message: "FLOOD_WAIT_13")))
    }
}
