import MTProto
import TLSchema

extension MTProtoClient {
    /// Logs out: `auth.logOut` (the future auth token it gives goes to `tokens`; a session already
    /// logged out on Telegram is fine), then `destroy_auth_key`, and the permanent key is forgotten
    /// here and in the session storage (``destroyAuthKey(timeout:)``).
    public func logOut(keepingTokensIn tokens: (any FutureAuthTokenStore)?) async throws {
        try await connect()
        do {
            let loggedOut: Api.auth.LoggedOut = try await invoke(Api.functions.auth.LogOut())
            if let token = loggedOut.futureAuthToken { try tokens?.addFutureAuthToken(token) }
        } catch let error as RPCError where error.code == 401 {
            // Already logged out on Telegram (revoked from another device): the key goes all the same.
        }
        try await destroyAuthKey()
    }
}
