import Bot
import Foundation
import Telegram

/// Reads the login code, the password and a login email from the terminal (the password without
/// echo). Reading happens on a thread of its own, never on the concurrency pool. Every code and
/// password typed is added to `redactor`, so no later log or error line can show it.
struct TerminalPrompter: LoginPrompter {
    let redactor: SecretRedactor

    func code(_ question: CodeQuestion) async throws -> CodeAnswer {
        let line: String = try await read(question.prompt, secret: false, what: "the login code (TG_CODE)")
        redactor.add(line)
        if question.resend != nil, line.lowercased() == "r" { return .resend }
        return .code(line)
    }

    func password(hint: String?, attempt: Int) async throws -> String {
        let hintText: String = hint.map { " (hint: \($0))" } ?? ""
        let prompt: String = attempt == 1 ? "Two-factor password\(hintText): " : "That password was wrong. Two-factor password\(hintText): "
        let password: String = try await read(prompt, secret: true, what: "the two-factor password (TG_PASSWORD)")
        redactor.add(password)
        return password
    }

    func email(attempt: Int) async throws -> String {
        let prompt: String = attempt == 1
            ? "Telegram requires a login email for this account. Email address: " : "Telegram refused that address. Email address: "
        return try await read(prompt, secret: false, what: "a login email address")
    }

    private func read(_ prompt: String, secret: Bool, what: String) async throws -> String {
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
