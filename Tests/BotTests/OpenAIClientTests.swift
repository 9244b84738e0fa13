import Bot
import Foundation
import TestDC
import Testing

/// The real URLSession client against a local OpenAI-compatible server.
@Suite(.serialized) struct OpenAIClientTests {
    static func model(_ server: FakeOpenAIServer, attempts: Int = 4) -> OpenAIChatModel {
        OpenAIChatModel(configuration: OpenAIConfiguration(
            apiKey: "sk-test-secret", model: "gpt-test", baseURL: server.baseURL, timeout: .seconds(5), maximumAttempts: attempts,
            initialDelay: .milliseconds(10), maximumDelay: .milliseconds(50)))
    }

    @Test func sendsModelMessagesAndKeyAndReadsTheAnswer() async throws {
        let server: FakeOpenAIServer = FakeOpenAIServer()
        try await server.start()
        defer { Task { await server.stop() } }
        let answer: String = try await Self.model(server).reply(to: [
            ChatMessage(role: "system", content: "be kind"), ChatMessage(role: "user", content: "hello"),
        ])
        #expect(answer == "echo: hello")
        let request: FakeOpenAIServer.Request = try #require(server.requests.first)
        #expect(request.model == "gpt-test")
        #expect(request.authorization == "Bearer sk-test-secret")
        #expect(request.messages == [["role": "system", "content": "be kind"], ["role": "user", "content": "hello"]])
    }

    @Test func rateLimitsAndServerErrorsAreRetriedHonouringRetryAfter() async throws {
        let server: FakeOpenAIServer = FakeOpenAIServer()
        try await server.start()
        defer { Task { await server.stop() } }
        server.script([.status(429, retryAfter: 1), .status(503), .reply("finally")])
        let start: ContinuousClock.Instant = .now
        let answer: String = try await Self.model(server).reply(to: [ChatMessage(role: "user", content: "x")])
        #expect(answer == "finally")
        #expect(server.requests.count == 3)
        #expect(ContinuousClock.now - start >= .seconds(1))  // Retry-After: 1 was honoured
    }

    @Test func aRequestWithoutAnswerTimesOutAndIsRetried() async throws {
        let server: FakeOpenAIServer = FakeOpenAIServer()
        try await server.start()
        defer { Task { await server.stop() } }
        server.script([.stall, .reply("after the timeout")])
        let model: OpenAIChatModel = OpenAIChatModel(configuration: OpenAIConfiguration(
            apiKey: "sk-test-secret", model: "gpt-test", baseURL: server.baseURL, timeout: .seconds(1), maximumAttempts: 2,
            initialDelay: .milliseconds(10), maximumDelay: .milliseconds(50)))
        let start: ContinuousClock.Instant = .now
        let answer: String = try await model.reply(to: [ChatMessage(role: "user", content: "x")])
        #expect(answer == "after the timeout")
        #expect(server.requests.count == 2)
        #expect(server.stalledRequests == 1)
        #expect(ContinuousClock.now - start >= .seconds(1))
    }

    @Test func clientErrorsAreNotRetriedAndSayWhatIsWrong() async throws {
        let server: FakeOpenAIServer = FakeOpenAIServer()
        try await server.start()
        defer { Task { await server.stop() } }
        server.script([.status(401)])
        await #expect(throws: OpenAIError.invalidAPIKey) { _ = try await Self.model(server).reply(to: [ChatMessage(role: "user", content: "x")]) }
        server.script([.status(404)])
        await #expect(throws: OpenAIError.notFound("scripted failure")) {
            _ = try await Self.model(server).reply(to: [ChatMessage(role: "user", content: "x")])
        }
        #expect(server.requests.count == 2)
        #expect(!OpenAIError.invalidAPIKey.description.contains("sk-test-secret"))
    }

    @Test func anUnavailableServerFailsAfterTheAttempts() async throws {
        let server: FakeOpenAIServer = FakeOpenAIServer()
        try await server.start()
        defer { Task { await server.stop() } }
        server.failAlways(500)
        await #expect(throws: OpenAIError.unavailable(status: 500, message: "scripted failure")) {
            _ = try await Self.model(server, attempts: 3).reply(to: [ChatMessage(role: "user", content: "x")])
        }
        #expect(server.requests.count == 3)
        // Nobody listening: a network error, also retried.
        await server.stop()
        let closed: OpenAIChatModel = Self.model(server, attempts: 2)
        await #expect(throws: OpenAIError.self) { _ = try await closed.reply(to: [ChatMessage(role: "user", content: "x")]) }
    }
}
