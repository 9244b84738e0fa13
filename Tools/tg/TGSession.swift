import Foundation
import Logging
import MTProto
import Telegram

/// A started client on the configured session file, closed on every path. `login` (given the
/// configuration and the client) says how to log in when the session is not logged in; without it such a session
/// fails with `AUTH_KEY_UNREGISTERED` (status 1, "not logged in"). Its updates engine runs only when
/// `updates` says so (`tg listen`): the other commands make one or two calls and leave the stored update state alone.
func withClient<T: Sendable>(
    _ options: TGOptions, requiring required: [String] = ["TG_API_ID"], login: ((TelegramConfiguration, TelegramClient) -> LoginMethod)? = nil,
    updates: UpdatesOptions = UpdatesOptions(startsWithClient: false),
    _ body: (TelegramClient) async throws -> T
) async throws -> T {
    let (configuration, threshold): (TelegramConfiguration, Int) = try options.load(requiring: required)
    let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: configuration.sessionPath)
    defer { session.close() }
    var logger: Logger = Logger(label: "tg")
    logger.logLevel = .warning
    let mtproto: MTProtoClient = try MTProtoClient(
        configuration: configuration.clientConfiguration(deviceModel: "tg (Swift)", appVersion: "1.0"), storage: session, logger: logger)
    mtproto.setFloodWaitPolicy(FloodWaitPolicy(sleepThreshold: .seconds(threshold)))
    let client: TelegramClient = TelegramClient(mtproto: mtproto, store: try SQLiteClientStore(session: session), updates: updates)
    do {
        try await client.start(login: login?(configuration, client))
        let result: T = try await body(client)
        await client.stop()
        return result
    } catch {
        await client.stop()
        throw error
    }
}

/// Resolves a PEER argument; text that names no peer is bad input (status 2).
func resolvePeer(_ text: String, _ client: TelegramClient) async throws -> Peer {
    guard let reference = PeerReference(text) else {
        throw TGExit.badInput("not a peer: \(text) (use @username, +phone, a numeric id, me, or a t.me link)")
    }
    return try await client.resolve(reference)
}
