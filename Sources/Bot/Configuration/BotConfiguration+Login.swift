import Telegram

extension BotConfiguration {
    /// The login this configuration describes (`TG_API_ID`, `TG_API_HASH`, `TG_PHONE`, and
    /// `TG_CODE` and `TG_PASSWORD` when set), asking `prompter` for the rest; a missing key is a
    /// ``ConfigurationError`` naming it (`run` needs the phone only when it has to log in).
    public func loginFlow(prompter: any LoginPrompter) throws(ConfigurationError) -> LoginFlow {
        var problems: [String] = []
        if apiID == nil { problems.append("TG_API_ID is required to log in") }
        if apiHash == nil { problems.append("TG_API_HASH is required to log in") }
        if phone == nil { problems.append("TG_PHONE is required to log in (this session is not logged in yet)") }
        guard let apiID, let apiHash, let phone, problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return LoginFlow(apiID: apiID, apiHash: apiHash, phone: phone, code: code, password: password, prompter: prompter)
    }
}
