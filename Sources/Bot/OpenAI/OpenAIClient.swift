import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `POST {baseURL}/chat/completions` on URLSession (libcurl on Linux), with a total deadline per
/// attempt, a bounded answer, retries and redirects that never carry the key.
public struct OpenAIChatModel: ChatModel {
    /// The largest answer body read, in bytes (8 MiB); a larger one is ``OpenAIError/Reason/responseTooLarge(limit:)``.
    public static let maximumResponseBytes: Int = 8 << 20

    /// The settings this client was made with (the API key among them: never log it).
    public let configuration: OpenAIConfiguration
    private let transport: BoundedHTTPTransport
    private let policy: OpenAIRetryPolicy
    private let sleep: @Sendable (Duration) async throws -> Void

    /// `sleep` waits between attempts; tests pass one that returns at once or records the delays.
    public init(configuration: OpenAIConfiguration, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.configuration = configuration
        self.transport = BoundedHTTPTransport(limit: Self.maximumResponseBytes)
        self.policy = OpenAIRetryPolicy(configuration: configuration)
        self.sleep = sleep
    }

    private struct RequestBody: Encodable {
        var model: String
        var messages: [ChatMessage]
        var maximumCompletionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case model, messages
            case maximumCompletionTokens = "max_completion_tokens"
        }
    }

    private struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
                var refusal: String?
            }
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
        case retry(OpenAIError, headers: [String: String])
        case fail(OpenAIError)
    }

    /// Posts `messages` and returns the first choice's content. Throws ``OpenAIError``: at once for 401,
    /// 403, 404, other 4xx, `x-should-retry: false`, an oversized body, a refusal, an empty answer and a
    /// 2xx that is not a completion; after every attempt for 408, 409, 429, 5xx, `x-should-retry: true`,
    /// network errors and timeouts. Throws `CancellationError` when the task is cancelled.
    public func reply(to messages: [ChatMessage]) async throws -> String {
        var request: URLRequest = URLRequest(url: configuration.baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(configuration.apiKey)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONEncoder().encode(RequestBody(
            model: configuration.model, messages: messages, maximumCompletionTokens: configuration.maximumCompletionTokens))
        let attempts: Int = max(1, configuration.maximumAttempts)
        var attempt: Int = 1
        while true {
            switch try await send(request) {
            case .reply(let text):
                return text
            case .fail(let error):
                throw error
            case .retry(let error, let headers):
                guard attempt < attempts else { throw error }
                attempt += 1
                try await sleep(policy.delay(beforeAttempt: attempt, headers: headers))
            }
        }
    }

    private func send(_ request: URLRequest) async throws -> Attempt {
        let answer: HTTPAnswer
        do {
            answer = try await transport.send(request, deadline: configuration.timeout)
        } catch let failure as HTTPFailure {
            if Task.isCancelled { throw CancellationError() }
            switch failure {
            case .timedOut(let id): return .retry(OpenAIError(.timedOut, requestID: id), headers: [:])
            case .network(let message, let id): return .retry(OpenAIError(.network(message), requestID: id), headers: [:])
            case .tooLarge(let limit, let id): return .fail(OpenAIError(.responseTooLarge(limit: limit), requestID: id))
            }
        }
        let id: String? = answer.requestID
        guard (200 ..< 300).contains(answer.status) else {
            let error: OpenAIError = OpenAIError(reason(status: answer.status, body: answer.body), requestID: id)
            return OpenAIRetryPolicy.shouldRetry(status: answer.status, headers: answer.headers) ? .retry(error, headers: answer.headers) : .fail(error)
        }
        guard let body = try? JSONDecoder().decode(ResponseBody.self, from: answer.body), let message = body.choices.first?.message else {
            return .fail(OpenAIError(.malformedResponse(excerpt(answer.body)), requestID: id))
        }
        if let refusal = message.refusal { return .fail(OpenAIError(.refused(safe(refusal)), requestID: id)) }
        guard let text = message.content, !text.allSatisfy(\.isWhitespace) else { return .fail(OpenAIError(.emptyAnswer, requestID: id)) }
        return .reply(text)
    }

    /// The error an unsuccessful status stands for, with the server's message when it sent one.
    private func reason(status: Int, body: Data) -> OpenAIError.Reason {
        let message: String = (try? JSONDecoder().decode(ErrorBody.self, from: body))?.error?.message.map(safe) ?? "HTTP \(status)"
        switch status {
        case 401: return .invalidAPIKey
        case 403: return .forbidden(message)
        case 404: return .notFound(message)
        case 408, 409, 429, 500 ..< 600: return .unavailable(status: status, message: message)
        default: return .rejected(status: status, message: message)
        }
    }

    private func excerpt(_ body: Data) -> String {
        safe(String(decoding: body.prefix(200), as: UTF8.self))
    }

    /// Server text without the key (a proxy may echo it), cut to 300 characters.
    private func safe(_ text: String) -> String {
        String(SecretRedactor([configuration.apiKey]).redact(text).prefix(300))
    }
}
