import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Settings of the OpenAI (or compatible) chat-completions client.
public struct OpenAIConfiguration: Sendable {
    /// Secret: sent only in the `Authorization` header, never logged or put in an error.
    public var apiKey: String
    /// The model name sent in every request (`OPENAI_MODEL`; `gpt-4o-mini` by default).
    public var model: String
    /// `https://api.openai.com/v1` or any OpenAI-compatible server.
    public var baseURL: URL
    /// Per-request timeout.
    public var timeout: Duration
    /// Attempts per reply (429, 5xx, network errors and timeouts are retried).
    public var maximumAttempts: Int
    /// Backoff: the first delay and the cap (exponential, with jitter; `Retry-After` wins when longer).
    /// The wait before the second attempt; each later one doubles it, up to ``maximumDelay``.
    public var initialDelay: Duration
    /// The cap on that backoff (before jitter); a longer `Retry-After` (up to 600 seconds) still wins.
    public var maximumDelay: Duration

    /// Defaults: 60-second timeout, 4 attempts, backoff from 1 second up to 30 seconds.
    public init(
        apiKey: String, model: String = "gpt-4o-mini", baseURL: URL = URL(string: "https://api.openai.com/v1")!,
        timeout: Duration = .seconds(60), maximumAttempts: Int = 4, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(30)
    ) {
        self.apiKey = apiKey
        self.model = model
        self.baseURL = baseURL
        self.timeout = timeout
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }
}

/// Why no reply came from the model. Descriptions never contain the API key.
public enum OpenAIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 401: the API key is wrong or revoked.
    case invalidAPIKey
    /// 403: the key may not use this model or endpoint.
    case forbidden(String)
    /// 404: usually an unknown model name.
    case notFound(String)
    /// 400 or another status that retrying cannot fix.
    case rejected(status: Int, message: String)
    /// 429 or 5xx after every attempt.
    case unavailable(status: Int, message: String)
    /// Network errors or timeouts after every attempt.
    case network(String)
    /// A 200 answer without a message.
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .invalidAPIKey: return "OpenAI rejected the API key (401): check OPENAI_API_KEY"
        case .forbidden(let m): return "OpenAI refused the request (403): \(m)"
        case .notFound(let m): return "OpenAI answered 404 (is OPENAI_MODEL right?): \(m)"
        case .rejected(let status, let m): return "OpenAI rejected the request (\(status)): \(m)"
        case .unavailable(let status, let m): return "OpenAI stayed unavailable (\(status)) after every retry: \(m)"
        case .network(let m): return "could not reach OpenAI after every retry: \(m)"
        case .malformedResponse(let m): return "OpenAI's answer had no message: \(m)"
        }
    }
}

/// `POST {baseURL}/chat/completions` on URLSession (libcurl on Linux), with timeouts and retries.
public struct OpenAIChatModel: ChatModel {
    /// The settings this client was made with (the API key among them: never log it).
    public let configuration: OpenAIConfiguration
    private let session: URLSession
    private let sleep: @Sendable (Duration) async throws -> Void

    /// Uses an ephemeral `URLSession` with the configured timeout. `sleep` waits between attempts; tests
    /// pass one that returns at once or records the delays.
    public init(configuration: OpenAIConfiguration, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.configuration = configuration
        let settings: URLSessionConfiguration = URLSessionConfiguration.ephemeral
        settings.timeoutIntervalForRequest = Self.seconds(configuration.timeout)
        self.session = URLSession(configuration: settings)
        self.sleep = sleep
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private struct RequestBody: Encodable {
        var model: String
        var messages: [ChatMessage]
    }

    private struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message
        }
        var choices: [Choice]
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { var message: String? }
        var error: Detail?
    }

    /// One outcome of one attempt.
    private enum Attempt {
        case reply(String)
        case retry(OpenAIError, after: Duration?)
        case fail(OpenAIError)
    }

    /// Posts `messages` and returns the first choice's content. Throws ``OpenAIError``: at once for 401,
    /// 403, 404, other 4xx and a 2xx without a message; after every attempt for 429, 5xx, network errors
    /// and timeouts. Also throws whatever `sleep` throws (cancellation) during a backoff.
    public func reply(to messages: [ChatMessage]) async throws -> String {
        var request: URLRequest = URLRequest(url: configuration.baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.timeoutInterval = Self.seconds(configuration.timeout)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(configuration.apiKey)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONEncoder().encode(RequestBody(model: configuration.model, messages: messages))
        var lastError: OpenAIError = .network("no attempt was made")
        for attempt in 0 ..< max(1, configuration.maximumAttempts) {
            if attempt > 0 {
                let backoff: Duration = delay(attempt: attempt)
                try await sleep(backoff)
            }
            switch await send(request) {
            case .reply(let text):
                return text
            case .fail(let error):
                throw error
            case .retry(let error, let retryAfter):
                lastError = error
                if let retryAfter, attempt + 1 < configuration.maximumAttempts {
                    // Retry-After, when longer than our own backoff, decides the wait.
                    let own: Duration = delay(attempt: attempt + 1)
                    if retryAfter > own { try await sleep(retryAfter - own) }
                }
            }
        }
        throw lastError
    }

    /// Exponential backoff with jitter (50–100 % of the step), capped.
    private func delay(attempt: Int) -> Duration {
        let base: Double = Self.seconds(configuration.initialDelay) * pow(2, Double(attempt - 1))
        let capped: Double = min(base, Self.seconds(configuration.maximumDelay))
        return .milliseconds(Int(capped * Double.random(in: 0.5 ... 1.0) * 1000))
    }

    private func send(_ request: URLRequest) async -> Attempt {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            return .retry(.network(Self.describe(error)), after: nil)
        }
        guard let http = response as? HTTPURLResponse else { return .retry(.network("not an HTTP response"), after: nil) }
        let message: String = (try? JSONDecoder().decode(ErrorBody.self, from: data))?.error?.message ?? "HTTP \(http.statusCode)"
        switch http.statusCode {
        case 200 ..< 300:
            guard let body = try? JSONDecoder().decode(ResponseBody.self, from: data), let text = body.choices.first?.message.content else {
                return .fail(.malformedResponse(String(decoding: data.prefix(200), as: UTF8.self)))
            }
            return .reply(text)
        case 401: return .fail(.invalidAPIKey)
        case 403: return .fail(.forbidden(message))
        case 404: return .fail(.notFound(message))
        case 429, 500 ..< 600:
            return .retry(.unavailable(status: http.statusCode, message: message), after: Self.retryAfter(http))
        default:
            return .fail(.rejected(status: http.statusCode, message: message))
        }
    }

    /// `Retry-After` in seconds (the HTTP-date form is rare for this API and treated as absent).
    private static func retryAfter(_ response: HTTPURLResponse) -> Duration? {
        guard let value = response.value(forHTTPHeaderField: "Retry-After"), let seconds = Double(value.trimmingCharacters(in: .whitespaces)),
              seconds >= 0 else { return nil }
        return .milliseconds(Int(min(seconds, 600) * 1000))
    }

    private static func describe(_ error: any Error) -> String {
        if let url = error as? URLError { return "\(url.code == .timedOut ? "timed out" : "network error \(url.code.rawValue)")" }
        return "\(type(of: error))"
    }
}
