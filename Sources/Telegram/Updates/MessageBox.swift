import TLSchema

/// The message-box state machine of [updates](https://core.telegram.org/api/updates) as a plain
/// value: the common box (`pts`), the secondary box (`qts`), `seq`/`date`, and one box per
/// channel. It checks every update against its box (apply, drop a duplicate, or hold a gap for
/// ``MessageBoxLimits/gapTimeout`` before asking for the difference), unpacks the short forms,
/// checks the `seq` of containers, and tells its driver which difference to fetch
/// (``nextRequest(now:)``). Time is passed in (seconds on any monotonic scale); nothing here does I/O.
public struct MessageBox: Sendable {
    /// The state after everything applied so far.
    public internal(set) var state: UpdatesState
    /// Timings and bounds.
    public let limits: MessageBoxLimits
    /// The logged-in user (the sender of outgoing short messages).
    public let selfID: Int64

    /// An update held back by a gap (or while its box's difference is due).
    struct Pending: Sendable {
        var position: BoxPosition
        /// Nil for position-only events (`updateShortSentMessage`, affected messages).
        var update: Api.Update?
        var users: [Api.User]
        var chats: [Api.Chat]
    }

    /// A difference to fetch: due from a time on, or asked for and not answered yet.
    enum Fetch: Equatable, Sendable {
        case due(at: Double)
        case inFlight
    }

    var pending: [UpdateBox: [Pending]] = [:]
    var gapDeadlines: [UpdateBox: Double] = [:]
    var bufferedCount: Int = 0
    var commonFetch: Fetch?
    var channelFetches: [Int64: Fetch] = [:]
    /// Boxes whose difference in flight may miss an update dropped on overflow: one more round.
    var fetchAgain: Set<UpdateBox> = []
    var failures: [UpdateBox: Int] = [:]
    var lastActivity: Double
    /// When each channel last moved (the oldest is dropped past ``MessageBoxLimits/maximumChannels``).
    var channelActivity: [Int64: Double] = [:]

    /// Starts from a stored state (channels beyond the limit are not followed); nothing is due
    /// until an update, a gap, the silence timeout or ``requestDifference(now:)``.
    public init(state: UpdatesState, selfID: Int64, now: Double, limits: MessageBoxLimits = MessageBoxLimits()) {
        var kept: UpdatesState = state
        if kept.channels.count > limits.maximumChannels {
            kept.channels = Dictionary(uniqueKeysWithValues: kept.channels.sorted { $0.key < $1.key }.prefix(limits.maximumChannels).map { ($0.key, $0.value) })
        }
        self.state = kept
        self.selfID = selfID
        self.limits = limits
        self.lastActivity = now
        for channel in kept.channels.keys { channelActivity[channel] = now }
    }

    /// How many updates are held for gaps.
    public var heldCount: Int { bufferedCount }

    /// Whether a common difference is due or being fetched.
    public var isFetchingDifference: Bool { commonFetch != nil }

    /// The channels whose difference is due or being fetched.
    public var channelsFetching: Set<Int64> { Set(channelFetches.keys) }

    // MARK: Input

    /// Processes one `Updates` (pushed, or the result of a method). `isKnown` tells whether a peer
    /// can be addressed: a short message naming an unknown one is incomplete, and the difference
    /// (which carries its users) is fetched instead.
    public mutating func process(_ updates: Api.Updates, now: Double, isKnown: (PeerID) -> Bool = { _ in true }) -> MessageBoxOutput {
        var out: MessageBoxOutput = MessageBoxOutput()
        lastActivity = now
        switch updates {
        case .updatesTooLong:
            requestFetch(.common, now: now)
        case .updateShort(let u):
            apply(u.update, users: [], chats: [], now: now, out: &out)
            if commonFetch == nil { state.date = max(state.date, u.date) }
        case .updateShortMessage(let m):
            let referenced: [PeerID] = [.user(m.userId)] + Self.referencedPeers(m.fwdFrom, m.viaBotId)
            guard referenced.allSatisfy(isKnown) else {
                requestFetch(.common, now: now)
                break
            }
            apply(.updateNewMessage(Api.Update.UpdateNewMessage(message: shortMessage(m), pts: m.pts, ptsCount: m.ptsCount)),
                  users: [], chats: [], now: now, out: &out)
        case .updateShortChatMessage(let m):
            let referenced: [PeerID] = [.chat(m.chatId), .user(m.fromId)] + Self.referencedPeers(m.fwdFrom, m.viaBotId)
            guard referenced.allSatisfy(isKnown) else {
                requestFetch(.common, now: now)
                break
            }
            apply(.updateNewMessage(Api.Update.UpdateNewMessage(message: Self.shortChatMessage(m), pts: m.pts, ptsCount: m.ptsCount)),
                  users: [], chats: [], now: now, out: &out)
        case .updateShortSentMessage(let m):
            applyPositioned(Pending(position: BoxPosition(box: .common, pts: m.pts, count: m.ptsCount), update: nil, users: [], chats: []),
                            now: now, out: &out, fromBuffer: false)
        case .updates(let u):
            container(u.updates, users: u.users, chats: u.chats, date: u.date, seqStart: u.seq, seq: u.seq, now: now, out: &out)
        case .updatesCombined(let u):
            container(u.updates, users: u.users, chats: u.chats, date: u.date, seqStart: u.seqStart, seq: u.seq, now: now, out: &out)
        }
        return out
    }

    /// `messages.affectedMessages` / `affectedHistory` of a method: moves the common box (or, for
    /// a channel method, that channel's box).
    public mutating func processAffected(pts: Int32, count: Int32, channel: Int64? = nil, now: Double) -> MessageBoxOutput {
        var out: MessageBoxOutput = MessageBoxOutput()
        let box: UpdateBox = channel.map { .channel($0) } ?? .common
        applyPositioned(Pending(position: BoxPosition(box: box, pts: pts, count: count), update: nil, users: [], chats: []),
                        now: now, out: &out, fromBuffer: false)
        return out
    }

    /// A difference is wanted now (start-up catch-up, reconnect).
    public mutating func requestDifference(now: Double) {
        requestFetch(.common, now: now)
    }

    private mutating func container(
        _ updates: [Api.Update], users: [Api.User], chats: [Api.Chat], date: Int32, seqStart: Int32, seq: Int32, now: Double,
        out: inout MessageBoxOutput
    ) {
        var ordered: Bool = true
        if commonFetch == nil && seqStart != 0 {
            if state.seq + 1 > seqStart { return }  // applied already
            if state.seq + 1 < seqStart {
                // A container is missing: the difference brings the common box; the channel
                // updates here are still checked against their own boxes.
                requestFetch(.common, now: now)
                ordered = false
            }
        }
        out.batch.add(users: users, chats: chats)
        out.batch.updates.reserveCapacity(out.batch.updates.count + updates.count)
        for update in updates { apply(update, users: users, chats: chats, now: now, out: &out) }
        guard ordered, commonFetch == nil else { return }
        if seq != 0 { state.seq = seq }
        state.date = max(state.date, date)
        out.stateChanged = true
    }

    /// One update of a container (or of a difference's `other_updates`).
    mutating func apply(_ update: Api.Update, users: [Api.User], chats: [Api.Chat], now: Double, out: inout MessageBoxOutput) {
        switch update.ordering {
        case .unordered:
            out.batch.updates.append(update)
        case .positioned(let position):
            applyPositioned(Pending(position: position, update: update, users: users, chats: chats), now: now, out: &out, fromBuffer: false)
        case .channelTooLong(let channel, let pts):
            out.batch.updates.append(update)
            if state.channels[channel] == nil {
                // Nothing to fetch from: follow the channel from where it is.
                if let pts { setPosition(.channel(channel), pts, now: now, out: &out) }
            } else {
                requestFetch(.channel(channel), now: now)
            }
        case .channelChanged(let channel):
            out.batch.updates.append(update)
            if chats.contains(where: { Self.isGone($0, channel) }) { drop(channel, reason: .left, out: &out) }
        }
    }

    /// api-flows §7.3 for one box.
    mutating func applyPositioned(_ item: Pending, now: Double, out: inout MessageBoxOutput, fromBuffer: Bool) {
        let box: UpdateBox = item.position.box
        if isFetching(box) {
            hold(item, now: now, out: &out, armDeadline: false)
            return
        }
        guard let local = position(box) else {
            // A channel seen for the first time: follow it from here.
            setPosition(box, item.position.pts, now: now, out: &out)
            deliver(item, out: &out, withPeers: fromBuffer)
            return
        }
        let expected: Int32 = local &+ item.position.count
        if expected == item.position.pts {
            setPosition(box, item.position.pts, now: now, out: &out)
            deliver(item, out: &out, withPeers: fromBuffer)
            drain(box, now: now, out: &out)
        } else if expected < item.position.pts {
            hold(item, now: now, out: &out, armDeadline: true)
        }
        // Otherwise applied already: dropped.
    }

    /// Holds an update for a gap; past the bound, the box's difference is fetched instead.
    private mutating func hold(_ item: Pending, now: Double, out: inout MessageBoxOutput, armDeadline: Bool) {
        let box: UpdateBox = item.position.box
        guard bufferedCount < limits.maximumBuffered else {
            discardPending(box)
            if isInFlight(box) { fetchAgain.insert(fetchBox(box)) }
            requestFetch(box, now: now)
            return
        }
        pending[box, default: []].append(item)
        bufferedCount += 1
        if armDeadline && gapDeadlines[box] == nil { gapDeadlines[box] = now + limits.gapTimeout }
    }

    /// Applies held updates of `box` that became contiguous; the gap closes when none is left.
    private mutating func drain(_ box: UpdateBox, now: Double, out: inout MessageBoxOutput) {
        guard var held = pending[box], !held.isEmpty else { return }
        held.sort { ($0.position.pts &- $0.position.count) < ($1.position.pts &- $1.position.count) }
        var kept: [Pending] = []
        for item in held {
            guard kept.isEmpty, let local = position(box) else {
                kept.append(item)
                continue
            }
            let expected: Int32 = local &+ item.position.count
            if expected == item.position.pts {
                setPosition(box, item.position.pts, now: now, out: &out)
                deliver(item, out: &out, withPeers: true)
            } else if expected < item.position.pts {
                kept.append(item)
            }
        }
        bufferedCount -= held.count - kept.count
        pending[box] = kept.isEmpty ? nil : kept
        if kept.isEmpty { gapDeadlines[box] = nil }
    }

    /// Takes the held updates of `box` out and runs them through the rules again (after its
    /// difference: those it brought are dropped as duplicates).
    mutating func replay(_ box: UpdateBox, now: Double, out: inout MessageBoxOutput) {
        guard var held = pending.removeValue(forKey: box) else { return }
        bufferedCount -= held.count
        gapDeadlines[box] = nil
        held.sort { ($0.position.pts &- $0.position.count) < ($1.position.pts &- $1.position.count) }
        for item in held { applyPositioned(item, now: now, out: &out, fromBuffer: true) }
    }

    mutating func discardPending(_ box: UpdateBox) {
        bufferedCount -= pending.removeValue(forKey: box)?.count ?? 0
        gapDeadlines[box] = nil
    }

    private func deliver(_ item: Pending, out: inout MessageBoxOutput, withPeers: Bool) {
        guard let update = item.update else { return }
        if withPeers { out.batch.add(users: item.users, chats: item.chats) }
        out.batch.updates.append(update)
    }

    // MARK: Positions

    func position(_ box: UpdateBox) -> Int32? {
        switch box {
        case .common: return state.pts
        case .secondary: return state.qts
        case .channel(let id): return state.channels[id]
        }
    }

    mutating func setPosition(_ box: UpdateBox, _ pts: Int32, now: Double, out: inout MessageBoxOutput) {
        out.stateChanged = true
        switch box {
        case .common: state.pts = pts
        case .secondary: state.qts = pts
        case .channel(let id):
            if state.channels[id] == nil { makeRoomForChannel(besides: id, out: &out) }
            state.channels[id] = pts
            channelActivity[id] = now
            out.changedChannels.insert(id)
            out.removedChannels.remove(id)
        }
    }

    private mutating func makeRoomForChannel(besides id: Int64, out: inout MessageBoxOutput) {
        guard state.channels.count >= limits.maximumChannels else { return }
        let idle: Int64? = state.channels.keys.filter { $0 != id && channelFetches[$0] != .inFlight }
            .min { (channelActivity[$0] ?? 0, $0) < (channelActivity[$1] ?? 0, $1) }
        if let idle { drop(idle, reason: .evicted, out: &out) }
    }

    /// Forgets a channel's box: its pts, held updates and difference.
    mutating func drop(_ channel: Int64, reason: ChannelDropReason, out: inout MessageBoxOutput) {
        let box: UpdateBox = .channel(channel)
        let wasFollowed: Bool = state.channels.removeValue(forKey: channel) != nil
        channelFetches[channel] = nil
        channelActivity[channel] = nil
        fetchAgain.remove(box)
        failures[box] = nil
        discardPending(box)
        out.changedChannels.remove(channel)
        guard wasFollowed else { return }
        out.removedChannels.insert(channel)
        out.stateChanged = true
        out.batch.notices.append(.channelDropped(channel: channel, reason: reason))
    }

    // MARK: Helpers

    /// The common and secondary boxes are fetched together by `updates.getDifference`.
    func fetchBox(_ box: UpdateBox) -> UpdateBox {
        if case .channel = box { return box }
        return .common
    }

    func isInFlight(_ box: UpdateBox) -> Bool {
        switch box {
        case .common, .secondary: return commonFetch == .inFlight
        case .channel(let id): return channelFetches[id] == .inFlight
        }
    }

    func isFetching(_ box: UpdateBox) -> Bool {
        switch box {
        case .common, .secondary: return commonFetch != nil
        case .channel(let id): return channelFetches[id] != nil
        }
    }

    /// Makes the difference of `box` due now (unless it is already due or asked for).
    mutating func requestFetch(_ box: UpdateBox, now: Double) {
        switch fetchBox(box) {
        case .channel(let id):
            guard state.channels[id] != nil, channelFetches[id] == nil else { return }
            channelFetches[id] = .due(at: now)
            gapDeadlines[box] = nil
        default:
            guard commonFetch == nil else { return }
            commonFetch = .due(at: now)
            gapDeadlines[.common] = nil
            gapDeadlines[.secondary] = nil
        }
    }

    private static func isGone(_ chat: Api.Chat, _ channel: Int64) -> Bool {
        switch chat {
        case .channelForbidden(let c): return c.id == channel
        case .channel(let c): return c.id == channel && c.left
        default: return false
        }
    }

    private static func referencedPeers(_ forward: Api.MessageFwdHeader?, _ viaBot: Int64?) -> [PeerID] {
        var peers: [PeerID] = viaBot.map { [.user($0)] } ?? []
        if let from = forward?.fromId { peers.append(PeerID(from)) }
        return peers
    }

    private func shortMessage(_ m: Api.Updates.UpdateShortMessage) -> Api.Message {
        .message(Api.Message.Message(
            out: m.out, mentioned: m.mentioned, mediaUnread: m.mediaUnread, silent: m.silent, id: m.id,
            fromId: .peerUser(Api.Peer.PeerUser(userId: m.out ? selfID : m.userId)), peerId: .peerUser(Api.Peer.PeerUser(userId: m.userId)),
            fwdFrom: m.fwdFrom, viaBotId: m.viaBotId, replyTo: m.replyTo, date: m.date, message: m.message, entities: m.entities,
            ttlPeriod: m.ttlPeriod))
    }

    private static func shortChatMessage(_ m: Api.Updates.UpdateShortChatMessage) -> Api.Message {
        .message(Api.Message.Message(
            out: m.out, mentioned: m.mentioned, mediaUnread: m.mediaUnread, silent: m.silent, id: m.id,
            fromId: .peerUser(Api.Peer.PeerUser(userId: m.fromId)), peerId: .peerChat(Api.Peer.PeerChat(chatId: m.chatId)),
            fwdFrom: m.fwdFrom, viaBotId: m.viaBotId, replyTo: m.replyTo, date: m.date, message: m.message, entities: m.entities,
            ttlPeriod: m.ttlPeriod))
    }
}
