import Foundation
import Logging
import TLSchema

/// Where an ``MTProtoClient``'s calls go: the home DC's addresses, migrations, and clients for other
/// DCs (auxiliary ones logged in with `auth.exportAuthorization`/`importAuthorization`).
extension MTProtoClient {
    /// After an address of the home DC could not be reached, moves to the DC's next address.
    /// Returns whether that one has not been tried since an address was last reached (then a
    /// caller of ``connect()`` waits for it rather than failing).
    func moveToNextAddress() -> Bool {
        let move: AddressRotation.Move = addresses.connectionEnded(home: configuration.dataCentre, known: configuration.knownDataCentres)
        guard let next = move.next else { return false }
        logger.info("\(configuration.dataCentre) cannot be reached: trying \(next)")
        configuration.dataCentre = next
        return move.untried
    }

    /// Keeps every address the server gives for each DC (CDN and obfuscation-only ones aside: they
    /// need keys or a transport of their own); the storage keeps the first to try of each DC.
    func learnDataCentres(from config: Api.Config) {
        let known: [DataCentre] = DataCentre.merging(DataCentre.learned(from: config.dcOptions), into: configuration.knownDataCentres)
        configuration.knownDataCentres = known
        let preferred: [DataCentre] = DataCentre.preferredAddresses(in: known)
        persist { try $0.saveDataCentres(preferred) }
    }

    func migrate(to dc: Int, retrying id: UInt64) {
        calls.unqueue(id)
        if isAuxiliary {
            if let call = calls.remove(id) { call.completion(.failure(RPCError(code: 303, message: "NETWORK_MIGRATE_\(dc)"))) }
            return
        }
        guard let target = DataCentre.addresses(of: dc, in: configuration.knownDataCentres).first else {
            if let call = calls.remove(id) { call.completion(.failure(MTProtoClientError.unknownDataCentre(dc))) }
            return
        }
        logger.info("migrating the home DC to \(target)")
        configuration.dataCentre = target
        persist { try $0.setHomeDataCentre(dc) }
        dropSession()
        closeConnection?()
    }

    /// A client for another DC logged in as the same user: created on first use with
    /// `auth.exportAuthorization` here and `auth.importAuthorization` there, then kept (and closed
    /// with this one). `FILE_MIGRATE_X`/`STATS_MIGRATE_X` answers are retried through it.
    public func client(forDataCentre dc: Int) async throws -> MTProtoClient {
        if dc == configuration.dataCentre.id { return self }
        if let existing = auxiliaries[dc] {
            do {
                return try await existing.value
            } catch {
                if auxiliaries[dc] == existing { auxiliaries[dc] = nil }
                throw error
            }
        }
        let task: Task<MTProtoClient, any Error> = Task { try await self.makeAuxiliaryClient(dc: dc) }
        auxiliaries[dc] = task
        do {
            return try await task.value
        } catch {
            if auxiliaries[dc] == task { auxiliaries[dc] = nil }
            throw error
        }
    }

    func makeAuxiliaryClient(dc: Int) async throws -> MTProtoClient {
        if isClosed { throw MTProtoClientError.closed }
        guard let target = DataCentre.addresses(of: dc, in: configuration.knownDataCentres).first else {
            throw MTProtoClientError.unknownDataCentre(dc)
        }
        var settings: ClientConfiguration = configuration
        settings.dataCentre = target
        let known: [Int: HandshakeResult] = keys.permanent[dc].map { [dc: $0] } ?? [:]
        let other: MTProtoClient = MTProtoClient(
            configuration: settings, authKeys: known, storage: storage, entropy: entropy, logger: logger, eventLoopGroup: group,
            clock: clock)
        other.becomeAuxiliary(floodWaitPolicy: floodWaitPolicy)
        // Updates go to the home DC's client; this one's stream is closed so nothing piles up.
        await other.stopDeliveringUpdates()
        do {
            try await other.connect()
            let exported: Api.auth.ExportedAuthorization = try await invoke(Api.functions.auth.ExportAuthorization(dcId: Int32(dc)))
            _ = try await other.invoke(Api.functions.auth.ImportAuthorization(id: exported.id, bytes: exported.bytes))
        } catch {
            await other.close()
            throw error
        }
        logger.info("logged in on \(target) for file and statistics calls")
        return other
    }

    /// Makes `dc` the home DC (as a `USER_MIGRATE` would, without a call to send again), e.g. when a
    /// QR login names the DC the account lives on. Calls made from now on go there; the current
    /// connection ends. Throws ``MTProtoClientError/unknownDataCentre(_:)`` for a DC without an address.
    public func moveHome(toDataCentre dc: Int) throws {
        if dc == configuration.dataCentre.id { return }
        guard let target = DataCentre.addresses(of: dc, in: configuration.knownDataCentres).first else {
            throw MTProtoClientError.unknownDataCentre(dc)
        }
        logger.info("moving the home DC to \(target)")
        configuration.dataCentre = target
        persist { try $0.setHomeDataCentre(dc) }
        dropSession()
        closeConnection?()
    }

    /// The permanent key of the home DC, if there is one.
    var homePermanentKey: HandshakeResult? { keys.permanent[configuration.dataCentre.id] }

    /// A client of its own for the home DC on `key` alone: no PFS (the call goes under the permanent
    /// key itself), no storage, no updates.
    func makePermanentKeyClient(_ key: HandshakeResult) async -> MTProtoClient {
        var settings: ClientConfiguration = configuration
        settings.temporaryKeyLifetime = nil
        let other: MTProtoClient = MTProtoClient(
            configuration: settings, authKeys: [configuration.dataCentre.id: key], storage: nil, entropy: entropy, logger: logger,
            eventLoopGroup: group, clock: clock)
        other.becomeAuxiliary(floodWaitPolicy: .never)
        await other.stopDeliveringUpdates()
        return other
    }

    /// Forgets the permanent key of the home DC here and in the storage (after `destroy_auth_key`).
    func dropHomePermanentKey() {
        forgetPermanentKey()
        closeConnection?()
    }

    func stopDeliveringUpdates() {
        updatesContinuation.finish()
    }

    nonisolated func becomeAuxiliary(floodWaitPolicy policy: FloodWaitPolicy) {
        shared.withLock {
            $0.isAuxiliary = true
            $0.floodWaitPolicy = policy
        }
    }
}
