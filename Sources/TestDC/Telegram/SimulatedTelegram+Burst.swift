import Foundation
import NIOCore
import TLSchema

/// A burst of new messages pushed as fast as the server can (the updates benchmark's load).
extension SimulatedTelegram {
    /// Pushes `count` new messages to `owner`'s sessions in `updates` of `batch` messages each,
    /// alternating a batch from `sender` in their private chat (`updateNewMessage`, the next seq)
    /// with a batch of `sender`'s posts in `channel` (`updateNewChannelMessage`), every update with
    /// the next pts of its box so that no gap arises. Message `i` (from 0) has the text `text(i)`,
    /// asked for just before its batch is built. The messages are kept as any others (raise
    /// ``SimulatedLimits/messagesPerChat`` and ``SimulatedLimits/loggedMessages`` to keep them all).
    ///
    /// ``burstGroup`` `updates` at a time travel in one container (as Telegram sends several
    /// `updates` together); each group is serialized here and handed to the event loop without
    /// waiting, so the next group is built while the last one is encrypted and written, with at
    /// most ``burstGroupsInFlight`` groups waiting to be sent.
    public func pushBurst(count: Int, to owner: Int64, from sender: Int64, inChannel channel: Int64, batch: Int, text: @Sendable (Int) -> String) async {
        let size: Int = max(1, batch)
        // Room for the whole burst at once: growing these arrays by doubling copies them (and
        // touches fresh pages) again and again while the burst is timed.
        let privateCount: Int = (count + 1) / 2
        let ownerEvents: Int = boxes[owner]?.events.count ?? 0
        let senderEvents: Int = boxes[sender]?.events.count ?? 0
        let posts: Int = rooms.channels[channel]?.posts.count ?? 0
        let logged: Int = log.count
        log.reserveCapacity(logged + count)
        boxes[owner]?.events.reserveCapacity(ownerEvents + privateCount)
        boxes[sender]?.events.reserveCapacity(senderEvents + privateCount)
        rooms.channels[channel]?.posts.reserveCapacity(posts + count - privateCount)
        var next: Int = 0
        var privateTurn: Bool = true
        var group: [Api.Updates] = []
        group.reserveCapacity(Self.burstGroup)
        var inFlight: [EventLoopFuture<Void>] = []
        while next < count {
            let indices: Range<Int> = next ..< min(count, next + size)
            let updates: Api.Updates? = privateTurn
                ? privateBurst(indices.map(text), to: owner, from: sender) : channelBurst(indices.map(text), to: owner, from: sender, in: channel)
            guard let updates else { break }
            group.append(updates)
            next = indices.upperBound
            privateTurn.toggle()
            guard group.count == Self.burstGroup || next >= count else { continue }
            inFlight.append(server.enqueue(group, toUser: owner))
            group.removeAll(keepingCapacity: true)
            if inFlight.count > Self.burstGroupsInFlight { try? await inFlight.removeFirst().get() }
        }
        if !group.isEmpty { inFlight.append(server.enqueue(group, toUser: owner)) }
        for pushed in inFlight { try? await pushed.get() }
    }

    /// `updates` of a burst sent together, in one container.
    static let burstGroup: Int = 8
    /// Groups of a burst built ahead of the event loop's sending at most.
    static let burstGroupsInFlight: Int = 2

    private func privateBurst(_ texts: [String], to owner: Int64, from sender: Int64) -> Api.Updates? {
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var updates: [Api.Update] = []
        updates.reserveCapacity(texts.count)
        for text in texts {
            let draft: MessageDraft = MessageDraft(sender: sender, text: text, date: now)
            let origin: Int64 = newOrigin()
            _ = append(owner: sender, peer: .user(owner), draft: draft, origin: origin)
            let (id, pts): (Int32, Int32) = append(owner: owner, peer: .user(sender), draft: draft, origin: origin)
            record(SimulatedMessage(id: id, from: sender, to: owner, text: text, replyTo: nil, randomID: nil, hasMedia: false, date: now))
            guard let message = newestMessage(of: owner) else { return nil }
            updates.append(.updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: pts, ptsCount: 1)))
        }
        boxes[owner]?.seq += 1
        return .updates(Api.Updates.Updates(updates: updates, users: [user(sender, for: owner)], chats: [], date: now, seq: boxes[owner]?.seq ?? 0))
    }

    private func channelBurst(_ texts: [String], to owner: Int64, from sender: Int64, in channel: Int64) -> Api.Updates? {
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var posts: [ChannelPost] = []
        posts.reserveCapacity(texts.count)
        var updates: [Api.Update] = []
        updates.reserveCapacity(texts.count)
        for text in texts {
            guard let post = appendPost(channel, MessageDraft(sender: sender, text: text, date: now)), let room = rooms.channels[channel] else { return nil }
            record(SimulatedMessage(id: post.id, from: sender, to: -1_000_000_000_000 - channel, text: text, replyTo: nil, randomID: nil,
                                    hasMedia: false, date: now))
            posts.append(post)
            updates.append(.updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(
                message: channelMessage(post, in: room, for: owner), pts: room.pts, ptsCount: 1)))
        }
        return .updates(Api.Updates.Updates(
            updates: updates, users: users(of: posts, for: owner), chats: [channelChat(channel, for: owner)], date: now, seq: 0))
    }
}
