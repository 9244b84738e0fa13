import ArgumentParser
import Foundation
import Logging
import MTProto
import TestDC
import TLSchema

/// Many `messages.sendMessage` calls through a test DC that drops connections, rotates salts, runs
/// a skewed clock, duplicates and reorders packets and sends transport errors. Passed: every call
/// returned once, and the DC applied it exactly once (one delivery with a new random_id; resends
/// with the same random_id are refused). `--break` (hidden) makes the soak's own client misbehave,
/// to show that the soak fails then.
struct MTProtoSoak: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "mtproto", abstract: "RPCs through a misbehaving test DC: each must complete exactly once.")

    @Option(name: .long, help: "How many calls.")
    var calls: Int = 10_000

    @Option(name: .customLong("in-flight"), help: "Calls outstanding at once.")
    var inFlight: Int = 50

    @Option(name: .customLong("drop-every"), help: "Drop the connection after this many client messages.")
    var dropEvery: Int = 50

    @Option(name: .long, help: "Faults to inject, comma-separated: drop, salt, skew, duplicate, reorder, transport.")
    var faults: String = "drop,salt,skew,duplicate,reorder,transport"

    @Option(name: .customLong("break"), help: .hidden)
    var breakage: SoakBreakage?

    enum Outcome: Sendable {
        case completed
        case failed(String)
    }

    func run() async throws {
        let quiet: Logger = Logger(label: "soak", factory: { _ in SwiftLogNoOpLogHandler() })
        let server: TestDataCentre = TestDataCentre(dcs: [1], logger: quiet)
        try await server.start()
        let ledger: SendLedger = SendLedger()
        await server.handle(Api.functions.messages.SendMessage.self) { (context: HandlerContext) -> HandlerOutcome in
            guard let call = context.function as? Api.functions.messages.SendMessage, let index = SendLedger.callIndex(of: call.message) else {
                return .error(code: 400, message: "INPUT_METHOD_INVALID")
            }
            guard await ledger.deliver(call: index, randomID: call.randomId) else { return .error(code: 400, message: "RANDOM_ID_DUPLICATE") }
            return .value(Api.Updates.updateShortSentMessage(Api.Updates.UpdateShortSentMessage(out: true, id: 1, pts: 1, ptsCount: 1, date: 1)))
        }
        let chosen: Set<Substring> = Set(self.faults.split(separator: ","))
        var plan: FaultPlan = FaultPlan()
        if chosen.contains("drop") { plan.dropConnectionAfterMessages = dropEvery }
        if chosen.contains("skew") { plan.clockSkew = 45 }
        plan.duplicatePackets = chosen.contains("duplicate")
        plan.reorderPackets = chosen.contains("reorder")
        await server.setFaults(plan)
        let rotateSalts: Bool = chosen.contains("salt")
        let transportErrors: Bool = chosen.contains("transport")
        let dc: DataCentre = await server.dataCentres[0]
        let client: MTProtoClient = MTProtoClient(
            configuration: ClientConfiguration(
                dataCentre: dc, knownDataCentres: [dc], rsaKeys: [server.rsaKey.publicKey], apiID: 1, defaultTimeout: .seconds(300),
                reconnectDelay: .milliseconds(10), maximumReconnectDelay: .milliseconds(100)),
            logger: quiet)
        try await client.connect()
        // Salt rotations and transport errors keep coming while the calls run, paced by progress.
        var saltRotations: Int = 0
        var transportErrorsSent: Int = 0
        func injectFaults(after completed: Int) async {
            var next: FaultPlan = plan
            if rotateSalts && completed % 100 == 0 {
                next.rotateSaltTimes = 1
                saltRotations += 1
            }
            if transportErrors && completed % 500 == 250 {
                next.transportErrorOnce = (completed / 500) % 2 == 0 ? -429 : -404
                transportErrorsSent += 1
            }
            if next.rotateSaltTimes > 0 || next.transportErrorOnce != nil { await server.setFaults(next) }
        }
        let clock: ContinuousClock = ContinuousClock()
        let start: ContinuousClock.Instant = clock.now
        var memoryEarly: Double = 0
        let total: Int = calls
        let width: Int = max(1, inFlight)
        let breakage: SoakBreakage? = self.breakage
        var outcomes: [Int: [Outcome]] = [:]
        try await withThrowingTaskGroup(of: (Int, Outcome?).self) { (group: inout ThrowingTaskGroup<(Int, Outcome?), any Error>) in
            var next: Int = 0
            func add(_ i: Int) {
                group.addTask {
                    do {
                        _ = try await client.invoke(Api.functions.messages.SendMessage(
                            peer: .inputPeerSelf, message: "soak \(i)", randomId: Int64(i + 1)))
                        guard let breakage, SoakBreakage.misbehaves(i) else { return (i, .completed) }
                        switch breakage {
                        case .resendNewRandomID:
                            _ = try? await client.invoke(Api.functions.messages.SendMessage(
                                peer: .inputPeerSelf, message: "soak \(i)", randomId: Int64(i + 1) + (1 << 40)))
                            return (i, .completed)
                        case .dropResult:
                            return (i, nil)
                        }
                    } catch let error as RPCError where error.name == "RANDOM_ID_DUPLICATE" {
                        return (i, .completed)  // carried out by an earlier delivery of the same call
                    } catch {
                        return (i, .failed("\(error)"))
                    }
                }
            }
            while next < min(width, total) {
                add(next)
                next += 1
            }
            var finished: Int = 0
            for try await (i, outcome) in group {
                // A dropped result (`--break drop-result`) leaves the call without an outcome.
                if let outcome { outcomes[i, default: []].append(outcome) }
                finished += 1
                if finished == total / 5 { memoryEarly = Self.residentMiB() }
                await injectFaults(after: finished)
                if next < total {
                    add(next)
                    next += 1
                }
            }
        }
        let memoryLate: Double = Self.residentMiB()
        let elapsed: Duration = clock.now - start
        let deliveries: [Int: Int] = await ledger.deliveries
        let applications: [Int: Int] = await ledger.applications
        let connections: Int = await server.acceptedConnections
        await client.close()
        await server.stop()

        var passed: Int = 0
        var failures: [String] = []
        for i in 0 ..< total {
            let mine: [Outcome] = outcomes[i] ?? []
            if mine.count == 1, case .completed = mine[0], applications[i] == 1 {
                passed += 1
            } else if failures.count < 5 {
                failures.append("call \(i): \(mine.count) outcome(s) \(mine), \(deliveries[i] ?? 0) deliveries, applied \(applications[i] ?? 0)×")
            }
        }
        let delivered: Int = deliveries.values.reduce(0, +)
        let applied: Int = applications.values.reduce(0, +)
        let growth: Double = memoryLate - memoryEarly
        let flat: Bool = growth < 64
        let failed: Int = total - passed + (flat ? 0 : 1)
        print("mtproto soak: \(passed) passed, \(failed) failed (\(total) calls, \(connections) connections, "
            + "\(saltRotations) salt rotations, \(transportErrorsSent) transport errors, faults: \(self.faults), "
            + "\(delivered) deliveries at the DC (\(delivered - applied) resends refused by random_id), \(applied) applications, "
            + "\(breakage.map { "client broken: \($0.rawValue), " } ?? "")resident memory \(String(format: "%.1f", memoryEarly)) → "
            + "\(String(format: "%.1f", memoryLate)) MiB, \(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s)")
        for line in failures { print("  \(line)") }
        if !flat { print("  resident memory grew by \(String(format: "%.1f", growth)) MiB") }
        if failed > 0 { throw ExitCode(1) }
    }

    static func residentMiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields: [Substring] = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
