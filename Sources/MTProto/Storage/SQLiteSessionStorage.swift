import CSQLite
import Foundation

/// The default ``SessionStorage``: one SQLite file, created with mode 0600 and locked for the
/// lifetime of this object so that a second process opening the same session is refused with
/// ``SessionStorageError/inUse(path:)``. Later layers (update state, peers) add their own tables.
public final class SQLiteSessionStorage: SessionStorage, @unchecked Sendable {
    // The connection is only used under `lock`.
    public let path: String
    private let lock: NSLock = NSLock()
    private var database: OpaquePointer?
    private let lockDescriptor: Int32

    /// Opens (or creates) the session file at `path`.
    public init(path: String) throws(SessionStorageError) {
        self.path = path
        let descriptor: Int32 = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SessionStorageError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            throw SessionStorageError.inUse(path: path)
        }
        fchmod(descriptor, 0o600)
        lockDescriptor = descriptor
        var handle: OpaquePointer? = nil
        let status: Int32 = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            sqlite3_close(handle)
            close(descriptor)
            throw SessionStorageError.cannotOpen(path: path, reason: "sqlite error \(status)")
        }
        database = handle
        do {
            try execute("PRAGMA journal_mode = DELETE")
            try execute("""
                CREATE TABLE IF NOT EXISTS auth_keys (
                    dc INTEGER PRIMARY KEY, key BLOB NOT NULL, salt INTEGER NOT NULL, time_offset INTEGER NOT NULL)
                """)
            try execute("CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        } catch {
            sqlite3_close(handle)
            close(descriptor)
            throw error
        }
    }

    deinit {
        sqlite3_close(database)
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    private func message() -> String { String(cString: sqlite3_errmsg(database)) }

    private func execute(_ sql: String) throws(SessionStorageError) {
        if sqlite3_exec(database, sql, nil, nil, nil) != SQLITE_OK { throw SessionStorageError.database(message()) }
    }

    /// Runs `body` with a prepared statement.
    private func withStatement<T>(_ sql: String, _ body: (OpaquePointer) throws(SessionStorageError) -> T) throws(SessionStorageError) -> T {
        lock.lock()
        defer { lock.unlock() }
        var statement: OpaquePointer? = nil
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw SessionStorageError.database(message())
        }
        defer { sqlite3_finalize(statement) }
        return try body(statement)
    }

    private func step(_ statement: OpaquePointer) throws(SessionStorageError) {
        if sqlite3_step(statement) != SQLITE_DONE { throw SessionStorageError.database(message()) }
    }

    public func authKeys() throws -> [Int: HandshakeResult] {
        try withStatement("SELECT dc, key, salt, time_offset FROM auth_keys") { (s: OpaquePointer) throws(SessionStorageError) -> [Int: HandshakeResult] in
            var out: [Int: HandshakeResult] = [:]
            while sqlite3_step(s) == SQLITE_ROW {
                let dc: Int = Int(sqlite3_column_int64(s, 0))
                let count: Int = Int(sqlite3_column_bytes(s, 1))
                guard count == 256, let pointer = sqlite3_column_blob(s, 1) else {
                    throw SessionStorageError.corrupt("the key of DC \(dc) is \(count) bytes")
                }
                let bytes: [UInt8] = Array(UnsafeRawBufferPointer(start: pointer, count: count))
                out[dc] = HandshakeResult(
                    authKey: AuthKey(bytes: bytes)!, serverSalt: sqlite3_column_int64(s, 2),
                    timeOffset: Int32(truncatingIfNeeded: sqlite3_column_int64(s, 3)), expiresAt: nil)
            }
            return out
        }
    }

    public func saveAuthKey(_ key: HandshakeResult, dc: Int) throws {
        try withStatement("INSERT OR REPLACE INTO auth_keys (dc, key, salt, time_offset) VALUES (?, ?, ?, ?)") { (s: OpaquePointer) throws(SessionStorageError) in
            sqlite3_bind_int64(s, 1, Int64(dc))
            _ = key.authKey.bytes.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> Int32 in
                sqlite3_bind_blob(s, 2, p.baseAddress, Int32(p.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
            sqlite3_bind_int64(s, 3, key.serverSalt)
            sqlite3_bind_int64(s, 4, Int64(key.timeOffset))
            try step(s)
        }
    }

    public func removeAuthKey(dc: Int) throws {
        try withStatement("DELETE FROM auth_keys WHERE dc = ?") { (s: OpaquePointer) throws(SessionStorageError) in
            sqlite3_bind_int64(s, 1, Int64(dc))
            try step(s)
        }
    }

    public func homeDataCentre() throws -> Int? {
        try withStatement("SELECT value FROM settings WHERE name = 'home_dc'") { (s: OpaquePointer) throws(SessionStorageError) -> Int? in
            sqlite3_step(s) == SQLITE_ROW ? Int(sqlite3_column_int64(s, 0)) : nil
        }
    }

    public func setHomeDataCentre(_ dc: Int) throws {
        try withStatement("INSERT OR REPLACE INTO settings (name, value) VALUES ('home_dc', ?)") { (s: OpaquePointer) throws(SessionStorageError) in
            sqlite3_bind_int64(s, 1, Int64(dc))
            try step(s)
        }
    }
}
