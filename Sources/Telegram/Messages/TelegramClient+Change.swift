import MTProto
import TLSchema

extension TelegramClient {
    /// Replaces the text of message `id` in `peer`; returns the edited message. An edit that
    /// changes nothing is refused by Telegram with `MESSAGE_NOT_MODIFIED`.
    @discardableResult
    public func edit(_ id: Int32, in peer: PeerID, text: String) async throws -> Api.Message {
        try await edit(id, in: peer, text: FormattedText(text: text))
    }

    /// Replaces the text and entities of message `id` in `peer` (a text from Markdown or HTML, see
    /// ``FormattedText``); returns the edited message.
    @discardableResult
    public func edit(_ id: Int32, in peer: PeerID, text: FormattedText) async throws -> Api.Message {
        let call: Api.functions.messages.EditMessage = Api.functions.messages.EditMessage(
            peer: try await peers.inputPeer(peer), id: id, message: text.text, entities: text.entities.isEmpty ? nil : text.entities)
        let updates: Api.Updates = try await invoke(call)
        let edited: [Api.Message] = updates.carriedPeers.messages
        guard let message = edited.first(where: { $0.messageID == id }) else {
            throw TelegramError.unexpectedResult("the edit of message \(id) came back without it")
        }
        return message
    }

    /// Deletes messages of `peer`; `revoke` (the default) deletes them for everyone in private
    /// chats and basic groups, as Telegram allows ([messages.deleteMessages](https://core.telegram.org/method/messages.deleteMessages));
    /// in channels they are always deleted for everyone (`channels.deleteMessages`).
    public func delete(_ ids: [Int32], in peer: PeerID, revoke: Bool = true) async throws {
        if case .channel(let channel) = peer {
            _ = try await invoke(Api.functions.channels.DeleteMessages(channel: try await peers.inputChannel(channel), id: ids))
        } else {
            _ = try await invoke(Api.functions.messages.DeleteMessages(revoke: revoke, id: ids))
        }
    }

    /// Forwards messages `ids` of `source` to `destination`; returns the new messages' ids in order.
    /// Each message gets one `random_id` for the call (`randomIDs`, or random ones), kept on every
    /// retry after a transient failure (up to `attempts` tries, as ``send(_:to:replyTo:silent:randomID:attempts:)``),
    /// so Telegram never makes a second copy: a repeat it already has is refused with
    /// `RANDOM_ID_DUPLICATE`. `dropAuthor` forwards without the original author (no `fwd_from`)
    /// ([messages.forwardMessages](https://core.telegram.org/method/messages.forwardMessages)).
    public func forward(
        _ ids: [Int32], from source: PeerID, to destination: PeerID, silent: Bool = false, dropAuthor: Bool = false,
        randomIDs: [Int64]? = nil, attempts: Int = 3
    ) async throws -> [Int32] {
        let randomIDs: [Int64] = randomIDs ?? ids.map { _ in Int64.random(in: .min ... .max) }
        guard randomIDs.count == ids.count else { throw TelegramError.unexpectedResult("\(randomIDs.count) random_ids for \(ids.count) messages") }
        let call: Api.functions.messages.ForwardMessages = Api.functions.messages.ForwardMessages(
            silent: silent, dropAuthor: dropAuthor, fromPeer: try await peers.inputPeer(source), id: ids, randomId: randomIDs,
            toPeer: try await peers.inputPeer(destination))
        let updates: Api.Updates = try await retryingTransient(attempts: attempts) { try await self.invoke(call) }
        let list: [Api.Update]
        switch updates {
        case .updates(let u): list = u.updates
        case .updatesCombined(let u): list = u.updates
        default: throw TelegramError.unexpectedResult("a forward answered with \(updates)")
        }
        var byRandomID: [Int64: Int32] = [:]
        for case .updateMessageID(let m) in list { byRandomID[m.randomId] = m.id }
        return try randomIDs.map { (randomID: Int64) throws -> Int32 in
            guard let id = byRandomID[randomID] else { throw TelegramError.unexpectedResult("a forwarded message came back without its id") }
            return id
        }
    }

    /// Pins message `id` in `peer` (`silent`: without notifying; `forBoth` false: in a private chat
    /// only for the account).
    public func pin(_ id: Int32, in peer: PeerID, silent: Bool = false, forBoth: Bool = true) async throws {
        _ = try await invoke(Api.functions.messages.UpdatePinnedMessage(
            silent: silent, pmOneside: !forBoth, peer: try await peers.inputPeer(peer), id: id))
    }

    /// Unpins message `id` in `peer`.
    public func unpin(_ id: Int32, in peer: PeerID) async throws {
        _ = try await invoke(Api.functions.messages.UpdatePinnedMessage(unpin: true, peer: try await peers.inputPeer(peer), id: id))
    }

    /// Marks the messages of `peer` up to `maxID` as read (0: all of them).
    public func markRead(_ peer: PeerID, upTo maxID: Int32 = 0) async throws {
        if case .channel(let channel) = peer {
            _ = try await invoke(Api.functions.channels.ReadHistory(channel: try await peers.inputChannel(channel), maxId: maxID))
        } else {
            _ = try await invoke(Api.functions.messages.ReadHistory(peer: try await peers.inputPeer(peer), maxId: maxID))
        }
    }

    /// The messages `ids` of `peer` that exist, in the order asked (deleted ones are left out).
    public func messages(_ ids: [Int32], in peer: PeerID) async throws -> [Api.Message] {
        let wanted: [Api.InputMessage] = ids.map { .inputMessageID(Api.InputMessage.InputMessageID(id: $0)) }
        let result: Api.messages.Messages
        if case .channel(let channel) = peer {
            result = try await invoke(Api.functions.channels.GetMessages(channel: try await peers.inputChannel(channel), id: wanted))
        } else {
            result = try await invoke(Api.functions.messages.GetMessages(id: wanted))
        }
        return result.carriedPeers.messages.filter { (message: Api.Message) -> Bool in
            if case .messageEmpty = message { return false }
            return true
        }
    }
}
