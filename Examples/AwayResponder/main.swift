// An away-message responder on the Telegram library: answers a person's first private message of
// each (UTC) day with a fixed text. Contacts, bots and the account's own messages get no answer.
//   TG_* keys from the environment or a config file (the first argument); AWAY_TEXT is the answer.
// Who was answered on which day is kept in the session file, so a restart answers nobody twice.
import Foundation
import MTProto
import Telegram

let configuration: TelegramConfiguration = try TelegramConfiguration.load(file: CommandLine.arguments.dropFirst().first)
let answer: String = ProcessInfo.processInfo.environment["AWAY_TEXT"] ?? "I'm away at the moment and will answer later."

let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: configuration.sessionPath)
try session.execute("CREATE TABLE IF NOT EXISTS away_answered (user INTEGER PRIMARY KEY, day INTEGER NOT NULL)")
let mtproto: MTProtoClient = try MTProtoClient(
    configuration: configuration.clientConfiguration(deviceModel: "away responder", appVersion: "1.0"), storage: session)
let client: TelegramClient = TelegramClient(mtproto: mtproto, store: try SQLiteClientStore(session: session))
let me: Peer = try await client.start()
log("away responder running as \(me.name)")

for await message in client.events(.newMessage(.incoming, .private)) {
    guard case .user(let person)? = message.sender else { continue }
    var sender: Peer? = message.senderPeer
    if sender == nil { sender = try await client.peers.peer(.user(person)) }
    if let flags = sender?.flags, flags.contains(.contact) || flags.contains(.bot) { continue }
    let day: Int64 = Int64(message.date) / 86_400
    let last: [[SQLiteValue]] = try session.rows("SELECT day FROM away_answered WHERE user = ?", [.integer(person)])
    if case .integer(let answeredDay)? = last.first?.first, answeredDay >= day { continue }
    // Recorded first: after a crash the person gets no second answer (at most once a day).
    try session.execute("INSERT OR REPLACE INTO away_answered (user, day) VALUES (?, ?)", [.integer(person), .integer(day)])
    try await message.respond(answer)
    log("answered \(sender?.name ?? "user \(person)")")
}

/// A status line on standard error (unbuffered, so a log file sees it at once).
func log(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
