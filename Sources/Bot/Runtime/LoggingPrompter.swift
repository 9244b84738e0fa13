import Logging
import Telegram

/// A ``Telegram/LoginPrompter`` that logs the login's notices (wrong answers, expiries and restarts
/// as warnings, the rest as info) and hands every question to `prompter`, whose own notices it
/// forwards too.
struct LoggingPrompter: LoginPrompter {
    let prompter: any LoginPrompter
    let logger: Logger

    func code(_ question: CodeQuestion) async throws -> CodeAnswer { try await prompter.code(question) }

    func password(hint: String?, attempt: Int) async throws -> String { try await prompter.password(hint: hint, attempt: attempt) }

    func email(attempt: Int) async throws -> String { try await prompter.email(attempt: attempt) }

    func notice(_ notice: LoginNotice) {
        switch notice {
        case .wrongCode, .codeExpired, .restarting, .emailRefused, .wrongEmailCode, .wrongPassword: logger.warning("\(notice)")
        default: logger.info("\(notice)")
        }
        prompter.notice(notice)
    }
}
