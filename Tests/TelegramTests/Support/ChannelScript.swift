import Foundation
import Telegram
import TestDC
import TLSchema

/// Channels for the updates tests, scripted on top of TestDC (which has no channels of its own):
/// posts get the channel's next pts and are pushed to the owner (or not, to open a gap), and
/// `updates.getChannelDifference` is answered from the posts as Telegram answers it (pages of
/// `limit`, `final` on the last), with `channelDifferenceTooLong` or `CHANNEL_PRIVATE` on demand.
actor ChannelScript {
    struct Channel {
        var id: Int64
        var accessHash: Int64
        var megagroup: Bool
        var pts: Int32 = 0
        var nextID: Int32 = 1
        var posts: [(pts: Int32, message: Api.Message)] = []
        /// `getChannelDifference` from a pts below this answers `channelDifferenceTooLong`.
        var tooLongBelow: Int32?
        var isPrivate: Bool = false
    }

    let server: TestDataCentre
    let owner: Int64
    private var channels: [Int64: Channel] = [:]
    /// Every `getChannelDifference` answered: channel, pts and limit asked with.
    private(set) var calls: [(channel: Int64, pts: Int32, limit: Int32)] = []

    init(server: TestDataCentre, owner: Int64) {
        self.server = server
        self.owner = owner
    }

    /// Adds a channel (a supergroup with `megagroup`) and answers `getChannelDifference`.
    func add(_ id: Int64, megagroup: Bool = false) async {
        channels[id] = Channel(id: id, accessHash: 40_000 + id, megagroup: megagroup)
        await server.handle(Api.functions.updates.GetChannelDifference.self) { [self] in await self.answer($0) }
    }

    /// The channel as the owner sees it.
    func chat(_ id: Int64) -> Api.Chat {
        let channel: Channel = channels[id]!
        return UpdateFactory.channel(id, megagroup: channel.megagroup, hash: channel.accessHash)
    }

    /// Posts `text` (from `from` when given); pushed to the owner unless `push` is false. Returns its id.
    @discardableResult
    func post(_ text: String, in id: Int64, from: Int64? = nil, push: Bool = true) async -> Int32 {
        guard var channel = channels[id] else { return 0 }
        channel.pts += 1
        let messageID: Int32 = channel.nextID
        channel.nextID += 1
        let message: Api.Message = UpdateFactory.channelMessage(messageID, channel: id, from: from, text: text)
        channel.posts.append((channel.pts, message))
        channels[id] = channel
        if push {
            let update: Api.Update = .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(message: message, pts: channel.pts, ptsCount: 1))
            await server.push(UpdateFactory.container([update], chats: [chat(id)]), toUser: owner)
        }
        return messageID
    }

    /// From now on a difference from below the current pts is "too long".
    func forgetHistory(of id: Int64) {
        let pts: Int32? = channels[id]?.pts
        channels[id]?.tooLongBelow = pts
    }

    /// From now on the channel answers `CHANNEL_PRIVATE` (the account was banned or it went private).
    func makePrivate(_ id: Int64) { channels[id]?.isPrivate = true }

    func pts(of id: Int64) -> Int32 { channels[id]?.pts ?? 0 }

    private func answer(_ context: HandlerContext) -> HandlerOutcome {
        guard context.userID == owner, let call = context.function as? Api.functions.updates.GetChannelDifference,
              case .inputChannel(let input) = call.channel, let channel = channels[input.channelId], input.accessHash == channel.accessHash else {
            return .error(code: 400, message: "CHANNEL_INVALID")
        }
        calls.append((channel.id, call.pts, call.limit))
        if channel.isPrivate { return .error(code: 400, message: "CHANNEL_PRIVATE") }
        if let below = channel.tooLongBelow, call.pts < below {
            let latest: [Api.Message] = channel.posts.suffix(3).reversed().map(\.message)
            return .value(UpdateFactory.channelTooLong(channel: channel.id, pts: channel.pts, messages: latest, chats: [chat(channel.id)]))
        }
        let newer: [(pts: Int32, message: Api.Message)] = channel.posts.filter { $0.pts > call.pts }
        guard let last = newer.prefix(Int(call.limit)).last else {
            return .value(Api.updates.ChannelDifference.channelDifferenceEmpty(
                Api.updates.ChannelDifference.ChannelDifferenceEmpty(final: true, pts: channel.pts, timeout: 30)))
        }
        let page: ArraySlice<(pts: Int32, message: Api.Message)> = newer.prefix(Int(call.limit))
        return .value(UpdateFactory.channelDifference(page.map(\.message), pts: last.pts, final: newer.count <= page.count, chats: [chat(channel.id)]))
    }
}
