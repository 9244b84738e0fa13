import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An OpenAI-compatible chat-completions server on loopback for tests, the soak and local trials:
/// the real HTTP client talks to it. It records every request and answers from a script (status
/// codes with `Retry-After`) or a failure rule, falling back to `echo: <last message>`.
public final class FakeOpenAIServer: Sendable {
    /// One request as received.
    public struct Request: Sendable, Equatable {
        public var authorization: String?
        public var model: String
        public var messages: [[String: String]]
    }

    /// A scripted answer.
    public enum Scripted: Sendable {
        /// An error status, with a `Retry-After` header (seconds) when given.
        case status(Int, retryAfter: Int? = nil)
        /// A completion with this text.
        case reply(String)
        /// No answer at all: the connection stays open until the client gives up (its timeout).
        case stall
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

    /// The answer to one request; nil for ``Scripted/stall``.
    fileprivate func answer(body: Data, authorization: String?) -> (status: Int, headers: [(String, String)], body: String)? {
        struct Body: Decodable {
            var model: String
            var messages: [[String: String]]
        }
        guard let parsed = try? JSONDecoder().decode(Body.self, from: body) else {
            return (400, [], #"{"error": {"message": "bad JSON"}}"#)
        }
        let step: Scripted? = state.withLockedValue { (s: inout State) -> Scripted? in
            s.requests.append(Request(authorization: authorization, model: parsed.model, messages: parsed.messages))
            if let status = s.alwaysFailWith { return .status(status) }
            let step: Scripted?
            if !s.script.isEmpty {
                step = s.script.removeFirst()
            } else {
                let last: String = parsed.messages.last?["content"] ?? ""
                s.attempts[last, default: 0] += 1
                step = s.rule?(s.requests.count, s.attempts[last]!)
            }
            if case .stall? = step { s.stalled += 1 }
            return step
        }
        let echo: String = "echo: " + (parsed.messages.last?["content"] ?? "")
        switch step {
        case .status(let code, let retryAfter)?:
            let headers: [(String, String)] = retryAfter.map { [("Retry-After", String($0))] } ?? []
            return (code, headers, #"{"error": {"message": "scripted failure"}}"#)
        case .reply(let text)?:
            return (200, [], Self.completion(text))
        case .stall?:
            return nil
        case nil:
            return (200, [], Self.completion(echo))
        }
    }

    private static func completion(_ text: String) -> String {
        let data: Data = try! JSONSerialization.data(withJSONObject: ["choices": [["message": ["role": "assistant", "content": text]]]])
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
                guard let answer = server.answer(body: bytes, authorization: head?.headers.first(name: "Authorization")) else { return }
                var headers: HTTPHeaders = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(answer.body.utf8.count))])
                for (name, value) in answer.headers { headers.add(name: name, value: value) }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: answer.status), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
