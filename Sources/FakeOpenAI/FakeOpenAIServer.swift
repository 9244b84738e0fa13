import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An OpenAI-compatible chat-completions server on loopback for tests, the soak and local trials:
/// the real HTTP client talks to it. It records every request and answers from a script (status
/// codes with `Retry-After` or other headers, refusals, slow or huge bodies, redirects) or a failure
/// rule, falling back to `echo: <last message>`. Every answer carries `x-request-id: req_fake_<n>`,
/// `n` the request's number (from 1).
public final class FakeOpenAIServer: Sendable {
    /// One request as received.
    public struct Request: Sendable, Equatable {
        /// The `Authorization` header, nil when the request had none.
        public var authorization: String?
        /// The request's path (`/v1/chat/completions` from the client).
        public var path: String
        public var model: String
        public var messages: [[String: String]]
        /// `max_completion_tokens`, nil when absent.
        public var maximumCompletionTokens: Int?
        /// The `x-request-id` this request was answered with.
        public var requestID: String
        /// When the request's body had arrived.
        public var receivedAt: Date
    }

    /// A scripted answer.
    public enum Scripted: Sendable {
        /// An error status, with a `Retry-After` header (seconds) when given and any other headers.
        case status(Int, retryAfter: Int? = nil, headers: [String: String] = [:])
        /// A completion with this text.
        case reply(String)
        /// A completion whose message has no content and this `refusal`.
        case refusal(String)
        /// No answer at all: the connection stays open until the client gives up (its timeout).
        case stall
        /// A 200 head, then one body byte every 100 ms, forever (until the client closes the connection).
        case trickle
        /// A 200 whose body has `bytes` bytes, with a `Content-Length` when `declared`, else chunked.
        case oversized(bytes: Int, declared: Bool)
        /// `status` (a 3xx) with `Location: location`.
        case redirect(to: URL, status: Int = 307)
    }

    private struct State {
        var requests: [Request] = []
        var script: [Scripted] = []
        var alwaysFailWith: Int? = nil
        var rule: (@Sendable (_ request: Int, _ attempt: Int) -> Scripted?)? = nil
        var attempts: [String: Int] = [:]
        var stalled: Int = 0
    }

    private let state: NIOLockedValueBox<State> = NIOLockedValueBox(State())
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)
    private let boundPort: NIOLockedValueBox<Int> = NIOLockedValueBox(0)
    /// The port it listens on.
    public var port: Int { boundPort.withLockedValue { $0 } }

    public init() {}

    /// `http://127.0.0.1:PORT/v1`, for `OPENAI_BASE_URL`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }
    /// Every request so far.
    public var requests: [Request] { state.withLockedValue { $0.requests } }
    /// How many requests were left without an answer (``Scripted/stall``).
    public var stalledRequests: Int { state.withLockedValue { $0.stalled } }

    /// Answers the next requests in this order before falling back to echoing.
    public func script(_ steps: [Scripted]) { state.withLockedValue { $0.script += steps } }
    /// Every request fails with `status` (nil: back to normal).
    public func failAlways(_ status: Int?) { state.withLockedValue { $0.alwaysFailWith = status } }
    /// A rule by request number (1-based, all requests) and attempt (1-based, requests with the
    /// same last message): a scripted answer, or nil for the echo.
    public func failWhen(_ rule: @escaping @Sendable (_ request: Int, _ attempt: Int) -> Scripted?) {
        state.withLockedValue { $0.rule = rule }
    }

    /// Listens on a free loopback port.
    public func start() async throws {
        let bound: any Channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { (child: any Channel) -> EventLoopFuture<Void> in
                child.pipeline.configureHTTPServerPipeline().flatMap {
                    child.pipeline.addHandler(Handler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        boundPort.withLockedValue { $0 = bound.localAddress?.port ?? 0 }
        channel.withLockedValue { $0 = bound }
    }

    public func stop() async {
        let bound: (any Channel)? = channel.withLockedValue { $0 }
        try? await bound?.close()
    }

    /// How one request is answered.
    fileprivate enum Answer {
        /// A whole answer at once.
        case complete(status: Int, headers: [(String, String)], body: String)
        case stall
        case trickle
        case oversized(bytes: Int, declared: Bool)
    }

    /// The answer to one request, and its `x-request-id`.
    fileprivate func answer(body: Data, path: String, authorization: String?) -> (Answer, requestID: String) {
        struct Body: Decodable {
            var model: String
            var messages: [[String: String]]
            var max_completion_tokens: Int?
        }
        guard let parsed = try? JSONDecoder().decode(Body.self, from: body) else {
            return (.complete(status: 400, headers: [], body: #"{"error": {"message": "bad JSON"}}"#), "req_fake_bad_json")
        }
        let (step, requestID): (Scripted?, String) = state.withLockedValue { (s: inout State) -> (Scripted?, String) in
            let id: String = "req_fake_\(s.requests.count + 1)"
            s.requests.append(Request(
                authorization: authorization, path: path, model: parsed.model, messages: parsed.messages,
                maximumCompletionTokens: parsed.max_completion_tokens, requestID: id, receivedAt: Date()))
            if let status = s.alwaysFailWith { return (.status(status), id) }
            let step: Scripted?
            if !s.script.isEmpty {
                step = s.script.removeFirst()
            } else {
                let last: String = parsed.messages.last?["content"] ?? ""
                s.attempts[last, default: 0] += 1
                step = s.rule?(s.requests.count, s.attempts[last]!)
            }
            if case .stall? = step { s.stalled += 1 }
            return (step, id)
        }
        let echo: String = "echo: " + (parsed.messages.last?["content"] ?? "")
        switch step {
        case .status(let code, let retryAfter, let extra)?:
            let headers: [(String, String)] = (retryAfter.map { [("Retry-After", String($0))] } ?? []) + extra.sorted { $0.key < $1.key }
            return (.complete(status: code, headers: headers, body: #"{"error": {"message": "scripted failure"}}"#), requestID)
        case .reply(let text)?:
            return (.complete(status: 200, headers: [], body: Self.completion(["role": "assistant", "content": text])), requestID)
        case .refusal(let text)?:
            return (.complete(status: 200, headers: [], body: Self.completion(["role": "assistant", "content": NSNull(), "refusal": text])), requestID)
        case .stall?:
            return (.stall, requestID)
        case .trickle?:
            return (.trickle, requestID)
        case .oversized(let bytes, let declared)?:
            return (.oversized(bytes: bytes, declared: declared), requestID)
        case .redirect(let location, let status)?:
            return (.complete(status: status, headers: [("Location", location.absoluteString)], body: ""), requestID)
        case nil:
            return (.complete(status: 200, headers: [], body: Self.completion(["role": "assistant", "content": echo])), requestID)
        }
    }

    private static func completion(_ message: [String: Any]) -> String {
        let data: Data = try! JSONSerialization.data(withJSONObject: ["choices": [["message": message]]])
        return String(decoding: data, as: UTF8.self)
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: FakeOpenAIServer
        var head: HTTPRequestHead?
        var body: ByteBuffer = ByteBuffer()

        init(server: FakeOpenAIServer) {
            self.server = server
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                let bytes: Data = Data(body.readableBytesView)
                let (answer, requestID): (Answer, String) = server.answer(
                    body: bytes, path: head?.uri ?? "", authorization: head?.headers.first(name: "Authorization"))
                var headers: HTTPHeaders = HTTPHeaders([("Content-Type", "application/json"), ("x-request-id", requestID)])
                switch answer {
                case .complete(let status, let extra, let text):
                    headers.add(name: "Content-Length", value: String(text.utf8.count))
                    for (name, value) in extra { headers.add(name: name, value: value) }
                    writeHead(context, status: status, headers: headers)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                case .stall:
                    return
                case .trickle:
                    writeHead(context, status: 200, headers: headers)
                    context.flush()
                    Self.trickle(context.channel)
                case .oversized(let count, let declared):
                    if declared { headers.add(name: "Content-Length", value: String(count)) }
                    writeHead(context, status: 200, headers: headers)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: " "), count: count)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }

        private func writeHead(_ context: ChannelHandlerContext, status: Int, headers: HTTPHeaders) {
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))), promise: nil)
        }

        /// One body byte every 100 ms until a write fails (the client went away).
        private static func trickle(_ channel: any Channel) {
            channel.eventLoop.scheduleTask(in: .milliseconds(100)) {
                channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "{")))).whenComplete { (result: Result<Void, any Error>) in
                    if case .success = result { trickle(channel) }
                }
            }
        }
    }
}
