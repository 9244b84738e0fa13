extension LoginFlow: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var secretFree: SecretFreeFields {
        SecretFreeFields(Self.self, [
            ("apiID", apiID), ("apiHash", SecretFreeFields.secret(apiHash)), ("phone", phone), ("code", SecretFreeFields.secret(code)),
            ("password", SecretFreeFields.secret(password)), ("prompter", String(describing: type(of: prompter))),
            ("logoutTokens", "\(logoutTokens.count) token(s)"), ("maximumAttempts", maximumAttempts), ("maximumRestarts", maximumRestarts),
        ])
    }

    /// Every field, the API hash, code and password as `[redacted]` (the logout tokens only counted).
    public var description: String { secretFree.description }
    /// The same as ``description``: the API hash, code and password as `[redacted]`.
    public var debugDescription: String { secretFree.description }
    /// Every field for `dump` and `Mirror`, the API hash, code and password as `[redacted]`.
    public var customMirror: Mirror { secretFree.mirror(of: self) }
}
