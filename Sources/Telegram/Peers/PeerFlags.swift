import TLSchema

/// What Telegram says about a peer, as of the newest full constructor seen: the user flags
/// (bot, contact, premium, …) and the channel flags (broadcast, megagroup, creator, left, …).
public struct PeerFlags: OptionSet, Sendable, Hashable {
    /// The stored bit pattern (the `flags` column of `tg_peers`).
    public let rawValue: Int64

    /// Flags from their stored bit pattern; unknown bits are kept.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// The account itself (`user.self`).
    public static let isSelf: PeerFlags = PeerFlags(rawValue: 1 << 0)
    /// A bot account.
    public static let bot: PeerFlags = PeerFlags(rawValue: 1 << 1)
    /// In the account's contacts.
    public static let contact: PeerFlags = PeerFlags(rawValue: 1 << 2)
    /// In the account's contacts, and the account in theirs.
    public static let mutualContact: PeerFlags = PeerFlags(rawValue: 1 << 3)
    /// A deleted account.
    public static let deleted: PeerFlags = PeerFlags(rawValue: 1 << 4)
    /// Verified by Telegram.
    public static let verified: PeerFlags = PeerFlags(rawValue: 1 << 5)
    /// An official support account.
    public static let support: PeerFlags = PeerFlags(rawValue: 1 << 6)
    /// Marked as a scam.
    public static let scam: PeerFlags = PeerFlags(rawValue: 1 << 7)
    /// Marked as impersonating someone.
    public static let fake: PeerFlags = PeerFlags(rawValue: 1 << 8)
    /// A Telegram Premium user.
    public static let premium: PeerFlags = PeerFlags(rawValue: 1 << 9)
    /// A broadcast channel.
    public static let broadcast: PeerFlags = PeerFlags(rawValue: 1 << 16)
    /// A supergroup.
    public static let megagroup: PeerFlags = PeerFlags(rawValue: 1 << 17)
    /// A gigagroup (broadcast group).
    public static let gigagroup: PeerFlags = PeerFlags(rawValue: 1 << 18)
    /// The account created the group or channel.
    public static let creator: PeerFlags = PeerFlags(rawValue: 1 << 19)
    /// The account left the group or channel.
    public static let left: PeerFlags = PeerFlags(rawValue: 1 << 20)
    /// The group or channel is forbidden to the account (`chatForbidden`, `channelForbidden`: banned or private).
    public static let forbidden: PeerFlags = PeerFlags(rawValue: 1 << 21)
    /// A basic group that was deactivated (upgraded to a supergroup).
    public static let deactivated: PeerFlags = PeerFlags(rawValue: 1 << 22)
    /// A forum (topics).
    public static let forum: PeerFlags = PeerFlags(rawValue: 1 << 23)

    /// The flags a `user` constructor carries.
    public init(_ user: Api.User.User) {
        var flags: PeerFlags = []
        let pairs: [(Bool, PeerFlags)] = [
            (user.isSelf, .isSelf), (user.bot, .bot), (user.contact, .contact), (user.mutualContact, .mutualContact),
            (user.deleted, .deleted), (user.verified, .verified), (user.support, .support), (user.scam, .scam), (user.fake, .fake),
            (user.premium, .premium),
        ]
        for (set, flag) in pairs where set { flags.insert(flag) }
        self = flags
    }

    /// The flags a `channel` constructor carries.
    public init(_ channel: Api.Chat.Channel) {
        var flags: PeerFlags = []
        let pairs: [(Bool, PeerFlags)] = [
            (channel.broadcast, .broadcast), (channel.megagroup, .megagroup), (channel.gigagroup, .gigagroup), (channel.creator, .creator),
            (channel.left, .left), (channel.verified, .verified), (channel.scam, .scam), (channel.fake, .fake), (channel.forum, .forum),
        ]
        for (set, flag) in pairs where set { flags.insert(flag) }
        self = flags
    }

    /// The flags a user's `min` constructor carries reliably: who the user is, not how the account
    /// relates to them (contact flags are not sent in `min` users).
    static let identity: PeerFlags = [.bot, .deleted, .verified, .support, .scam, .fake, .premium]
}
