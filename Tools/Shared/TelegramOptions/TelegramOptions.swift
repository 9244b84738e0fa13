import ArgumentParser

/// The `TG_*` flags `userbot` and `tg` share: each overrides the environment and the configuration
/// file. Secrets (`TG_API_HASH`, `TG_PASSWORD`, `TG_CODE`) have no flag: they come from the file or the
/// environment only.
public struct TelegramOptions: ParsableArguments {
    /// `--config`: a `KEY=value` file.
    @Option(name: .long, help: "A configuration file of KEY=value lines (see config.example.env; userbot and tg share it).")
    public var config: String?

    /// `--api-id`.
    @Option(name: .customLong("api-id"), help: "TG_API_ID: the api_id from my.telegram.org.")
    public var apiID: String?

    /// `--phone`.
    @Option(name: .long, help: "TG_PHONE: the account's phone number (+ and digits).")
    public var phone: String?

    /// `--session`.
    @Option(name: .long, help: "TG_SESSION: the session file (default userbot.session).")
    public var session: String?

    /// `--server`.
    @Option(name: .long, help: "TG_SERVER: HOST:PORT of another server (for example a local testdc).")
    public var server: String?

    /// `--dc`.
    @Option(name: .long, help: "TG_DC: the DC to start with (default 2).")
    public var dc: String?

    /// `--rsa-key`.
    @Option(name: .customLong("rsa-key"), help: "TG_RSA_KEY: a PEM file with the server's RSA public key.")
    public var rsaKey: String?

    /// `--transport`.
    @Option(name: .long, help: "TG_TRANSPORT: abridged, intermediate, padded, full or obfuscated.")
    public var transport: String?

    /// `--test-dc`.
    @Flag(name: .customLong("test-dc"), help: "TG_TEST_DC: use Telegram's test servers.")
    public var testDC: Bool = false

    /// Options as parsed from the command line.
    public init() {}

    /// The flags given, by configuration key (nil: not given).
    public var flags: [String: String?] {
        [
            "TG_API_ID": apiID, "TG_PHONE": phone, "TG_SESSION": session, "TG_SERVER": server, "TG_DC": dc, "TG_RSA_KEY": rsaKey,
            "TG_TRANSPORT": transport, "TG_TEST_DC": testDC ? "true" : nil,
        ]
    }
}
