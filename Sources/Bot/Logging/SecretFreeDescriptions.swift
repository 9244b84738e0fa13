import Telegram

extension BotConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var secretFree: SecretFreeFields {
        SecretFreeFields(Self.self, [
            ("telegram", telegram), ("openAIKey", SecretFreeFields.secret(openAIKey)), ("openAIModel", openAIModel),
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
