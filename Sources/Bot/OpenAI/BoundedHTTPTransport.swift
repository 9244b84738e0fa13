import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One complete HTTP answer.
struct HTTPAnswer: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data
    var requestID: String? { headers["x-request-id"] }
}

/// Why no complete answer came; the request id is the one of the answer's head, when it had arrived.
enum HTTPFailure: Error {
    case timedOut(requestID: String?)
    case tooLarge(limit: Int, requestID: String?)
    case network(String, requestID: String?)
}

/// URLSession (libcurl on Linux) with the limits the OpenAI client needs and URLSession alone lacks:
/// a total deadline per request (URLSession's own timeout only measures idle time, so a server
/// trickling a byte now and then would hold a request forever), a cap on the body (checked on the
/// declared length and while bytes arrive, so a huge answer is never held in memory), and
/// redirects that never carry the `Authorization` header.
///
/// Redirects are followed here, not by URLSession (whose Linux version drops a POST's body on a
/// redirect): 307 and 308 only (they keep the method and body; a chat completion turned into a GET
/// by 301, 302 or 303 would be meaningless), up to ``maximumRedirects``, never from https to http, and
/// always without the `Authorization` header, whatever the target: the key never reaches a place
/// it was not configured for (a server that needs it answers 401, which is reported). A redirect
/// not followed is returned as the answer.
final class BoundedHTTPTransport: Sendable {
    /// Redirects followed per request.
    static let maximumRedirects: Int = 5

    private let session: URLSession
    private let delegate: Delegate

    /// `limit` is the largest body accepted, in bytes.
    init(limit: Int) {
        let settings: URLSessionConfiguration = URLSessionConfiguration.ephemeral
        settings.httpShouldSetCookies = false
        delegate = Delegate(limit: limit)
        session = URLSession(configuration: settings, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends `request` and returns the whole answer, or throws ``HTTPFailure`` (or `CancellationError`
    /// when the calling task is cancelled). `deadline` bounds the whole exchange, redirects included.
    func send(_ request: URLRequest, deadline: Duration) async throws -> HTTPAnswer {
        let end: ContinuousClock.Instant = .now + deadline
        var current: URLRequest = request
        var redirects: Int = 0
        while true {
            let answer: HTTPAnswer = try await exchange(current, deadline: end - .now)
            guard redirects < Self.maximumRedirects, let next = Self.redirect(of: current, by: answer) else { return answer }
            current = next
            redirects += 1
        }
    }

    /// The request a 307 or 308 answer sends `request` to, without `Authorization`; nil when the
    /// answer is not such a redirect or it would go from https to http.
    private static func redirect(of request: URLRequest, by answer: HTTPAnswer) -> URLRequest? {
        guard answer.status == 307 || answer.status == 308, let location = answer.headers["location"],
              let target = URL(string: location, relativeTo: request.url)?.absoluteURL, let scheme = target.scheme?.lowercased(),
              scheme == "https" || (scheme == "http" && request.url?.scheme?.lowercased() == "http") else { return nil }
        var next: URLRequest = request
        next.url = target
        next.setValue(nil, forHTTPHeaderField: "Authorization")
        return next
    }

    /// One request and its answer, within `deadline`; redirects are returned, not followed.
    private func exchange(_ request: URLRequest, deadline: Duration) async throws -> HTTPAnswer {
        guard deadline > .zero else { throw HTTPFailure.timedOut(requestID: nil) }
        var request: URLRequest = request
        // URLSession's idle timeout counts whole seconds on Linux (0.9 s would be no time at all): it is
        // only a backstop a second after the real deadline, the timer below.
        request.timeoutInterval = (deadline.inSeconds + 1).rounded(.up)
        let task: URLSessionDataTask = session.dataTask(with: request)
        let delegate: Delegate = delegate
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPAnswer, any Error>) in
                let timer: Task<Void, Never> = Task {
                    try? await Task.sleep(for: deadline)
                    guard !Task.isCancelled else { return }
                    delegate.finish(task) { .failure(HTTPFailure.timedOut(requestID: $0.requestID)) }
                }
                delegate.register(task, continuation: continuation, timer: timer)
                if Task.isCancelled {
                    delegate.finish(task) { _ in .failure(CancellationError()) }
                } else {
                    task.resume()
                }
            }
        } onCancel: {
            delegate.finish(task) { _ in .failure(CancellationError()) }
        }
    }

    /// The session's delegate: collects each task's answer and resumes its caller exactly once.
    private final class Delegate: NSObject, URLSessionDataDelegate, Sendable {
        fileprivate struct Pending {
            var continuation: CheckedContinuation<HTTPAnswer, any Error>
            var timer: Task<Void, Never>
            var status: Int = 0
            var headers: [String: String] = [:]
            var body: Data = Data()
            var requestID: String? { headers["x-request-id"] }
        }

        private let limit: Int
        private let pending: Mutex<[Int: Pending]> = Mutex([:])

        init(limit: Int) {
            self.limit = limit
        }

        func register(_ task: URLSessionTask, continuation: CheckedContinuation<HTTPAnswer, any Error>, timer: Task<Void, Never>) {
            pending.withLock { $0[task.taskIdentifier] = Pending(continuation: continuation, timer: timer) }
        }

        /// Resumes the caller of `task` with `outcome` (computed from what arrived so far) and cancels
        /// the task; does nothing when it was already finished.
        fileprivate func finish(_ task: URLSessionTask, _ outcome: (Pending) -> Result<HTTPAnswer, any Error>) {
            let done: (Pending, Result<HTTPAnswer, any Error>)? = pending.withLock { (all: inout [Int: Pending]) in
                guard let entry = all.removeValue(forKey: task.taskIdentifier) else { return nil }
                return (entry, outcome(entry))
            }
            guard let (entry, result) = done else { return }
            entry.timer.cancel()
            task.cancel()
            entry.continuation.resume(with: result)
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
        ) {
            guard let http = response as? HTTPURLResponse else {
                finish(dataTask) { _ in .failure(HTTPFailure.network("not an HTTP response", requestID: nil)) }
                completionHandler(.cancel)
                return
            }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            let declared: Int64 = http.expectedContentLength
            let tooLarge: Bool = pending.withLock { (all: inout [Int: Pending]) -> Bool in
                all[dataTask.taskIdentifier]?.status = http.statusCode
                all[dataTask.taskIdentifier]?.headers = headers
                return declared > Int64(limit)
            }
            if tooLarge {
                finish(dataTask) { .failure(HTTPFailure.tooLarge(limit: self.limit, requestID: $0.requestID)) }
                completionHandler(.cancel)
            } else {
                completionHandler(.allow)
            }
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let tooLarge: Bool = pending.withLock { (all: inout [Int: Pending]) -> Bool in
                guard all[dataTask.taskIdentifier] != nil else { return false }
                if all[dataTask.taskIdentifier]!.body.count + data.count > limit { return true }
                all[dataTask.taskIdentifier]!.body.append(data)
                return false
            }
            if tooLarge { finish(dataTask) { .failure(HTTPFailure.tooLarge(limit: self.limit, requestID: $0.requestID)) } }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            finish(task) { (entry: Pending) -> Result<HTTPAnswer, any Error> in
                if let error { return .failure(HTTPFailure.network(Self.describe(error), requestID: entry.requestID)) }
                return .success(HTTPAnswer(status: entry.status, headers: entry.headers, body: entry.body))
            }
        }

        /// Never lets URLSession follow a redirect: the 3xx is the answer, and ``send(_:deadline:)`` decides.
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
            completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }

        private static func describe(_ error: any Error) -> String {
            if let url = error as? URLError { return url.code == .timedOut ? "timed out" : "network error \(url.code.rawValue)" }
            return "\(type(of: error))"
        }
    }
}
