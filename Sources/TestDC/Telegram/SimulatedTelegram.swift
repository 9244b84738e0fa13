import Foundation
import MTProto
import MTProtoServer
import TLSchema

/// A small Telegram on top of the test DC, enough for a userbot: accounts with login codes and
/// optional 2FA (real SRP), users flagged as Telegram flags them (bots, support, scam, fake,
/// deleted) and contacts, message boxes with pts/seq, `getState`/`getDifference` (with
/// `pts_total_limit` and `differenceTooLong` as Telegram answers them), dialogs, history and read
/// receipts, `sendMessage` (random_id deduplicated), typing, and scripted people writing to an
/// account (or its owner writing and reading "on the phone"), pushed in the form a test chooses
/// (full `updates`, `updateShortMessage`, or not at all to open a gap).
public actor SimulatedTelegram {
    public let server: TestDataCentre
    /// The code every `auth.sendCode` "sends".
    public nonisolated let loginCode: String
    var accounts: [Int64: TestAccount] = [:]
    private var verifiers: [Int64: SRPVerifier] = [:]
    private var challenges: [Int64: SRPVerifier.Challenge] = [:]
    /// Codes sent, future auth tokens and scripted login failures (SimulatedLogin.swift).
    var login: SimulatedLoginState = SimulatedLoginState()
    /// Keys that passed the code but still owe the password: key → user.
    var awaitingPassword: [Int64: Int64] = [:]
    var boxes: [Int64: Box] = [:]
    var sentRandomIDs: [Int64: Set<Int64>] = [:]
    var log: [SimulatedMessage] = []
    private var typing: [Int64: Int] = [:]

    private var typingCancels: [Int64: Int] = [:]
    private var readCalls: [Int64: [(peer: Int64, maxID: Int32)]] = [:]
    /// The usernames and phones asked with `contacts.resolveUsername` / `contacts.resolvePhone`, in order.
    var resolveCalls: [String] = []
    /// The `messages.deleteMessages` calls made, per user: the ids and whether `revoke` was set.
    var deleteCalls: [Int64: [(ids: [Int32], revoke: Bool)]] = [:]
    /// Per user: a pts below which `getDifference` answers `differenceTooLong` (the server no
    /// longer has those updates).
    var differenceHorizon: [Int64: Int32] = [:]
    /// Basic groups, channels, archives and the simulation's limits (SimulatedChats.swift).
    var rooms: SimulatedRooms = SimulatedRooms()
    /// Per user: an action to run once, in a task of its own, at the user's next `updates.getState`.
    private var stateHooks: [Int64: @Sendable () async -> Void] = [:]
    /// Uploads, stored photos and documents, file references (Files/).
    var files: SimulatedFileStore = SimulatedFileStore()
    /// Per user: the stored photo that is its profile photo.
    var profilePhotos: [Int64: Int64] = [:]

    struct Box {
        var pts: Int32 = 0
        var seq: Int32 = 0
        var nextID: Int32 = 1
        var events: [BoxEvent] = []
        /// Per private chat or basic group: the highest incoming message id the owner read.
        var readInbox: [SimulatedPeer: Int32] = [:]
    }

    /// One event of a common box: a message as the owner sees it, or another update (a read receipt).
    struct BoxEvent {
        /// The box's pts after the event.
        var pts: Int32
        var message: Api.Message?
        var update: Api.Update?
        /// The private chat's other user, or the basic group.
        var peer: SimulatedPeer
        var date: Int32
        /// The same serial in every box's copy of one message (0 for other updates).
        var origin: Int64 = 0
    }

    public init(server: TestDataCentre, loginCode: String = "12345") {
        self.server = server
        self.loginCode = loginCode
    }

    /// Adds an account.
    public func add(_ account: TestAccount) {
        accounts[account.userID] = account
        boxes[account.userID] = Box()
        if let password = account.password {
            verifiers[account.userID] = SRPVerifier(
                password: password, salt1: SystemEntropy().randomBytes(count: 40), salt2: SystemEntropy().randomBytes(count: 16), g: 3,
                p: DHParameters.knownPrime)
        }
    }

    /// Every message sent so far, in order (replies included).
    public var messages: [SimulatedMessage] { log }

    /// Messages `user` sent.
    public func messages(from user: Int64) -> [SimulatedMessage] { log.filter { $0.from == user } }

    /// How many typing notifications `user` sent.
    public func typingCount(of user: Int64) -> Int { typing[user] ?? 0 }

    /// How many times `user` cancelled its typing action (`sendMessageCancelAction`).
    public func typingCancelCount(of user: Int64) -> Int { typingCancels[user] ?? 0 }

    /// The `messages.readHistory` calls `user` made, in order.
    public func readHistoryCalls(of user: Int64) -> [(peer: Int64, maxID: Int32)] { readCalls[user] ?? [] }

    /// The highest message id `owner` has read in the private chat with `peer`.
    public func readInboxMaxID(of owner: Int64, with peer: Int64) -> Int32 { boxes[owner]?.readInbox[.user(peer)] ?? 0 }

    /// From now on `getDifference` from a pts below the current one of `user` answers
    /// `updates.differenceTooLong`, as Telegram does when the updates in between are gone.
    public func forgetUpdates(of user: Int64) {
        differenceHorizon[user] = boxes[user]?.pts ?? 0
    }

    /// Changes an account (its flags, contacts, …); the change shows in every later `user` object.
    public func update(_ userID: Int64, _ change: (inout TestAccount) -> Void) {
        guard var account = accounts[userID] else { return }
        change(&account)
        accounts[userID] = account
    }

    /// The account's common-box pts.
    public func pts(of user: Int64) -> Int32 { boxes[user]?.pts ?? 0 }

    /// Takes the next pts of `user`'s box for an update a test pushes by hand; returns it.
    public func reservePts(of user: Int64) -> Int32 {
        boxes[user]?.pts += 1
        return boxes[user]?.pts ?? 0
    }

    /// Runs `action` once, in a task of its own, when `user` next calls `updates.getState` (what a
    /// client does when it has logged in and starts following updates).
    public func whenNextAskingState(_ user: Int64, _ action: @escaping @Sendable () async -> Void) {
        stateHooks[user] = action
    }

    /// Registers the handlers on the server.
    public func install() async {
        await server.handle(Api.functions.auth.SendCode.self) { [self] in await self.sendCode($0) }
        await server.handle(Api.functions.auth.ResendCode.self) { [self] in await self.resendCode($0) }
        await server.handle(Api.functions.auth.SignIn.self) { [self] in await self.signIn($0) }
        await server.handle(Api.functions.account.SendVerifyEmailCode.self) { [self] in await self.sendVerifyEmailCode($0) }
        await server.handle(Api.functions.account.VerifyEmail.self) { [self] in await self.verifyEmail($0) }
        await server.handle(Api.functions.account.GetPassword.self) { [self] in await self.getPassword($0) }
        await server.handle(Api.functions.auth.CheckPassword.self) { [self] in await self.checkPassword($0) }
        await server.handle(Api.functions.auth.LogOut.self) { [self] in await self.logOut($0) }
        await server.handle(Api.functions.users.GetUsers.self) { [self] in await self.getUsers($0) }
        await server.handle(Api.functions.updates.GetState.self) { [self] in await self.getState($0) }
        await server.handle(Api.functions.updates.GetDifference.self) { [self] in await self.getDifference($0) }
        await server.handle(Api.functions.messages.SendMessage.self) { [self] in await self.sendMessage($0) }
        await server.handle(Api.functions.messages.SetTyping.self) { [self] in await self.setTyping($0) }
        await server.handle(Api.functions.messages.ReadHistory.self) { [self] in await self.readHistory($0) }
        await installContacts()
        await installBotAndQRLogin()
        await installMessageChanges()
        await installRooms()
        await installFiles()
    }

    // MARK: People writing

    /// `from` writes `text` to `to`; returns the message id in the recipient's box. `date` (unix
    /// seconds) backdates the message; default now.
    @discardableResult
    public func deliver(
        from: Int64, to: Int64, text: String, hasMedia: Bool = false, push form: PushForm = .full, date: Int32? = nil
    ) async -> Int32 {
        let now: Int32 = date ?? Int32(Date().timeIntervalSince1970)
        let draft: MessageDraft = MessageDraft(sender: from, text: text, hasMedia: hasMedia, date: now)
        let origin: Int64 = newOrigin()
        _ = append(owner: from, peer: .user(to), draft: draft, origin: origin)
        let (id, pts): (Int32, Int32) = append(owner: to, peer: .user(from), draft: draft, origin: origin)
        record(SimulatedMessage(id: id, from: from, to: to, text: text, replyTo: nil, randomID: nil, hasMedia: hasMedia, date: now))
        await push(id: id, pts: pts, owner: to, peer: from, out: false, text: text, hasMedia: hasMedia, date: now, form: form)
        return id
    }

    /// The owner of `owner` writes `text` to `to` from another device (the phone): an outgoing
    /// message in the owner's box, pushed to the owner's sessions. Returns its id in the owner's box.
    @discardableResult
    public func writeFromPhone(owner: Int64, to: Int64, text: String, push form: PushForm = .full) async -> Int32 {
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        let draft: MessageDraft = MessageDraft(sender: owner, text: text, date: now)
        let origin: Int64 = newOrigin()
        let (id, pts): (Int32, Int32) = append(owner: owner, peer: .user(to), draft: draft, origin: origin)
        if to != owner { _ = append(owner: to, peer: .user(owner), draft: draft, origin: origin) }
        record(SimulatedMessage(id: id, from: owner, to: to, text: text, replyTo: nil, randomID: nil, hasMedia: false, date: now))
        await push(id: id, pts: pts, owner: owner, peer: to, out: true, text: text, hasMedia: false, date: now, form: form)
        return id
    }

    /// The owner of `owner` reads the chat with `peer` up to `maxID` on another device: a read
    /// receipt in the owner's box, pushed to the owner's sessions unless `form` is `.none`.
    public func readOnPhone(owner: Int64, peer: Int64, maxID: Int32, push form: PushForm = .full) async {
        _ = markRead(owner: owner, peer: .user(peer), maxID: maxID)
        guard form != .none, let update = boxes[owner]?.events.last?.update else { return }
        boxes[owner]?.seq += 1
        await server.push(.updates(Api.Updates.Updates(
            updates: [update], users: [user(peer, for: owner)], chats: [], date: Int32(Date().timeIntervalSince1970), seq: boxes[owner]?.seq ?? 0)),
            toUser: owner)
    }

    func push(
        id: Int32, pts: Int32, owner: Int64, peer: Int64, out: Bool, text: String, hasMedia: Bool, date: Int32, form: PushForm
    ) async {
        switch form {
        case .none:
            break
        case .short where !hasMedia:
            await server.push(.updateShortMessage(Api.Updates.UpdateShortMessage(
                out: out, id: id, userId: peer, message: text, pts: pts, ptsCount: 1, date: date)), toUser: owner)
        case .full, .short:
            guard let message = boxes[owner]?.events.last?.message else { return }
            boxes[owner]?.seq += 1
            let update: Api.Update = .updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: pts, ptsCount: 1))
            await server.push(.updates(Api.Updates.Updates(
                updates: [update], users: [user(peer, for: owner)], chats: [], date: date, seq: boxes[owner]?.seq ?? 0)), toUser: owner)
        }
    }

    // MARK: Users

    /// The access hash `viewer` sees for `target`.
    public nonisolated func accessHash(of target: Int64, for viewer: Int64) -> Int64 {
        Int64(bitPattern: (UInt64(bitPattern: target) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(bitPattern: viewer))
    }

    func user(_ id: Int64, for viewer: Int64) -> Api.User {
        guard let account = accounts[id] else { return .userEmpty(Api.User.UserEmpty(id: id)) }
        let contact: Bool = accounts[viewer]?.contacts.contains(id) == true
        let mutual: Bool = contact && account.contacts.contains(viewer)
        return .user(Api.User.User(
            isSelf: id == viewer, contact: contact, mutualContact: mutual, deleted: account.isDeleted, bot: account.isBot,
            verified: account.isVerified, support: account.isSupport, scam: account.isScam, fake: account.isFake, id: id,
            accessHash: accessHash(of: id, for: viewer), firstName: account.isDeleted ? nil : account.firstName,
            username: account.isDeleted ? nil : account.username, phone: id == viewer || mutual ? account.phone : nil,
            photo: profilePhoto(of: id)))
    }

    // MARK: Login

    private func getPassword(_ context: HandlerContext) -> HandlerOutcome {
        let userID: Int64? = context.userID ?? awaitingPassword[context.authKeyID]
        let noAlgo: Api.PasswordKdfAlgo = .passwordKdfAlgoUnknown
        guard let userID, let verifier = verifiers[userID] else {
            return .value(Api.account.Password(newAlgo: noAlgo, newSecureAlgo: .securePasswordKdfAlgoUnknown, secureRandom: [1, 2, 3]))
        }
        let challenge: SRPVerifier.Challenge = verifier.challenge(entropy: SystemEntropy())
        challenges[userID] = challenge
        let algo: Api.PasswordKdfAlgo = .passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
            Api.PasswordKdfAlgo.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
                salt1: verifier.salt1, salt2: verifier.salt2, g: verifier.g, p: verifier.p))
        return .value(Api.account.Password(
            hasPassword: true, currentAlgo: algo, srpB: challenge.srpB, srpId: challenge.srpID, hint: "the usual one", newAlgo: noAlgo,
            newSecureAlgo: .securePasswordKdfAlgoUnknown, secureRandom: [1, 2, 3]))
    }

    private func checkPassword(_ context: HandlerContext) async -> HandlerOutcome {
        guard let call = context.function as? Api.functions.auth.CheckPassword,
              case .inputCheckPasswordSRP(let answer) = call.password else { return .error(code: 400, message: "PASSWORD_EMPTY") }
        guard let userID = awaitingPassword[context.authKeyID], let verifier = verifiers[userID] else {
            return .error(code: 400, message: "PASSWORD_EMPTY")
        }
        guard let challenge = challenges[userID], challenge.srpID == answer.srpId else { return .error(code: 400, message: "SRP_ID_INVALID") }
        challenges[userID] = nil
        guard verifier.verify(A: answer.a, M1: answer.m1, challenge: challenge) else { return .error(code: 400, message: "PASSWORD_HASH_INVALID") }
        awaitingPassword[context.authKeyID] = nil
        return await authorize(context, userID)
    }

    // MARK: Logged-in methods

    private func getUsers(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.users.GetUsers else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let users: [Api.User] = call.id.map { (input: Api.InputUser) -> Api.User in
            switch input {
            case .inputUserSelf: return user(me, for: me)
            case .inputUser(let u): return user(u.userId, for: me)
            default: return .userEmpty(Api.User.UserEmpty(id: 0))
            }
        }
        return .vector(users)
    }

    private func getState(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let box = boxes[me] else { return .error(code: 401, message: "AUTH_KEY_UNREGISTERED") }
        if let hook = stateHooks.removeValue(forKey: me) { Task { await hook() } }
        return .value(Api.updates.State(pts: box.pts, qts: 0, date: Int32(Date().timeIntervalSince1970), seq: box.seq, unreadCount: 0))
    }

    private func getDifference(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let box = boxes[me], let call = context.function as? Api.functions.updates.GetDifference else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        // As Telegram: past `pts_total_limit`, or from a pts whose updates are gone, the difference
        // is "too long" and only the new pts is given.
        let overLimit: Bool = call.ptsTotalLimit.map { box.pts - call.pts > $0 } ?? false
        if overLimit || call.pts < (differenceHorizon[me] ?? 0) {
            return .value(Api.updates.Difference.differenceTooLong(Api.updates.Difference.DifferenceTooLong(pts: box.pts)))
        }
        let newer: [BoxEvent] = box.events.filter { $0.pts > call.pts }
        // As Telegram: channels with posts since the state's date are named by updateChannelTooLong
        // (their own boxes are not in this difference; the client asks each with getChannelDifference).
        let busyChannels: [SimulatedChannel] = rooms.channels.values.filter { (channel: SimulatedChannel) -> Bool in
            channel.isMember(me) && (channel.posts.last?.draft.date ?? 0) >= call.date
        }.sorted { $0.id < $1.id }
        if newer.isEmpty && busyChannels.isEmpty {
            return .value(Api.updates.Difference.differenceEmpty(Api.updates.Difference.DifferenceEmpty(date: now, seq: box.seq)))
        }
        let limit: Int = 50
        let page: ArraySlice<BoxEvent> = newer.prefix(limit)
        var (users, chats): ([Api.User], [Api.Chat]) = peers(of: Array(page), for: me)
        let last: Int32 = page.last?.pts ?? box.pts
        let state: Api.updates.State = Api.updates.State(pts: last, qts: 0, date: now, seq: box.seq, unreadCount: 0)
        let messages: [Api.Message] = page.compactMap(\.message).map(withCurrentFileReferences)
        var others: [Api.Update] = page.compactMap(\.update)
        for channel in busyChannels {
            others.append(.updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: channel.id, pts: channel.pts)))
            chats.append(channelChat(channel.id, for: me))
        }
        if newer.count > limit {
            return .value(Api.updates.Difference.differenceSlice(Api.updates.Difference.DifferenceSlice(
                newMessages: messages, newEncryptedMessages: [], otherUpdates: others, chats: chats, users: users, intermediateState: state)))
        }
        return .value(Api.updates.Difference.difference(Api.updates.Difference.Difference(
            newMessages: messages, newEncryptedMessages: [], otherUpdates: others, chats: chats, users: users, state: state)))
    }

    private func sendMessage(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.SendMessage else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let target: Int64
        switch call.peer {
        case .inputPeerSelf:
            target = me
        case .inputPeerUser(let peer) where accounts[peer.userId] != nil && peer.accessHash == accessHash(of: peer.userId, for: me):
            target = peer.userId
        case .inputPeerChat, .inputPeerChannel, .inputPeerChannelFromMessage:
            return await sendToRoom(call, from: me)
        default:
            return .error(code: 400, message: "PEER_ID_INVALID")
        }
        guard !call.message.isEmpty else { return .error(code: 400, message: "MESSAGE_EMPTY") }
        if isRandomIDTaken(call.randomId, by: me) { return .error(code: 400, message: "RANDOM_ID_DUPLICATE") }
        var replyTo: Int32? = nil
        if case .inputReplyToMessage(let r)? = call.replyTo { replyTo = r.replyToMsgId }
        let (id, pts, now): (Int32, Int32, Int32) = recordSent(from: me, to: target, text: call.message, replyTo: replyTo, randomID: call.randomId)
        // As Telegram does, the recipient's sessions are told at once (its box got the message too).
        if target != me, let delivered = boxes[target]?.events.last, let copy = delivered.message {
            await push(id: Self.id(of: copy), pts: delivered.pts, owner: target, peer: me, out: false, text: call.message, hasMedia: false, date: now, form: .full)
        }
        return .value(Api.Updates.updateShortSentMessage(Api.Updates.UpdateShortSentMessage(out: true, id: id, pts: pts, ptsCount: 1, date: now)))
    }

    /// `from` sent `text` to `to` with `randomID` from a session that then died before it saw the
    /// answer (a crash right after `sendMessage`): the message exists, its random_id is taken, and
    /// nobody was told. Returns its id in the sender's box.
    @discardableResult
    public func sentBeforeACrash(from: Int64, to: Int64, text: String, replyTo: Int32?, randomID: Int64) -> Int32 {
        recordSent(from: from, to: to, text: text, replyTo: replyTo, randomID: randomID).id
    }

    private func recordSent(from me: Int64, to target: Int64, text: String, replyTo: Int32?, randomID: Int64) -> (id: Int32, pts: Int32, date: Int32) {
        sentRandomIDs[me, default: []].insert(randomID)
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        let origin: Int64 = newOrigin()
        let (id, pts): (Int32, Int32) = append(owner: me, peer: .user(target), draft: MessageDraft(sender: me, text: text, replyTo: replyTo, date: now), origin: origin)
        if target != me { _ = append(owner: target, peer: .user(me), draft: MessageDraft(sender: me, text: text, date: now), origin: origin) }
        record(SimulatedMessage(id: id, from: me, to: target, text: text, replyTo: replyTo, randomID: randomID, hasMedia: false, date: now))
        return (id, pts, now)
    }

    private func setTyping(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.SetTyping else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        if case .sendMessageCancelAction = call.action { typingCancels[me, default: 0] += 1 } else { typing[me, default: 0] += 1 }
        return .bool(true)
    }

    private func readHistory(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.ReadHistory else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let peer: SimulatedPeer
        switch resolve(call.peer, for: me) {
        case .success(.channel): return .error(code: 400, message: "PEER_ID_INVALID")
        case .success(let found): peer = found
        case .failure(let error): return .error(code: error.code, message: error.message)
        }
        if case .user(let user) = peer { readCalls[me, default: []].append((user, call.maxId)) }
        let pts: Int32 = markRead(owner: me, peer: peer, maxID: call.maxId)
        return .value(Api.messages.AffectedMessages(pts: pts, ptsCount: 1))
    }

    static func id(of message: Api.Message?) -> Int32 {
        switch message {
        case .message(let m)?: return m.id
        case .messageService(let m)?: return m.id
        case .messageEmpty(let m)?: return m.id
        case nil: return 0
        }
    }

    /// Whether a box message came from someone else (service messages included, as Telegram counts them unread).
    static func isIncoming(_ message: Api.Message?) -> Bool {
        switch message {
        case .message(let m)?: return !m.out
        case .messageService(let m)?: return !m.out
        default: return false
        }
    }
}
