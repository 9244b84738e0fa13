import MTProto
import TLSchema

/// Why `help.cdnConfig` could not be read.
public enum CDNKeyError: Error, Equatable, Sendable {
    /// The PEM of a CDN DC's key did not parse.
    case invalidKey(dcID: Int32, RSAKeyError)
    /// More keys than ``CDNPublicKeys/maximumKeys``.
    case tooManyKeys(Int)
}

/// The RSA keys of the CDN DCs (`help.cdnConfig`), as the key type the handshake trusts: a
/// connection to CDN DC `n` runs ``ClientHandshake`` with ``keys(forDC:)``. Fingerprints are
/// Telegram's (``RSAPublicKey/fingerprint``: the low 64 bits of SHA-1 of TL bytes(n) ‖ bytes(e)).
public struct CDNPublicKeys: Sendable, Equatable {
    /// The most keys read from one configuration.
    public static let maximumKeys: Int = 256
    private var byDC: [Int32: [RSAPublicKey]] = [:]

    /// Reads every key; one that does not parse refuses the whole configuration.
    public init(_ config: Api.CdnConfig) throws(CDNKeyError) {
        guard config.publicKeys.count <= Self.maximumKeys else { throw CDNKeyError.tooManyKeys(config.publicKeys.count) }
        for entry in config.publicKeys {
            let key: RSAPublicKey
            do {
                key = try RSAPublicKey(pem: entry.publicKey)
            } catch {
                throw CDNKeyError.invalidKey(dcID: entry.dcId, error)
            }
            if !(byDC[entry.dcId]?.contains(key) ?? false) { byDC[entry.dcId, default: []].append(key) }
        }
    }

    /// The DC ids that have keys, ascending.
    public var dcIDs: [Int32] { byDC.keys.sorted() }

    /// The keys of CDN DC `dcID` (empty when it has none: do not connect to it).
    public func keys(forDC dcID: Int32) -> [RSAPublicKey] { byDC[dcID] ?? [] }
}
