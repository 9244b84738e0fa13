import Foundation
import Telegram

/// Reads the login code, the password and a login email from the terminal (the password without
/// echo). Reading happens on a thread of its own, never on the concurrency pool. Every code and
/// password typed is handed to `remember` before it is used (a log redactor adds it there), so no
/// later log or error line can show it.
public struct TerminalPrompter: LoginPrompter {
    /// Called with each code and password read.
    public let remember: @Sendable (String) -> Void

    /// A prompter handing what is typed to `remember`.
    public init(remember: @escaping @Sendable (String) -> Void = { _ in }) {
        self.remember = remember
    }

    /// Asks for the code; `r` asks for it another way when Telegram offers one.
    public func code(_ question: CodeQuestion) async throws -> CodeAnswer {
        let line: String = try await Self.read(question.prompt, secret: false, what: "the login code (TG_CODE)")
        remember(line)
        if question.resend != nil, line.lowercased() == "r" { return .resend }
        return .code(line)
    }

    /// Asks for the two-factor password without echo.
    public func password(hint: String?, attempt: Int) async throws -> String {
        let hintText: String = hint.map { " (hint: \($0))" } ?? ""
        let prompt: String = attempt == 1 ? "Two-factor password\(hintText): " : "That password was wrong. Two-factor password\(hintText): "
        let password: String = try await Self.read(prompt, secret: true, what: "the two-factor password (TG_PASSWORD)")
        remember(password)
        return password
    }

    /// Asks for a login email address.
    public func email(attempt: Int) async throws -> String {
        let prompt: String = attempt == 1
            ? "Telegram requires a login email for this account. Email address: " : "Telegram refused that address. Email address: "
        return try await Self.read(prompt, secret: false, what: "a login email address")
    }

    /// One line typed at the terminal after `prompt` (on standard error), without echo when `secret`.
    /// Without a terminal, or on an empty line, ``LoginError/inputUnavailable(_:)`` names `what`.
    public static func read(_ prompt: String, secret: Bool, what: String) async throws -> String {
        guard isatty(STDIN_FILENO) == 1 else { throw LoginError.inputUnavailable(what) }
        let line: String? = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            Thread {
                FileHandle.standardError.write(Data(prompt.utf8))
                let value: String? = secret ? TerminalEcho.withoutEcho { readLine(strippingNewline: true) } : readLine(strippingNewline: true)
                continuation.resume(returning: value)
            }.start()
        }
        guard let line, !line.isEmpty else { throw LoginError.inputUnavailable(what) }
        return line
    }
}
