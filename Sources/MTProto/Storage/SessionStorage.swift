/// Where a client keeps what must survive a restart: auth keys per DC (with salt and time offset)
/// and the home DC. ``SQLiteSessionStorage`` is the default; implement this protocol to keep them
/// elsewhere.
public protocol SessionStorage: Sendable {
    /// Every stored key, by DC id.
    func authKeys() throws -> [Int: HandshakeResult]
    /// Stores (or replaces) the key of a DC.
    func saveAuthKey(_ key: HandshakeResult, dc: Int) throws
    /// Forgets the key of a DC (the server no longer knows it).
    func removeAuthKey(dc: Int) throws
    /// The home DC, if one was stored.
    func homeDataCentre() throws -> Int?
    /// Stores the home DC.
    func setHomeDataCentre(_ dc: Int) throws
    /// DC addresses learned from `help.getConfig` (so a restart finds the home DC without asking).
    func dataCentres() throws -> [DataCentre]
    /// Replaces the learned DC addresses.
    func saveDataCentres(_ dcs: [DataCentre]) throws
}

extension SessionStorage {
    /// Storages that keep no addresses learn them again on every start.
    public func dataCentres() throws -> [DataCentre] { [] }
    /// Storages that keep no addresses drop them.
    public func saveDataCentres(_ dcs: [DataCentre]) throws {}
}

/// Why session storage failed. Messages never contain key material.
public enum SessionStorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another process (or another client in this one) has the session file open.
    case inUse(path: String)
    /// The file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// An SQLite statement failed.
    case database(String)
    /// A stored row is not a valid key.
    case corrupt(String)

    public var description: String {
        switch self {
        case .inUse(let path):
            return "the session file \(path) is in use by another process; Telegram rejects one key used from two places (AUTH_KEY_DUPLICATED)"
        case .cannotOpen(let path, let reason): return "cannot open the session file \(path): \(reason)"
        case .database(let message): return "session database error: \(message)"
        case .corrupt(let what): return "the session file is corrupt: \(what)"
        }
    }
}
