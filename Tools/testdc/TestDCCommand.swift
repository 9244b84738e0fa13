import ArgumentParser
import Foundation
import Logging
import MTProto
import TestDC

/// `testdc`: runs the in-process test data centre as a standalone server, so that any MTProto
/// client (ours, Telethon, …) can connect to it on loopback.
@main
struct TestDCCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "testdc",
        abstract: "Run a local MTProto test data centre on 127.0.0.1.",
        discussion: """
            When ready it prints one JSON line: {"port": P, "dc": D, "fingerprint": F, "dcs": [{"dc": 1, "port": P1}, …]} \
            where P is the DC a client should start with, plus "socks5_port" and "mtproxy_port" when those \
            proxies run in front of the DCs. SIGTERM or SIGINT stops it.
            """)

    @Option(name: .long, help: "Port of the first DC (0: any free port; further DCs use free ports too).")
    var port: Int = 0

    @Option(name: .long, help: "How many DCs to run (ids 1…N).")
    var dcs: Int = 2

    @Option(name: .long, help: "The DC a client should start with.")
    var dc: Int = 2

    @Option(name: .customLong("rsa-key-out"), help: "Write the server's RSA public key (PKCS#1 PEM) to this file.")
    var rsaKeyOut: String?

    @Option(name: .customLong("telegram-account"), help: """
        Also simulate Telegram with this account (a phone number; login code 12345, home DC 1, user id 1000),         so `userbot login` and `userbot run` can be tried against the test DC.
        """)
    var telegramAccount: String?

    @Option(name: .customLong("telegram-password"), help: "The simulated account's two-factor password.")
    var telegramPassword: String?

    @Option(name: .customLong("telegram-user"), help: """
        With --telegram-account: another user with this username (repeatable; ids 2001, 2002, …, phones 15550002001, …, \
        first name from the username: alice_test is "Alice").
        """)
    var telegramUsers: [String] = []

    @Option(name: .customLong("telegram-contact"), help: "With --telegram-account: this --telegram-user and the account have each other as contacts (repeatable).")
    var telegramContacts: [String] = []

    @Option(name: .customLong("telegram-group"), help: "With --telegram-account: a basic group with this title of the first user, the account and every user (repeatable).")
    var telegramGroups: [String] = []

    @Option(name: .customLong("telegram-channel"), help: """
        With --telegram-account: a public supergroup with this username (title from it: demo_channel is "Demo channel") of the \
        first user (else the account), with the account and every user in it (repeatable).
        """)
    var telegramChannels: [String] = []

    @Option(name: .customLong("telegram-broadcast"), help: "Like --telegram-channel, a broadcast channel (the first user posts).")
    var telegramBroadcasts: [String] = []

    @Option(name: .customLong("telegram-seed-messages"), help: """
        With --telegram-account: each user writes N messages ("hi 1", …) to the account, and the first user N ("news 1", …) \
        in every group and channel.
        """)
    var telegramSeedMessages: Int = 0

    @Option(name: .customLong("telegram-bot"), help: """
        With --telegram-account: a bot account logged in with this token (ID:SECRET; the bot's user id is ID, its name \
        "Test bot", its username testID_bot; repeatable), for `tg login --bot-token`.
        """)
    var telegramBots: [String] = []

    @Option(name: .customLong("bench-push-after-login"), help: """
        With --telegram-account, --telegram-user and --telegram-channel: 1 s after the account's first updates.getState, \
        push N new messages to it as fast as possible, alternating batches from the first user in private and in the first \
        channel, each text "bench I T" (T: CLOCK_MONOTONIC nanoseconds when pushed), for the updates benchmark.
        """)
    var benchPushAfterLogin: Int = 0

    @Option(name: .customLong("bench-batch"), help: "With --bench-push-after-login: messages per pushed `updates` (1-100).")
    var benchBatch: Int = 50

    @Option(name: .customLong("bench-file-bytes"), help: """
        With --telegram-account and --telegram-user: the first user sends the account a document bench.bin of N generated \
        bytes (caption "bench file N"; message 1 of the account when nothing else is seeded), for the file transfer benchmarks.
        """)
    var benchFileBytes: Int64?

    @Option(name: .customLong("socks5-port"), help: "Also run a SOCKS5 proxy (RFC 1928) on this port (0: any free port).")
    var socks5Port: Int?

    @Option(name: .customLong("socks5-user"), help: "The SOCKS5 proxy requires this username (with --socks5-password).")
    var socks5User: String?

    @Option(name: .customLong("socks5-password"), help: "The SOCKS5 proxy's password.")
    var socks5Password: String?

    @Option(name: .customLong("socks5-refuse"), help: "Fault: the SOCKS5 proxy answers every CONNECT with this reply code (1-8).")
    var socks5Refuse: UInt8?

    @Option(name: .customLong("mtproxy-port"), help: "Also run an MTProxy on this port (0: any free port); needs --mtproxy-secret.")
    var mtproxyPort: Int?

    @Option(name: .customLong("mtproxy-secret"), help: "The MTProxy's secret in hex or base64url: 16 bytes, dd + 16 bytes, or ee + 16 bytes + domain.")
    var mtproxySecret: String?

    @Flag(name: .customLong("mtproxy-refuse"), help: "Fault: the MTProxy closes every connection at once.")
    var mtproxyRefuse: Bool = false

    /// Sets the heap up for the updates benchmark (``BenchHeap``) while this is the only thread, then runs.
    static func main() async {
        if CommandLine.arguments.contains(where: { $0.hasPrefix("--bench-push-after-login") }) { BenchHeap.shareOneArena() }
        await main(nil)
    }

    func run() async throws {
        guard dcs >= 1, dc >= 1, dc <= dcs else { throw ValidationError("--dc must be between 1 and --dcs") }
        let proxies: TestDCProxyOptions = try TestDCProxyOptions(
            socks5Port: socks5Port, socks5User: socks5User, socks5Password: socks5Password, socks5Refuse: socks5Refuse,
            mtproxyPort: mtproxyPort, mtproxySecret: mtproxySecret, mtproxyRefuse: mtproxyRefuse)
        LoggingSystem.bootstrap { (label: String) -> any LogHandler in
            var handler: StreamLogHandler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        if (1 ... 1_000_000).contains(benchPushAfterLogin) { BenchHeap.prepare(bytes: benchPushAfterLogin * BenchHeap.bytesPerMessage) }
        let server: TestDataCentre = TestDataCentre(dcs: Array(1 ... dcs))
        try await server.start(basePort: port)
        if let phone = telegramAccount {
            let telegram: SimulatedTelegram = SimulatedTelegram(server: server)
            await telegram.install()
            let digits: String = phone.filter(\.isNumber)
            await telegram.add(TestAccount(userID: 1000, phone: digits, firstName: "Test", password: telegramPassword))
            let channel: Int64? = try await seed(telegram)
            try await armBenchPush(telegram, channel: channel)
            try await seedBenchFile(telegram)
        } else if benchPushAfterLogin > 0 || benchFileBytes != nil {
            throw ValidationError("--bench-push-after-login and --bench-file-bytes need --telegram-account")
        }
        if let path = rsaKeyOut {
            try server.rsaKey.publicKey.pem.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let all: [DataCentre] = await server.dataCentres
        let first: Int = all.first(where: { $0.id == dc })?.port ?? 0
        let list: String = all.map { "{\"dc\": \($0.id), \"port\": \($0.port)}" }.joined(separator: ", ")
        let running: RunningProxies = try await proxies.start(inFrontOf: all)
        let line: String = "{\"port\": \(first), \"dc\": \(dc), \"fingerprint\": \(server.rsaKey.publicKey.fingerprint), \"dcs\": [\(list)]\(running.json)}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        await SignalWaiter().wait(for: [SIGTERM, SIGINT])
        await running.stop()
        await server.stop()
    }
}

extension TestDCCommand {
    /// The users, groups, channels and messages the `--telegram-…` options ask for.
    /// Returns the first channel's id (nil without channels).
    func seed(_ telegram: SimulatedTelegram) async throws -> Int64? {
        guard telegramSeedMessages >= 0, telegramSeedMessages <= 10_000 else { throw ValidationError("--telegram-seed-messages must be 0…10000") }
        var users: [Int64] = []
        for (index, username) in telegramUsers.enumerated() {
            guard username.count >= 4, username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ValidationError("--telegram-user \(username): 4 or more of letters, digits and _")
            }
            let id: Int64 = 2001 + Int64(index)
            await telegram.add(TestAccount(userID: id, phone: "1555000\(2001 + index)", firstName: Self.title(username, words: 1), username: username))
            users.append(id)
        }
        for token in telegramBots {
            let parts: [Substring] = token.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let id = Int64(parts[0]), id > 0, id != 1000, !parts[1].isEmpty else {
                throw ValidationError("--telegram-bot: ID:SECRET with a positive ID other than 1000")
            }
            var bot: TestAccount = TestAccount(userID: id, phone: "", firstName: "Test bot", username: "test\(id)_bot")
            bot.isBot = true
            bot.botToken = token
            await telegram.add(bot)
        }
        let owner: Int64 = 1000
        for username in telegramContacts {
            guard let index: Int = telegramUsers.firstIndex(of: username) else {
                throw ValidationError("--telegram-contact \(username): not one of the --telegram-user names")
            }
            let contact: Int64 = users[index]
            await telegram.update(owner) { $0.contacts.insert(contact) }
            await telegram.update(contact) { $0.contacts.insert(owner) }
        }
        let first: Int64 = users.first ?? owner
        var channels: [Int64] = []
        for user in users {
            for i in 0 ..< telegramSeedMessages { await telegram.deliver(from: user, to: owner, text: "hi \(i + 1)") }
        }
        for title in telegramGroups {
            let group: Int64 = await telegram.createGroup(title: title, creator: first, members: [owner] + users)
            for i in 0 ..< telegramSeedMessages { await telegram.post("group \(i + 1)", inGroup: group, from: first) }
        }
        for (username, broadcast) in telegramChannels.map({ ($0, false) }) + telegramBroadcasts.map({ ($0, true) }) {
            let channel: Int64 = await telegram.createChannel(
                title: Self.title(username, words: nil), creator: first, broadcast: broadcast, username: username, members: [owner] + users)
            for i in 0 ..< telegramSeedMessages { await telegram.post("news \(i + 1)", inChannel: channel, from: first) }
            channels.append(channel)
        }
        return channels.first
    }

    /// A name from a username: words split at `_`, the first capitalised (`words`: how many to keep).
    static func title(_ username: String, words: Int?) -> String {
        let parts: [Substring] = username.split(separator: "_")
        let kept: [Substring] = words.map { Array(parts.prefix($0)) } ?? parts
        let text: String = kept.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}

/// Waits for one of a set of signals (their default action is disabled while waiting).
final class SignalWaiter: @unchecked Sendable {
    // Only touched on the private queue.
    private var sources: [any DispatchSourceSignal] = []
    private let queue: DispatchQueue = DispatchQueue(label: "testdc.signals")

    func wait(for signals: [Int32]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                var resumed: Bool = false
                for number in signals {
                    signal(number, SIG_IGN)
                    let source: any DispatchSourceSignal = DispatchSource.makeSignalSource(signal: number, queue: self.queue)
                    source.setEventHandler {
                        if !resumed {
                            resumed = true
                            continuation.resume()
                        }
                    }
                    source.resume()
                    self.sources.append(source)
                }
            }
        }
    }
}

