import ArgumentParser
import Dispatch
import Foundation
import TLSchema
import Telegram

/// `tg listen`: one line (or JSON object) per event until SIGINT or SIGTERM.
struct ListenCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "listen",
        abstract: "Print every new, edited, deleted and read message event until SIGINT (one line, or one JSON object, each).",
        discussion: """
            --filter (repeatable) narrows it: incoming, outgoing, private, group, channel and text=REGEX select \
            messages (conditions of one kind are alternatives, of different kinds all must hold); new, edited, \
            deleted and read select event kinds (default: all four). Events missed while tg was not running are \
            not replayed: listen starts from now.
            """)

    @OptionGroup var options: TGOptions
    @Option(name: .long, help: "incoming | outgoing | private | group | channel | text=REGEX | new | edited | deleted | read")
    var filter: [String] = []
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            let selection: ListenSelection = try ListenSelection(filter)
            try await withClient(options, updates: UpdatesOptions(catchUp: false)) { (client: TelegramClient) in
                let stream: UpdateStream = client.updates()
                let json: Bool = output.json
                let reader: Task<Void, Never> = Task {
                    for await batch in stream {
                        // Unbuffered, so a pipe sees each event as it comes.
                        for line in selection.lines(in: batch, client: client, json: json) {
                            FileHandle.standardOutput.write(Data((line + "\n").utf8))
                        }
                    }
                }
                await waitForSignal([SIGINT, SIGTERM])
                reader.cancel()
            }
        }
    }
}

/// What `tg listen --filter …` asked for.
struct ListenSelection: Sendable {
    var kinds: Set<String> = []
    var conditions: [MessageCondition] = []

    init(_ filters: [String]) throws {
        for item in filters {
            switch item {
            case "incoming": conditions.append(.incoming)
            case "outgoing": conditions.append(.outgoing)
            case "private": conditions.append(.private)
            case "group": conditions.append(.group)
            case "channel": conditions.append(.channel)
            case "new", "edited", "deleted", "read": kinds.insert(item)
            default:
                guard item.hasPrefix("text=") else { throw TGExit.badInput("unknown --filter \(item)") }
                do {
                    conditions.append(try .pattern(String(item.dropFirst(5))))
                } catch {
                    throw TGExit.badInput("--filter \(item): not a regular expression")
                }
            }
        }
        if kinds.isEmpty { kinds = ["new", "edited", "deleted", "read"] }
    }

    /// The printed lines for one batch, in order of kind.
    func lines(in batch: UpdateBatch, client: TelegramClient, json: Bool) -> [String] {
        var lines: [String] = []
        for kind in ["new", "edited"] where kinds.contains(kind) {
            let filter: MessageFilter = kind == "new" ? .newMessage(conditions) : .editedMessage(conditions)
            for event in filter.events(in: batch, client: client) {
                let record: EventRecord = EventRecord(event: kind, message: MessageRecord(event.message))
                lines.append(json ? jsonLine(record) : "\(kind)\t\(record.message?.line ?? "")")
            }
        }
        if kinds.contains("deleted") {
            for event in UpdateFilter<DeletedEvent>.deleted.events(in: batch, client: client) {
                let record: EventRecord = EventRecord(event: "deleted", chat: event.chat?.markedID, ids: event.messageIDs)
                lines.append(json ? jsonLine(record) : "deleted\t\(record.chat.map(String.init) ?? "?")\t\(event.messageIDs.map(String.init).joined(separator: ","))")
            }
        }
        if kinds.contains("read") {
            for event in UpdateFilter<ReadEvent>.read.events(in: batch, client: client) {
                let record: EventRecord = EventRecord(event: event.isOutbox ? "read_outbox" : "read", chat: event.chat.markedID, maxID: event.maxID)
                lines.append(json ? jsonLine(record) : "\(record.event)\t\(event.chat.markedID)\t\(event.maxID)")
            }
        }
        return lines
    }
}

/// One `tg listen --json` line.
struct EventRecord: Encodable {
    var event: String
    var message: MessageRecord?
    var chat: Int64?
    var ids: [Int32]?
    var maxID: Int32?

    enum CodingKeys: String, CodingKey {
        case event, message, chat, ids
        case maxID = "max_id"
    }
}

/// Suspends until one of `signals` arrives (their default action is off meanwhile).
func waitForSignal(_ signals: [Int32]) async {
    let queue: DispatchQueue = DispatchQueue(label: "tg.signals")
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        queue.async {
            var sources: [any DispatchSourceSignal] = []
            var resumed: Bool = false
            for number in signals {
                signal(number, SIG_IGN)
                let source: any DispatchSourceSignal = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    guard !resumed else { return }
                    resumed = true
                    for s in sources { s.cancel() }
                    continuation.resume()
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
