import Foundation
import MTProto

/// How to reach Telegram and log in: the `TG_*` keys shared by `userbot`, `tg` and any program on
/// this library. Read them from a file, the environment and flags with ``parse(_:)``; build the
/// connection settings with ``clientConfiguration(deviceModel:appVersion:)``.
public struct TelegramConfiguration: Sendable {
    /// `TG_API_ID`: the app's id from my.telegram.org (a positive integer).
    public var apiID: Int32?
    /// Secret.
    public var apiHash: String?
    /// `TG_PHONE`: the account's number, kept as digits only (`+`, spaces and dashes removed when parsed).
    public var phone: String?
    /// Secret.
    public var password: String?
    /// Secret.
    public var code: String?
    /// `TG_SESSION`: the session file (auth keys, update state, peers), created with mode 0600.
    public var sessionPath: String = "userbot.session"
    /// `TG_SERVER`: another server (for example a local `testdc`) used as DC ``dc`` instead of Telegram's
    /// address; when set it is the only DC the client knows.
    public var server: (host: String, port: Int)?
    /// `TG_DC`: the id (1–5) of the DC to start with; picks Telegram's address for it, or names ``server``.
    public var dc: Int = 2
    /// `TG_RSA_KEY`: a PEM file with the server's RSA public key (checked readable when parsed); nil uses
    /// Telegram's built-in keys for production or the test servers.
    public var rsaKeyPath: String?
    /// `TG_TRANSPORT`: the TCP framing; `obfuscated` selects padded intermediate and sets ``obfuscated``.
    public var transport: TransportKind = .intermediate
    /// Set by `TG_TRANSPORT=obfuscated`: the connection is obfuscated (straight to the DC, no proxy secret).
    public var obfuscated: Bool = false
    /// `TG_PROXY`: the proxy every connection goes through: `socks5://[user:pass@]host:port`, or an
    /// MTProxy link (`tg://proxy?server=…&port=…&secret=…`, `https://t.me/proxy?…`). Its password or
    /// secret is a secret.
    public var proxy: ProxySettings?
    /// `TG_TEST_DC`: Telegram's test servers (their addresses and RSA keys) instead of production.
    public var testServers: Bool = false

    /// Every `TG_*` key.
    public static let keys: [String] = [
        "TG_API_ID", "TG_API_HASH", "TG_PHONE", "TG_PASSWORD", "TG_CODE", "TG_SESSION", "TG_SERVER", "TG_DC", "TG_RSA_KEY",
        "TG_TRANSPORT", "TG_PROXY", "TG_TEST_DC",
    ]

    /// Keys whose values are secret (never echoed; redacted from logs).
    public static let secretKeys: Set<String> = ["TG_API_HASH", "TG_PASSWORD", "TG_CODE", "TG_PROXY"]

    /// The secrets this configuration holds, for a log redactor (with the proxy's password, or its
    /// MTProxy secret in every form a link may carry).
    public var secrets: [String?] { [apiHash, password, code] + (proxy?.secretForms ?? []) }

    /// Every setting at its default and nothing read or checked; ``parse(_:)`` builds a checked one.
    public init() {}

    /// The client settings for this configuration; `deviceModel` and `appVersion` go into `initConnection`
    /// (they name the session in the account's list of devices). Throws when the RSA key file is not a key.
    public func clientConfiguration(deviceModel: String, appVersion: String) throws -> ClientConfiguration {
        let defaults: [DataCentre] = testServers ? DataCentre.test : DataCentre.production
        var target: DataCentre = defaults.first(where: { $0.id == dc }) ?? defaults[0]
        if let server { target = DataCentre(id: dc, host: server.host, port: server.port) }
        var keys: [RSAPublicKey]? = nil
        if let rsaKeyPath { keys = [try RSAPublicKey(pem: try String(contentsOfFile: rsaKeyPath, encoding: .utf8))] }
        return ClientConfiguration(
            dataCentre: target, knownDataCentres: server == nil ? nil : [target], isTestServer: testServers, rsaKeys: keys,
            transport: transport, obfuscation: obfuscated ? Obfuscation() : nil, proxy: proxy, apiID: apiID ?? 0, deviceModel: deviceModel,
            appVersion: appVersion)
    }
}
