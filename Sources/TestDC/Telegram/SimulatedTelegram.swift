import Foundation
import MTProto
import TLSchema

/// A small Telegram on top of the test DC, enough for a userbot: accounts with login codes and
/// optional 2FA (real SRP), message boxes with pts/seq, `getState`/`getDifference`, `sendMessage`
/// (random_id deduplicated), typing, and scripted people writing to an account, pushed in the
/// form a test chooses (full `updates`, `updateShortMessage`, or not at all to open a gap).
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
    private var boxes: [Int64: Box] = [:]
    private var sentRandomIDs: [Int64: Set<Int64>] = [:]
    private var log: [SimulatedMessage] = []
    private var typing: [Int64: Int] = [:]

    private struct Box {
        var pts: Int32 = 0
        var seq: Int32 = 0
        var nextID: Int32 = 1
        /// (pts after the event, the message as the owner sees it, users it mentions).
        var events: [(pts: Int32, message: Api.Message, users: [Int64])] = []
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

    /// The account's common-box pts.
    public func pts(of user: Int64) -> Int32 { boxes[user]?.pts ?? 0 }

    /// Takes the next pts of `user`'s box for an update a test pushes by hand; returns it.
    public func reservePts(of user: Int64) -> Int32 {
        boxes[user]?.pts += 1
        return boxes[user]?.pts ?? 0
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
    }

    // MARK: People writing

    /// `from` writes `text` to `to`; returns the message id in the recipient's box.
    @discardableResult
    public func deliver(from: Int64, to: Int64, text: String, hasMedia: Bool = false, push form: PushForm = .full) async -> Int32 {
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        _ = append(owner: from, peer: to, sender: from, text: text, hasMedia: hasMedia, replyTo: nil, date: now)
        let (id, pts): (Int32, Int32) = append(owner: to, peer: from, sender: from, text: text, hasMedia: hasMedia, replyTo: nil, date: now)
        log.append(SimulatedMessage(id: id, from: from, to: to, text: text, replyTo: nil, randomID: nil, hasMedia: hasMedia, date: now))
        switch form {
        case .none:
            break
        case .short where !hasMedia:
            await server.push(.updateShortMessage(Api.Updates.UpdateShortMessage(
                id: id, userId: from, message: text, pts: pts, ptsCount: 1, date: now)), toUser: to)
        case .full, .short:
            boxes[to]?.seq += 1
            let update: Api.Update = .updateNewMessage(Api.Update.UpdateNewMessage(message: boxes[to]!.events.last!.message, pts: pts, ptsCount: 1))
            await server.push(.updates(Api.Updates.Updates(
                updates: [update], users: [user(from, for: to)], chats: [], date: now, seq: boxes[to]!.seq)), toUser: to)
        }
        return id
    }

    /// Appends a message to `owner`'s box; returns its id there and the new pts.
    private func append(owner: Int64, peer: Int64, sender: Int64, text: String, hasMedia: Bool, replyTo: Int32?, date: Int32) -> (Int32, Int32) {
        guard var box = boxes[owner] else { return (0, 0) }
        let id: Int32 = box.nextID
        box.nextID += 1
        box.pts += 1
        let media: Api.MessageMedia? = hasMedia ? .messageMediaPhoto(Api.MessageMedia.MessageMediaPhoto()) : nil
        let reply: Api.MessageReplyHeader? = replyTo.map { .messageReplyHeader(Api.MessageReplyHeader.MessageReplyHeader(replyToMsgId: $0)) }
        let message: Api.Message = .message(Api.Message.Message(
            out: sender == owner, id: id, fromId: sender == owner ? .peerUser(Api.Peer.PeerUser(userId: owner)) : nil,
            peerId: .peerUser(Api.Peer.PeerUser(userId: peer)), replyTo: reply, date: date, message: text, media: media))
        box.events.append((box.pts, message, [peer]))
        boxes[owner] = box
        return (id, box.pts)
    }

    // MARK: Users

    /// The access hash `viewer` sees for `target`.
    public nonisolated func accessHash(of target: Int64, for viewer: Int64) -> Int64 {
        Int64(bitPattern: (UInt64(bitPattern: target) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(bitPattern: viewer))
    }

    func user(_ id: Int64, for viewer: Int64) -> Api.User {
        guard let account = accounts[id] else { return .userEmpty(Api.User.UserEmpty(id: id)) }
        return .user(Api.User.User(
            isSelf: id == viewer, id: id, accessHash: accessHash(of: id, for: viewer), firstName: account.firstName,
            username: account.username, phone: id == viewer ? account.phone : nil))
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
        return .value(Api.updates.State(pts: box.pts, qts: 0, date: Int32(Date().timeIntervalSince1970), seq: box.seq, unreadCount: 0))
    }

    private func getDifference(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let box = boxes[me], let call = context.function as? Api.functions.updates.GetDifference else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        let newer: [(pts: Int32, message: Api.Message, users: [Int64])] = box.events.filter { $0.pts > call.pts }
        if newer.isEmpty {
            return .value(Api.updates.Difference.differenceEmpty(Api.updates.Difference.DifferenceEmpty(date: now, seq: box.seq)))
        }
        let limit: Int = 50
        let page: ArraySlice<(pts: Int32, message: Api.Message, users: [Int64])> = newer.prefix(limit)
        let users: [Api.User] = Set(page.flatMap(\.users)).sorted().map { user($0, for: me) }
        let last: Int32 = page.last!.pts
        let state: Api.updates.State = Api.updates.State(pts: last, qts: 0, date: now, seq: box.seq, unreadCount: 0)
        if newer.count > limit {
            return .value(Api.updates.Difference.differenceSlice(Api.updates.Difference.DifferenceSlice(
                newMessages: page.map(\.message), newEncryptedMessages: [], otherUpdates: [], chats: [], users: users, intermediateState: state)))
        }
        return .value(Api.updates.Difference.difference(Api.updates.Difference.Difference(
            newMessages: page.map(\.message), newEncryptedMessages: [], otherUpdates: [], chats: [], users: users, state: state)))
    }

    private func sendMessage(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.SendMessage else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let target: Int64
        switch call.peer {
        case .inputPeerSelf:
            target = me
        case .inputPeerUser(let peer) where accounts[peer.userId] != nil && peer.accessHash == accessHash(of: peer.userId, for: me):
            target = peer.userId
        default:
            return .error(code: 400, message: "PEER_ID_INVALID")
        }
        guard !call.message.isEmpty else { return .error(code: 400, message: "MESSAGE_EMPTY") }
        if sentRandomIDs[me, default: []].contains(call.randomId) { return .error(code: 400, message: "RANDOM_ID_DUPLICATE") }
        sentRandomIDs[me, default: []].insert(call.randomId)
        var replyTo: Int32? = nil
        if case .inputReplyToMessage(let r)? = call.replyTo { replyTo = r.replyToMsgId }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        let (id, pts): (Int32, Int32) = append(owner: me, peer: target, sender: me, text: call.message, hasMedia: false, replyTo: replyTo, date: now)
        if target != me { _ = append(owner: target, peer: me, sender: me, text: call.message, hasMedia: false, replyTo: nil, date: now) }
        log.append(SimulatedMessage(id: id, from: me, to: target, text: call.message, replyTo: replyTo, randomID: call.randomId, hasMedia: false, date: now))
        return .value(Api.Updates.updateShortSentMessage(Api.Updates.UpdateShortSentMessage(out: true, id: id, pts: pts, ptsCount: 1, date: now)))
    }

    private func setTyping(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID else { return .error(code: 401, message: "AUTH_KEY_UNREGISTERED") }
        typing[me, default: 0] += 1
        return .bool(true)
    }
}
