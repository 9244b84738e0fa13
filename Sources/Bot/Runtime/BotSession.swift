import Foundation
import Logging
import MTProto
import Telegram
import TLSchema

/// A session file opened for the bot: the connection (resuming keys and home DC), the bot's tables
/// and the client store (one file, see ``BotStorage``), and the login and logout steps; the bot
/// runs its ``Telegram/TelegramClient`` on them.
public final class BotSession: Sendable {
    /// The bot's tables in this session file; its ``BotStorage/session`` is the storage the client uses too.
    public let storage: BotStorage
    /// The client on this session's keys; ``login(_:)`` and ``logout()`` connect it, ``close()`` closes it.
    public let client: MTProtoClient
    private let logger: Logger

    /// Opens (or creates, mode 0600) the session file and a client for `clientConfiguration`.
    /// A second process opening the same file is refused (``SessionStorageError/inUse(path:)``).
    public init(path: String, clientConfiguration: ClientConfiguration, floodSleepThreshold: Int, logger: Logger) async throws {
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        storage = try BotStorage(session: session)
        client = try MTProtoClient(configuration: clientConfiguration, storage: session, logger: logger)
        var policy: FloodWaitPolicy = FloodWaitPolicy()
        policy.sleepThreshold = .seconds(floodSleepThreshold)
        client.setFloodWaitPolicy(policy)
        self.logger = logger
    }

    /// Whether an account is logged in on this session (as far as the file knows).
    public var isLoggedIn: Bool {
        ((try? storage.selfUserID()) ?? nil) != nil
    }

    /// Logs in (code, then the 2FA password if the account has one), remembers the account and
    /// takes the initial update state, so the bot starts from now; when the account was logged in
    /// on this session before (and lost it), everything it had is kept instead. The future auth tokens kept in
    /// the session file are offered to Telegram, and the one the login gives is kept.
    @discardableResult
    public func login(_ flow: LoginFlow) async throws -> Api.User {
        try await client.connect()
        var flow: LoginFlow = flow
        flow.prompter = LoggingPrompter(prompter: flow.prompter, logger: logger)
        guard let user = try await LoginMethod.user(flow).run(on: client, tokens: storage), case .user(let me) = user else {
            throw LoginError.rejected(RPCError(code: 400, message: "USER_EMPTY"))
        }
        if try storage.selfUserID() == me.id, try storage.updateState() != nil {
            // The same account again (its session was revoked or expired): the queued replies, the
            // update state and the peers stay, so what came meanwhile is answered, each once.
            logger.info("logged in again as \(me.firstName ?? "") (user \(me.id)); the queued replies are kept")
            return user
        }
        try storage.forgetAccount()
        let state: Api.updates.State = try await client.invoke(Api.functions.updates.GetState())
        try storage.clientStore.commit(StoreChanges(
            state: UpdatesState(pts: state.pts, qts: state.qts, date: state.date, seq: state.seq), selfUserID: me.id))
        logger.info("logged in as \(me.firstName ?? "") (user \(me.id))")
        return user
    }

    /// Logs in with the flow `makeFlow` builds when no account is logged in on this session (the
    /// first `userbot run`); returns whether it logged in. `makeFlow` is not called otherwise, so a
    /// setting only the login needs (the phone number) is only required then.
    @discardableResult
    public func logInIfNeeded(_ makeFlow: () throws -> LoginFlow) async throws -> Bool {
        guard !isLoggedIn else { return false }
        logger.info("this session is not logged in: logging in first")
        try await login(try makeFlow())
        return true
    }

    /// Logs out on Telegram (`auth.logOut`, then `destroy_auth_key`: the key is gone here too) and
    /// forgets the account here (the memory of conversations, and the future auth token Telegram
    /// gives for the next login, are kept).
    public func logout() async throws {
        try await client.logOut(keepingTokensIn: storage)
        try storage.forgetAccount()
    }

    /// Closes the connection and the session file (releasing its lock).
    public func close() async {
        await client.close()
        storage.session.close()
    }
}
