import MTProto
import TLSchema

/// Where the next page of `messages.getDialogs` starts: the last dialog of the page before.
public struct DialogsOffset: Sendable {
    /// The date of that dialog's top message.
    public var date: Int32
    /// Its top message id.
    public var id: Int32
    /// The dialog's peer (nil: from the top).
    public var peer: PeerID?
    /// The peers seen so far (a dialog that moved up between pages is not yielded twice).
    var seen: Set<PeerID>
}

extension TelegramClient {
    /// The account's chats of every folder (the main list and the archive; no `folder_id`), newest
    /// first, read page by page with `messages.getDialogs`: each page starts at the last dialog of
    /// the one before (`offset_date`, `offset_id`, `offset_peer`), and the reading ends at an empty
    /// page, a complete answer (`messages.dialogs`), a page shorter than asked, or after `limit`
    /// ([messages.getDialogs](https://core.telegram.org/method/messages.getDialogs)).
    public nonisolated func dialogs(limit: Int? = nil, pageSize: Int = 100) -> Pages<Dialog, DialogsOffset> {
        Pages(first: DialogsOffset(date: 0, id: 0, peer: nil, seen: []), limit: limit, pageSize: Swift.min(pageSize, 100)) {
            [self] (offset: DialogsOffset, size: Int) in
            var offsetPeer: Api.InputPeer = .inputPeerEmpty
            if let peer = offset.peer { offsetPeer = try await peers.inputPeer(peer) }
            let result: Api.messages.Dialogs = try await invoke(Api.functions.messages.GetDialogs(
                offsetDate: offset.date, offsetId: offset.id, offsetPeer: offsetPeer, limit: Int32(size), hash: 0))
            return Self.page(result, asked: size, after: offset)
        }
    }

    private static func page(_ result: Api.messages.Dialogs, asked: Int, after offset: DialogsOffset) -> (items: [Dialog], next: DialogsOffset?) {
        let raw: [Api.Dialog]
        let complete: Bool
        switch result {
        case .dialogs(let d): (raw, complete) = (d.dialogs, true)
        case .dialogsSlice(let d): (raw, complete) = (d.dialogs, false)
        case .dialogsNotModified: return ([], nil)
        }
        let messages: [Api.Message] = result.carriedPeers.messages
        var seen: Set<PeerID> = offset.seen
        var items: [Dialog] = []
        var last: Dialog? = nil
        for case .dialog(let d) in raw {
            let peer: PeerID = PeerID(d.peer)
            let top: Api.Message? = messages.first { $0.messageID == d.topMessage && $0.chat == peer }
            let dialog: Dialog = Dialog(
                peer: peer, topMessage: top, topMessageID: d.topMessage, unreadCount: d.unreadCount, readInboxMaxID: d.readInboxMaxId,
                folderID: d.folderId, isPinned: d.pinned)
            last = dialog
            if seen.insert(peer).inserted { items.append(dialog) }
        }
        guard let last, !complete, raw.count >= asked else { return (items, nil) }
        let next: DialogsOffset = DialogsOffset(date: last.topMessage?.date ?? 0, id: last.topMessageID, peer: last.peer, seen: seen)
        // No progress (the same last dialog again): stop rather than loop.
        if next.peer == offset.peer && next.id == offset.id { return (items, nil) }
        return (items, next)
    }
}
