import Dispatch
import Logging

/// Writes a client's session (keys, salts, time offsets, home DC, addresses) to its storage in
/// order, on a queue of its own, so the event loop never blocks on the disk. A failed write is
/// logged and does not stop the client.
struct StorageWriter: Sendable {
    /// Where the session is kept; nil: nothing is written.
    let storage: (any SessionStorage)?
    private let queue: DispatchQueue = DispatchQueue(label: "mtproto.session-storage")
    private let logger: Logger

    /// A writer to `storage` (nil: none) that logs failures to `logger`.
    init(storage: (any SessionStorage)?, logger: Logger) {
        self.storage = storage
        self.logger = logger
    }

    /// Queues `action` after the writes queued so far.
    func write(_ action: @escaping @Sendable (any SessionStorage) throws -> Void) {
        guard let storage else { return }
        let logger: Logger = self.logger
        queue.async {
            do {
                try action(storage)
            } catch {
                logger.error("could not save the session: \(error)")
            }
        }
    }

    /// Runs `then` once every write queued so far has been made.
    func afterWrites(_ then: @escaping @Sendable () -> Void) {
        queue.async(execute: then)
    }

    /// Returns once every write queued so far has been made.
    func finished() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { done.resume() }
        }
    }
}
