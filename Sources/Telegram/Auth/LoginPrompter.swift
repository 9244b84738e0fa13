/// Asks the person at the keyboard for what the login needs.
public protocol LoginPrompter: Sendable {
    /// The login code Telegram sent: where it went, whether another way can be asked, and the
    /// prompt to show. Answering ``CodeAnswer/resend`` asks Telegram for the code by
    /// ``CodeQuestion/resend``.
    func code(_ question: CodeQuestion) async throws -> CodeAnswer
    /// The two-factor password (read without echo on a terminal).
    func password(hint: String?, attempt: Int) async throws -> String
    /// The email address to set up as the account's login email, when Telegram requires one
    /// before it sends a code (`attempt` above 1: Telegram refused the previous address).
    func email(attempt: Int) async throws -> String
    /// Told what the login is doing (a code sent, a resend awaited, a wrong answer, …), e.g. to log
    /// it; never carries a code, password or token. Does nothing unless implemented.
    func notice(_ notice: LoginNotice)
}

extension LoginPrompter {
    /// Ignores the notice.
    public func notice(_ notice: LoginNotice) {}
}

/// What the person answered to a ``CodeQuestion``.
public enum CodeAnswer: Sendable, Equatable {
    /// The code as typed.
    case code(String)
    /// Send the code again by the question's ``CodeQuestion/resend`` way instead.
    case resend
}

/// The next way Telegram can send the code (`next_type` of `auth.sentCode`).
public struct ResendOffer: Sendable, Equatable {
    /// Where a resent code goes.
    public var delivery: CodeDelivery
    /// How long until Telegram allows the resend (`timeout` of `auth.sentCode`); zero once it does.
    /// A resend asked earlier waits out the rest.
    public var wait: Duration

    /// An offer of `delivery`, possible after `wait`.
    public init(delivery: CodeDelivery, wait: Duration) {
        self.delivery = delivery
        self.wait = wait
    }
}

/// One request for a login code.
public struct CodeQuestion: Sendable, Equatable {
    /// Counts from 1 for each code sent; above 1 the previous answer was wrong.
    public var attempt: Int
    /// Where the code went.
    public var delivery: CodeDelivery
    /// The other way the code can be sent, if Telegram offers one.
    public var resend: ResendOffer?

    /// A question about the code sent by `delivery`.
    public init(attempt: Int, delivery: CodeDelivery, resend: ResendOffer?) {
        self.attempt = attempt
        self.delivery = delivery
        self.resend = resend
    }

    /// The prompt for a terminal, e.g. `Login code (sent in the Telegram app; or type r to get it by SMS): `.
    public var prompt: String {
        var parts: [String] = ["sent \(delivery)"]
        if let resend {
            let seconds: Int64 = resend.wait.components.seconds + (resend.wait.components.attoseconds > 0 ? 1 : 0)
            parts.append("or type r to get it \(resend.delivery)" + (seconds > 0 ? " (possible in \(seconds) s)" : ""))
        }
        let lead: String = attempt == 1 ? "Login code" : "That code was wrong. Login code"
        return "\(lead) (\(parts.joined(separator: "; "))): "
    }
}
