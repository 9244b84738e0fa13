import MTProto
import TLSchema

extension TelegramClient {
    /// The peer `text` names (see ``PeerReference``). Throws ``TelegramError/peerNotFound(_:)`` for
    /// text that names no peer, Telegram's errors (`USERNAME_NOT_OCCUPIED`, `PHONE_NOT_OCCUPIED`, a
    /// `FLOOD_WAIT` above the client's threshold) as they come.
    public func resolve(_ text: String) async throws -> Peer {
        guard let reference = PeerReference(text) else { throw TelegramError.peerNotFound(text) }
        return try await resolve(reference)
    }

    /// The peer a reference names: the self user; an id from the peer store (only peers seen
    /// before can be addressed); a username or phone from the store, else asked with
    /// `contacts.resolveUsername` / `contacts.resolvePhone` (then stored, so the next resolve asks
    /// nothing). Those methods are flood-limited hard: a wait above the threshold makes every
    /// later call of the method fail at once until it is due (``MTProto/MTProtoClient`` keeps the
    /// due time per method).
    public func resolve(_ reference: PeerReference) async throws -> Peer {
        switch reference {
        case .me:
            return try await me()
        case .id(let id):
            guard let peer = try await peers.peer(id) else { throw TelegramError.peerNotFound("\(id)") }
            return peer
        case .username(let name):
            if let peer = try await peers.peer(username: name), !peer.isMin { return peer }
            let resolved: Api.contacts.ResolvedPeer = try await invoke(Api.functions.contacts.ResolveUsername(username: name))
            return try await resolvedPeer(resolved, "@\(name)")
        case .phone(let phone):
            if let peer = try await peers.peer(phone: phone), !peer.isMin { return peer }
            let resolved: Api.contacts.ResolvedPeer = try await invoke(Api.functions.contacts.ResolvePhone(phone: phone))
            var peer: Peer = try await resolvedPeer(resolved, "+\(phone)")
            // Kept with the number it was found by, so the next resolve of it asks nothing.
            if peer.phone == nil {
                peer.phone = phone
                try await peers.save(peer)
            }
            return peer
        }
    }

    private func resolvedPeer(_ resolved: Api.contacts.ResolvedPeer, _ reference: String) async throws -> Peer {
        guard let peer = try await peers.peer(PeerID(resolved.peer)) else {
            throw TelegramError.unexpectedResult("\(reference) resolved to \(PeerID(resolved.peer)) without its user or chat")
        }
        return peer
    }
}
