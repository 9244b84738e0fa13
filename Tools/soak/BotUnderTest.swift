import Bot
import FakeOpenAI
import Foundation
import Logging
import MTProto
import TestDC

/// What the bot soaks share: the simulated Telegram in this process with the bot's account, a fake
/// OpenAI server that echoes, and a `userbot run` child process logged in there, which is started,
/// killed with SIGKILL and restarted, and finally stopped with SIGTERM. Each run's output goes to
/// `run-N.txt` in ``folder`` and each run's peak resident memory is followed.
final class BotUnderTest {
    /// The bot account's user id.
    static let botID: Int64 = 1000

    /// The session file, logs, dumps and each run's output.
    let folder: URL
    let server: TestDataCentre
    let telegram: SimulatedTelegram
    let openAI: FakeOpenAIServer
    /// The child's environment: only what this sets of the bot's keys.
    private(set) var environment: [String: String]
    private let executable: String
    private var process: Process?
    private var memory: [PeakMemory] = []

    /// The servers are listening and the bot's account exists; `userbot` defaults to the executable
    /// next to this one.
    init(userbot: String?) async throws {
        let quiet: Logger = Logger(label: "soak", factory: { _ in SwiftLogNoOpLogHandler() })
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("soak-bot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        server = TestDataCentre(dcs: [1, 2], logger: quiet)
        try await server.start()
        telegram = SimulatedTelegram(server: server)
        await telegram.install()
        await telegram.add(TestAccount(userID: Self.botID, phone: "15550001000", firstName: "Bot"))
        openAI = FakeOpenAIServer()
        try await openAI.start()
        let keyFile: URL = folder.appendingPathComponent("dc.pem")
        try server.rsaKey.publicKey.pem.write(to: keyFile, atomically: true, encoding: .utf8)
        let dc: DataCentre = await server.dataCentres[1]
        executable = userbot ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("userbot").path
        environment = ProcessInfo.processInfo.environment
        for key in BotConfiguration.keys { environment[key] = nil }
        environment.merge([
            "TG_API_ID": "1", "TG_API_HASH": "0123456789abcdef0123456789abcdef", "TG_PHONE": "+15550001000", "TG_CODE": telegram.loginCode,
            "TG_SERVER": "127.0.0.1:\(dc.port)", "TG_DC": String(dc.id), "TG_RSA_KEY": keyFile.path,
            "TG_SESSION": folder.appendingPathComponent("soak.session").path, "OPENAI_API_KEY": "sk-soak",
            "OPENAI_BASE_URL": openAI.baseURL.absoluteString, "OPENAI_TIMEOUT": "1", "USERBOT_LOG_DIR": folder.appendingPathComponent("logs").path,
            "USERBOT_DUMP_DIR": folder.appendingPathComponent("dumps").path,
        ]) { $1 }
    }

    /// The session file's path.
    var sessionPath: String { environment["TG_SESSION"] ?? "" }
    /// The context dumps' folder.
    var dumps: URL { folder.appendingPathComponent("dumps") }
    /// How many times the bot was killed and restarted.
    var restarts: Int { max(0, memory.count - 1) }
    /// Each run's peak resident memory (`VmHWM`) in MiB, in order.
    var peakMiB: [Double] { memory.map(\.mebibytes) }

    /// Sets (or overrides) variables of the child's environment.
    func set(_ variables: [String: String]) {
        environment.merge(variables) { $1 }
    }

    /// `userbot login` with the simulated Telegram's code.
    func login() throws {
        let process: Process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["login"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw BotUnderTestError.loginFailed }
    }

    /// Starts `userbot run` (the first time, or after ``restart()``).
    func start() throws {
        let log: URL = folder.appendingPathComponent("run-\(memory.count).txt")
        let started: Process = Process()
        started.executableURL = URL(fileURLWithPath: executable)
        started.arguments = ["run"]
        started.environment = environment
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle: FileHandle = try FileHandle(forWritingTo: log)
        started.standardOutput = handle
        started.standardError = handle
        try started.run()
        process = started
        memory.append(PeakMemory(pid: started.processIdentifier))
    }

    /// Kills the running bot with SIGKILL (its peak memory read just before) and starts it again.
    func restart() throws {
        guard let running = process else { return try start() }
        memory.last?.sample()
        kill(running.processIdentifier, SIGKILL)
        running.waitUntilExit()
        try start()
    }

    /// Stops the running bot with SIGTERM; true when it exited with status 0.
    func stop() -> Bool {
        guard let running = process else { return false }
        memory.last?.sample()
        kill(running.processIdentifier, SIGTERM)
        running.waitUntilExit()
        process = nil
        return running.terminationStatus == 0
    }

    /// Waits until `progress` reaches `target` or has not changed for `quiet`, polling every 200 ms;
    /// returns its last value.
    func waitWhileMoving(quiet: Duration, target: Int = .max, _ progress: () async -> Int) async throws -> Int {
        let clock: ContinuousClock = ContinuousClock()
        var value: Int = await progress()
        var still: ContinuousClock.Instant = clock.now
        while value < target && clock.now - still < quiet {
            try await Task.sleep(for: .milliseconds(200))
            let next: Int = await progress()
            if next != value {
                value = next
                still = clock.now
            }
        }
        return value
    }

    /// Stops the servers; the folder is removed unless `keepFolder` (then its path is printed).
    func finish(keepFolder: Bool) async {
        await openAI.stop()
        await server.stop()
        if keepFolder {
            print("  the session, logs and each run's output are kept in \(folder.path)")
        } else {
            try? FileManager.default.removeItem(at: folder)
        }
    }
}

/// Why a bot soak could not run.
enum BotUnderTestError: Error, CustomStringConvertible {
    case loginFailed

    var description: String {
        switch self {
        case .loginFailed: return "userbot login failed"
        }
    }
}
