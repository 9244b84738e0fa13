/// An account on the simulated Telegram.
public struct TestAccount: Sendable, Equatable {
    public var userID: Int64
    public var phone: String
    public var firstName: String
    public var username: String?
    /// The two-factor password, if the account has one (checked with real SRP).
    public var password: String?
    /// The DC the account lives on: `auth.sendCode` elsewhere answers `PHONE_MIGRATE_X`.
    public var homeDC: Int
    /// A bot account (its `user` has `bot`).
    public var isBot: Bool = false
    /// For a bot: its token (`<user id>:<secret>`), which `auth.importBotAuthorization` takes.
    public var botToken: String?
    /// An official support account.
    public var isSupport: Bool = false
    /// Marked as a scam.
    public var isScam: Bool = false
    /// Marked as fake.
    public var isFake: Bool = false
    /// A deleted account (no name, no username).
    public var isDeleted: Bool = false
    /// Verified by Telegram.
    public var isVerified: Bool = false
    /// The user ids in this account's contacts (mutual when the other has this one too).
    public var contacts: Set<Int64> = []
    /// How the login code is sent: `auth.sendCode` uses the first, each `auth.resendCode` the next
    /// (announced as `next_type` when it has a `CodeType`).
    public var codeTypes: [SimulatedCodeType]
    /// The `timeout` announced with a `next_type`, in seconds.
    public var codeTimeout: Int32?
    /// Seconds after which a sent code answers `PHONE_CODE_EXPIRED` (nil: never).
    public var codeLifetime: Double?
    /// The login email (`.email` codes go there; set by an email set-up).
    public var loginEmail: String?

    public init(
        userID: Int64, phone: String, firstName: String, username: String? = nil, password: String? = nil, homeDC: Int = 1,
        codeTypes: [SimulatedCodeType] = [.app], codeTimeout: Int32? = nil, codeLifetime: Double? = nil, loginEmail: String? = nil
    ) {
        self.userID = userID
        self.phone = phone
        self.firstName = firstName
        self.username = username
        self.password = password
        self.homeDC = homeDC
        self.codeTypes = codeTypes
        self.codeTimeout = codeTimeout
        self.codeLifetime = codeLifetime
        self.loginEmail = loginEmail
    }
}

/// A message the simulated Telegram holds.
public struct SimulatedMessage: Sendable, Equatable {
    public var id: Int32
    public var from: Int64
    public var to: Int64
    public var text: String
    public var replyTo: Int32?
    public var randomID: Int64?
    /// A photo without caption (`text` empty) or with one.
    public var hasMedia: Bool
    public var date: Int32
}

/// How a message reaches the recipient's sessions.
public enum PushForm: Sendable {
    /// `updates` with the sender in `users` (and a seq).
    case full
    /// `updateShortMessage` (no users vector: the client may not know the sender).
    case short
    /// Not pushed at all: the recipient only learns of it through a gap and `getDifference`.
    case none
}
