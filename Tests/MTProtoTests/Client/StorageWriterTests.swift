import Logging
@testable import MTProto
import Synchronization
import Testing

/// The storage writer: writes in order off the caller, failures logged and skipped.
struct StorageWriterTests {
    /// A storage that records the home DCs it is given and fails on one of them.
    final class RecordingStorage: SessionStorage {
        let homes: Mutex<[Int]> = Mutex([])
        let failing: Int

        init(failing: Int) {
            self.failing = failing
        }

        struct Refused: Error {}

        func authKeys() throws -> [Int: HandshakeResult] { [:] }
        func saveAuthKey(_ key: HandshakeResult, dc: Int) throws {}
        func removeAuthKey(dc: Int) throws {}
        func homeDataCentre() throws -> Int? { homes.withLock { $0.last } }
        func setHomeDataCentre(_ dc: Int) throws {
            if dc == failing { throw Refused() }
            homes.withLock { $0.append(dc) }
        }
    }

    @Test func writesRunInOrderAndAFailureDoesNotStopTheNext() async {
        let storage: RecordingStorage = RecordingStorage(failing: 3)
        let writer: StorageWriter = StorageWriter(storage: storage, logger: Logger(label: "test"))
        for dc in 1 ... 6 { writer.write { try $0.setHomeDataCentre(dc) } }
        let seen: Mutex<[Int]?> = Mutex(nil)
        writer.afterWrites { seen.withLock { $0 = storage.homes.withLock { $0 } } }
        await writer.finished()
        #expect(storage.homes.withLock { $0 } == [1, 2, 4, 5, 6])
        #expect(seen.withLock { $0 } == [1, 2, 4, 5, 6])
    }

    @Test func withoutAStorageNothingIsWritten() async {
        let writer: StorageWriter = StorageWriter(storage: nil, logger: Logger(label: "test"))
        let ran: Mutex<Bool> = Mutex(false)
        writer.write { _ in ran.withLock { $0 = true } }
        await writer.finished()
        #expect(!ran.withLock { $0 })
    }
}
