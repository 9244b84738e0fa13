import Bot
import Foundation

/// The verdict of `soak strangers`: its summary line, each failed check named below it.
struct StrangersReport {
    /// One check beyond the per-message accounting; passed or not, with what it saw.
    struct Check {
        let name: String
        let passed: Bool
        let detail: String
    }

    let summary: String
    let details: [String]
    /// Messages that did not end well, plus failed checks.
    let failed: Int

    init(
        soak: StrangersSoak, outcome: MessageAudit, calls: ModelCallAudit, peakMiB: [Double], cleanExit: Bool, errorLines: [String],
        elapsed: Duration
    ) {
        let dailyLines: Int = errorLines.filter { $0.contains("USERBOT_DAILY_LIMIT") }.count
        let runs: Int = peakMiB.count
        // Nobody but strangers and bots writes, and the owner neither writes nor reads.
        let expected: Set<String> = [
            ReplyPolicy.Refusal.bot.description, ModelCallLimits.Limit.personHourly(soak.personLimit).description,
            ModelCallLimits.Limit.daily(soak.dailyLimit).description,
        ]
        let unexpected: [String: Int] = outcome.reasons.filter { !expected.contains($0.key) }
        let memory: String = peakMiB.map { String(format: "%.1f", $0) }.joined(separator: ", ")
        let checks: [Check] = [
            Check(
                name: "every message answered once or skipped with a reason", passed: outcome.passed == soak.messages,
                detail: "\(outcome.answeredTwice) answered twice, \(outcome.lost) lost (\(outcome.stillQueued) still queued), "
                    + "\(outcome.answeredAndSkipped) answered and skipped, \(outcome.noReason) without a reason, "
                    + "\(outcome.wrongReplies) wrong replies, \(outcome.strayReplies) stray replies"),
            Check(
                name: "every skip for a reason this flood has (a bot, the hourly or the daily limit)", passed: unexpected.isEmpty,
                detail: "\(unexpected.values.reduce(0, +)) skipped for other reasons"),
            Check(
                name: "no bot answered", passed: outcome.repliesToBots == 0 && outcome.botsNotRefused == 0 && calls.forBots == 0,
                detail: "\(outcome.repliesToBots) replies to bots, \(calls.forBots) model calls for bots, "
                    + "\(outcome.botsNotRefused) bot messages skipped for another reason"),
            Check(
                name: "model calls per person within USERBOT_PERSON_HOURLY_LIMIT", passed: calls.busiestHour <= soak.personLimit,
                detail: "at most \(calls.busiestHour) for one person in an hour, limit \(soak.personLimit)"),
            Check(
                name: "model calls within USERBOT_DAILY_LIMIT", passed: soak.dailyLimit == 0 || calls.busiestDay <= soak.dailyLimit,
                detail: "at most \(calls.busiestDay) on a UTC day, limit \(soak.dailyLimit)"),
            Check(name: "every model call for a delivered message", passed: calls.unattributed == 0, detail: "\(calls.unattributed) others"),
            Check(
                name: "peak resident memory of every run under the limit",
                passed: peakMiB.count == soak.child.kills + 1 && peakMiB.allSatisfy { $0 > 0 && $0 < soak.rssLimit },
                detail: "VmHWM \(memory) MiB, limit \(String(format: "%.0f", soak.rssLimit)) MiB"),
            Check(name: "clean SIGTERM exit", passed: cleanExit, detail: "the last run exited with a non-zero status"),
            Check(
                name: "errors.log holds only the daily limit, once per run", passed: errorLines.count == dailyLines && dailyLines <= runs,
                detail: "\(errorLines.count) lines, \(dailyLines) of them the daily limit"),
        ]
        let failedChecks: [Check] = checks.filter { !$0.passed }
        failed = soak.messages - outcome.passed + failedChecks.count
        let seconds: Double = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        summary = "strangers soak: \(outcome.passed) passed, \(failed) failed (\(soak.messages) messages of \(soak.length) characters "
            + "from \(soak.strangers) strangers and \(soak.bots) bots, \(max(0, runs - 1)) SIGKILL restarts; \(calls.calls) model calls, "
            + "at most \(calls.busiestHour) per person in an hour (limit \(soak.personLimit)), \(calls.busiestDay) on a UTC day "
            + "(limit \(soak.dailyLimit)); \(outcome.answeredOnce) answered once, \(outcome.skipped) skipped with a reason, "
            + "\(outcome.answeredTwice) answered twice, \(outcome.lost) lost, \(outcome.repliesToBots) replies to bots; "
            + "peak RSS \(memory) MiB (limit \(String(format: "%.0f", soak.rssLimit))); \(String(format: "%.1f", seconds)) s)"
        details = outcome.reasons.sorted { $0.value > $1.value }.map { "skipped \($0.value): \($0.key)" }
            + failedChecks.map { "FAILED \($0.name): \($0.detail)" } + outcome.examples.map { "  \($0)" }
            + (errorLines.count == dailyLines ? [] : errorLines.prefix(5).map { "  errors.log: \($0)" })
    }

    /// Prints the summary line, then the skip reasons and what failed.
    func print() {
        Swift.print(summary)
        for line in details { Swift.print("  \(line)") }
    }
}
