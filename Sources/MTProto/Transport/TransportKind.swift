/// The TCP framings MTProto servers accept (transport notes §1–§4).
public enum TransportKind: String, Sendable, CaseIterable, Codable {
    /// 1-byte (or 4-byte) length in 4-byte units; tag `ef`.
    case abridged
    /// 4-byte length; tag `ee ee ee ee`. The default.
    case intermediate
    /// 4-byte length plus 0–15 random bytes; tag `dd dd dd dd` (use with obfuscation and `dd` proxy secrets).
    case paddedIntermediate = "padded"
    /// Length, sequence number and CRC32 around each packet; no tag.
    case full

    /// The 4 bytes placed at offset 56 of an obfuscated init header.
    var obfuscationTag: [UInt8]? {
        switch self {
        case .abridged: return [0xef, 0xef, 0xef, 0xef]
        case .intermediate: return [0xee, 0xee, 0xee, 0xee]
        case .paddedIntermediate: return [0xdd, 0xdd, 0xdd, 0xdd]
        case .full: return nil
        }
    }
}

/// Problems at the transport level. Each one ends the connection; the reaction the protocol notes give
/// is in ``reaction``.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server sent a 4-byte negative code instead of a packet (−404, −429, −444, …).
    case server(code: Int32)
    /// A frame longer than ``TransportLimits/maximumFrameSize``.
    case frameTooLarge(Int)
    /// A frame that breaks the framing rules (bad length, wrong tag, …).
    case malformedFrame(String)
    /// Full transport: the CRC32 of a frame did not match.
    case checksumMismatch
    /// Full transport: a frame arrived out of sequence.
    case sequenceMismatch(expected: Int32, received: Int32)

    /// What the client should do about it.
    public enum Reaction: Sendable, Equatable {
        /// −404: the auth key is unknown to the server (or the packet was malformed): forget the key
        /// (a temporary key: make and bind a new one) and redo the exchange.
        case forgetKeyAndRedoExchange
        /// −429: too many connections or requests: back off before reconnecting.
        case backOff
        /// −444: wrong DC id (test vs production): a configuration error.
        case invalidDataCentre
        /// Anything else: reconnect and resend unacknowledged queries.
        case reconnect
    }

    /// What to do about this error: −404, −429 and −444 from the server have their own reaction, anything
    /// else is ``Reaction/reconnect``.
    public var reaction: Reaction {
        switch self {
        case .server(-404): return .forgetKeyAndRedoExchange
        case .server(-429): return .backOff
        case .server(-444): return .invalidDataCentre
        default: return .reconnect
        }
    }

    public var description: String {
        switch self {
        case .server(let code): return "transport error \(code)"
        case .frameTooLarge(let n): return "transport frame of \(n) bytes exceeds the limit"
        case .malformedFrame(let why): return "malformed transport frame: \(why)"
        case .checksumMismatch: return "transport frame CRC32 mismatch"
        case .sequenceMismatch(let expected, let received): return "transport frame sequence \(received), expected \(expected)"
        }
    }
}

/// Limits applied to every framing.
public enum TransportLimits {
    /// The largest frame accepted or produced: 16 MiB.
    public static let maximumFrameSize: Int = 16 << 20
}

/// What a decoder extracted from the byte stream.
public enum TransportEvent: Equatable, Sendable {
    /// One MTProto packet (for padded intermediate, still with its random tail).
    case packet([UInt8])
    /// A quick acknowledgement token.
    case quickAck(UInt32)
}
