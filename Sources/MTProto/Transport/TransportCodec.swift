import TLSchema
/// Obfuscation ("obfuscated2") settings for a connection: on for MTProxy and where plain framings
/// are blocked.
public struct Obfuscation: Sendable, Equatable {
    /// The 16-byte MTProxy secret (without a `dd`/`ee` prefix), or nil when talking to a DC directly.
    public var proxySecret: [UInt8]?
    /// The DC id written into the init header for a proxy (+10000 for test DCs, negative for media DCs).
    public var dcID: Int16?

    /// With no proxy secret and no DC id, the connection is obfuscated straight to a DC.
    public init(proxySecret: [UInt8]? = nil, dcID: Int16? = nil) {
        self.proxySecret = proxySecret
        self.dcID = dcID
    }

    /// Reads an MTProxy secret as published in `tg://proxy` links (hex): 16 bytes, or `dd` + 16 bytes.
    /// Returns the secret and whether padded intermediate is required. FakeTLS (`ee`) is not supported.
    public static func parseProxySecret(hex: String) -> (secret: [UInt8], requiresPadding: Bool)? {
        guard let bytes = TLHex.decode(hex) else { return nil }
        if bytes.count == 16 { return (bytes, false) }
        if bytes.count == 17 && bytes[0] == 0xdd { return (Array(bytes[1...]), true) }
        return nil
    }
}

/// One connection's transport: framing plus optional obfuscation. Sans-IO: feed received bytes, get
/// packets; give packets, get bytes to send.
public struct TransportCodec: @unchecked Sendable {
    // The AES-CTR states are classes owned by this codec alone; the codec belongs to one connection.
    /// The framing chosen when the codec was made; it never changes.
    public let kind: TransportKind
    private var framer: Framer
    private var encryptor: AESCTR?
    private var decryptor: AESCTR?
    private let entropy: any EntropySource
    private var preamble: [UInt8]?

    /// A client codec. The bytes to send first come from ``takePreamble()``.
    public init(clientKind kind: TransportKind, obfuscation: Obfuscation? = nil, entropy: any EntropySource = SystemEntropy()) {
        self.init(clientKind: kind, obfuscation: obfuscation, entropy: entropy, classifiesShortPayloads: true)
    }

    /// `classifiesShortPayloads: false` reads payloads under 16 bytes as packets (tests that replay
    /// other implementations' streams of arbitrary payloads).
    init(clientKind kind: TransportKind, obfuscation: Obfuscation?, entropy: any EntropySource, classifiesShortPayloads: Bool) {
        self.kind = kind
        self.framer = Framer(kind: kind, role: classifiesShortPayloads ? .client : .server)
        self.entropy = entropy
        if let obfuscation, let tag = kind.obfuscationTag {
            var header: [UInt8]
            repeat {
                header = entropy.randomBytes(count: 64)
            } while Self.isForbiddenInitHeader(header)
            header.replaceSubrange(56 ..< 60, with: tag)
            if let dc = obfuscation.dcID {
                let v: UInt16 = UInt16(bitPattern: dc)
                header[60] = UInt8(v & 0xff)
                header[61] = UInt8(v >> 8)
            }
            let keys: (encrypt: AESCTR, decrypt: AESCTR) = Self.keys(from: header, secret: obfuscation.proxySecret, server: false)
            var encrypted: [UInt8] = header
            keys.encrypt.apply(&encrypted)
            encryptor = keys.encrypt
            decryptor = keys.decrypt
            preamble = Array(header[0 ..< 56]) + Array(encrypted[56 ..< 64])
        } else {
            preamble = framer.tag
        }
    }

    private init(serverKind kind: TransportKind, encryptor: AESCTR?, decryptor: AESCTR?, entropy: any EntropySource) {
        self.kind = kind
        self.framer = Framer(kind: kind, role: .server)
        self.encryptor = encryptor
        self.decryptor = decryptor
        self.entropy = entropy
        self.preamble = nil
    }

    /// The bytes a client must send before its first packet (tag or obfuscated init header); empty
    /// after the first call.
    public mutating func takePreamble() -> [UInt8] {
        defer { preamble = nil }
        return preamble ?? []
    }

    /// The bytes to send for one MTProto packet.
    public mutating func encode(_ packet: [UInt8]) -> [UInt8] {
        let entropy: any EntropySource = self.entropy
        var bytes: [UInt8] = framer.frame(packet, padding: {
            entropy.randomBytes(count: Int(entropy.randomBytes(count: 1)[0] % 16))
        })
        encryptor?.apply(&bytes)
        return bytes
    }

    /// Feeds received bytes and returns every complete event. A thrown error ends the connection.
    public mutating func decode(_ received: [UInt8]) throws(TransportError) -> [TransportEvent] {
        var bytes: [UInt8] = received
        decryptor?.apply(&bytes)
        framer.feed(bytes)
        var events: [TransportEvent] = []
        while let event = try framer.next() {
            events.append(event)
        }
        return events
    }

    static func isForbiddenInitHeader(_ h: [UInt8]) -> Bool {
        if h[0] == 0xef { return true }
        let first: UInt32 = UInt32(h[0]) | UInt32(h[1]) << 8 | UInt32(h[2]) << 16 | UInt32(h[3]) << 24
        let forbidden: Set<UInt32> = [0x4441_4548, 0x5453_4f50, 0x2054_4547, 0x4954_504f, 0x0201_0316, 0xdddd_dddd, 0xeeee_eeee]
        if forbidden.contains(first) { return true }
        return h[4] == 0 && h[5] == 0 && h[6] == 0 && h[7] == 0
    }

    /// The CTR ciphers for both directions. The client encrypts with the header's keys and decrypts
    /// with the reversed header's; the server the other way round.
    static func keys(from header: [UInt8], secret: [UInt8]?, server: Bool) -> (encrypt: AESCTR, decrypt: AESCTR) {
        let reversed: [UInt8] = header.reversed()
        var forwardKey: [UInt8] = Array(header[8 ..< 40])
        var backwardKey: [UInt8] = Array(reversed[8 ..< 40])
        if let secret {
            forwardKey = Hash.sha256(forwardKey, secret)
            backwardKey = Hash.sha256(backwardKey, secret)
        }
        let forward: AESCTR = AESCTR(key: forwardKey, iv: Array(header[40 ..< 56]))
        let backward: AESCTR = AESCTR(key: backwardKey, iv: Array(reversed[40 ..< 56]))
        return server ? (backward, forward) : (forward, backward)
    }

    /// Server side: recognises the client's framing (and obfuscation) from the first bytes it sent.
    public struct ServerDetector: Sendable {
        private var received: [UInt8] = []
        private let proxySecret: [UInt8]?

        /// `proxySecret` enables obfuscated clients that use it (nil: plain obfuscation, as DCs accept).
        public init(proxySecret: [UInt8]? = nil) {
            self.proxySecret = proxySecret
        }

        /// Feeds bytes; returns the codec (with the bytes after the preamble already fed to it, and the
        /// events they produced) once the framing is known.
        public mutating func feed(_ bytes: [UInt8], entropy: any EntropySource = SystemEntropy()) throws(TransportError)
            -> (codec: TransportCodec, events: [TransportEvent])?
        {
            received += bytes
            guard let first = received.first else { return nil }
            var codec: TransportCodec
            var rest: [UInt8]
            if first == 0xef {
                codec = TransportCodec(serverKind: .abridged, encryptor: nil, decryptor: nil, entropy: entropy)
                rest = Array(received.dropFirst())
            } else {
                guard received.count >= 8 else { return nil }
                let head: [UInt8] = Array(received[0 ..< 4])
                if head == [0xee, 0xee, 0xee, 0xee] || head == [0xdd, 0xdd, 0xdd, 0xdd] {
                    let kind: TransportKind = head[0] == 0xee ? .intermediate : .paddedIntermediate
                    codec = TransportCodec(serverKind: kind, encryptor: nil, decryptor: nil, entropy: entropy)
                    rest = Array(received.dropFirst(4))
                } else if received[4] == 0 && received[5] == 0 && received[6] == 0 && received[7] == 0 {
                    codec = TransportCodec(serverKind: .full, encryptor: nil, decryptor: nil, entropy: entropy)
                    rest = received
                } else {
                    guard received.count >= 64 else { return nil }
                    let header: [UInt8] = Array(received[0 ..< 64])
                    let keys: (encrypt: AESCTR, decrypt: AESCTR) = TransportCodec.keys(from: header, secret: proxySecret, server: true)
                    var decrypted: [UInt8] = header
                    keys.decrypt.apply(&decrypted)
                    let tag: [UInt8] = Array(decrypted[56 ..< 60])
                    guard let kind = TransportKind.allCases.first(where: { $0.obfuscationTag == tag }) else {
                        throw TransportError.malformedFrame("unknown transport tag in obfuscated header")
                    }
                    codec = TransportCodec(serverKind: kind, encryptor: keys.encrypt, decryptor: keys.decrypt, entropy: entropy)
                    rest = Array(received.dropFirst(64))
                }
            }
            let events: [TransportEvent] = try codec.decode(rest)
            return (codec, events)
        }
    }
}
