// A complete program on MTProto and TLSchema alone: connect, log in (code, then the 2FA password
// over SRP), send a message to yourself, print updates for a while.
//   EXAMPLE_SERVER=HOST:PORT EXAMPLE_DC=N EXAMPLE_RSA_KEY=FILE   (omit all three for Telegram)
//   EXAMPLE_API_ID EXAMPLE_API_HASH EXAMPLE_PHONE EXAMPLE_CODE [EXAMPLE_PASSWORD]
import Foundation
import MTProto
import TLSchema

let env: [String: String] = ProcessInfo.processInfo.environment
var dc: DataCentre = DataCentre.production[1]
var keys: [RSAPublicKey]? = nil
if let server = env["EXAMPLE_SERVER"], let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) {
    dc = DataCentre(id: Int(env["EXAMPLE_DC"] ?? "2") ?? 2, host: String(server[..<colon]), port: port)
    keys = [try RSAPublicKey(pem: try String(contentsOfFile: env["EXAMPLE_RSA_KEY"] ?? "", encoding: .utf8))]
}
let apiID: Int32 = Int32(env["EXAMPLE_API_ID"] ?? "") ?? 0
let apiHash: String = env["EXAMPLE_API_HASH"] ?? ""
let phone: String = env["EXAMPLE_PHONE"] ?? ""

let client: MTProtoClient = MTProtoClient(configuration: ClientConfiguration(
    dataCentre: dc, knownDataCentres: keys == nil ? nil : [dc], rsaKeys: keys, apiID: apiID))
try await client.connect()                                   // key exchange (PFS on), initConnection

let sent: Api.auth.SentCode = try await client.invoke(Api.functions.auth.SendCode(
    phoneNumber: phone, apiId: apiID, apiHash: apiHash, settings: Api.CodeSettings()))
guard case .sentCode(let code) = sent else { fatalError("unexpected \(sent)") }
var me: Api.User
do {
    let result: Api.auth.Authorization = try await client.invoke(Api.functions.auth.SignIn(
        phoneNumber: phone, phoneCodeHash: code.phoneCodeHash, phoneCode: env["EXAMPLE_CODE"] ?? ""))
    guard case .authorization(let a) = result else { fatalError("no account for \(phone)") }
    me = a.user
} catch let error as RPCError where error.name == "SESSION_PASSWORD_NEEDED" {
    let info: Api.account.Password = try await client.invoke(Api.functions.account.GetPassword())
    guard case .passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(let algo)? = info.currentAlgo,
          let srpB = info.srpB, let srpID = info.srpId else { fatalError("unsupported password algorithm") }
    let answer: SRP.Answer = try SRP.answer(
        password: env["EXAMPLE_PASSWORD"] ?? "",
        parameters: SRP.Parameters(salt1: algo.salt1, salt2: algo.salt2, g: algo.g, p: algo.p, srpB: srpB, srpID: srpID),
        entropy: SystemEntropy())
    let result: Api.auth.Authorization = try await client.invoke(Api.functions.auth.CheckPassword(
        password: .inputCheckPasswordSRP(Api.InputCheckPasswordSRP.InputCheckPasswordSRP(srpId: answer.srpID, a: answer.A, m1: answer.M1))))
    guard case .authorization(let a) = result else { fatalError("unexpected \(result)") }
    me = a.user
}
guard case .user(let user) = me else { fatalError("empty user") }
print("logged in as \(user.firstName ?? "") (\(user.id))")

let state: Api.updates.State = try await client.invoke(Api.functions.updates.GetState())
print("update state: pts \(state.pts)")
let reply: Api.Updates = try await client.invoke(Api.functions.messages.SendMessage(
    peer: .inputPeerSelf, message: "Hello from Swift", randomId: SystemEntropy().randomInt64()))
print("sent:", reply.tlDescription)

let reader: Task<Void, Never> = Task {
    for await update in client.updates { print("update:", update.tlDescription) }
}
try await Task.sleep(for: .seconds(Int(env["EXAMPLE_LISTEN_SECONDS"] ?? "2") ?? 2))
reader.cancel()
await client.close()
