import Bot
import Foundation

/// Reads the login code and the password from the terminal (the password without echo). Reading
/// happens on a thread of its own, never on the concurrency pool.
struct TerminalPrompter: LoginPrompter {
    func code(attempt: Int) async throws -> String {
        let prompt: String = attempt == 1 ? "Login code (sent to your Telegram app): " : "That code was wrong. Login code: "
        return try await read(prompt, secret: false, what: "the login code (TG_CODE)")
    }

    func password(hint: String?, attempt: Int) async throws -> String {
        let hintText: String = hint.map { " (hint: \($0))" } ?? ""
        let prompt: String = attempt == 1 ? "Two-factor password\(hintText): " : "That password was wrong. Two-factor password\(hintText): "
        return try await read(prompt, secret: true, what: "the two-factor password (TG_PASSWORD)")
    }

    private func read(_ prompt: String, secret: Bool, what: String) async throws -> String {
        guard isatty(STDIN_FILENO) == 1 else { throw LoginError.inputUnavailable(what) }
        let line: String? = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            Thread {
                FileHandle.standardError.write(Data(prompt.utf8))
                var saved: termios = termios()
                if secret {
                    tcgetattr(STDIN_FILENO, &saved)
                    var quiet: termios = saved
                    quiet.c_lflag &= ~tcflag_t(ECHO)
                    tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
                }
                let value: String? = readLine(strippingNewline: true)
                if secret {
                    tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                    FileHandle.standardError.write(Data("\n".utf8))
                }
                continuation.resume(returning: value)
            }.start()
        }
        guard let line, !line.isEmpty else { throw LoginError.inputUnavailable(what) }
        return line
    }
}
