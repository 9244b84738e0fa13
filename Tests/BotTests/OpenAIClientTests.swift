import Bot
import FakeOpenAI
import Foundation
import Synchronization
import TestDC
import Testing

/// The real URLSession client against a local OpenAI-compatible server.
@Suite(.serialized) struct OpenAIClientTests {
    static func model(
        _ server: FakeOpenAIServer, attempts: Int = 4, timeout: Duration = .seconds(5), maximumTokens: Int? = nil,
        sleep: (@Sendable (Duration) async throws -> Void)? = nil
    ) -> OpenAIChatModel {
        let configuration: OpenAIConfiguration = OpenAIConfiguration(
            apiKey: "sk-test-secret", model: "gpt-test", baseURL: server.baseURL, timeout: timeout, maximumAttempts: attempts,
            initialDelay: .milliseconds(10), maximumDelay: .milliseconds(50), maximumRetryAfter: .seconds(10), maximumCompletionTokens: maximumTokens)
        guard let sleep else { return OpenAIChatModel(configuration: configuration) }
        return OpenAIChatModel(configuration: configuration, sleep: sleep)
    }

    static func started() async throws -> FakeOpenAIServer {
        let server: FakeOpenAIServer = FakeOpenAIServer()
        try await server.start()
        return server
    }

    static let hello: [ChatMessage] = [ChatMessage(role: "user", content: "x")]

    /// The error `body` throws, as an ``OpenAIError`` (a test failure when it throws nothing or something else).
    static func error(_ body: () async throws -> String) async -> OpenAIError? {
        do {
            let answer: String = try await body()
            Issue.record("expected an OpenAIError, got the answer \(answer)")
            return nil
        } catch let error as OpenAIError {
            return error
        } catch {
            Issue.record("expected an OpenAIError, got \(error)")
            return nil
        }
    }

    @Test func sendsModelMessagesAndKeyAndReadsTheAnswer() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        let answer: String = try await Self.model(server).reply(to: [
            ChatMessage(role: "system", content: "be kind"), ChatMessage(role: "user", content: "hello"),
        ])
        #expect(answer == "echo: hello")
        let request: FakeOpenAIServer.Request = try #require(server.requests.first)
        #expect(request.model == "gpt-test")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.authorization == "Bearer sk-test-secret")
        #expect(request.messages == [["role": "system", "content": "be kind"], ["role": "user", "content": "hello"]])
        #expect(request.maximumCompletionTokens == nil)
    }

    @Test func theTokenLimitIsSentAsMaxCompletionTokens() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        _ = try await Self.model(server, maximumTokens: 321).reply(to: Self.hello)
        #expect(server.requests.map(\.maximumCompletionTokens) == [321])
    }

    @Test func rateLimitsAndServerErrorsAreRetriedHonouringRetryAfter() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.script([.status(429, retryAfter: 1), .status(503), .reply("finally")])
        let start: ContinuousClock.Instant = .now
        let answer: String = try await Self.model(server).reply(to: Self.hello)
        #expect(answer == "finally")
        #expect(server.requests.count == 3)
        #expect(ContinuousClock.now - start >= .seconds(1))  // Retry-After: 1 was honoured
    }

    @Test func retryAfterInMillisecondsSecondsOrAsADateIsHonouredAndCapped() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        let formatter: DateFormatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let inFourSeconds: String = formatter.string(from: Date().addingTimeInterval(4))
        server.script([
            .status(429, headers: ["retry-after-ms": "250"]), .status(503, headers: ["Retry-After": inFourSeconds]), .status(429, retryAfter: 2),
            .status(500, retryAfter: 3600), .status(502), .reply("ok"),
        ])
        let delays: Mutex<[Duration]> = Mutex([])
        let model: OpenAIChatModel = Self.model(server, attempts: 6) { (d: Duration) in delays.withLock { $0.append(d) } }
        #expect(try await model.reply(to: Self.hello) == "ok")
        let waited: [Duration] = delays.withLock { $0 }
        try #require(waited.count == 5)
        #expect(waited[0] == .milliseconds(250))
        #expect(waited[1] > .seconds(2) && waited[1] <= .seconds(4), "the HTTP date gave \(waited[1])")
        #expect(waited[2] == .seconds(2))
        #expect(waited[3] == .seconds(10))  // 3600 s, capped at maximumRetryAfter
        #expect(waited[4] <= .milliseconds(50))  // no header: the own backoff, capped at maximumDelay
    }

    @Test func retryableStatusesAndXShouldRetryTrueAreRetried() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        let model: OpenAIChatModel = Self.model(server, attempts: 2) { _ in }
        for status in [408, 409, 429, 500, 503, 599] {
            server.script([.status(status), .reply("after \(status)")])
            #expect(try await model.reply(to: Self.hello) == "after \(status)")
        }
        server.script([.status(400, headers: ["x-should-retry": "true"]), .reply("after 400")])
        #expect(try await model.reply(to: Self.hello) == "after 400")
        #expect(server.requests.count == 14)
    }

    @Test func xShouldRetryFalseIsNeverRetriedEvenForA5xx() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.script([.status(503, headers: ["x-should-retry": "false"]), .reply("not asked")])
        let error: OpenAIError? = await Self.error { try await Self.model(server) { _ in }.reply(to: Self.hello) }
        #expect(error == OpenAIError(.unavailable(status: 503, message: "scripted failure"), requestID: "req_fake_1"))
        #expect(server.requests.count == 1)
    }

    @Test func aRequestWithoutAnswerTimesOutAndIsRetried() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.script([.stall, .reply("after the timeout")])
        let start: ContinuousClock.Instant = .now
        let answer: String = try await Self.model(server, attempts: 2, timeout: .seconds(1)).reply(to: Self.hello)
        #expect(answer == "after the timeout")
        #expect(server.requests.count == 2)
        #expect(server.stalledRequests == 1)
        #expect(ContinuousClock.now - start >= .seconds(1))
    }

    @Test func cancellingTheCallerEndsTheRequestWithCancellationErrorAndNoRetry() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.script([.stall])
        let model: OpenAIChatModel = Self.model(server, timeout: .seconds(30))
        let call: Task<String, any Error> = Task { try await model.reply(to: Self.hello) }
        for _ in 0 ..< 200 where server.stalledRequests == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let start: ContinuousClock.Instant = .now
        call.cancel()
        await #expect(throws: CancellationError.self) { _ = try await call.value }
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(server.requests.count == 1)
    }

    @Test(.timeLimit(.minutes(1))) func aServerTricklingBytesIsCutOffAtTheTotalDeadline() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.script([.trickle])
        let start: ContinuousClock.Instant = .now
        let error: OpenAIError? = await Self.error { try await Self.model(server, attempts: 1, timeout: .seconds(1)).reply(to: Self.hello) }
        let elapsed: Duration = ContinuousClock.now - start
        #expect(error == OpenAIError(.timedOut, requestID: "req_fake_1"))
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(3), "took \(elapsed)")
    }

    @Test func aBodyOverEightMebibytesIsATypedErrorAndNotRetried() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        let limit: Int = OpenAIChatModel.maximumResponseBytes
        #expect(limit == 8 * 1024 * 1024)
        for declared in [true, false] {
            server.script([.oversized(bytes: limit + 1024 * 1024, declared: declared)])
            let error: OpenAIError? = await Self.error { try await Self.model(server) { _ in }.reply(to: Self.hello) }
            #expect(error?.reason == .responseTooLarge(limit: limit), "declared: \(declared)")
        }
        #expect(server.requests.count == 2)
        // Just under the limit is read (and then is not a completion).
        server.script([.oversized(bytes: limit, declared: false)])
        let under: OpenAIError? = await Self.error { try await Self.model(server) { _ in }.reply(to: Self.hello) }
        guard case .malformedResponse? = under?.reason else { Issue.record("a body at the limit gave \(String(describing: under))"); return }
    }

    @Test func aRefusalOrAnEmptyAnswerIsATypedErrorThatSaysSoAndIsNotRetried() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.script([.refusal("I can't help with that."), .reply(" \n\t ")])
        let refused: OpenAIError? = await Self.error { try await Self.model(server) { _ in }.reply(to: Self.hello) }
        #expect(refused?.reason == .refused("I can't help with that."))
        #expect(refused?.description.contains("refused") == true)
        let empty: OpenAIError? = await Self.error { try await Self.model(server) { _ in }.reply(to: Self.hello) }
        #expect(empty?.reason == .emptyAnswer)
        #expect(empty?.description.contains("empty") == true)
        #expect(server.requests.count == 2)
    }

    @Test func everyErrorFromAnAnswerNamesItsRequestID() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        let steps: [FakeOpenAIServer.Scripted] = [
            .status(400), .status(401), .status(403), .status(404), .status(500), .refusal("no"), .reply(""),
            .oversized(bytes: 9 << 20, declared: true), .oversized(bytes: 10, declared: true), .trickle,
        ]
        for (index, step) in steps.enumerated() {
            server.script([step])
            let error: OpenAIError? = await Self.error { try await Self.model(server, attempts: 1, timeout: .seconds(1)).reply(to: Self.hello) }
            #expect(error?.requestID == "req_fake_\(index + 1)")
            #expect(error?.description.contains("req_fake_\(index + 1)") == true, "\(String(describing: error))")
            #expect(error?.description.contains("sk-test-secret") == false)
        }
    }

    @Test func aRedirectIsFollowedWithoutTheAuthorizationHeader() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        let other: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop(); await other.stop() } }
        server.script([.redirect(to: other.baseURL.appendingPathComponent("moved/chat/completions"))])
        let answer: String = try await Self.model(server).reply(to: [ChatMessage(role: "user", content: "follow me")])
        #expect(answer == "echo: follow me")
        #expect(server.requests.map(\.authorization) == ["Bearer sk-test-secret"])
        let redirected: FakeOpenAIServer.Request = try #require(other.requests.first)
        #expect(redirected.path == "/v1/moved/chat/completions")
        #expect(redirected.authorization == nil)
        #expect(redirected.messages == [["role": "user", "content": "follow me"]])
    }

    @Test func endlessRedirectsStopAfterFiveAndA301IsNotFollowed() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        let again: URL = server.baseURL.appendingPathComponent("chat/completions")
        server.script(Array(repeating: .redirect(to: again), count: 6))
        let endless: OpenAIError? = await Self.error { try await Self.model(server).reply(to: Self.hello) }
        #expect(endless == OpenAIError(.rejected(status: 307, message: "HTTP 307"), requestID: "req_fake_6"))
        server.script([.redirect(to: again, status: 301)])
        let moved: OpenAIError? = await Self.error { try await Self.model(server).reply(to: Self.hello) }
        #expect(moved?.reason == .rejected(status: 301, message: "HTTP 301"))
        #expect(server.requests.count == 7)
    }

    @Test func clientErrorsAreNotRetriedAndSayWhatIsWrong() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.script([.status(401)])
        let unauthorized: OpenAIError? = await Self.error { try await Self.model(server).reply(to: Self.hello) }
        #expect(unauthorized?.reason == .invalidAPIKey)
        server.script([.status(404)])
        let notFound: OpenAIError? = await Self.error { try await Self.model(server).reply(to: Self.hello) }
        #expect(notFound?.reason == .notFound("scripted failure"))
        #expect(server.requests.count == 2)
        #expect(unauthorized?.description.contains("sk-test-secret") == false)
    }

    @Test func anUnavailableServerFailsAfterTheAttempts() async throws {
        let server: FakeOpenAIServer = try await Self.started()
        defer { Task { await server.stop() } }
        server.failAlways(500)
        let error: OpenAIError? = await Self.error { try await Self.model(server, attempts: 3).reply(to: Self.hello) }
        #expect(error == OpenAIError(.unavailable(status: 500, message: "scripted failure"), requestID: "req_fake_3"))
        #expect(server.requests.count == 3)
        // Nobody listening: a network error, also retried.
        await server.stop()
        let closed: OpenAIError? = await Self.error { try await Self.model(server, attempts: 2).reply(to: Self.hello) }
        guard case .network? = closed?.reason else { Issue.record("no network error: \(String(describing: closed))"); return }
        #expect(closed?.requestID == nil)
    }
}
