import MTProto

/// Randomness that is the same sequence on every run (xorshift64 from a fixed seed), so a fuzz input
/// replays exactly: the client's nonces and exponents are the same each time it is run.
public final class RepeatableEntropy: EntropySource, @unchecked Sendable {
    // Unchecked: each harness run owns its instance and uses it from one thread.
    private var state: UInt64

    /// A generator starting from `seed` (must not be 0).
    public init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        state = seed == 0 ? 1 : seed
    }

    /// The next `count` bytes of the sequence.
    public func randomBytes(count: Int) -> [UInt8] {
        (0 ..< count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}
