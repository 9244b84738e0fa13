/// Where the client layer keeps what must survive a restart beside the auth keys: the update
/// state (channel pts included), the peers with their access hashes, and the self user.
/// ``SQLiteClientStore`` is the default; implement this protocol to keep them elsewhere.
public protocol ClientStore: Sendable {
    /// The stored update state, or nil before one was committed.
    func updatesState() throws -> UpdatesState?
    /// The stored peer with this id.
    func peer(_ id: PeerID) throws -> Peer?
    /// The stored peer with this username (compared without case, without `@`).
    func peer(username: String) throws -> Peer?
    /// The stored user with this phone number (digits only).
    func peer(phone: String) throws -> Peer?
    /// The logged-in user's id, once known.
    func selfUserID() throws -> Int64?
    /// Applies `changes` all at once (or not at all).
    func commit(_ changes: StoreChanges) throws
}
