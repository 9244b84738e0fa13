// A userbot on the Telegram library: answers every private message that says hello.
//   TG_* keys from the environment or a config file (the first argument), as userbot and tg read
//   them; the session is logged in once by `tg login` (or pass start(login: .user(…)), .qr(…) or
//   .botToken(…) with a LoginPrompter of your own).
import MTProto
import Telegram

let configuration: TelegramConfiguration = try TelegramConfiguration.load(file: CommandLine.arguments.dropFirst().first)
let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: configuration.sessionPath)
let client: TelegramClient = TelegramClient(
    mtproto: try MTProtoClient(configuration: configuration.clientConfiguration(deviceModel: "echo userbot", appVersion: "1.0"), storage: session),
    store: try SQLiteClientStore(session: session))
let me: Peer = try await client.start()
print("echo userbot running as \(me.name)")
for await message in client.events(.newMessage(.incoming, .private, try .pattern("(?i)hello"))) {
    try await message.reply("Hello, \(message.senderPeer?.name ?? "you")!")
}
