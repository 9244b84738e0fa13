import MTProto
import TLSchema

extension TelegramClient {
    /// ``start(login:)`` with a login of your own: `login` runs on the connection when the session
    /// is not logged in (raw calls, a sign-up, a test's shortcut).
    @discardableResult
    public func start(login: @escaping @Sendable (MTProtoClient) async throws -> Void) async throws -> Peer {
        try await start(login: .custom(login))
    }

    /// Logs out (``MTProto/MTProtoClient/logOut(keepingTokensIn:)``; the future auth token goes to
    /// the store when it is a ``FutureAuthTokenStore``). The client stays connected on a new key,
    /// not logged in: ``start(login:)`` logs in again.
    public func logOut() async throws {
        try await mtproto.logOut(keepingTokensIn: store as? any FutureAuthTokenStore)
        forgetSelfUser()
    }

    /// This session as a ``SessionString`` (a full credential: see there). Throws
    /// ``SessionStringError/noAuthKey`` before the client has a permanent key.
    public func exportSession() async throws -> SessionString {
        let home: DataCentre = await mtproto.homeDataCentre
        guard let key = await mtproto.authKeys[home.id] else { throw SessionStringError.noAuthKey }
        return try SessionString(dataCentre: home, authKey: key.authKey)
    }
}
