import TLSchema

extension MessageBox {
    /// Follows `channel` from `pts` (from its dialog) if it is not followed yet, so that what is
    /// posted after that point is fetched even when the first sign of it is an
    /// `updateChannelTooLong` (which, for a channel without a box, can only start the box where the
    /// channel is now). A channel already followed keeps its box.
    public mutating func follow(channel: Int64, pts: Int32, now: Double) -> MessageBoxOutput {
        var out: MessageBoxOutput = MessageBoxOutput()
        guard state.channels[channel] == nil else { return out }
        setPosition(.channel(channel), pts, now: now, out: &out)
        return out
    }

    /// Applies the answer to `updates.getChannelDifference` for `channel`: its messages (as
    /// new-channel-message updates without pts) and other updates, then its new pts. Not `final`:
    /// the next round is due at once. `channelDifferenceTooLong` resets the box to the pts of the
    /// dialog it carries, hands on the latest messages it holds (oldest first) and reports
    /// ``UpdatesNotice/channelReset(channel:pts:)``. The `timeout` is not used: a channel is not
    /// polled once its difference is final (updates for it arrive on their own).
    public mutating func apply(channelDifference: Api.updates.ChannelDifference, channel: Int64, now: Double) -> MessageBoxOutput {
        var out: MessageBoxOutput = MessageBoxOutput()
        let box: UpdateBox = .channel(channel)
        failures[box] = nil
        guard state.channels[channel] != nil else {
            channelFetches[channel] = nil  // dropped meanwhile
            return out
        }
        let final: Bool
        switch channelDifference {
        case .channelDifferenceEmpty(let d):
            setPosition(box, d.pts, now: now, out: &out)
            final = d.final
        case .channelDifference(let d):
            out.batch.add(users: d.users, chats: d.chats)
            for message in d.newMessages { out.batch.updates.append(Self.newMessageUpdate(message)) }
            for update in d.otherUpdates {
                if case .positioned(let position) = update.ordering, position.box == box {
                    out.batch.updates.append(update)  // part of this difference
                } else {
                    apply(update, users: d.users, chats: d.chats, now: now, out: &out)
                }
            }
            if state.channels[channel] == nil { return out }  // an updateChannel inside dropped it
            setPosition(box, d.pts, now: now, out: &out)
            final = d.final
        case .channelDifferenceTooLong(let d):
            out.batch.add(users: d.users, chats: d.chats)
            let latest: [Api.Message] = d.messages.sorted { $0.messageID < $1.messageID }
            for message in latest { out.batch.updates.append(Self.newMessageUpdate(message)) }
            if case .dialog(let dialog) = d.dialog, let pts = dialog.pts {
                setPosition(box, pts, now: now, out: &out)
                out.batch.notices.append(.channelReset(channel: channel, pts: pts))
            }
            discardPending(box)  // older than the reset
            final = d.final
        }
        if final {
            finishChannel(channel, now: now, out: &out)
        } else {
            channelFetches[channel] = .due(at: now)
        }
        return out
    }

    /// The channel's difference could not be fetched (see ``ChannelDifferenceFailure``).
    public mutating func channelDifferenceFailed(channel: Int64, _ failure: ChannelDifferenceFailure, now: Double) -> MessageBoxOutput {
        var out: MessageBoxOutput = MessageBoxOutput()
        switch failure {
        case .unavailable:
            drop(channel, reason: .unavailable, out: &out)
        case .unaddressable:
            channelFetches[channel] = nil
            fetchAgain.remove(.channel(channel))
            skipGap(channel, now: now, out: &out)
            out.batch.notices.append(.channelGapSkipped(channel: channel))
        case .transient:
            if state.channels[channel] != nil { channelFetches[channel] = .due(at: now + backoff(.channel(channel))) }
        }
        return out
    }

    private mutating func finishChannel(_ channel: Int64, now: Double, out: inout MessageBoxOutput) {
        let box: UpdateBox = .channel(channel)
        if fetchAgain.remove(box) != nil {
            channelFetches[channel] = .due(at: now)
            return
        }
        channelFetches[channel] = nil
        replay(box, now: now, out: &out)
    }

    /// Applies the held updates of a channel in order, jumping over what is missing.
    private mutating func skipGap(_ channel: Int64, now: Double, out: inout MessageBoxOutput) {
        let box: UpdateBox = .channel(channel)
        guard var held = pending.removeValue(forKey: box) else { return }
        bufferedCount -= held.count
        gapDeadlines[box] = nil
        held.sort { $0.position.pts < $1.position.pts }
        for item in held where item.position.pts > (state.channels[channel] ?? .min) {
            setPosition(box, item.position.pts, now: now, out: &out)
            if let update = item.update {
                out.batch.add(users: item.users, chats: item.chats)
                out.batch.updates.append(update)
            }
        }
    }
}
