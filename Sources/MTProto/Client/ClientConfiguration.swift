/// Where and how a client connects.
public struct DataCentre: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var id: Int
    public var host: String
    public var port: Int

    public init(id: Int, host: String, port: Int) {
        self.id = id
        self.host = host
        self.port = port
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
    /// Addresses of the other DCs, for migration (updated from `help.getConfig`).
    public var knownDataCentres: [DataCentre]
    /// Telegram's test servers: DC ids are sent with +10000.
    public var isTestServer: Bool
    /// RSA keys the server may name in `resPQ`.
    public var rsaKeys: [RSAPublicKey]
    public var transport: TransportKind
    public var obfuscation: Obfuscation?
    /// `api_id` from my.telegram.org (sent in `initConnection`).
    public var apiID: Int32
    public var deviceModel: String
    public var systemVersion: String
    public var appVersion: String
    public var systemLanguageCode: String
    public var languagePack: String
    public var languageCode: String
    /// Per-call timeout when the caller gives none.
    public var defaultTimeout: Duration
    /// How often to send `ping_delay_disconnect` (the server closes the connection after 1.25×).
    public var pingInterval: Duration
    /// Reconnect delays: the first, and the cap of the exponential backoff (with jitter).
    public var reconnectDelay: Duration
    public var maximumReconnectDelay: Duration
    /// Perfect forward secrecy: the lifetime of the temporary keys that carry all traffic, each
    /// bound to the permanent key with `auth.bindTempAuthKey`. On by default (one day); nil turns
    /// PFS off and the permanent key is used directly. The next temporary key is prepared once
    /// three quarters of the lifetime have passed; temporary keys are kept in memory only.
    public var temporaryKeyLifetime: Duration?

    public init(
        dataCentre: DataCentre, knownDataCentres: [DataCentre]? = nil, isTestServer: Bool = false, rsaKeys: [RSAPublicKey]? = nil,
        transport: TransportKind = .intermediate, obfuscation: Obfuscation? = nil, apiID: Int32,
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
