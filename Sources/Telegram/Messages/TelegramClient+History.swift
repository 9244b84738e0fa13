import MTProto
import TLSchema

extension TelegramClient {
    /// The messages of `peer`, newest first, read page by page with `messages.getHistory`: each
    /// page asks below the oldest id of the one before (`offset_id`), and the reading ends at an
    /// empty page, a complete answer (`messages.messages`), a page shorter than asked, or after
    /// `limit` messages ([messages.getHistory](https://core.telegram.org/method/messages.getHistory)).
    public nonisolated func history(of peer: PeerID, limit: Int? = nil, pageSize: Int = 100) -> Pages<Api.Message, Int32> {
        Pages(first: 0, limit: limit, pageSize: Swift.min(pageSize, 100)) { [self] (offsetID: Int32, size: Int) in
            let input: Api.InputPeer = try await peers.inputPeer(peer)
            let result: Api.messages.Messages = try await invoke(Api.functions.messages.GetHistory(
                peer: input, offsetId: offsetID, offsetDate: 0, addOffset: 0, limit: Int32(size), maxId: 0, minId: 0, hash: 0))
            return Self.page(result, asked: size, after: offsetID)
        }
    }

    /// The messages of `peer` whose text contains `query`, newest first, paged like ``history(of:limit:pageSize:)``
    /// with `messages.search` ([messages.search](https://core.telegram.org/method/messages.search)).
    public nonisolated func search(_ query: String, in peer: PeerID, limit: Int? = nil, pageSize: Int = 100) -> Pages<Api.Message, Int32> {
        Pages(first: 0, limit: limit, pageSize: Swift.min(pageSize, 100)) { [self] (offsetID: Int32, size: Int) in
            let input: Api.InputPeer = try await peers.inputPeer(peer)
            let result: Api.messages.Messages = try await invoke(Api.functions.messages.Search(
                peer: input, q: query, filter: .inputMessagesFilterEmpty, minDate: 0, maxDate: 0, offsetId: offsetID, addOffset: 0,
                limit: Int32(size), maxId: 0, minId: 0, hash: 0))
            return Self.page(result, asked: size, after: offsetID)
        }
    }

    /// One page of messages and the `offset_id` of the next (nil when this was the last).
    static func page(_ result: Api.messages.Messages, asked: Int, after offsetID: Int32) -> (items: [Api.Message], next: Int32?) {
        let messages: [Api.Message] = result.carriedPeers.messages
        let complete: Bool = if case .messages = result { true } else { false }
        guard let oldest = messages.map(\.messageID).min(), !complete, messages.count >= asked,
              offsetID == 0 || oldest < offsetID else { return (messages, nil) }
        return (messages, oldest)
    }
}
