extension TelegramConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var secretFree: SecretFreeFields {
        SecretFreeFields(Self.self, [
            ("apiID", apiID as Any), ("apiHash", SecretFreeFields.secret(apiHash)), ("phone", phone as Any),
            ("password", SecretFreeFields.secret(password)), ("code", SecretFreeFields.secret(code)), ("sessionPath", sessionPath),
            ("server", server as Any), ("dc", dc), ("rsaKeyPath", rsaKeyPath as Any), ("transport", transport), ("obfuscated", obfuscated),
            ("proxy", proxy.map { SecretFreeFields.Described($0.description) } as Any), ("testServers", testServers),
        ])
    }

    /// Every field, the API hash, password and code as `[redacted]`.
    public var description: String { secretFree.description }
    /// The same as ``description``: secrets as `[redacted]`.
    public var debugDescription: String { secretFree.description }
    /// Every field for `dump` and `Mirror`, the secrets as `[redacted]`.
    public var customMirror: Mirror { secretFree.mirror(of: self) }
}
