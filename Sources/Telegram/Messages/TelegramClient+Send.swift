import MTProto
import TLSchema

extension TelegramClient {
    /// Sends `text` to `peer`, as a reply to message `replyTo` when given. The `random_id` is fixed
    /// for the call, so a retry after a transient failure (``MTProto/RPCError/isTransient``, a timeout)
    /// cannot send it twice: Telegram refuses the repeat with `RANDOM_ID_DUPLICATE`, which is
    /// thrown when an attempt that seemed lost had in fact arrived. Up to `attempts` tries, 0.2 s,
    /// 0.4 s, … apart.
    public func send(
        _ text: String, to peer: PeerID, replyTo: Int32? = nil, silent: Bool = false, randomID: Int64 = Int64.random(in: .min ... .max),
        attempts: Int = 3
    ) async throws -> SentMessage {
        try await send(FormattedText(text: text), to: peer, replyTo: replyTo, silent: silent, randomID: randomID, attempts: attempts)
    }

    /// Sends a formatted text (its entities, from Markdown or HTML: see ``FormattedText``) like
    /// ``send(_:to:replyTo:silent:randomID:attempts:)-(String,_,_,_,_,_)``. One message holds at
    /// most 4096 UTF-16 units: send the parts of ``FormattedText/split(maximumUTF16:)`` for longer ones.
    public func send(
        _ text: FormattedText, to peer: PeerID, replyTo: Int32? = nil, silent: Bool = false,
        randomID: Int64 = Int64.random(in: .min ... .max), attempts: Int = 3
    ) async throws -> SentMessage {
        let input: Api.InputPeer = try await peers.inputPeer(peer)
        let reply: Api.InputReplyTo? = replyTo.map { .inputReplyToMessage(Api.InputReplyTo.InputReplyToMessage(replyToMsgId: $0)) }
        let call: Api.functions.messages.SendMessage = Api.functions.messages.SendMessage(
            silent: silent, peer: input, replyTo: reply, message: text.text, randomId: randomID, entities: text.entities.isEmpty ? nil : text.entities)
        let updates: Api.Updates = try await retryingTransient(attempts: attempts) { try await self.invoke(call) }
        return try Self.sent(updates, randomID: randomID)
    }

    /// Runs `body` up to `attempts` times while it fails transiently (a 500, `-503`, `TIMEOUT`, or
    /// the client's own timeout); other errors are thrown at once.
    func retryingTransient<T: Sendable>(attempts: Int, _ body: () async throws -> T) async throws -> T {
        var attempt: Int = 1
        while true {
            do {
                return try await body()
            } catch {
                let transient: Bool = (error as? RPCError)?.isTransient ?? (error as? MTProtoClientError == .timeout)
                guard transient, attempt < attempts else { throw error }
                try await Task.sleep(for: .milliseconds(200 * attempt))
                attempt += 1
            }
        }
    }

    /// The id and date of the message sent with `randomID`, from the answer to a send.
    static func sent(_ updates: Api.Updates, randomID: Int64) throws -> SentMessage {
        switch updates {
        case .updateShortSentMessage(let u):
            return SentMessage(id: u.id, date: u.date, randomID: randomID)
        case .updates(let u):
            return try sent(u.updates, date: u.date, randomID: randomID)
        case .updatesCombined(let u):
            return try sent(u.updates, date: u.date, randomID: randomID)
        default:
            throw TelegramError.unexpectedResult("a send answered with \(updates)")
        }
    }

    private static func sent(_ updates: [Api.Update], date: Int32, randomID: Int64) throws -> SentMessage {
        for case .updateMessageID(let u) in updates where u.randomId == randomID {
            let message: Api.Message? = updates.compactMap(Api.Updates.message).first { $0.messageID == u.id }
            return SentMessage(id: u.id, date: message?.date ?? date, randomID: randomID)
        }
        throw TelegramError.unexpectedResult("no updateMessageID for the random_id sent")
    }
}
