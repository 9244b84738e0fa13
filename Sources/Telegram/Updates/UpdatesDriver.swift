import MTProto
import TLSchema

/// Runs a ``MessageBox`` for a ``TelegramClient``: one loop takes pushed updates and the results
/// of the client's own calls from the inbox, feeds the box, makes the calls it asks for (through
/// ``TelegramClient/invoke(_:timeout:)``, so their peers are learned), commits the state with the
/// peers that came with it (and whatever the store's commit hook adds), and only then hands the
/// batch to every subscription.
actor UpdatesDriver {
    private unowned let client: TelegramClient
    private let options: UpdatesOptions
    private let hub: UpdatesHub
    let inbox: UpdatesInbox
    private var box: MessageBox?
    private var lastStored: UpdatesState?
    private var loop: Task<Void, Never>?
    private var forwarder: Task<Void, Never>?
    private let origin: ContinuousClock.Instant = .now
    /// Callers of ``untilCaughtUp()`` waiting for the common difference to be done.
    private var caughtUpWaiters: [CheckedContinuation<Void, Never>] = []

    init(client: TelegramClient, options: UpdatesOptions, hub: UpdatesHub) {
        self.client = client
        self.options = options
        self.hub = hub
        self.inbox = UpdatesInbox(capacity: options.inboxCapacity)
    }

    private var now: Double { Self.seconds(ContinuousClock.now - origin) }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Takes the state (stored, or `updates.getState`), then runs the loop in the background.
    func start(catchUp: Bool) async throws {
        guard loop == nil else { return }
        let updates: AsyncStream<Api.Updates> = client.mtproto.updates
        let inbox: UpdatesInbox = self.inbox
        forwarder = Task {
            for await pushed in updates { inbox.push(.updates(pushed)) }
        }
        let me: Peer = try await client.me()
        let stored: UpdatesState? = try client.store.updatesState()
        var state: UpdatesState
        var removed: Set<Int64> = []
        if let stored, catchUp {
            state = stored
        } else {
            let remote: Api.updates.State = try await client.invoke(Api.functions.updates.GetState())
            state = UpdatesState(pts: remote.pts, qts: remote.qts, date: remote.date, seq: remote.seq)
            removed = Set(stored?.channels.keys ?? [:].keys)
            try client.store.commit(StoreChanges(state: state, removedChannels: removed))
        }
        state.channels = state.channels.filter { !removed.contains($0.key) }
        var machine: MessageBox = MessageBox(state: state, selfID: me.id.id, now: now, limits: options.limits)
        if stored != nil && catchUp { machine.requestDifference(now: now) }
        box = machine
        lastStored = state
        loop = Task { await self.run() }
    }

    /// Follows `channel` from `pts` unless it is followed already (``MessageBox/follow(channel:pts:now:)``),
    /// committing the new box before it returns.
    func follow(channel: Int64, pts: Int32) async {
        guard var machine = box else { return }
        let output: MessageBoxOutput = machine.follow(channel: channel, pts: pts, now: now)
        box = machine
        await emit(output)
    }

    /// Stops the loop and ends every subscription.
    func stop() {
        loop?.cancel()
        forwarder?.cancel()
        inbox.close()
        hub.finishAll()
        box = nil
        resumeCaughtUpWaiters()
    }

    /// Returns once no common difference is due or being fetched (at once when none is), after the
    /// batches it brought were handed to the subscriptions; also when the engine stops.
    func untilCaughtUp() async {
        guard loop != nil, box?.isFetchingDifference == true else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in caughtUpWaiters.append(continuation) }
    }

    private func resumeCaughtUpWaiters() {
        guard !caughtUpWaiters.isEmpty, box?.isFetchingDifference != true else { return }
        for waiter in caughtUpWaiters { waiter.resume() }
        caughtUpWaiters.removeAll()
    }

    /// Inputs taken from the inbox without waiting and committed together (when they queued up
    /// while the previous commit ran): one SQLite transaction for all of them.
    static let maximumStepsPerCommit: Int = 16

    private func run() async {
        while !Task.isCancelled {
            await performDueRequests()
            resumeCaughtUpWaiters()
            let deadline: ContinuousClock.Instant? = box?.nextDeadline.map { origin + .milliseconds(Int64(($0 * 1000).rounded(.up))) }
            guard let input = await inbox.next(deadline: deadline), let first = await step(input) else { return }
            var outputs: [MessageBoxOutput] = [first]
            // More inputs already waiting go into the same commit, unless a difference became due
            // (it is fetched first, as before).
            while outputs.count < Self.maximumStepsPerCommit, let machine = box, !machine.isFetchingDifference,
                  machine.channelFetches.isEmpty, let next = inbox.poll() {
                guard let output = await step(next) else { return }
                outputs.append(output)
            }
            await emit(outputs)
        }
    }

    /// Feeds one input to the box; nil once the box is gone.
    private func step(_ input: UpdatesInbox.Input) async -> MessageBoxOutput? {
        switch input {
        case .tick:
            return box == nil ? nil : MessageBoxOutput()
        case .affected(let pts, let count):
            guard var machine = box else { return nil }
            let output: MessageBoxOutput = machine.processAffected(pts: pts, count: count, now: now)
            box = machine
            return output
        case .updates(let updates):
            let known: Set<PeerID> = await knownPeers(in: updates)
            guard var machine = box else { return nil }
            let output: MessageBoxOutput = machine.process(updates, now: now) { known.contains($0) }
            box = machine
            return output
        }
    }

    /// The peers a short message names that can be addressed (api-flows §7.4).
    private func knownPeers(in updates: Api.Updates) async -> Set<PeerID> {
        var named: [PeerID] = []
        switch updates {
        case .updateShortMessage(let m):
            named = [.user(m.userId)] + (m.viaBotId.map { [PeerID.user($0)] } ?? [])
            if let from = m.fwdFrom?.fromId { named.append(PeerID(from)) }
        case .updateShortChatMessage(let m):
            named = [.chat(m.chatId), .user(m.fromId)] + (m.viaBotId.map { [PeerID.user($0)] } ?? [])
            if let from = m.fwdFrom?.fromId { named.append(PeerID(from)) }
        default:
            return []
        }
        var known: Set<PeerID> = []
        for id in named {
            guard let peer = try? await client.peers.peer(id) else { continue }
            if case .chat = id { known.insert(id) } else if !peer.isMin || peer.minContext != nil { known.insert(id) }
        }
        return known
    }

    private func performDueRequests() async {
        while !Task.isCancelled, let request = box?.nextRequest(now: now) {
            switch request {
            case .difference(let pts, let qts, let date):
                await fetchDifference(pts: pts, qts: qts, date: date)
            case .channelDifference(let channel, let pts, let limit):
                await fetchChannelDifference(channel, pts: pts, limit: limit)
            }
        }
    }

    private func fetchDifference(pts: Int32, qts: Int32, date: Int32) async {
        do {
            let difference: Api.updates.Difference = try await client.invoke(Api.functions.updates.GetDifference(pts: pts, date: date, qts: qts))
            guard var machine = box else { return }
            let output: MessageBoxOutput = machine.apply(difference: difference, now: now)
            box = machine
            await emit(output)
        } catch let error as RPCError where error.code == 400 {
            await resynchronise()
        } catch {
            box?.differenceFailed(now: now)
        }
    }

    /// The difference was refused (`PERSISTENT_TIMESTAMP_INVALID` and the like: the stored pts or
    /// date is no longer valid): the common box starts again from `updates.getState`, announced as
    /// ``UpdatesNotice/differenceTooLong(pts:)`` since the events in between are in no difference.
    private func resynchronise() async {
        do {
            let remote: Api.updates.State = try await client.invoke(Api.functions.updates.GetState())
            guard var machine = box else { return }
            let output: MessageBoxOutput = machine.reset(to: remote, now: now)
            box = machine
            await emit(output)
        } catch {
            box?.differenceFailed(now: now)
        }
    }

    private func fetchChannelDifference(_ channel: Int64, pts: Int32, limit: Int32) async {
        let input: Api.InputChannel
        do {
            input = try await client.peers.inputChannel(channel)
        } catch {
            guard var machine = box else { return }
            let output: MessageBoxOutput = machine.channelDifferenceFailed(channel: channel, .unaddressable, now: now)
            box = machine
            return await emit(output)
        }
        let output: MessageBoxOutput
        do {
            let difference: Api.updates.ChannelDifference = try await client.invoke(Api.functions.updates.GetChannelDifference(
                channel: input, filter: .channelMessagesFilterEmpty, pts: pts, limit: limit))
            guard var machine = box else { return }
            output = machine.apply(channelDifference: difference, channel: channel, now: now)
            box = machine
        } catch {
            let failure: ChannelDifferenceFailure = Self.isUnavailable(error) ? .unavailable : .transient
            guard var machine = box else { return }
            output = machine.channelDifferenceFailed(channel: channel, failure, now: now)
            box = machine
        }
        await emit(output)
    }

    /// The errors after which a channel cannot be followed any more.
    private static func isUnavailable(_ error: any Error) -> Bool {
        guard let rpc = error as? RPCError else { return false }
        return rpc.is(.channelPrivate) || rpc.is(.channelInvalid)
            || ["CHANNEL_PUBLIC_GROUP_NA", "USER_BANNED_IN_CHANNEL", "CHANNEL_BANNED"].contains(rpc.name)
    }

    /// Commits the steps' state with their peers (and whatever the commit hook adds for their
    /// updates) in one transaction, then hands each step's batch on, in order. When the commit
    /// fails, the box goes back to the stored state and fetches the difference (so nothing the
    /// consumers got is ahead of the store, and nothing is skipped).
    private func emit(_ output: MessageBoxOutput) async {
        await emit([output])
    }

    private func emit(_ steps: [MessageBoxOutput]) async {
        let outputs: [MessageBoxOutput] = steps.filter { !$0.isEmpty }
        guard !outputs.isEmpty, let machine = box else { return }
        var stateChanged: Bool = false
        do {
            var peers: [Peer] = []
            var combined: UpdateBatch = UpdateBatch()
            combined.updates.reserveCapacity(outputs.reduce(0) { (sum: Int, output: MessageBoxOutput) -> Int in sum + output.batch.updates.count })
            var changedChannels: Set<Int64> = []
            var removedChannels: Set<Int64> = []
            for output in outputs {
                let messages: [Api.Message] = output.batch.updates.compactMap(Api.Updates.message)
                // Merged step by step, as separate commits would: a later step's peer wins.
                peers += try await client.peers.merge(users: output.batch.users, chats: output.batch.chats, messages: messages)
                combined.updates += output.batch.updates
                combined.add(users: output.batch.users, chats: output.batch.chats)
                combined.notices += output.batch.notices
                stateChanged = stateChanged || output.stateChanged
                // A channel's last step decides whether it is stored or removed.
                changedChannels.subtract(output.removedChannels)
                removedChannels.subtract(output.changedChannels)
                changedChannels.formUnion(output.changedChannels)
                removedChannels.formUnion(output.removedChannels)
            }
            var state: UpdatesState? = nil
            if stateChanged {
                let channels: [Int64: Int32] = machine.state.channels.filter { changedChannels.contains($0.key) }
                state = UpdatesState(pts: machine.state.pts, qts: machine.state.qts, date: machine.state.date, seq: machine.state.seq, channels: channels)
            }
            let changes: StoreChanges = StoreChanges(
                state: state, removedChannels: removedChannels, peers: peers, updates: combined.isEmpty ? nil : combined)
            if !changes.isEmpty { try client.store.commit(changes) }
            if stateChanged { lastStored = machine.state }
        } catch {
            guard let lastStored else { return }
            var restored: MessageBox = MessageBox(state: lastStored, selfID: machine.selfID, now: now, limits: options.limits)
            restored.requestDifference(now: now + options.limits.retryDelay)
            box = restored
            return
        }
        for output in outputs where !output.batch.isEmpty { await hub.broadcast(output.batch) }
    }
}
