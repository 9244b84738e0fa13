// A channel forwarder on the Telegram library: forwards each new post of the channels in
// FORWARD_FROM (@usernames, comma-separated) to FORWARD_TO (a peer: me, @username, +phone, id).
//   TG_* keys from the environment or a config file (the first argument).
// A channel is followed from the forwarder's first start; from then on, across restarts, no post is
// forwarded twice and none is missed:
// - `follow(channel:)` stores each source channel's pts at the first start, and the updates engine
//   catches up from the stored state, every channel's pts included;
// - a commit hook queues each post in the same SQLite transaction that records its update as applied;
// - a queued post is forwarded with a random_id made from (channel, post), so a forward repeated
//   after a crash is refused by Telegram (RANDOM_ID_DUPLICATE) instead of posted again.
import Foundation
import MTProto
import TLSchema
import Telegram

let configuration: TelegramConfiguration = try TelegramConfiguration.load(file: CommandLine.arguments.dropFirst().first)
let environment: [String: String] = ProcessInfo.processInfo.environment
let sourceNames: [String] = (environment["FORWARD_FROM"] ?? "").split(separator: ",").map { String($0) }
guard !sourceNames.isEmpty, let targetName = environment["FORWARD_TO"] else {
    FileHandle.standardError.write(Data("set FORWARD_FROM=@channel[,@channel…] and FORWARD_TO=peer\n".utf8))
    exit(2)
}

let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: configuration.sessionPath)
try session.execute("CREATE TABLE IF NOT EXISTS forward_queue (channel INTEGER NOT NULL, post INTEGER NOT NULL, PRIMARY KEY (channel, post))")
let store: SQLiteClientStore = try SQLiteClientStore(session: session)
let mtproto: MTProtoClient = try MTProtoClient(
    configuration: configuration.clientConfiguration(deviceModel: "channel forwarder", appVersion: "1.0"), storage: session)
let client: TelegramClient = TelegramClient(mtproto: mtproto, store: store, updates: UpdatesOptions(startsWithClient: false))
try await client.start()
let sources: Set<Int64> = Set(try await sourceNames.asyncMap { try await client.resolve($0).id.id })
let target: PeerID = try await client.resolve(targetName).id

store.setCommitHook { (changes: StoreChanges, transaction: inout ClientStoreTransaction) in
    for case .updateNewChannelMessage(let update) in changes.updates?.updates ?? [] {
        guard case .message(let post) = update.message, case .peerChannel(let channel) = post.peerId, sources.contains(channel.channelId) else { continue }
        transaction.execute("INSERT OR IGNORE INTO forward_queue (channel, post) VALUES (?, ?)", [.integer(channel.channelId), .integer(Int64(post.id))])
    }
}

/// Forwards every queued post, oldest first, and takes it off the queue.
func drain() async throws {
    for row in try session.rows("SELECT channel, post FROM forward_queue ORDER BY channel, post") {
        guard case .integer(let channel) = row[0], case .integer(let post) = row[1] else { continue }
        let randomID: Int64 = Int64(bitPattern: UInt64(bitPattern: channel) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(post))
        do {
            _ = try await client.forward([Int32(post)], from: .channel(channel), to: target, randomIDs: [randomID])
            log("forwarded post \(post) of channel \(channel)")
        } catch let error as RPCError where error.is(.randomIDDuplicate) {
            // Forwarded before a crash, not yet taken off the queue.
        }
        try session.execute("DELETE FROM forward_queue WHERE channel = ? AND post = ?", [.integer(channel), .integer(post)])
    }
}

let batches: UpdateStream = client.updates()
try await client.startUpdates()
for source in sources { try await client.follow(channel: .channel(source)) }
log("forwarding \(sourceNames.joined(separator: ", ")) to \(targetName)")
try await drain()
for await _ in batches { try await drain() }

extension Sequence where Element: Sendable {
    /// `map` with an asynchronous transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

/// A status line on standard error (unbuffered, so a log file sees it at once).
func log(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
