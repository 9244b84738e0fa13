import ArgumentParser
import Foundation
import MTProto
import Telegram

/// `tg session`: the session as one line of text, to carry it to another machine.
struct SessionCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "session", abstract: "Export the session as a session string, or import one into a session file.",
        discussion: "A session string is a full credential: whoever has it is logged in as the account until the session is logged out.",
        subcommands: [SessionExportCommand.self, SessionImportCommand.self])
}

/// `tg session export`: prints the session string.
struct SessionExportCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "export", abstract: "Print the logged-in session as a session string on standard output (a full credential).")

    @OptionGroup var options: TGOptions

    /// The warning printed with the string.
    static let warning: String = """
        tg: warning: this session string is a full credential for the account; keep it like a password \
        (tg logout, or Settings → Devices, ends it).\n
        """

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            let text: String = try await withClient(options) { (client: TelegramClient) in try await client.exportSession().encoded }
            FileHandle.standardError.write(Data(Self.warning.utf8))
            print(text)
        }
    }
}

/// `tg session import`: writes a session string read from standard input into the session file.
struct SessionImportCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "import", abstract: "Read a session string from standard input into the session file (TG_SESSION); it is never echoed.",
        discussion: "A session file that already holds an auth key is left alone unless --force, which replaces the whole file.")

    @OptionGroup var options: TGOptions
    @Flag(name: .long, help: "Replace a session file that already holds a key (its other contents are deleted too).")
    var force: Bool = false

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            let path: String = try options.load().0.sessionPath
            let text: String = try await readSecretLine(
                "Session string: ", what: "the session string (on standard input)", limit: SessionString.maximumLength + 1)
            let session: SessionString = try SessionString(text)
            var storage: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
            if try !storage.authKeys().isEmpty {
                guard force else {
                    storage.close()
                    throw TGExit.badInput("\(path) already holds an auth key; --force replaces it")
                }
                storage.close()
                for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
                storage = try SQLiteSessionStorage(path: path)
            }
            defer { storage.close() }
            try session.install(in: storage)
            print("Imported a session of DC \(session.dataCentre.id) into \(path).")
        }
    }
}
