import Bot
import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// Logging in against the simulated Telegram over TCP: every way a code is sent, resends,
/// expiries, restarts, a login email set up, future auth tokens, and the first `run`.
@Suite(.serialized) struct LoginTests {
    typealias H = BotHarness

    /// One sent-code type: what the prompter must be told, and a piece of the prompt.
    struct Case: Sendable, CustomStringConvertible {
        var type: SimulatedCodeType
        var delivery: CodeDelivery
        var prompt: String
        var description: String { "\(type)" }
    }

    static let cases: [Case] = [
        Case(type: .app, delivery: .app, prompt: "(sent in the Telegram app)"),
        Case(type: .sms, delivery: .sms, prompt: "(sent by SMS)"),
        Case(type: .smsWord, delivery: .smsWord(beginning: "a"), prompt: "(sent by SMS, as a word starting with \"a\")"),
        Case(type: .smsPhrase, delivery: .smsPhrase(beginning: "the"), prompt: "(sent by SMS, as a phrase starting with \"the\")"),
        Case(type: .call, delivery: .call, prompt: "(sent by a phone call)"),
        Case(type: .flashCall, delivery: .flashCall(pattern: "+1555*****"), prompt: "number of a call that hangs up at once (it matches +1555*****)"),
        Case(type: .missedCall, delivery: .missedCall(prefix: "+1555", digits: 5), prompt: "the last 5 digits of the calling number"),
        Case(type: .fragment, delivery: .fragment(url: "https://fragment.com/login/15550001000"), prompt: "sent on fragment.com"),
        Case(type: .email, delivery: .email(pattern: "a***@example.com"), prompt: "(sent to the email a***@example.com)"),
    ]

    /// Opens the session and logs in with the code and password from `prompter` only.
    static func login(_ harness: H, prompter: any LoginPrompter, code: String? = nil) async throws -> BotSession {
        let session: BotSession = try await harness.openSession()
        do {
            try await session.login(LoginFlow(apiID: 1, apiHash: H.apiHash, phone: H.botPhone, code: code, password: nil, prompter: prompter))
        } catch {
            await session.close()
            throw error
        }
        return session
    }

    @Test(arguments: cases) func eachSentCodeTypeIsToldToThePrompterAndLogsIn(_ test: Case) async throws {
        let harness: H = try await H.start { (account: inout TestAccount) in
            account.codeTypes = [test.type]
            account.loginEmail = "alice@example.com"
        }
        let prompter: ScriptedPrompter = ScriptedPrompter(codes: [harness.telegram.loginCode])
        let session: BotSession = try await Self.login(harness, prompter: prompter)
        #expect(prompter.questions.map(\.delivery) == [test.delivery])
        #expect(prompter.questions.first?.resend == nil)
        #expect(prompter.questions.first?.prompt.contains(test.prompt) == true, "\(prompter.questions.first?.prompt ?? "")")
        #expect(try session.storage.selfUserID() == H.botID)
        await session.close()
        await harness.stop()
    }

    @Test func typingRGetsTheCodeByTheNextTypeOnceTheTimeoutPassed() async throws {
        let harness: H = try await H.start { (account: inout TestAccount) in
            account.codeTypes = [.app, .sms]
            account.codeTimeout = 1
        }
        let prompter: ScriptedPrompter = ScriptedPrompter(answers: [.resend, .code(harness.telegram.loginCode)])
        let started: ContinuousClock.Instant = .now
        let session: BotSession = try await Self.login(harness, prompter: prompter)
        let questions: [CodeQuestion] = prompter.questions
        #expect(questions.map(\.delivery) == [.app, .sms])
        let offer: ResendOffer? = questions.first?.resend
        #expect(offer?.delivery == .sms)
        #expect(offer.map { $0.wait > .zero && $0.wait <= .seconds(1) } == true)
        #expect(questions.first?.prompt.contains("or type r to get it by SMS (possible in 1 s)") == true, "\(questions.first?.prompt ?? "")")
        #expect(questions.last?.resend == nil)
        // The resend waited for the timeout Telegram announced.
        #expect(ContinuousClock.now - started >= .seconds(1))
        #expect(await harness.telegram.loginCalls == ["auth.sendCode", "auth.resendCode", "auth.signIn"])
        #expect(session.isLoggedIn)
        await session.close()
        await harness.stop()
    }

    @Test func firebaseSmsSwitchesToTheNextTypeAndWithoutOneIsAClearError() async throws {
        let harness: H = try await H.start { (account: inout TestAccount) in account.codeTypes = [.firebaseSms, .sms] }
        let prompter: ScriptedPrompter = ScriptedPrompter(codes: [harness.telegram.loginCode])
        let session: BotSession = try await Self.login(harness, prompter: prompter)
        #expect(prompter.questions.map(\.delivery) == [.sms])
        #expect(await harness.telegram.loginCalls == ["auth.sendCode", "auth.resendCode", "auth.signIn"])
        await session.close()
        await harness.stop()

        let only: H = try await H.start { (account: inout TestAccount) in account.codeTypes = [.firebaseSms] }
        await #expect(throws: LoginError.codeUnavailable("it offers only Firebase SMS, which only official apps can receive")) {
            _ = try await Self.login(only, prompter: NoPrompter())
        }
        await only.stop()
    }

    @Test func aRequiredLoginEmailIsSetUpThenTheEmailCodeLogsIn() async throws {
        let harness: H = try await H.start { (account: inout TestAccount) in account.codeTypes = [.setUpEmailRequired] }
        let code: String = harness.telegram.loginCode
        // The first address is refused and asked again; the first verification code is wrong.
        let prompter: ScriptedPrompter = ScriptedPrompter(codes: ["00000", code, code], emails: ["not an address", "alice@example.com"])
        let session: BotSession = try await Self.login(harness, prompter: prompter)
        let email: CodeDelivery = .email(pattern: "a***@example.com")
        #expect(prompter.questions.map(\.delivery) == [email, email, email])
        #expect(prompter.questions.map(\.attempt) == [1, 2, 1])
        #expect(await harness.telegram.loginCalls == [
            "auth.sendCode", "account.sendVerifyEmailCode", "account.sendVerifyEmailCode", "account.verifyEmail", "account.verifyEmail",
            "auth.signIn",
        ])
        #expect(await harness.telegram.loginEmail(of: H.botID) == "alice@example.com")
        #expect(try session.storage.selfUserID() == H.botID)
        await session.close()
        await harness.stop()
    }

    @Test func anExpiredCodeIsReplacedByANewOneAFewTimes() async throws {
        let harness: H = try await H.start()
        let telegram: SimulatedTelegram = harness.telegram
        let once: HookedPrompter = HookedPrompter(codes: [telegram.loginCode, telegram.loginCode]) { (index: Int) in
            if index == 0 { await telegram.expireLoginCode(phone: H.botPhone) }
        }
        let session: BotSession = try await Self.login(harness, prompter: once)
        #expect(await telegram.loginCalls == ["auth.sendCode", "auth.signIn", "auth.sendCode", "auth.signIn"])
        #expect(session.isLoggedIn)
        await session.close()
        try FileManager.default.removeItem(atPath: harness.sessionPath)

        let always: HookedPrompter = HookedPrompter(codes: Array(repeating: telegram.loginCode, count: 5)) { (_: Int) in
            await telegram.expireLoginCode(phone: H.botPhone)
        }
        await #expect(throws: LoginError.codeExpired) { _ = try await Self.login(harness, prompter: always) }
        #expect(always.questions.count == 3)
        await harness.stop()
    }

    @Test func authRestartStartsAgainFromSendCodeAFewTimes() async throws {
        let harness: H = try await H.start(withPassword: true)
        let telegram: SimulatedTelegram = harness.telegram
        let once: HookedPrompter = HookedPrompter(codes: [telegram.loginCode, telegram.loginCode], passwords: [H.password]) { (index: Int) in
            if index == 0 { await telegram.restartLogin(phone: H.botPhone) }
        }
        let session: BotSession = try await Self.login(harness, prompter: once)
        #expect(await telegram.loginCalls == ["auth.sendCode", "auth.signIn", "auth.sendCode", "auth.signIn"])
        #expect(try session.storage.selfUserID() == H.botID)
        await session.close()
        try FileManager.default.removeItem(atPath: harness.sessionPath)

        let always: HookedPrompter = HookedPrompter(codes: Array(repeating: telegram.loginCode, count: 9)) { (_: Int) in
            await telegram.restartLogin(phone: H.botPhone)
        }
        await #expect(throws: LoginError.rejected(RPCError(code: 500, message: "AUTH_RESTART"))) {
            _ = try await Self.login(harness, prompter: always)
        }
        #expect(always.questions.count == 4)
        await harness.stop()
    }

    @Test func futureAuthTokensAreKeptAcrossLogoutAndLogInWithoutACode() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await Self.login(harness, prompter: NoPrompter(), code: harness.telegram.loginCode)
        #expect(try session.storage.futureAuthTokens().count == 1)
        try await session.logout()
        let tokens: [[UInt8]] = try session.storage.futureAuthTokens()
        #expect(tokens.count == 2)
        await session.close()
        // A new process on the same file: no code is asked, sent or typed.
        let again: BotSession = try await Self.login(harness, prompter: NoPrompter())
        #expect(try again.storage.selfUserID() == H.botID)
        #expect(await harness.telegram.receivedLogoutTokens == [[], tokens])
        #expect(await harness.telegram.loginCalls == ["auth.sendCode", "auth.signIn", "auth.sendCode"])
        await again.close()
        await harness.stop()
    }

    @Test func forgettingTheAccountKeepsTheTokens() async throws {
        // The limit and order are tested in TelegramTests.FutureAuthTokensTests.
        let harness: H = try await H.start()
        let session: BotSession = try await harness.openSession()
        for i in 0 ..< 25 { try session.storage.addFutureAuthToken([UInt8(i), 7]) }
        try session.storage.forgetAccount()
        #expect(try session.storage.futureAuthTokens().count == 20)
        await session.close()
        await harness.stop()
    }

    @Test func theFirstRunLogsInAndLaterRunsDoNot() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.openSession()
        let flow: LoginFlow = LoginFlow(
            apiID: 1, apiHash: H.apiHash, phone: H.botPhone, code: harness.telegram.loginCode, password: nil, prompter: NoPrompter())
        #expect(try await session.logInIfNeeded { flow })
        #expect(try session.storage.selfUserID() == H.botID)
        await session.close()
        let later: BotSession = try await harness.openSession()
        let loggedIn: Bool = try await later.logInIfNeeded {
            Issue.record("a logged-in session built a login")
            return flow
        }
        #expect(!loggedIn)
        #expect(await harness.telegram.loginCalls == ["auth.sendCode", "auth.signIn"])
        await later.close()
        await harness.stop()
    }
}

/// A ``ScriptedPrompter`` that runs `hook` with the index of each code question before answering it.
final class HookedPrompter: LoginPrompter, @unchecked Sendable {
    private let script: ScriptedPrompter
    private let hook: @Sendable (Int) async -> Void

    init(codes: [String], passwords: [String] = [], hook: @escaping @Sendable (Int) async -> Void) {
        script = ScriptedPrompter(passwords: passwords, codes: codes)
        self.hook = hook
    }

    var questions: [CodeQuestion] { script.questions }

    func code(_ question: CodeQuestion) async throws -> CodeAnswer {
        await hook(script.questions.count)
        return try await script.code(question)
    }

    func password(hint: String?, attempt: Int) async throws -> String { try await script.password(hint: hint, attempt: attempt) }

    func email(attempt: Int) async throws -> String { try await script.email(attempt: attempt) }
}
