import MTProto

/// The name of an RPC error, without the number some names carry: `FLOOD_WAIT_17` is
/// ``floodWait`` with the value 17 on its ``MTProto/RPCError``. The names the client layer acts on
/// have a case; every other name is kept as ``other(_:)``, so matching never loses one.
///
/// See <https://core.telegram.org/api/errors>.
public enum RPCErrorName: Hashable, Sendable, CustomStringConvertible {
    /// `FLOOD_WAIT_X`: wait X seconds before calling this method again.
    case floodWait
    /// `FLOOD_PREMIUM_WAIT_X`: the same, for a limit Telegram Premium would lift.
    case floodPremiumWait
    /// `FLOOD_TEST_PHONE_WAIT_X`: the flood wait of test numbers on the test servers.
    case floodTestPhoneWait
    /// `SLOWMODE_WAIT_X`: the chat's slow mode allows the next message in X seconds.
    case slowModeWait
    /// `2FA_CONFIRM_WAIT_X`: deleting an account with a password is possible in X seconds.
    case twoFactorConfirmWait
    /// `PHONE_MIGRATE_X`: the phone number's account lives on DC X.
    case phoneMigrate
    /// `FILE_MIGRATE_X`: the file is stored on DC X.
    case fileMigrate
    /// `USER_MIGRATE_X`: the user's account lives on DC X.
    case userMigrate
    /// `NETWORK_MIGRATE_X`: the client should use DC X from this network.
    case networkMigrate
    /// `STATS_MIGRATE_X`: the channel's statistics are on DC X.
    case statsMigrate
    /// `AUTH_KEY_UNREGISTERED`: the key is not logged in.
    case authKeyUnregistered
    /// `SESSION_PASSWORD_NEEDED`: the account has a 2FA password.
    case sessionPasswordNeeded
    /// `PEER_ID_INVALID`: the peer is unknown, or its access hash is wrong.
    case peerIDInvalid
    /// `USERNAME_NOT_OCCUPIED`: nobody has that username.
    case usernameNotOccupied
    /// `USERNAME_INVALID`: the text cannot be a username.
    case usernameInvalid
    /// `PHONE_NOT_OCCUPIED`: no account has that number (or it is hidden from the caller).
    case phoneNotOccupied
    /// `MESSAGE_ID_INVALID`: no such message, or not one the caller may touch.
    case messageIDInvalid
    /// `MESSAGE_NOT_MODIFIED`: an edit that changes nothing.
    case messageNotModified
    /// `MESSAGE_EMPTY`: a message without text or media.
    case messageEmpty
    /// `MESSAGE_TOO_LONG`: a text over 4,096 UTF-16 units.
    case messageTooLong
    /// `RANDOM_ID_DUPLICATE`: a message with this `random_id` was already sent.
    case randomIDDuplicate
    /// `CHAT_WRITE_FORBIDDEN`: the account may not write in the chat.
    case chatWriteForbidden
    /// `CHANNEL_PRIVATE`: the channel is private to the account (left, banned or never joined).
    case channelPrivate
    /// `CHANNEL_INVALID`: the channel id or its access hash is wrong.
    case channelInvalid
    /// `USER_IS_BLOCKED`: the user blocked the account.
    case userIsBlocked
    /// `INPUT_USER_DEACTIVATED`: the user deleted their account.
    case inputUserDeactivated
    /// `MSG_ID_INVALID`: the message id given is not valid (forwarding, pinning).
    case msgIDInvalid
    /// `TIMEOUT`: the server gave up waiting for an internal answer (transient).
    case timeout
    /// `RPC_CALL_FAIL`: an internal call failed (transient).
    case rpcCallFail
    /// `INTERNAL`: some other internal server error (transient).
    case internalError
    /// Any other name, as the server spelled it without its number.
    case other(String)

    /// The case for a name as ``MTProto/RPCError/name`` holds it (without the trailing number).
    public init(_ name: String) {
        self = Self.known[name] ?? .other(name)
    }

    /// The name as Telegram spells it, without a number (`FLOOD_WAIT`, `2FA_CONFIRM_WAIT`).
    public var rawValue: String {
        switch self {
        case .floodWait: return "FLOOD_WAIT"
        case .floodPremiumWait: return "FLOOD_PREMIUM_WAIT"
        case .floodTestPhoneWait: return "FLOOD_TEST_PHONE_WAIT"
        case .slowModeWait: return "SLOWMODE_WAIT"
        case .twoFactorConfirmWait: return "2FA_CONFIRM_WAIT"
        case .phoneMigrate: return "PHONE_MIGRATE"
        case .fileMigrate: return "FILE_MIGRATE"
        case .userMigrate: return "USER_MIGRATE"
        case .networkMigrate: return "NETWORK_MIGRATE"
        case .statsMigrate: return "STATS_MIGRATE"
        case .authKeyUnregistered: return "AUTH_KEY_UNREGISTERED"
        case .sessionPasswordNeeded: return "SESSION_PASSWORD_NEEDED"
        case .peerIDInvalid: return "PEER_ID_INVALID"
        case .usernameNotOccupied: return "USERNAME_NOT_OCCUPIED"
        case .usernameInvalid: return "USERNAME_INVALID"
        case .phoneNotOccupied: return "PHONE_NOT_OCCUPIED"
        case .messageIDInvalid: return "MESSAGE_ID_INVALID"
        case .messageNotModified: return "MESSAGE_NOT_MODIFIED"
        case .messageEmpty: return "MESSAGE_EMPTY"
        case .messageTooLong: return "MESSAGE_TOO_LONG"
        case .randomIDDuplicate: return "RANDOM_ID_DUPLICATE"
        case .chatWriteForbidden: return "CHAT_WRITE_FORBIDDEN"
        case .channelPrivate: return "CHANNEL_PRIVATE"
        case .channelInvalid: return "CHANNEL_INVALID"
        case .userIsBlocked: return "USER_IS_BLOCKED"
        case .inputUserDeactivated: return "INPUT_USER_DEACTIVATED"
        case .msgIDInvalid: return "MSG_ID_INVALID"
        case .timeout: return "TIMEOUT"
        case .rpcCallFail: return "RPC_CALL_FAIL"
        case .internalError: return "INTERNAL"
        case .other(let name): return name
        }
    }

    public var description: String { rawValue }

    /// Every named case, by its spelling.
    private static let known: [String: RPCErrorName] = {
        let all: [RPCErrorName] = [
            .floodWait, .floodPremiumWait, .floodTestPhoneWait, .slowModeWait, .twoFactorConfirmWait, .phoneMigrate, .fileMigrate,
            .userMigrate, .networkMigrate, .statsMigrate, .authKeyUnregistered, .sessionPasswordNeeded, .peerIDInvalid,
            .usernameNotOccupied, .usernameInvalid, .phoneNotOccupied, .messageIDInvalid, .messageNotModified, .messageEmpty,
            .messageTooLong, .randomIDDuplicate, .chatWriteForbidden, .channelPrivate, .channelInvalid, .userIsBlocked,
            .inputUserDeactivated, .msgIDInvalid, .timeout, .rpcCallFail, .internalError,
        ]
        var table: [String: RPCErrorName] = [:]
        for name in all { table[name.rawValue] = name }
        return table
    }()
}
