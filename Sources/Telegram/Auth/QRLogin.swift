import Foundation
import MTProto
import TLSchema

/// The QR-code login (api/qr-login): `auth.exportLoginToken` gives a token, shown through
/// ``display`` as a `tg://login?token=` link; when an app of the account accepts it, Telegram
/// pushes `updateLoginToken` and the next export answers `auth.loginTokenSuccess`, or
/// `auth.loginTokenMigrateTo` when the account lives on another DC: the client then moves its home
/// there and calls `auth.importLoginToken`. An expired token is exported again (and shown again);
/// `SESSION_PASSWORD_NEEDED` continues with the two-factor password.
public struct QRLogin: Sendable {
    /// `api_id` from my.telegram.org.
    public var apiID: Int32
    /// Secret: `api_hash` from my.telegram.org.
    public var apiHash: String
    /// Users already logged in on this client, whose acceptance Telegram should not offer.
    public var exceptIDs: [Int64]
    /// Secret: the two-factor password for the first attempt, if known.
    public var password: String?
    /// Asked for the two-factor password (and told what the login does).
    public var prompter: any LoginPrompter
    /// Shows each new token; a new call replaces the previous one (it expired).
    public var display: @Sendable (LoginTokenLink) async throws -> Void
    /// How many tokens are exported before ``LoginError/loginTokenNotAccepted``.
    public var maximumExports: Int = 20
    /// How many two-factor passwords are tried before ``LoginError/wrongPassword``.
    public var maximumAttempts: Int = 3
    /// How many `loginTokenMigrateTo` answers one login follows (the first is the account's DC).
    static let maximumMigrations: Int = 2

    /// A QR login showing its links through `display`.
    public init(
        apiID: Int32, apiHash: String, exceptIDs: [Int64] = [], password: String? = nil, prompter: any LoginPrompter,
        display: @escaping @Sendable (LoginTokenLink) async throws -> Void
    ) {
        self.apiID = apiID
        self.apiHash = apiHash
        self.exceptIDs = exceptIDs
        self.password = password
        self.prompter = prompter
        self.display = display
    }

    /// Logs in on `client` once a token is accepted; returns the authorization.
    public func run(client: MTProtoClient) async throws -> Api.auth.Authorization.Authorization {
        let signal: LoginTokenSignal = LoginTokenSignal()
        let observer: Int = await client.addUpdateObserver { (updates: Api.Updates) in
            if LoginTokenSignal.carriesLoginToken(updates) { signal.fire() }
        }
        do {
            let authorization: Api.auth.Authorization.Authorization = try await exportUntilAccepted(client: client, signal: signal)
            await client.removeUpdateObserver(observer)
            return authorization
        } catch let error as RPCError where error.name == "SESSION_PASSWORD_NEEDED" {
            await client.removeUpdateObserver(observer)
            return try await TwoFactorLogin(password: password, prompter: prompter, maximumAttempts: maximumAttempts).run(client: client)
        } catch {
            await client.removeUpdateObserver(observer)
            throw error
        }
    }

    private func exportUntilAccepted(client: MTProtoClient, signal: LoginTokenSignal) async throws -> Api.auth.Authorization.Authorization {
        var exports: Int = 0
        var migrations: Int = 0
        var answer: Api.auth.LoginToken = try await export(client)
        while true {
            switch answer {
            case .loginTokenSuccess(let success):
                return try Self.authorized(success.authorization)
            case .loginTokenMigrateTo(let migrate):
                // Once moved, the DC named is home: another move means Telegram and the client disagree.
                migrations += 1
                guard migrations <= Self.maximumMigrations else { throw LoginError.rejected(RPCError(code: 303, message: "LOGIN_TOKEN_MIGRATE_LOOP")) }
                prompter.notice(.loginTokenMigrating(dc: Int(migrate.dcId)))
                do {
                    try await client.moveHome(toDataCentre: Int(migrate.dcId))
                } catch MTProtoClientError.unknownDataCentre(let dc) {
                    throw LoginError.unknownDataCentre(dc)
                }
                answer = try await client.invoke(Api.functions.auth.ImportLoginToken(token: migrate.token))
            case .loginToken(let token):
                exports += 1
                guard exports <= maximumExports else { throw LoginError.loginTokenNotAccepted }
                prompter.notice(.loginTokenExported(expires: token.expires))
                try await display(LoginTokenLink(token: token.token, expires: token.expires))
                let left: Double = Double(token.expires) - Date().timeIntervalSince1970
                // Export again when the push comes or the token expires, whichever is first.
                _ = await signal.wait(atMost: .milliseconds(Int(max(0, left) * 1000)))
                try Task.checkCancellation()
                answer = try await export(client)
            }
        }
    }

    private func export(_ client: MTProtoClient) async throws -> Api.auth.LoginToken {
        try await client.invoke(Api.functions.auth.ExportLoginToken(apiId: apiID, apiHash: apiHash, exceptIds: exceptIDs))
    }

    static func authorized(_ authorization: Api.auth.Authorization) throws -> Api.auth.Authorization.Authorization {
        guard case .authorization(let authorized) = authorization else {
            throw LoginError.rejected(RPCError(code: 400, message: "AUTHORIZATION_SIGN_UP_REQUIRED"))
        }
        return authorized
    }
}

extension QRLogin: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var secretFree: SecretFreeFields {
        SecretFreeFields(Self.self, [
            ("apiID", apiID), ("apiHash", SecretFreeFields.secret(apiHash)), ("exceptIDs", exceptIDs),
            ("password", SecretFreeFields.secret(password)), ("prompter", String(describing: type(of: prompter))),
            ("maximumExports", maximumExports), ("maximumAttempts", maximumAttempts),
        ])
    }

    /// The fields; the API hash and the password as `[redacted]`.
    public var description: String { secretFree.description }
    /// The same as ``description``.
    public var debugDescription: String { secretFree.description }
    /// The fields for `dump` and `Mirror`, the API hash and the password as `[redacted]`.
    public var customMirror: Mirror { secretFree.mirror(of: self) }
}
