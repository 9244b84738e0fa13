import Telegram
import TLSchema

/// Builds the updates and answers the updates tests push or feed to the message box.
enum UpdateFactory {
    static func peerUser(_ id: Int64) -> Api.Peer { .peerUser(Api.Peer.PeerUser(userId: id)) }
    static func peerChannel(_ id: Int64) -> Api.Peer { .peerChannel(Api.Peer.PeerChannel(channelId: id)) }

    /// A private message from `from` (to the account) with this id.
    static func message(_ id: Int32, from: Int64, text: String = "", out: Bool = false, date: Int32 = 1_700_000_000) -> Api.Message {
        .message(Api.Message.Message(out: out, id: id, fromId: peerUser(out ? 1000 : from), peerId: peerUser(from), date: date, message: text.isEmpty ? "m\(id)" : text))
    }

    /// A post in a channel (from a user when `from` is given).
    static func channelMessage(_ id: Int32, channel: Int64, from: Int64? = nil, text: String = "") -> Api.Message {
        .message(Api.Message.Message(
            id: id, fromId: from.map(peerUser), peerId: peerChannel(channel), date: 1_700_000_000, message: text.isEmpty ? "c\(id)" : text))
    }

    static func newMessage(_ id: Int32, from: Int64 = 2001, pts: Int32, count: Int32 = 1, text: String = "", out: Bool = false) -> Api.Update {
        .updateNewMessage(Api.Update.UpdateNewMessage(message: message(id, from: from, text: text, out: out), pts: pts, ptsCount: count))
    }

    static func newChannelMessage(_ id: Int32, channel: Int64, pts: Int32, count: Int32 = 1, from: Int64? = nil, text: String = "") -> Api.Update {
        .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(message: channelMessage(id, channel: channel, from: from, text: text), pts: pts, ptsCount: count))
    }

    /// A user as Telegram sends it to the account.
    static func user(_ id: Int64, hash: Int64 = 77) -> Api.User {
        .user(Api.User.User(id: id, accessHash: hash, firstName: "User \(id)", username: "user\(id)"))
    }

    /// A channel (a supergroup with `megagroup`), or a left one.
    static func channel(_ id: Int64, megagroup: Bool = false, left: Bool = false, hash: Int64 = 99) -> Api.Chat {
        .channel(Api.Chat.Channel(left: left, broadcast: !megagroup, megagroup: megagroup, id: id, accessHash: hash, title: "Channel \(id)", photo: .chatPhotoEmpty, date: 1))
    }

    static func forbidden(_ id: Int64) -> Api.Chat {
        .channelForbidden(Api.Chat.ChannelForbidden(id: id, accessHash: 99, title: "Gone"))
    }

    /// `updates` with these updates and `seq`.
    static func container(_ updates: [Api.Update], seq: Int32 = 0, users: [Api.User] = [], chats: [Api.Chat] = [], date: Int32 = 1_700_000_000) -> Api.Updates {
        .updates(Api.Updates.Updates(updates: updates, users: users, chats: chats, date: date, seq: seq))
    }

    static func state(pts: Int32, qts: Int32 = 0, seq: Int32 = 0, date: Int32 = 1_700_000_100) -> Api.updates.State {
        Api.updates.State(pts: pts, qts: qts, date: date, seq: seq, unreadCount: 0)
    }

    static func difference(_ messages: [Api.Message], others: [Api.Update] = [], users: [Api.User] = [], chats: [Api.Chat] = [], pts: Int32, seq: Int32 = 0) -> Api.updates.Difference {
        .difference(Api.updates.Difference.Difference(
            newMessages: messages, newEncryptedMessages: [], otherUpdates: others, chats: chats, users: users, state: state(pts: pts, seq: seq)))
    }

    static func channelDifference(_ messages: [Api.Message], pts: Int32, final: Bool = true, others: [Api.Update] = [], chats: [Api.Chat] = []) -> Api.updates.ChannelDifference {
        .channelDifference(Api.updates.ChannelDifference.ChannelDifference(
            final: final, pts: pts, newMessages: messages, otherUpdates: others, chats: chats, users: []))
    }

    /// `channelDifferenceTooLong` whose dialog has `pts`, with `messages` (newest first, as Telegram sends them).
    static func channelTooLong(channel: Int64, pts: Int32, messages: [Api.Message], chats: [Api.Chat] = []) -> Api.updates.ChannelDifference {
        let dialog: Api.Dialog = .dialog(Api.Dialog.Dialog(
            peer: peerChannel(channel), topMessage: messages.first?.messageID ?? 0, readInboxMaxId: 0, readOutboxMaxId: 0, unreadCount: 0,
            unreadMentionsCount: 0, unreadReactionsCount: 0, unreadPollVotesCount: 0, notifySettings: Api.PeerNotifySettings(), pts: pts))
        return .channelDifferenceTooLong(Api.updates.ChannelDifference.ChannelDifferenceTooLong(
            final: true, dialog: dialog, messages: messages, chats: chats, users: []))
    }

    /// The texts of the new-message updates of `updates`, in order.
    static func texts(_ updates: [Api.Update]) -> [String] {
        updates.compactMap { (update: Api.Update) -> String? in
            switch update {
            case .updateNewMessage(let u): if case .message(let m) = u.message { return m.message }
            case .updateNewChannelMessage(let u): if case .message(let m) = u.message { return m.message }
            default: break
            }
            return nil
        }
    }

    /// The message ids of the new-message updates of `updates`, in order.
    static func messageIDs(_ updates: [Api.Update]) -> [Int32] {
        updates.compactMap { (update: Api.Update) -> Int32? in
            switch update {
            case .updateNewMessage(let u): return u.message.messageID
            case .updateNewChannelMessage(let u): return u.message.messageID
            default: return nil
            }
        }
    }
}
