import MTProto
import TLSchema

extension TelegramClient {
    /// Runs `body` while `peer` sees the account typing (or doing `action`): the action is sent at
    /// once and again every `interval` (Telegram shows one for about 6 s,
    /// [messages.setTyping](https://core.telegram.org/method/messages.setTyping)), and cancelled with
    /// `sendMessageCancelAction` when `body` ends, also when it throws. Typing is best effort: its
    /// own failures (a flood wait included) never fail `body`.
    public func withTyping<T>(
        in peer: PeerID, action: Api.SendMessageAction = .sendMessageTypingAction, every interval: Duration = .seconds(5),
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        let input: Api.InputPeer = try await peers.inputPeer(peer)
        let connection: MTProtoClient = mtproto
        let repeating: Task<Void, Never> = Task {
            while !Task.isCancelled {
                _ = try? await connection.invoke(Api.functions.messages.SetTyping(peer: input, action: action), floodWait: .never)
                try? await Task.sleep(for: interval)
            }
        }
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body())
        } catch {
            outcome = .failure(error)
        }
        repeating.cancel()
        _ = try? await connection.invoke(Api.functions.messages.SetTyping(peer: input, action: .sendMessageCancelAction), floodWait: .never)
        return try outcome.get()
    }
}
