import MTProto
import TLSchema

extension TelegramClient {
    /// Starts the updates engine (``start(login:)`` does, unless ``UpdatesOptions/startsWithClient``
    /// is off): takes the stored state (first run: `updates.getState`) and, with `catchUp`
    /// (default: ``UpdatesOptions/catchUp``), fetches what was missed since; then follows every
    /// box (common, secondary, each channel) until ``stop()``. Calling it again does nothing.
    public func startUpdates(catchUp: Bool? = nil) async throws {
        guard started else { throw TelegramError.notStarted }
        guard updatesDriver == nil else { return }
        let driver: UpdatesDriver = UpdatesDriver(client: self, options: updatesOptions, hub: updatesHub)
        updatesDriver = driver
        do {
            try await driver.start(catchUp: catchUp ?? updatesOptions.catchUp)
        } catch {
            await driver.stop()
            updatesDriver = nil
            throw error
        }
    }

    /// Returns once the updates engine has no common difference due or in flight (the catch-up at
    /// start, after a gap, a reconnect or a silence), with what it fetched handed to the
    /// subscriptions; at once when the engine is not running or nothing is being fetched. A
    /// decision that must see everything that happened so far (the owner's read receipts, say)
    /// waits here first.
    public func untilCaughtUp() async {
        await updatesDriver?.untilCaughtUp()
    }

    /// A new subscription to every update from now on, in order, in batches with the users and
    /// chats that came with them. Each call is a consumer of its own holding up to `capacity`
    /// batches (default ``UpdatesOptions/subscriptionCapacity``); while one is full the engine
    /// waits, and pushed updates that pile up meanwhile are fetched again as a difference, so a
    /// slow consumer loses nothing. Iterate it or let it go: a stream held but never read
    /// holds every consumer back.
    public nonisolated func updates(capacity: Int? = nil) -> UpdateStream {
        UpdateStream(handle: SubscriptionHandle(hub: updatesHub, capacity: capacity ?? updatesOptions.subscriptionCapacity))
    }

    /// Hands an update-bearing result of the client's own call to the engine (api-flows §8: sends,
    /// edits and reads move the boxes too).
    func feedUpdates<F: TLFunction>(_ function: F, _ result: F.Result) {
        guard let inbox = updatesDriver?.inbox else { return }
        if let updates = result as? Api.Updates {
            inbox.push(.updates(updates))
        } else if Self.movesCommonBox(function) {
            if let affected = result as? Api.messages.AffectedMessages {
                inbox.push(.affected(pts: affected.pts, count: affected.ptsCount))
            } else if let affected = result as? Api.messages.AffectedHistory {
                inbox.push(.affected(pts: affected.pts, count: affected.ptsCount))
            }
        }
    }

    /// The `messages.*` methods whose `affectedMessages`/`affectedHistory` belong to the common
    /// box (their channel counterparts are `channels.*` methods).
    private static func movesCommonBox(_ function: some TLFunction) -> Bool {
        function is Api.functions.messages.ReadHistory || function is Api.functions.messages.DeleteMessages
            || function is Api.functions.messages.ReadMessageContents || function is Api.functions.messages.DeleteHistory
    }
}
