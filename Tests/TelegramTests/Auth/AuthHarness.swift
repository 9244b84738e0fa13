import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema

/// The accounts and clients of the login tests: on top of ``TelegramHarness`` (owner on DC 1), bots
/// on DC 1 and DC 2, a person on DC 2 and a person with a two-factor password.
enum AuthHarness {
    static let botID: Int64 = 5000
    static let botToken: String = "5000:AAbotSecretOnDC1"
    static let farBotID: Int64 = 5001
    static let farBotToken: String = "5001:AAbotSecretOnDC2"
    static let farUserID: Int64 = 5100
    static let guardedUserID: Int64 = 5200
    static let password: String = "correct horse"

    /// The harness with the extra accounts added.
    static func start() async throws -> TelegramHarness {
        let harness: TelegramHarness = try await TelegramHarness.start(people: 1)
        var bot: TestAccount = TestAccount(userID: botID, phone: "", firstName: "Near bot", username: "near_bot", homeDC: 1)
        bot.isBot = true
        bot.botToken = botToken
        var far: TestAccount = TestAccount(userID: farBotID, phone: "", firstName: "Far bot", username: "far_bot", homeDC: 2)
        far.isBot = true
        far.botToken = farBotToken
        await harness.telegram.add(bot)
        await harness.telegram.add(far)
        await harness.telegram.add(TestAccount(userID: farUserID, phone: "15550005100", firstName: "Far", homeDC: 2))
        await harness.telegram.add(TestAccount(userID: guardedUserID, phone: "15550005200", firstName: "Guarded", password: password, homeDC: 1))
        return harness
    }

    /// A client on the session file at `path` (default: the harness's), not started.
    static func client(_ harness: TelegramHarness, path: String? = nil) async throws -> (TelegramClient, SQLiteClientStore) {
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path ?? harness.sessionPath)
        let mtproto: MTProtoClient = try MTProtoClient(configuration: await harness.configuration(), storage: session)
        let store: SQLiteClientStore = try SQLiteClientStore(session: session)
        return (TelegramClient(mtproto: mtproto, store: store), store)
    }
}

/// Answers the two-factor password from a list (wrong ones first, if given); never a code.
final class PasswordPrompter: LoginPrompter, @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var passwords: [String]
    private var seen: [LoginNotice] = []

    init(_ passwords: [String] = []) { self.passwords = passwords }

    /// The notices the login gave, in order.
    var notices: [LoginNotice] { lock.withLock { seen } }

    struct Asked: Error {}

    func code(_ question: CodeQuestion) async throws -> CodeAnswer { throw Asked() }

    func password(hint: String?, attempt: Int) async throws -> String {
        try lock.withLock {
            guard !passwords.isEmpty else { throw Asked() }
            return passwords.removeFirst()
        }
    }

    func email(attempt: Int) async throws -> String { throw Asked() }

    func notice(_ notice: LoginNotice) { lock.withLock { seen.append(notice) } }
}

/// The links a QR login showed, in order.
final class ShownLinks: @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var shown: [LoginTokenLink] = []

    var links: [LoginTokenLink] { lock.withLock { shown } }

    func append(_ link: LoginTokenLink) { lock.withLock { shown.append(link) } }
}
