import MTProto
import TLSchema

extension TelegramClient {
    /// Makes the updates engine follow `channel` from now on, also across restarts: a channel the
    /// engine has no box for yet gets one at the pts of its dialog (`messages.getPeerDialogs`),
    /// stored before this returns. Without it the engine follows a channel from the first update
    /// it sees there, so posts made while the program was down before that are not fetched.
    /// Call it after ``startUpdates(catchUp:)`` for each channel whose every post matters (a
    /// forwarder's sources); a channel followed already is left as it is. Throws
    /// ``TelegramError/notAChannel(_:)`` for a user or basic group, and
    /// ``TelegramError/peerNotFound(_:)`` when the account has no dialog with the channel.
    public func follow(channel: PeerID) async throws {
        guard case .channel(let id) = channel else { throw TelegramError.notAChannel(channel) }
        guard let driver = updatesDriver else { throw TelegramError.notStarted }
        let input: Api.InputPeer = try await peers.inputPeer(channel)
        let found: Api.messages.PeerDialogs = try await invoke(Api.functions.messages.GetPeerDialogs(peers: [.inputDialogPeer(Api.InputDialogPeer.InputDialogPeer(peer: input))]))
        for case .dialog(let dialog) in found.dialogs {
            guard case .peerChannel(let peer) = dialog.peer, peer.channelId == id, let pts = dialog.pts else { continue }
            await driver.follow(channel: id, pts: pts)
            return
        }
        throw TelegramError.peerNotFound("no dialog with channel \(id)")
    }
}
