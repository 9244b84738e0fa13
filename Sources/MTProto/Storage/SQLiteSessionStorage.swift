import CSQLite
import Foundation

/// The default ``SessionStorage``: one SQLite file, created with mode 0600 and locked for the
/// lifetime of this object so that a second process opening the same session is refused with
/// ``SessionStorageError/inUse(path:)``. Later layers (update state, peers, the bot's memory) keep
/// their own tables in the same file through ``execute(_:_:)`` and ``rows(_:_:)``.
public final class SQLiteSessionStorage: SessionStorage, @unchecked Sendable {
    // The connection is only used under `lock`.
    /// The session file's path as given to the initialiser; named in errors such as ``SessionStorageError/inUse(path:)``.
    public let path: String
    private let lock: NSLock = NSLock()
    private var database: OpaquePointer?
    private var lockDescriptor: Int32
    /// Prepared statements by their SQL, reset and unbound after each use and reused (a commit
    /// per updates batch would otherwise parse the same few statements every time); at most
    /// ``maximumCachedStatements``, all finalized when the cache is full and on close.
    private var statements: [String: OpaquePointer] = [:]
    private static let maximumCachedStatements: Int = 64

    /// Opens (or creates) the session file at `path`.
    public init(path: String) throws(SessionStorageError) {
        self.path = path
        let descriptor: Int32 = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SessionStorageError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            POSIX.close(descriptor)
            throw SessionStorageError.inUse(path: path)
        }
        fchmod(descriptor, 0o600)
        lockDescriptor = descriptor
        var handle: OpaquePointer? = nil
        let status: Int32 = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            sqlite3_close(handle)
            POSIX.close(descriptor)
            throw SessionStorageError.cannotOpen(path: path, reason: "sqlite error \(status)")
        }
        database = handle
        do {
            // WAL with synchronous=NORMAL: a commit survives a killed process (the bot's
            // exactly-once guarantees rest on that) without an fsync per commit; after a power
            // loss the file stays consistent but may lose the last commits.
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
            try execute("""
                CREATE TABLE IF NOT EXISTS auth_keys (
                    dc INTEGER PRIMARY KEY, key BLOB NOT NULL, salt INTEGER NOT NULL, time_offset INTEGER NOT NULL)
                """)
            try execute("CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            try execute("CREATE TABLE IF NOT EXISTS dc_options (dc INTEGER PRIMARY KEY, host TEXT NOT NULL, port INTEGER NOT NULL)")
        } catch {
            sqlite3_close(handle)
            POSIX.close(descriptor)
            throw error
        }
    }

    deinit {
        releaseFile()
    }

    /// Closes the database and releases the file lock (another process may open the session
    /// now). Later calls fail with ``SessionStorageError/database(_:)``.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        releaseFile()
    }

    private func releaseFile() {
        guard database != nil || lockDescriptor >= 0 else { return }
        finalizeStatements()
        sqlite3_close(database)
        database = nil
        if lockDescriptor >= 0 {
            flock(lockDescriptor, LOCK_UN)
            POSIX.close(lockDescriptor)
            lockDescriptor = -1
        }
    }

    private func message() -> String { database == nil ? "the session file is closed" : String(cString: sqlite3_errmsg(database)) }

    private func execute(_ sql: String) throws(SessionStorageError) {
        if sqlite3_exec(database, sql, nil, nil, nil) != SQLITE_OK { throw SessionStorageError.database(message()) }
    }

    /// Runs `body` with a prepared statement.
    private func withStatement<T>(_ sql: String, _ body: (OpaquePointer) throws(SessionStorageError) -> T) throws(SessionStorageError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try withStatementLocked(sql, body)
    }

    /// The same, with `lock` already held. The statement comes from the cache (or is prepared
    /// and cached) and is reset, with its bindings cleared, once `body` is done with it.
    private func withStatementLocked<T>(_ sql: String, _ body: (OpaquePointer) throws(SessionStorageError) -> T) throws(SessionStorageError) -> T {
        guard database != nil else { throw SessionStorageError.database(message()) }
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer? = nil
            guard sqlite3_prepare_v2(database, sql, -1, &prepared, nil) == SQLITE_OK, let prepared else {
                sqlite3_finalize(prepared)
                throw SessionStorageError.database(message())
            }
            if statements.count >= Self.maximumCachedStatements { finalizeStatements() }
            statements[sql] = prepared
            statement = prepared
        }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        return try body(statement)
    }

    private func finalizeStatements() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
    }

    private func step(_ statement: OpaquePointer) throws(SessionStorageError) {
        if sqlite3_step(statement) != SQLITE_DONE { throw SessionStorageError.database(message()) }
    }

    /// Every row of `auth_keys`, by DC id (with `expiresAt` nil: only permanent keys are stored). Throws
    /// ``SessionStorageError/corrupt(_:)`` for a key that is not 256 bytes.
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

    /// Stores the key with its salt and time offset, replacing the DC's previous one; `expiresAt` is not kept.
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

    /// Deletes the DC's row of `auth_keys`; no error if there is none.
    public func removeAuthKey(dc: Int) throws {
        try withStatement("DELETE FROM auth_keys WHERE dc = ?") { (s: OpaquePointer) throws(SessionStorageError) in
            sqlite3_bind_int64(s, 1, Int64(dc))
            try step(s)
        }
    }

    /// The `home_dc` setting, or nil before ``setHomeDataCentre(_:)`` was first called.
    public func homeDataCentre() throws -> Int? {
        try withStatement("SELECT value FROM settings WHERE name = 'home_dc'") { (s: OpaquePointer) throws(SessionStorageError) -> Int? in
            sqlite3_step(s) == SQLITE_ROW ? Int(sqlite3_column_int64(s, 0)) : nil
        }
    }

    /// Stores the `home_dc` setting, replacing the previous one.
    public func setHomeDataCentre(_ dc: Int) throws {
        try withStatement("INSERT OR REPLACE INTO settings (name, value) VALUES ('home_dc', ?)") { (s: OpaquePointer) throws(SessionStorageError) in
            sqlite3_bind_int64(s, 1, Int64(dc))
            try step(s)
        }
    }

    /// The stored DC addresses ordered by DC id; rows with values of the wrong type are skipped.
    public func dataCentres() throws -> [DataCentre] {
        try rows("SELECT dc, host, port FROM dc_options ORDER BY dc").compactMap { (row: [SQLiteValue]) -> DataCentre? in
            guard let dc = row[0].integer, let host = row[1].text, let port = row[2].integer else { return nil }
            return DataCentre(id: Int(dc), host: host, port: Int(port))
        }
    }

    /// Replaces every stored DC address with `dcs`, in one transaction.
    public func saveDataCentres(_ dcs: [DataCentre]) throws {
        try transaction([("DELETE FROM dc_options", [])] + dcs.map { (dc: DataCentre) -> (sql: String, values: [SQLiteValue]) in
            ("INSERT INTO dc_options (dc, host, port) VALUES (?, ?, ?)", [.integer(Int64(dc.id)), .text(dc.host), .integer(Int64(dc.port))])
        })
    }

    // MARK: Tables of other layers

    /// Runs one SQL statement with `values` bound to its `?` parameters.
    public func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(SessionStorageError) {
        lock.lock()
        defer { lock.unlock() }
        try executeLocked(sql, values)
    }

    private func executeLocked(_ sql: String, _ values: [SQLiteValue]) throws(SessionStorageError) {
        try withStatementLocked(sql) { (s: OpaquePointer) throws(SessionStorageError) in
            bind(values, to: s)
            let status: Int32 = sqlite3_step(s)
            if status != SQLITE_DONE && status != SQLITE_ROW { throw SessionStorageError.database(message()) }
        }
    }

    /// Runs a query and returns every row.
    public func rows(_ sql: String, _ values: [SQLiteValue] = []) throws(SessionStorageError) -> [[SQLiteValue]] {
        try withStatement(sql) { (s: OpaquePointer) throws(SessionStorageError) -> [[SQLiteValue]] in
            bind(values, to: s)
            var out: [[SQLiteValue]] = []
            while true {
                let status: Int32 = sqlite3_step(s)
                if status == SQLITE_DONE { break }
                guard status == SQLITE_ROW else { throw SessionStorageError.database(message()) }
                var row: [SQLiteValue] = []
                for column in 0 ..< sqlite3_column_count(s) {
                    switch sqlite3_column_type(s, column) {
                    case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(s, column)))
                    case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(s, column)))
                    case SQLITE_TEXT: row.append(.text(String(cString: sqlite3_column_text(s, column))))
                    case SQLITE_BLOB:
                        let count: Int = Int(sqlite3_column_bytes(s, column))
                        let bytes: [UInt8] = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: sqlite3_column_blob(s, column), count: count))
                        row.append(.blob(bytes))
                    default: row.append(.null)
                    }
                }
                out.append(row)
            }
            return out
        }
    }

    /// Runs several statements as one transaction (all or nothing); no other statement of this
    /// storage runs in between.
    public func transaction(_ statements: [(sql: String, values: [SQLiteValue])]) throws(SessionStorageError) {
        lock.lock()
        defer { lock.unlock() }
        try executeLocked("BEGIN IMMEDIATE", [])
        for statement in statements {
            do throws(SessionStorageError) {
                try executeLocked(statement.sql, statement.values)
            } catch {
                try? executeLocked("ROLLBACK", [])
                throw error
            }
        }
        do throws(SessionStorageError) {
            try executeLocked("COMMIT", [])
        } catch {
            // A failed COMMIT can leave the transaction open; close it so later ones can start.
            if sqlite3_get_autocommit(database) == 0 { try? executeLocked("ROLLBACK", []) }
            throw error
        }
    }

    private func bind(_ values: [SQLiteValue], to s: OpaquePointer) {
        let transient: sqlite3_destructor_type = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in values.enumerated() {
            let position: Int32 = Int32(index + 1)
            switch value {
            case .integer(let v): sqlite3_bind_int64(s, position, v)
            case .real(let v): sqlite3_bind_double(s, position, v)
            case .text(let v): sqlite3_bind_text(s, position, v, -1, transient)
            case .blob(let v):
                _ = v.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> Int32 in
                    sqlite3_bind_blob(s, position, p.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(p.count), transient)
                }
            case .null: sqlite3_bind_null(s, position)
            }
        }
    }
}

/// A value bound to, or read from, an SQLite statement.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    /// The integer, or nil for other kinds.
    public var integer: Int64? { if case .integer(let v) = self { return v } else { return nil } }
    /// The number as a `Double` (integers too), or nil for other kinds.
    public var number: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        default: return nil
        }
    }
    /// The text, or nil for other kinds.
    public var text: String? { if case .text(let v) = self { return v } else { return nil } }
    /// The bytes, or nil for other kinds.
    public var blob: [UInt8]? { if case .blob(let v) = self { return v } else { return nil } }
}
