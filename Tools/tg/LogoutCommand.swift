import ArgumentParser
import MTProto
import Telegram

/// `tg logout`: ends the session at Telegram and wipes its key from the session file.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "logout", abstract: "Log the session out (auth.logOut, then the key is destroyed and wiped); the session file no longer authorizes.")

    @OptionGroup var options: TGOptions

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            do {
                try await withClient(options) { (client: TelegramClient) in try await client.logOut() }
                print("Logged out.")
            } catch let error as RPCError where error.is(.authKeyUnregistered) {
                print("This session is not logged in; nothing to log out.")
            }
        }
    }
}
