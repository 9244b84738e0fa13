import Foundation
import Telegram

/// Who gets an answer (`USERBOT_REPLY_TO`, `USERBOT_DENY`), decided from the sender's stored peer.
///
/// Never answered, whatever the configuration says: bots (two auto-responders would answer each
/// other for ever, each turn a paid model call), Telegram's support, scam, fake and deleted
/// accounts, Telegram's service accounts (777000 for login codes and notifications, 42777), the
/// account itself (Saved Messages), and anyone on the deny list.
public struct ReplyPolicy: Sendable, Equatable {
    /// A person named in the configuration: by user id, or by username (without `@`, any case).
    public enum Person: Sendable, Hashable {
        case id(Int64)
        case username(String)

        /// Parses `12345`, `@name` or `name`; nil for anything else (a username is 4–32 letters,
        /// digits and underscores, starting with a letter, as Telegram allows).
        public init?(_ text: String) {
            let trimmed: Substring = Substring(text.trimmingCharacters(in: .whitespaces))
            if let id = Int64(trimmed), id > 0 {
                self = .id(id)
                return
            }
            let name: Substring = trimmed.hasPrefix("@") ? trimmed.dropFirst() : trimmed
            guard (4 ... 32).contains(name.count), let first = name.first, first.isASCII, first.isLetter,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
            self = .username(name.lowercased())
        }

        func matches(userID: Int64, username: String?) -> Bool {
            switch self {
            case .id(let id): return id == userID
            case .username(let name): return username?.lowercased() == name
            }
        }
    }

    /// Whom the bot answers, among those it may answer at all.
    public enum Audience: Sendable, Equatable {
        /// Every person who writes (the default).
        case everyone
        /// Only the account's contacts.
        case contacts
        /// Only mutual contacts (each has the other in their contacts).
        case mutualContacts
        /// Only these people.
        case only([Person])
    }

    /// Why a message gets no answer.
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        case bot
        case support
        case scam
        case fake
        case deleted
        case serviceAccount
        case ownAccount
        case denied
        case notInAudience

        public var description: String {
            switch self {
            case .bot: return "the sender is a bot"
            case .support: return "the sender is a Telegram support account"
            case .scam: return "the sender is marked as a scam"
            case .fake: return "the sender is marked as fake"
            case .deleted: return "the sender's account is deleted"
            case .serviceAccount: return "the sender is a Telegram service account"
            case .ownAccount: return "the message is from the account itself"
            case .denied: return "the sender is on USERBOT_DENY"
            case .notInAudience: return "the sender is not among USERBOT_REPLY_TO"
            }
        }
    }

    /// Telegram's service accounts: notifications and login codes (777000), and 42777.
    public static let serviceUserIDs: Set<Int64> = [777_000, 42_777]

    /// Whom the bot answers (`USERBOT_REPLY_TO`).
    public var audience: Audience
    /// People never answered (`USERBOT_DENY`).
    public var deny: [Person]

    /// Answers everyone who may be answered, with nobody denied, unless told otherwise.
    public init(audience: Audience = .everyone, deny: [Person] = []) {
        self.audience = audience
        self.deny = deny
    }

    /// Whether `userID` gets an answer: nil when it does, otherwise why not. `peer` is the stored
    /// user (nil when nothing is known about it yet: only `everyone` can answer such a sender, and
    /// only after its peer is known is the model called); `selfID` is the logged-in account.
    public func refusal(userID: Int64, peer: Peer?, selfID: Int64) -> Refusal? {
        if userID == selfID { return .ownAccount }
        if Self.serviceUserIDs.contains(userID) { return .serviceAccount }
        let flags: PeerFlags = peer?.flags ?? []
        if flags.contains(.bot) { return .bot }
        if flags.contains(.support) { return .support }
        if flags.contains(.scam) { return .scam }
        if flags.contains(.fake) { return .fake }
        if flags.contains(.deleted) { return .deleted }
        let username: String? = peer?.username
        if deny.contains(where: { $0.matches(userID: userID, username: username) }) { return .denied }
        switch audience {
        case .everyone: return nil
        case .contacts: return flags.contains(.contact) || flags.contains(.mutualContact) ? nil : .notInAudience
        case .mutualContacts: return flags.contains(.mutualContact) ? nil : .notInAudience
        case .only(let people): return people.contains(where: { $0.matches(userID: userID, username: username) }) ? nil : .notInAudience
        }
    }
}
