/// Where and how a client connects.
public struct DataCentre: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The DC number (1–5 on Telegram's servers); sent +10000 on the test servers.
    public var id: Int
    /// An IPv4 address or a host name to connect to.
    public var host: String
    /// The TCP port (443 on Telegram's servers).
    public var port: Int
    /// What the server said about this address (IPv6, media only, …); empty for a configured one.
    public var kind: Kind

    /// A DC at `host:port`; the address is not checked until the client connects.
    public init(id: Int, host: String, port: Int, kind: Kind = []) {
        self.id = id
        self.host = host
        self.port = port
        self.kind = kind
    }

    public var description: String { "DC \(id) (\(host):\(port))" }

    /// Telegram's production data centres (IPv4, port 443).
    public static let production: [DataCentre] = [
        DataCentre(id: 1, host: "149.154.175.53", port: 443), DataCentre(id: 2, host: "149.154.167.51", port: 443),
        DataCentre(id: 3, host: "149.154.175.100", port: 443), DataCentre(id: 4, host: "149.154.167.91", port: 443),
        DataCentre(id: 5, host: "91.108.56.130", port: 443),
    ]

    /// Telegram's test data centres (IPv4, port 443); their DC ids are sent with +10000.
    public static let test: [DataCentre] = [
        DataCentre(id: 1, host: "149.154.175.10", port: 443), DataCentre(id: 2, host: "149.154.167.40", port: 443),
        DataCentre(id: 3, host: "149.154.175.117", port: 443),
    ]
}

/// Everything a ``MTProtoClient`` needs to know before connecting.
public struct ClientConfiguration: Sendable {
    /// The DC to start with (the home DC once logged in).
    public var dataCentre: DataCentre
    /// Addresses of the DCs, for migration and for trying another address of a DC that cannot be
    /// reached (updated from `help.getConfig`: every address the server gives, several per DC).
    public var knownDataCentres: [DataCentre]
    /// Telegram's test servers: DC ids are sent with +10000.
    public var isTestServer: Bool
    /// RSA keys the server may name in `resPQ`.
    public var rsaKeys: [RSAPublicKey]
    /// The TCP framing (intermediate by default; padded intermediate is the usual choice with obfuscation).
    public var transport: TransportKind
    /// Obfuscated2 around the framing when connecting to a DC directly; nil: plain. With an MTProxy
    /// in ``proxy`` the obfuscation (its secret, the DC id) comes from the proxy instead.
    public var obfuscation: Obfuscation?
    /// The proxy every connection goes through (auxiliary and migrated ones included); nil: direct.
    public var proxy: ProxySettings?
    /// How long a proxy may take to open the tunnel (SOCKS5, FakeTLS), or an MTProxy to send its
    /// first byte, before the connection fails with a ``ProxyError``.
    public var proxyTimeout: Duration
    /// `api_id` from my.telegram.org (sent in `initConnection`).
    public var apiID: Int32
    /// `device_model` of `initConnection`: shown in the account's list of active sessions.
    public var deviceModel: String
    /// `system_version` of `initConnection`, e.g. the operating system.
    public var systemVersion: String
    /// `app_version` of `initConnection`.
    public var appVersion: String
    /// `system_lang_code` of `initConnection`: the device's language (ISO 639-1).
    public var systemLanguageCode: String
    /// `lang_pack` of `initConnection`: the localization pack name (empty for none).
    public var languagePack: String
    /// `lang_code` of `initConnection`: the language of the localization pack (ISO 639-1).
    public var languageCode: String
    /// Per-call timeout when the caller gives none.
    public var defaultTimeout: Duration
    /// How often to send `ping_delay_disconnect` (the server closes the connection after 1.25×).
    public var pingInterval: Duration
    /// The first reconnect delay; it doubles with each failed attempt, and each delay is scaled by a
    /// random factor between 0.5 and 1 (jitter).
    public var reconnectDelay: Duration
    /// The cap of the exponential reconnect backoff; after a transport −429 the delay is at least half of it.
    public var maximumReconnectDelay: Duration
    /// Perfect forward secrecy: the lifetime of the temporary keys that carry all traffic, each
    /// bound to the permanent key with `auth.bindTempAuthKey`. On by default (one day); nil turns
    /// PFS off and the permanent key is used directly. The next temporary key is prepared once
    /// three quarters of the lifetime have passed; temporary keys are kept in memory only.
    public var temporaryKeyLifetime: Duration?

    /// A configuration with the defaults above. `knownDataCentres` and `rsaKeys` default to
    /// Telegram's production or test lists, according to `isTestServer`.
    public init(
        dataCentre: DataCentre, knownDataCentres: [DataCentre]? = nil, isTestServer: Bool = false, rsaKeys: [RSAPublicKey]? = nil,
        transport: TransportKind = .intermediate, obfuscation: Obfuscation? = nil, proxy: ProxySettings? = nil,
        proxyTimeout: Duration = .seconds(10), apiID: Int32,
        deviceModel: String = "Swift MTProto", systemVersion: String = "Linux", appVersion: String = "0.1",
        systemLanguageCode: String = "en", languagePack: String = "", languageCode: String = "en",
        defaultTimeout: Duration = .seconds(60), pingInterval: Duration = .seconds(60),
        reconnectDelay: Duration = .milliseconds(200), maximumReconnectDelay: Duration = .seconds(30),
        temporaryKeyLifetime: Duration? = .seconds(86_400)
    ) {
        self.dataCentre = dataCentre
        self.knownDataCentres = knownDataCentres ?? (isTestServer ? DataCentre.test : DataCentre.production)
        self.isTestServer = isTestServer
        self.rsaKeys = rsaKeys ?? (isTestServer ? TelegramKeys.test : TelegramKeys.production)
        self.transport = transport
        self.obfuscation = obfuscation
        self.proxy = proxy
        self.proxyTimeout = proxyTimeout
        self.apiID = apiID
        self.deviceModel = deviceModel
        self.systemVersion = systemVersion
        self.appVersion = appVersion
        self.systemLanguageCode = systemLanguageCode
        self.languagePack = languagePack
        self.languageCode = languageCode
        self.defaultTimeout = defaultTimeout
        self.pingInterval = pingInterval
        self.reconnectDelay = reconnectDelay
        self.maximumReconnectDelay = maximumReconnectDelay
        self.temporaryKeyLifetime = temporaryKeyLifetime
    }

    /// The DC id written into `p_q_inner_data_dc`.
    var wireDCID: Int32 { Int32(dataCentre.id) + (isTestServer ? 10000 : 0) }
}

/// Errors of the client beyond the protocol's own.
public enum MTProtoClientError: Error, Equatable, Sendable {
    /// The call did not complete within its timeout.
    case timeout
    /// The client was shut down.
    case closed
    /// The key exchange failed.
    case handshake(HandshakeError)
    /// A transport-level error ended the connection.
    case transport(TransportError)
    /// The answer did not decode as the method's result type.
    case decoding(String)
    /// The request failed at the session level.
    case session(SessionFailure)
    /// A migration named a DC whose address is unknown.
    case unknownDataCentre(Int)
    /// `auth.bindTempAuthKey` failed (PFS); the client retries with a new temporary key.
    case temporaryKeyBinding(String)
}
