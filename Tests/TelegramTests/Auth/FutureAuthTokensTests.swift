import Foundation
import MTProto
import Telegram
import Testing

/// The future auth tokens of a session file: newest first, at most 20, shared by every store of the file.
struct FutureAuthTokensTests {
    @Test func atMostTheTwentyNewestAreKeptNewestFirst() throws {
        let path: String = FileManager.default.temporaryDirectory.appendingPathComponent("fat-\(UUID().uuidString).session").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        defer { session.close() }
        let tokens: FutureAuthTokens = try FutureAuthTokens(session: session)
        for i in 0 ..< 25 { try tokens.addFutureAuthToken([UInt8(i), 7]) }
        // A token given again becomes the newest (kept once).
        try tokens.addFutureAuthToken([10, 7])
        let kept: [[UInt8]] = try tokens.futureAuthTokens()
        #expect(kept.count == FutureAuthTokens.limit)
        #expect(kept.first == [10, 7])
        #expect(kept.dropFirst().first == [24, 7])
        #expect(!kept.contains([4, 7]) && kept.contains([5, 7]))
        #expect(Set(kept).count == kept.count)
        // The client store of the same file sees the same tokens.
        #expect(try SQLiteClientStore(session: session).futureAuthTokens() == kept)
    }
}
