import Foundation

/// Settings of the OpenAI (or compatible) chat-completions client.
public struct OpenAIConfiguration: Sendable {
    /// Secret: sent only in the `Authorization` header (never on a redirect), never logged or put in an error.
    public var apiKey: String
    /// The model name sent in every request (`OPENAI_MODEL`; `gpt-4o-mini` by default).
    public var model: String
    /// `https://api.openai.com/v1` or any OpenAI-compatible server.
    public var baseURL: URL
    /// The whole time one attempt may take, from sending the request to the last byte of the answer
    /// (`OPENAI_TIMEOUT`): a server that keeps trickling bytes is cut off too.
    public var timeout: Duration
    /// Attempts per reply (408, 409, 429, 5xx, `x-should-retry: true`, network errors and timeouts are retried).
    public var maximumAttempts: Int
    /// The wait before the second attempt; each later one doubles it, up to ``maximumDelay`` (with jitter).
    public var initialDelay: Duration
    /// The cap on that backoff (before jitter).
    public var maximumDelay: Duration
    /// The cap on a wait the server asks for (`Retry-After`, `retry-after-ms`); such a wait replaces the backoff.
    public var maximumRetryAfter: Duration
    /// `OPENAI_MAX_TOKENS`: sent as `max_completion_tokens` when set; nil leaves the limit to the server.
    public var maximumCompletionTokens: Int?

    /// Defaults: 60-second timeout, 4 attempts, backoff from 1 second up to 30 seconds, a server-asked
    /// wait of at most 60 seconds, no token limit.
    public init(
        apiKey: String, model: String = "gpt-4o-mini", baseURL: URL = URL(string: "https://api.openai.com/v1")!,
        timeout: Duration = .seconds(60), maximumAttempts: Int = 4, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(30),
        maximumRetryAfter: Duration = .seconds(60), maximumCompletionTokens: Int? = nil
    ) {
        self.apiKey = apiKey
        self.model = model
        self.baseURL = baseURL
        self.timeout = timeout
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
        self.maximumCompletionTokens = maximumCompletionTokens
    }
}
