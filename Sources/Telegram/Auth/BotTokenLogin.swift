import MTProto
import TLSchema

/// The bot-account login (api/bots): `auth.importBotAuthorization` with the token from @BotFather
/// (`123456:ABC…`). A `USER_MIGRATE_X` answer is followed by the client (the call is made again on
/// DC X, which becomes the home DC); `ACCESS_TOKEN_INVALID` / `ACCESS_TOKEN_EXPIRED` become
/// ``LoginError/invalidBotToken``.
public struct BotTokenLogin: Sendable {
    /// `api_id` from my.telegram.org.
    public var apiID: Int32
    /// Secret: `api_hash` from my.telegram.org.
    public var apiHash: String
    /// Secret: the bot's token; whoever has it controls the bot.
    public var token: String

    /// A login of the bot `token` names.
    public init(apiID: Int32, apiHash: String, token: String) {
        self.apiID = apiID
        self.apiHash = apiHash
        self.token = token
    }

    /// Logs the bot in on `client` and returns the authorization.
    public func run(client: MTProtoClient) async throws -> Api.auth.Authorization.Authorization {
        let answer: Api.auth.Authorization
        do {
            answer = try await client.invoke(Api.functions.auth.ImportBotAuthorization(flags: 0, apiId: apiID, apiHash: apiHash, botAuthToken: token))
        } catch let error as RPCError where error.name == "ACCESS_TOKEN_INVALID" || error.name == "ACCESS_TOKEN_EXPIRED" {
            throw LoginError.invalidBotToken
        } catch let error as RPCError {
            throw LoginError.rejected(error)
        }
        guard case .authorization(let authorization) = answer else { throw LoginError.rejected(RPCError(code: 400, message: "BOT_SIGN_UP_REQUIRED")) }
        return authorization
    }
}

extension BotTokenLogin: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var secretFree: SecretFreeFields {
        SecretFreeFields(Self.self, [("apiID", apiID), ("apiHash", SecretFreeFields.secret(apiHash)), ("token", SecretFreeFields.secret(token))])
    }

    /// The api_id; the API hash and the token as `[redacted]`.
    public var description: String { secretFree.description }
    /// The same as ``description``.
    public var debugDescription: String { secretFree.description }
    /// The fields for `dump` and `Mirror`, the API hash and the token as `[redacted]`.
    public var customMirror: Mirror { secretFree.mirror(of: self) }
}
