/// A prompter for programs without a terminal (services, tests): every question fails with
/// ``LoginError/inputUnavailable(_:)`` naming what was asked, so a login runs only on what it was
/// given (a code and password passed to ``LoginMethod/user(apiID:apiHash:phone:code:password:prompter:)``).
public struct NoninteractivePrompter: LoginPrompter {
    /// A prompter that answers nothing.
    public init() {}

    /// Fails: no one can type a code.
    public func code(_ question: CodeQuestion) async throws -> CodeAnswer { throw LoginError.inputUnavailable("the login code") }
    /// Fails: no one can type a password.
    public func password(hint: String?, attempt: Int) async throws -> String { throw LoginError.inputUnavailable("the two-factor password") }
    /// Fails: no one can type an email address.
    public func email(attempt: Int) async throws -> String { throw LoginError.inputUnavailable("a login email address") }
}
