import FakeOpenAI
import Foundation
import TestDC

/// The model calls as the fake OpenAI server received them, attributed to people by the text they
/// answer (``StrangerText``), measured against the bot's limits: the most calls one person got in
/// any rolling hour, and the most on one UTC day.
struct ModelCallAudit {
    let calls: Int
    /// The most calls for one person within any hour.
    let busiestHour: Int
    /// The most calls on one UTC day.
    let busiestDay: Int
    /// Requests whose last message is none of the soak's texts.
    let unattributed: Int
    /// Requests answering a bot.
    let forBots: Int

    init(requests: [FakeOpenAIServer.Request], bots: Set<Int64>) {
        var times: [Int64: [Double]] = [:]
        var days: [Int: Int] = [:]
        var unattributed: Int = 0
        for request in requests {
            let at: Double = request.receivedAt.timeIntervalSince1970
            days[Int((at / 86_400).rounded(.down)), default: 0] += 1
            if let sender = StrangerText.sender(of: request.messages.last?["content"] ?? "") {
                times[sender, default: []].append(at)
            } else {
                unattributed += 1
            }
        }
        calls = requests.count
        busiestHour = times.values.map { Self.mostWithinAnHour($0.sorted()) }.max() ?? 0
        busiestDay = days.values.max() ?? 0
        self.unattributed = unattributed
        forBots = bots.reduce(0) { $0 + (times[$1]?.count ?? 0) }
    }

    /// The most of the (sorted) times that fall within one hour.
    private static func mostWithinAnHour(_ times: [Double]) -> Int {
        var most: Int = 0
        var first: Int = 0
        for (last, time) in times.enumerated() {
            while time - times[first] >= 3600 { first += 1 }
            most = max(most, last - first + 1)
        }
        return most
    }
}
