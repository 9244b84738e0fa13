/// The fields a secret-holding type shows in `description`, `debugDescription`, `dump` and `Mirror`:
/// a fixed list, secrets as `[redacted]` (or `nil` when absent), so a field added later is hidden
/// until it is listed here.
struct SecretFreeFields {
    let typeName: String
    let fields: [(label: String, value: Any)]

    init(_ type: Any.Type, _ fields: [(label: String, value: Any)]) {
        self.typeName = String(describing: type)
        self.fields = fields
    }

    /// A secret's stand-in: `[redacted]` when set, `nil` when not.
    static func secret(_ value: String?) -> Any { value == nil ? Optional<String>.none as Any : Redacted() }

    var description: String {
        typeName + "(" + fields.map { "\($0.label): \(String(reflecting: $0.value))" }.joined(separator: ", ") + ")"
    }

    func mirror(of subject: Any) -> Mirror {
        Mirror(subject, children: fields.map { (label: String?.some($0.label), value: $0.value) }, displayStyle: .struct)
    }

    /// A value shown by its secret-free description only (`dump` would otherwise list its fields).
    struct Described: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        let description: String

        init(_ description: String) {
            self.description = description
        }

        var debugDescription: String { description }
        var customMirror: Mirror { Mirror(self, children: [], displayStyle: nil) }
    }

    /// Prints, dumps and reflects as `[redacted]`.
    struct Redacted: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        var description: String { "[redacted]" }
        var debugDescription: String { "[redacted]" }
        var customMirror: Mirror { Mirror(self, children: [], displayStyle: nil) }
    }
}

extension BotConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var secretFree: SecretFreeFields {
        SecretFreeFields(Self.self, [
            ("apiID", apiID as Any), ("apiHash", SecretFreeFields.secret(apiHash)), ("phone", phone as Any),
            ("password", SecretFreeFields.secret(password)), ("code", SecretFreeFields.secret(code)), ("sessionPath", sessionPath),
            ("server", server as Any), ("dc", dc), ("rsaKeyPath", rsaKeyPath as Any), ("transport", transport), ("obfuscated", obfuscated),
            ("proxy", proxy.map { SecretFreeFields.Described($0.description) } as Any),
            ("testServers", testServers), ("openAIKey", SecretFreeFields.secret(openAIKey)), ("openAIModel", openAIModel),
            ("openAIBaseURL", openAIBaseURL), ("openAIAllowInsecure", openAIAllowInsecure), ("systemPrompt", systemPrompt as Any),
            ("openAITimeout", openAITimeout), ("openAIMaximumTokens", openAIMaximumTokens as Any), ("logDirectory", logDirectory),
            ("dumpDirectory", dumpDirectory), ("floodSleepThreshold", floodSleepThreshold),
        ])
    }

    /// Every field, the secrets as `[redacted]`.
    public var description: String { secretFree.description }
    /// The same as ``description``: secrets as `[redacted]`.
    public var debugDescription: String { secretFree.description }
    /// Every field for `dump` and `Mirror`, the secrets as `[redacted]`.
    public var customMirror: Mirror { secretFree.mirror(of: self) }
}

extension OpenAIConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var secretFree: SecretFreeFields {
        SecretFreeFields(Self.self, [
            ("apiKey", SecretFreeFields.secret(apiKey)), ("model", model), ("baseURL", baseURL), ("timeout", timeout),
            ("maximumAttempts", maximumAttempts), ("initialDelay", initialDelay), ("maximumDelay", maximumDelay),
            ("maximumRetryAfter", maximumRetryAfter), ("maximumCompletionTokens", maximumCompletionTokens as Any),
        ])
    }

    /// Every field, the API key as `[redacted]`.
    public var description: String { secretFree.description }
    /// The same as ``description``: the API key as `[redacted]`.
    public var debugDescription: String { secretFree.description }
    /// Every field for `dump` and `Mirror`, the API key as `[redacted]`.
    public var customMirror: Mirror { secretFree.mirror(of: self) }
}

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
