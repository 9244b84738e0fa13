import CZlib

/// The side of the connection a codec runs on (server and client frame the same way but read
/// quick acks and errors differently).
public enum ConnectionRole: Sendable {
    case client, server
}

/// Turns MTProto packets into frames of one framing and back. Bytes are fed incrementally; complete
/// packets come out. Pure state, no I/O.
struct Framer {
    let kind: TransportKind
    let role: ConnectionRole
    private var buffer: [UInt8] = []
    private var start: Int = 0
    private var sendSequence: Int32 = 0
    private var receiveSequence: Int32 = 0

    init(kind: TransportKind, role: ConnectionRole) {
        self.kind = kind
        self.role = role
    }

    /// The bytes a client sends once before its first frame (without obfuscation).
    var tag: [UInt8] {
        switch kind {
        case .abridged: return [0xef]
        case .intermediate: return [0xee, 0xee, 0xee, 0xee]
        case .paddedIntermediate: return [0xdd, 0xdd, 0xdd, 0xdd]
        case .full: return []
        }
    }

    /// Frames one packet. `padding` supplies the random tail of padded intermediate.
    mutating func frame(_ payload: [UInt8], padding: () -> [UInt8]) -> [UInt8] {
        switch kind {
        case .abridged:
            let words: Int = payload.count / 4
            var out: [UInt8] = []
            out.reserveCapacity(payload.count + 4)
            if words < 0x7f {
                out.append(UInt8(words))
            } else {
                out += [0x7f, UInt8(words & 0xff), UInt8(words >> 8 & 0xff), UInt8(words >> 16 & 0xff)]
            }
            return out + payload
        case .intermediate:
            return le32(UInt32(payload.count)) + payload
        case .paddedIntermediate:
            let tail: [UInt8] = padding()
            return le32(UInt32(payload.count + tail.count)) + payload + tail
        case .full:
            var out: [UInt8] = le32(UInt32(payload.count + 12)) + le32(UInt32(bitPattern: sendSequence)) + payload
            sendSequence &+= 1
            let crc: UInt32 = out.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) -> UInt32 in
                UInt32(crc32(0, p.baseAddress, UInt32(p.count)))
            }
            out += le32(crc)
            return out
        }
    }

    /// Appends received bytes.
    mutating func feed(_ bytes: [UInt8]) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16 {
            buffer.removeSubrange(0 ..< start)
            start = 0
        }
        buffer += bytes
    }

    private var available: Int { buffer.count - start }

    private func byte(_ i: Int) -> UInt8 { buffer[start + i] }

    private func readLE32(_ i: Int) -> UInt32 {
        UInt32(byte(i)) | UInt32(byte(i + 1)) << 8 | UInt32(byte(i + 2)) << 16 | UInt32(byte(i + 3)) << 24
    }

    /// The next complete event, or nil when more bytes are needed.
    mutating func next() throws(TransportError) -> TransportEvent? {
        switch kind {
        case .abridged:
            guard available >= 1 else { return nil }
            let first: UInt8 = byte(0)
            if role == .client && first & 0x80 != 0 {
                // Quick ack: 4 bytes, the token with its bytes reversed, top bit set.
                guard available >= 4 else { return nil }
                let token: UInt32 = UInt32(byte(0)) << 24 | UInt32(byte(1)) << 16 | UInt32(byte(2)) << 8 | UInt32(byte(3))
                start += 4
                return .quickAck(token)
            }
            let marker: UInt8 = first & 0x7f
            var header: Int = 1
            var words: Int = Int(marker)
            if marker == 0x7f {
                guard available >= 4 else { return nil }
                header = 4
                words = Int(byte(1)) | Int(byte(2)) << 8 | Int(byte(3)) << 16
            }
            return try take(header: header, length: words * 4)
        case .intermediate, .paddedIntermediate:
            guard available >= 4 else { return nil }
            let raw: UInt32 = readLE32(0)
            if raw & 0x8000_0000 != 0 {
                if role == .client {
                    start += 4
                    return .quickAck(raw)
                }
            }
            let length: Int = Int(raw & 0x7fff_ffff)
            return try take(header: 4, length: length)
        case .full:
            guard available >= 4 else { return nil }
            let total: Int = Int(readLE32(0))
            if total < 12 { throw TransportError.malformedFrame("full transport length \(total) below 12") }
            if total > TransportLimits.maximumFrameSize { throw TransportError.frameTooLarge(total) }
            guard available >= total else { return nil }
            let sequence: Int32 = Int32(bitPattern: readLE32(4))
            let expectedCRC: UInt32 = readLE32(total - 4)
            let crc: UInt32 = buffer.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) -> UInt32 in
                UInt32(crc32(0, p.baseAddress! + start, UInt32(total - 4)))
            }
            if crc != expectedCRC { throw TransportError.checksumMismatch }
            if sequence != receiveSequence {
                throw TransportError.sequenceMismatch(expected: receiveSequence, received: sequence)
            }
            receiveSequence &+= 1
            let payload: [UInt8] = Array(buffer[(start + 8) ..< (start + total - 4)])
            start += total
            return try classify(payload)
        }
    }

    private mutating func take(header: Int, length: Int) throws(TransportError) -> TransportEvent? {
        if length > TransportLimits.maximumFrameSize { throw TransportError.frameTooLarge(length) }
        guard available >= header + length else { return nil }
        let payload: [UInt8] = Array(buffer[(start + header) ..< (start + header + length)])
        start += header + length
        return try classify(payload)
    }

    /// Short payloads are transport errors or (padded intermediate) quick acks.
    private func classify(_ payload: [UInt8]) throws(TransportError) -> TransportEvent {
        if role == .client && payload.count < 16 {
            if payload.count >= 4 {
                let code: Int32 = Int32(bitPattern: UInt32(payload[0]) | UInt32(payload[1]) << 8 | UInt32(payload[2]) << 16 | UInt32(payload[3]) << 24)
                if code == -1 && payload.count >= 8 {
                    let token: UInt32 = UInt32(payload[4]) | UInt32(payload[5]) << 8 | UInt32(payload[6]) << 16 | UInt32(payload[7]) << 24
                    return .quickAck(token)
                }
                if code < 0 { throw TransportError.server(code: code) }
            }
            throw TransportError.malformedFrame("payload of \(payload.count) bytes")
        }
        if payload.count % 4 != 0 && kind != .paddedIntermediate {
            throw TransportError.malformedFrame("payload length \(payload.count) is not a multiple of 4")
        }
        return .packet(payload)
    }
}

func le32(_ v: UInt32) -> [UInt8] {
    [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
}
