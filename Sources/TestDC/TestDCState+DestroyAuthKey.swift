import TLSchema

extension TestDCState {
    /// `destroy_auth_key`: answers `destroy_auth_key_ok` (a bare message, as Telegram does) and
    /// forgets the key, its sessions, its login and the temporary keys bound to it; the key's next
    /// packet gets transport error −404.
    func destroyKey(_ keyID: Int64, box: SessionBox, dc: Int) {
        box.session.push(MT.DestroyAuthKeyRes.destroyAuthKeyOk.serializedData())
        flush(box, dc: dc)
        deauthorize(authKeyID: keyID, dc: dc)
        for (temporary, permanent) in boundTemporaryKeys(dc: dc) where permanent == keyID { dropKey(temporary, dc: dc) }
        dropKey(keyID, dc: dc)
        logger.info("destroyed auth key \(keyID) on DC \(dc)")
    }
}
