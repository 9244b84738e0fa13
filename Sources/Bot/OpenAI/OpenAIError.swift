/// Why no reply came from the model, with the server's `x-request-id` when an answer carried one
/// (quote it to the provider's support). Descriptions never contain the API key.
public struct OpenAIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Equatable, Sendable {
        /// 401: the API key is wrong or revoked.
        case invalidAPIKey
        /// 403: the key may not use this model or endpoint.
        case forbidden(String)
        /// 404: usually an unknown model name.
        case notFound(String)
        /// 400 or another status that retrying cannot fix (or that the server said not to retry).
        case rejected(status: Int, message: String)
        /// 408, 409, 429 or 5xx: after every attempt, or at once when the server said not to retry.
        case unavailable(status: Int, message: String)
        /// An attempt took longer than the configured timeout (after every attempt).
        case timedOut
        /// The server could not be reached or the connection broke (after every attempt).
        case network(String)
        /// The answer's body was larger than the limit (in bytes); it was not read to the end.
        case responseTooLarge(limit: Int)
        /// A 2xx answer that is not a chat completion.
        case malformedResponse(String)
        /// The model declined to answer; its refusal text.
        case refused(String)
        /// The model's answer was empty or only whitespace.
        case emptyAnswer
    }

    /// What went wrong.
    public var reason: Reason
    /// The `x-request-id` of the server's answer, when there was an answer carrying one.
    public var requestID: String?

    /// An error for `reason`, from the answer with `requestID`.
    public init(_ reason: Reason, requestID: String? = nil) {
        self.reason = reason
        self.requestID = requestID
    }

    public var description: String {
        let request: String = requestID.map { " [x-request-id \($0)]" } ?? ""
        switch reason {
        case .invalidAPIKey: return "OpenAI rejected the API key (401): check OPENAI_API_KEY" + request
        case .forbidden(let m): return "OpenAI refused the request (403): \(m)" + request
        case .notFound(let m): return "OpenAI answered 404 (is OPENAI_MODEL right?): \(m)" + request
        case .rejected(let status, let m): return "OpenAI rejected the request (\(status)): \(m)" + request
        case .unavailable(let status, let m): return "OpenAI was unavailable (\(status)): \(m)" + request
        case .timedOut: return "OpenAI did not answer within OPENAI_TIMEOUT" + request
        case .network(let m): return "could not reach OpenAI: \(m)" + request
        case .responseTooLarge(let limit): return "OpenAI's answer was larger than \(limit) bytes and was not read" + request
        case .malformedResponse(let m): return "OpenAI's answer was not a chat completion: \(m)" + request
        case .refused(let m): return "the model refused to answer: \(m)" + request
        case .emptyAnswer: return "the model's answer was empty" + request
        }
    }
}
