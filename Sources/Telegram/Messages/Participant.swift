import TLSchema

/// A member of a group or channel.
public struct Participant: Sendable {
    /// What the member may do there.
    public enum Role: Sendable, Equatable {
        /// It created the chat.
        case creator
        /// An administrator.
        case admin
        /// An ordinary member.
        case member
        /// Banned or restricted (only admins see these).
        case banned
    }

    /// The member's user id.
    public var userID: Int64
    /// The user, as Telegram sent it along.
    public var user: Api.User?
    /// Its role.
    public var role: Role
    /// When it joined (unix seconds); nil when Telegram does not say (creators).
    public var joinedAt: Int32?

    /// A participant.
    public init(userID: Int64, user: Api.User?, role: Role, joinedAt: Int32?) {
        self.userID = userID
        self.user = user
        self.role = role
        self.joinedAt = joinedAt
    }
}
