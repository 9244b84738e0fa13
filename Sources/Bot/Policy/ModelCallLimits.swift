import Foundation

/// The cost limits on model calls as a plain value, with time passed in: at most
/// ``personHourly`` calls per person in any rolling hour and at most ``daily`` calls per UTC day
/// overall (0: no daily limit). Calls are recorded when they are made (a failed call still cost),
/// and the stored log restores the counts after a restart.
public struct ModelCallLimits: Sendable {
    /// Which limit refused a call.
    public enum Limit: Sendable, Equatable, CustomStringConvertible {
        /// `USERBOT_PERSON_HOURLY_LIMIT` calls for this person in the last hour.
        case personHourly(Int)
        /// `USERBOT_DAILY_LIMIT` calls today (UTC) across everyone.
        case daily(Int)

        public var description: String {
            switch self {
            case .personHourly(let n): return "the person reached USERBOT_PERSON_HOURLY_LIMIT (\(n) model calls in an hour)"
            case .daily(let n): return "USERBOT_DAILY_LIMIT reached (\(n) model calls today, UTC)"
            }
        }
    }

    /// Model calls allowed per person in any rolling hour.
    public let personHourly: Int
    /// Model calls allowed per UTC day across everyone; 0 for no limit.
    public let daily: Int

    private var recent: [Int64: [Double]] = [:]
    private var day: Int64 = 0
    private var todayCount: Int = 0

    /// Limits with no calls recorded; `calls` restores a stored log (user id and unix time of each
    /// call, any order; entries older than a day are ignored).
    public init(personHourly: Int, daily: Int, calls: [(userID: Int64, at: Double)] = [], now: Double) {
        self.personHourly = max(1, personHourly)
        self.daily = max(0, daily)
        day = Self.day(of: now)
        for call in calls.sorted(by: { $0.at < $1.at }) where call.at > now - 86_400 {
            if Self.day(of: call.at) == day { todayCount += 1 }
            if call.at > now - 3_600 { recent[call.userID, default: []].append(call.at) }
        }
    }

    static func day(of time: Double) -> Int64 { Int64((time / 86_400).rounded(.down)) }

    /// Calls this person made in the hour before `now`.
    public mutating func callsInLastHour(of userID: Int64, now: Double) -> Int {
        prune(userID, now: now)
        return recent[userID]?.count ?? 0
    }

    /// Calls made on the UTC day of `now`.
    public mutating func callsToday(now: Double) -> Int {
        rollDay(now)
        return todayCount
    }

    /// Why a call for `userID` may not be made now; nil when it may.
    public mutating func refusal(for userID: Int64, now: Double) -> Limit? {
        rollDay(now)
        if daily > 0 && todayCount >= daily { return .daily(daily) }
        if callsInLastHour(of: userID, now: now) >= personHourly { return .personHourly(personHourly) }
        return nil
    }

    /// Records a call made now.
    public mutating func record(_ userID: Int64, now: Double) {
        rollDay(now)
        todayCount += 1
        recent[userID, default: []].append(now)
    }

    /// Forgets every call older than an hour (the people who stopped writing), so the limits hold
    /// only the last hour's callers.
    public mutating func prune(now: Double) {
        recent = recent.compactMapValues { (times: [Double]) -> [Double]? in
            let kept: [Double] = times.filter { $0 > now - 3_600 }
            return kept.isEmpty ? nil : kept
        }
    }

    /// When the person's hourly window frees a call (the oldest call in it turns an hour old).
    public func hourlyWindowEnd(of userID: Int64) -> Double? {
        recent[userID]?.first.map { $0 + 3_600 }
    }

    /// The UTC day `now` falls in (days since 1970), the daily limit's window.
    public func currentDay() -> Int64 { day }

    private mutating func rollDay(_ now: Double) {
        let today: Int64 = Self.day(of: now)
        if today != day {
            day = today
            todayCount = 0
        }
    }

    private mutating func prune(_ userID: Int64, now: Double) {
        guard var times = recent[userID] else { return }
        let cut: Int = times.firstIndex(where: { $0 > now - 3_600 }) ?? times.count
        if cut > 0 { times.removeFirst(cut) }
        recent[userID] = times.isEmpty ? nil : times
    }
}
