import Foundation

/// Which answers are worth another attempt, and how long to wait before it.
struct OpenAIRetryPolicy: Sendable {
    let configuration: OpenAIConfiguration

    /// `x-should-retry` decides when present (`false` even for a 5xx); otherwise 408, 409, 429 and 5xx are retried.
    static func shouldRetry(status: Int, headers: [String: String]) -> Bool {
        switch headers["x-should-retry"]?.lowercased() {
        case "true": return true
        case "false": return false
        default: return status == 408 || status == 409 || status == 429 || (500 ..< 600).contains(status)
        }
    }

    /// The wait before attempt `attempt` (2 or more): the server's `retry-after-ms` or `Retry-After`
    /// (seconds or an HTTP date) capped at ``OpenAIConfiguration/maximumRetryAfter`` when it gave a
    /// positive one, else exponential backoff with jitter (50–100 % of the step) capped at
    /// ``OpenAIConfiguration/maximumDelay``.
    func delay(beforeAttempt attempt: Int, headers: [String: String], now: Date = Date()) -> Duration {
        if let asked = Self.retryAfter(headers, now: now), asked > .zero { return min(asked, configuration.maximumRetryAfter) }
        let base: Double = configuration.initialDelay.inSeconds * pow(2, Double(max(attempt - 2, 0)))
        let capped: Double = min(base, configuration.maximumDelay.inSeconds)
        return .milliseconds(Int(capped * Double.random(in: 0.5 ... 1.0) * 1000))
    }

    /// `retry-after-ms` (milliseconds) first, then `Retry-After` in seconds or as an HTTP date; nil when
    /// absent or unreadable. Values are clamped to a day before conversion (no overflow).
    static func retryAfter(_ headers: [String: String], now: Date) -> Duration? {
        if let text = headers["retry-after-ms"], let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)), milliseconds.isFinite {
            return .milliseconds(Int(min(max(milliseconds, 0), 86_400_000)))
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        let seconds: Double
        if let number = Double(text), number.isFinite {
            seconds = number
        } else if let date = httpDate(text) {
            seconds = date.timeIntervalSince(now)
        } else {
            return nil
        }
        return .milliseconds(Int(min(max(seconds, 0), 86_400) * 1000))
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP servers send.
    private static func httpDate(_ text: String) -> Date? {
        let formatter: DateFormatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

}
