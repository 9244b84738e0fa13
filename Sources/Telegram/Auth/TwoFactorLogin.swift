import MTProto
import TLSchema

/// The two-factor step of a login (api-flows §6): after `SESSION_PASSWORD_NEEDED`, the SRP check
/// of the password with fresh parameters (`account.getPassword`) before each attempt. A wrong
/// password is asked again up to ``maximumAttempts`` times; a stale challenge (`SRP_ID_INVALID`,
/// `SRP_PASSWORD_CHANGED`) is fetched again without counting an attempt.
struct TwoFactorLogin {
    /// The configured password for the first attempt, or nil.
    let password: String?
    /// Asked for the password when none was configured or the configured one was wrong.
    let prompter: any LoginPrompter
    /// How many passwords are tried before ``LoginError/wrongPassword``.
    let maximumAttempts: Int

    /// Checks the password and returns the authorization it gives.
    func run(client: MTProtoClient) async throws -> Api.auth.Authorization.Authorization {
        var attempt: Int = 1
        var refetches: Int = 0
        while attempt <= maximumAttempts {
            // Fresh parameters before each attempt (srp_B and srp_id are single-use).
            let info: Api.account.Password = try await client.invoke(Api.functions.account.GetPassword())
            guard case .passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(let algo)? = info.currentAlgo, info.hasPassword,
                  let srpB = info.srpB, let srpID = info.srpId else { throw LoginError.unsupportedPasswordAlgorithm }
            let entered: String
            if attempt == 1, let password { entered = password } else { entered = try await prompter.password(hint: info.hint, attempt: attempt) }
            let parameters: SRP.Parameters = SRP.Parameters(salt1: algo.salt1, salt2: algo.salt2, g: algo.g, p: algo.p, srpB: srpB, srpID: srpID)
            let answer: SRP.Answer
            do {
                answer = try SRP.answer(password: entered, parameters: parameters, entropy: SystemEntropy())
            } catch {
                throw LoginError.invalidPasswordParameters
            }
            do {
                let authorization: Api.auth.Authorization = try await client.invoke(Api.functions.auth.CheckPassword(
                    password: .inputCheckPasswordSRP(Api.InputCheckPasswordSRP.InputCheckPasswordSRP(srpId: answer.srpID, a: answer.A, m1: answer.M1))))
                guard case .authorization(let authorized) = authorization else {
                    throw LoginError.rejected(RPCError(code: 400, message: "AUTHORIZATION_SIGN_UP_REQUIRED"))
                }
                return authorized
            } catch let error as RPCError {
                switch error.name {
                case "PASSWORD_HASH_INVALID":
                    prompter.notice(.wrongPassword)
                    attempt += 1
                case "SRP_ID_INVALID", "SRP_PASSWORD_CHANGED":
                    // The challenge went stale: fetch new parameters, without counting an attempt.
                    guard refetches < 3 else { throw LoginError.rejected(error) }
                    refetches += 1
                default:
                    throw LoginError.rejected(error)
                }
            }
        }
        throw LoginError.wrongPassword
    }
}
