/// Timing helpers: repeat an operation for a fixed time, several rounds, and keep the median rate.
enum Measure {
    /// Operations per second: the median over `rounds` rounds of at least `seconds` each.
    static func rate(rounds: Int = 5, seconds: Double = 0.5, _ operation: () -> Void) -> Double {
        operation()  // warm-up
        var rates: [Double] = []
        let clock: ContinuousClock = ContinuousClock()
        for _ in 0 ..< rounds {
            var count: Int = 0
            let start: ContinuousClock.Instant = clock.now
            var elapsed: Double = 0
            repeat {
                for _ in 0 ..< 8 { operation() }
                count += 8
                elapsed = (clock.now - start).seconds
            } while elapsed < seconds
            rates.append(Double(count) / elapsed)
        }
        return rates.sorted()[rates.count / 2]
    }
}

extension Duration {
    var seconds: Double {
        let parts: (seconds: Int64, attoseconds: Int64) = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// Keeps a value alive so that the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
