import TLSchema

extension MTProtoClient {
    /// Destroys the permanent key of the home DC on the server (`destroy_auth_key`, auth-key notes:
    /// after `auth.logOut`), then forgets it here and in the storage; the next connection creates a
    /// new key. The call travels under the permanent key itself (on a connection of its own, since
    /// with PFS everything else goes under a temporary key). Returns the server's answer
    /// (`destroy_auth_key_none` when there was no key to destroy).
    @discardableResult
    public func destroyAuthKey(timeout: Duration? = nil) async throws -> MT.DestroyAuthKeyRes {
        guard let key = homePermanentKey else { return .destroyAuthKeyNone }
        let keyClient: MTProtoClient = await makePermanentKeyClient(key)
        let answer: MT.DestroyAuthKeyRes
        do {
            try await keyClient.connect()
            answer = try await keyClient.invoke(MT.functions.DestroyAuthKey(), timeout: timeout)
        } catch {
            await keyClient.close()
            throw error
        }
        await keyClient.close()
        dropHomePermanentKey()
        return answer
    }
}
