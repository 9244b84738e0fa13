import Foundation
import MTProto
import TLSchema

/// Calls about users and the account that Telethon and Pyrogram make on their usual paths:
/// `users.getFullUser` (`userFull` with the user in `users`), `account.updateStatus`
/// ([users.getFullUser](https://core.telegram.org/method/users.getFullUser),
/// [account.updateStatus](https://core.telegram.org/method/account.updateStatus)).
extension SimulatedTelegram {
    func installUsers() async {
        await server.handle(Api.functions.users.GetFullUser.self) { [self] in await self.getFullUser($0) }
        await server.handle(Api.functions.account.UpdateStatus.self) { [self] in await self.updateStatus($0) }
    }

    private func getFullUser(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.users.GetFullUser else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard let id = resolve(call.id, for: me) else { return .error(code: 400, message: "USER_ID_INVALID") }
        let common: Int = rooms.groups.values.filter { $0.isMember(me) && $0.isMember(id) }.count
            + rooms.channels.values.filter { $0.isMember(me) && $0.isMember(id) }.count
        let full: Api.UserFull = Api.UserFull(
            canPinMessage: true, id: id, settings: Api.PeerSettings(), notifySettings: Api.PeerNotifySettings(),
            commonChatsCount: Int32(id == me ? 0 : common))
        return .value(Api.users.UserFull(fullUser: full, chats: [], users: [user(id, for: me)]))
    }

    private func updateStatus(_ context: HandlerContext) -> HandlerOutcome {
        guard context.userID != nil else { return .error(code: 401, message: "AUTH_KEY_UNREGISTERED") }
        return .bool(true)
    }
}
