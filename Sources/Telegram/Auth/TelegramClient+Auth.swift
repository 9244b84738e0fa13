import MTProto
import TLSchema

extension TelegramClient {
    /// ``start(login:)`` with a login of your own: `login` runs on the connection when the session
    /// is not logged in (raw calls, a sign-up, a test's shortcut).
    @discardableResult
    public func start(login: @escaping @Sendable (MTProtoClient) async throws -> Void) async throws -> Peer {
        try await start(login: .custom(login))
    }

    /// Logs out: `auth.logOut` (the future auth token it gives is kept when the store is a
    /// ``FutureAuthTokenStore``; a session already logged out on Telegram is fine), then
    /// `destroy_auth_key`, and the permanent key is forgotten here and in the session storage. The
    /// client stays connected on a new key, not logged in: ``start(login:)`` logs in again.
    public func logOut() async throws {
        try await mtproto.connect()
        do {
            let loggedOut: Api.auth.LoggedOut = try await mtproto.invoke(Api.functions.auth.LogOut())
            if let token = loggedOut.futureAuthToken, let tokens = store as? any FutureAuthTokenStore { try tokens.addFutureAuthToken(token) }
        } catch let error as RPCError where error.code == 401 {
            // Already logged out on Telegram (revoked from another device): the key goes all the same.
        }
        try await mtproto.destroyAuthKey()
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
