import MTProto
import TLSchema

/// `contacts.resolveUsername` and `contacts.resolvePhone`, answered as Telegram answers them
/// (<https://core.telegram.org/method/contacts.resolveUsername>,
/// <https://core.telegram.org/method/contacts.resolvePhone>).
extension SimulatedTelegram {
    /// The usernames (`@name`) and phones (`+digits`) resolved so far, in order.
    public var resolved: [String] { resolveCalls }

    func installContacts() async {
        await server.handle(Api.functions.contacts.ResolveUsername.self) { [self] in await self.resolveUsername($0) }
        await server.handle(Api.functions.contacts.ResolvePhone.self) { [self] in await self.resolvePhone($0) }
    }

    private func resolveUsername(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.contacts.ResolveUsername else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        resolveCalls.append("@" + call.username)
        let name: String = call.username.lowercased()
        guard name.count >= 4, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            return .error(code: 400, message: "USERNAME_INVALID")
        }
        if let room = rooms.channels.values.first(where: { $0.username?.lowercased() == name }) {
            return .value(Api.contacts.ResolvedPeer(
                peer: .peerChannel(Api.Peer.PeerChannel(channelId: room.id)), chats: [channelChat(room.id, for: me)], users: []))
        }
        guard let account = accounts.values.first(where: { $0.username?.lowercased() == name && !$0.isDeleted }) else {
            return .error(code: 400, message: "USERNAME_NOT_OCCUPIED")
        }
        return resolvedUser(account.userID, for: me)
    }

    private func resolvePhone(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.contacts.ResolvePhone else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        resolveCalls.append("+" + call.phone)
        let digits: String = call.phone.filter(\.isNumber)
        guard let account = accounts.values.first(where: { $0.phone == digits && !$0.isDeleted }) else {
            return .error(code: 400, message: "PHONE_NOT_OCCUPIED")
        }
        return resolvedUser(account.userID, for: me)
    }

    private func resolvedUser(_ id: Int64, for viewer: Int64) -> HandlerOutcome {
        .value(Api.contacts.ResolvedPeer(peer: .peerUser(Api.Peer.PeerUser(userId: id)), chats: [], users: [user(id, for: viewer)]))
    }
}
