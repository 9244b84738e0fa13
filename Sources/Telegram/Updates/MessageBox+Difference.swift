import TLSchema

extension MessageBox {
    // MARK: What to fetch

    /// The next call to make, if one is due at `now` (a gap past its deadline, the silence
    /// timeout, a difference asked for or to continue); it counts as being fetched until answered.
    public mutating func nextRequest(now: Double) -> UpdatesRequest? {
        checkDeadlines(now: now)
        if case .due(let at)? = commonFetch, at <= now {
            commonFetch = .inFlight
            return .difference(pts: state.pts, qts: state.qts, date: max(state.date, 1))
        }
        let due: [(channel: Int64, at: Double)] = channelFetches.compactMap { (channel: Int64, fetch: Fetch) in
            if case .due(let at) = fetch, at <= now { return (channel, at) }
            return nil
        }
        guard let next = due.min(by: { ($0.at, $0.channel) < ($1.at, $1.channel) }), let pts = state.channels[next.channel] else { return nil }
        channelFetches[next.channel] = .inFlight
        return .channelDifference(channel: next.channel, pts: pts, limit: limits.channelDifferenceLimit)
    }

    /// When ``nextRequest(now:)`` may next have something: the earliest gap deadline, due
    /// difference or silence timeout; nil while only answers are awaited.
    public var nextDeadline: Double? {
        var times: [Double] = Array(gapDeadlines.values)
        if case .due(let at)? = commonFetch { times.append(at) }
        for case .due(let at) in channelFetches.values { times.append(at) }
        if commonFetch == nil { times.append(lastActivity + limits.idleTimeout) }
        return times.min()
    }

    private mutating func checkDeadlines(now: Double) {
        for (box, deadline) in gapDeadlines where deadline <= now { requestFetch(box, now: now) }
        if commonFetch == nil && now >= lastActivity + limits.idleTimeout {
            lastActivity = now
            requestFetch(.common, now: now)
        }
    }

    // MARK: The common difference

    /// Applies the answer to `updates.getDifference`. Messages come first (as new-message updates
    /// without pts), then the other updates (channel ones checked against their boxes,
    /// `updateChannelTooLong` making that channel's difference due); a slice or
    /// `differenceTooLong` makes the next round due at once.
    public mutating func apply(difference: Api.updates.Difference, now: Double) -> MessageBoxOutput {
        var out: MessageBoxOutput = MessageBoxOutput()
        failures[.common] = nil
        lastActivity = now
        out.stateChanged = true
        switch difference {
        case .differenceEmpty(let d):
            state.date = d.date
            state.seq = d.seq
            finishCommon(now: now, out: &out)
        case .difference(let d):
            absorb(d.newMessages, d.newEncryptedMessages, d.otherUpdates, users: d.users, chats: d.chats, now: now, out: &out)
            take(d.state)
            finishCommon(now: now, out: &out)
        case .differenceSlice(let d):
            absorb(d.newMessages, d.newEncryptedMessages, d.otherUpdates, users: d.users, chats: d.chats, now: now, out: &out)
            take(d.intermediateState)
            commonFetch = .due(at: now)
        case .differenceTooLong(let d):
            state.pts = d.pts
            out.batch.notices.append(.differenceTooLong(pts: d.pts))
            commonFetch = .due(at: now)
        }
        return out
    }

    /// The server refused the difference (the state is no longer valid): the common box takes
    /// `remote` (from `updates.getState`) and the step carries
    /// ``UpdatesNotice/differenceTooLong(pts:)``, as the events in between will come in no difference.
    public mutating func reset(to remote: Api.updates.State, now: Double) -> MessageBoxOutput {
        var out: MessageBoxOutput = MessageBoxOutput()
        failures[.common] = nil
        lastActivity = now
        out.stateChanged = true
        take(remote)
        out.batch.notices.append(.differenceTooLong(pts: remote.pts))
        finishCommon(now: now, out: &out)
        return out
    }

    /// The difference could not be fetched: it is asked again after a backoff.
    public mutating func differenceFailed(now: Double) {
        commonFetch = .due(at: now + backoff(.common))
    }

    private mutating func take(_ remote: Api.updates.State) {
        state.pts = remote.pts
        state.qts = remote.qts
        state.date = remote.date
        state.seq = remote.seq
    }

    private mutating func finishCommon(now: Double, out: inout MessageBoxOutput) {
        if fetchAgain.remove(.common) != nil {
            commonFetch = .due(at: now)
            return
        }
        commonFetch = nil
        replay(.common, now: now, out: &out)
        replay(.secondary, now: now, out: &out)
    }

    private mutating func absorb(
        _ messages: [Api.Message], _ encrypted: [Api.EncryptedMessage], _ others: [Api.Update], users: [Api.User], chats: [Api.Chat],
        now: Double, out: inout MessageBoxOutput
    ) {
        out.batch.add(users: users, chats: chats)
        for message in messages { out.batch.updates.append(Self.newMessageUpdate(message)) }
        for message in encrypted {
            out.batch.updates.append(.updateNewEncryptedMessage(Api.Update.UpdateNewEncryptedMessage(message: message, qts: 0)))
        }
        for update in others {
            switch update.ordering {
            case .positioned(let position):
                if case .channel = position.box {
                    apply(update, users: users, chats: chats, now: now, out: &out)
                } else {
                    out.batch.updates.append(update)  // part of the difference
                }
            case .channelTooLong, .channelChanged, .unordered:
                apply(update, users: users, chats: chats, now: now, out: &out)
            }
        }
    }

    /// A message fetched by a difference, as the update it would have come in (pts 0).
    static func newMessageUpdate(_ message: Api.Message) -> Api.Update {
        if case .channel? = message.chat {
            return .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(message: message, pts: 0, ptsCount: 0))
        }
        return .updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: 0, ptsCount: 0))
    }

    mutating func backoff(_ box: UpdateBox) -> Double {
        let attempt: Int = failures[box] ?? 0
        failures[box] = attempt + 1
        var delay: Double = limits.retryDelay
        for _ in 0 ..< min(attempt, 16) { delay *= 2 }
        return min(delay, limits.maximumRetryDelay)
    }
}
