/// The TLS record framing of an `ee` MTProxy connection once the fake handshake is done: the
/// obfuscated stream travels in application-data records (`17 03 03` + 16-bit big-endian length).
/// Sans-IO; used by clients and by TestDC's MTProxy alike.
public struct FakeTLSRecordLayer: Sendable {
    /// The largest record payload written (tdlib's choice).
    public static let maximumWrittenRecord: Int = 2878

    private var wroteFirstRecord: Bool
    private var buffer: [UInt8] = []

    /// `sendsChangeCipherSpec`: a client's first write is preceded by a ChangeCipherSpec record
    /// (`14 03 03 00 01 01`); a server already sent its own in the ServerHello.
    public init(sendsChangeCipherSpec: Bool) {
        wroteFirstRecord = !sendsChangeCipherSpec
    }

    /// `data` as application-data records.
    public mutating func wrap(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 6 + 5 * (data.count / Self.maximumWrittenRecord + 1))
        if !wroteFirstRecord {
            wroteFirstRecord = true
            out += [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
        }
        var start: Int = 0
        while start < data.count {
            let end: Int = min(start + Self.maximumWrittenRecord, data.count)
            out += [0x17, 0x03, 0x03] + be16(end - start)
            out += data[start ..< end]
            start = end
        }
        return out
    }

    /// Feeds received bytes; returns the payloads of the complete application-data records, joined.
    /// ChangeCipherSpec records are skipped; anything else ends the connection. Holds at most one
    /// incomplete record (under 64 KiB).
    public mutating func unwrap(_ bytes: [UInt8]) throws(FakeTLSError) -> [UInt8] {
        buffer += bytes
        var out: [UInt8] = []
        var start: Int = 0
        while buffer.count - start >= 5 {
            let type: UInt8 = buffer[start]
            guard buffer[start + 1] == 0x03, (0x01 ... 0x04).contains(buffer[start + 2]) else {
                throw .malformedRecord("version \(buffer[start + 1]).\(buffer[start + 2])")
            }
            let length: Int = Int(buffer[start + 3]) << 8 | Int(buffer[start + 4])
            guard buffer.count - start >= 5 + length else { break }
            switch type {
            case 0x17: out += buffer[(start + 5) ..< (start + 5 + length)]
            case 0x14: break
            default: throw .unexpectedRecord(type)
            }
            start += 5 + length
        }
        buffer.removeFirst(start)
        return out
    }
}

/// Why a FakeTLS (`ee` MTProxy) connection failed.
public enum FakeTLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A record of a type not expected at this point (e.g. an alert, 0x15).
    case unexpectedRecord(UInt8)
    /// A record header that is not TLS.
    case malformedRecord(String)
    /// The server's random is not the HMAC of our random and its answer: a wrong secret, or not an MTProxy.
    case serverDigestMismatch
    /// The server's answer has more records than a ServerHello needs.
    case serverHelloTooLong

    public var description: String {
        switch self {
        case .unexpectedRecord(let type): return "unexpected TLS record type \(type) from the MTProxy"
        case .malformedRecord(let why): return "malformed TLS record from the MTProxy: \(why)"
        case .serverDigestMismatch: return "the MTProxy's ServerHello digest does not match (wrong secret or not an MTProxy)"
        case .serverHelloTooLong: return "the MTProxy's ServerHello has too many records"
        }
    }
}
