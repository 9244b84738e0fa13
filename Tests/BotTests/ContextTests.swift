import Bot
import Foundation
import Testing

struct ContextTests {
    @Test func keepsTheLastTenExchangesPerUserOldestFirst() {
        var memory: ContextMemory = ContextMemory()
        for i in 1 ... 12 {
            memory.addExchange(userID: 7, Exchange(user: "u\(i)", assistant: "a\(i)", datetime: Date(timeIntervalSince1970: Double(i))))
        }
        memory.addExchange(userID: 8, Exchange(user: "other", assistant: "x", datetime: Date()))
        let messages: [ChatMessage] = memory.messagesForOpenAI(userID: 7)
        #expect(messages.count == 20)
        #expect(messages.first == ChatMessage(role: "user", content: "u3"))
        #expect(messages[1] == ChatMessage(role: "assistant", content: "a3"))
        #expect(messages.last == ChatMessage(role: "assistant", content: "a12"))
        #expect(memory.messagesForOpenAI(userID: 8).count == 2)
        #expect(memory.messagesForOpenAI(userID: 9).isEmpty)
    }

    @Test func aDumpIsDueEveryTenStoredExchangesAcrossUsers() {
        var memory: ContextMemory = ContextMemory()
        var due: [Int] = []
        for i in 1 ... 25 where memory.addExchange(userID: Int64(i % 3), Exchange(user: "q", assistant: "a", datetime: Date())) {
            due.append(i)
        }
        #expect(due == [10, 20])
    }

    @Test func limitsBelowOneCountAsOneInsteadOfTrapping() {
        var memory: ContextMemory = ContextMemory(limit: -3, dumpEvery: 0)
        let first: Bool = memory.addExchange(userID: 1, Exchange(user: "q1", assistant: "a1", datetime: Date()))
        let second: Bool = memory.addExchange(userID: 1, Exchange(user: "q2", assistant: "a2", datetime: Date()))
        #expect(first && second)
        #expect(memory.messagesForOpenAI(userID: 1) == [ChatMessage(role: "user", content: "q2"), ChatMessage(role: "assistant", content: "a2")])
    }

    @Test func theDumpHasTheSeedsShapeWithISO8601Datetimes() throws {
        var memory: ContextMemory = ContextMemory()
        memory.addExchange(userID: 42, Exchange(user: "hi", assistant: "hello", datetime: Date(timeIntervalSince1970: 1_735_689_600), username: "ann"))
        let json: Any = try JSONSerialization.jsonObject(with: try memory.dumpJSON())
        let top: [String: Any] = try #require(json as? [String: Any])
        let pairs: [[String: Any]] = try #require(top["42"] as? [[String: Any]])
        #expect(pairs.count == 1)
        #expect(pairs[0]["user"] as? String == "hi")
        #expect(pairs[0]["assistant"] as? String == "hello")
        #expect(pairs[0]["datetime"] as? String == "2025-01-01T00:00:00Z")
        #expect(pairs[0]["username"] as? String == "ann")
        #expect(pairs[0]["phone"] == nil)
    }

    @Test func dumpsOfTheSameSecondNeverOverwriteEachOther() throws {
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("dumps-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dumper: ContextDumper = ContextDumper(directory: folder)
        let moment: Date = Date(timeIntervalSince1970: 1_735_689_600)
        let first: URL = try dumper.write(Data("1".utf8), at: moment)
        let second: URL = try dumper.write(Data("2".utf8), at: moment)
        #expect(first.lastPathComponent == "context_20250101_000000.json")
        #expect(second.lastPathComponent == "context_20250101_000000_2.json")
        #expect(try String(contentsOf: first, encoding: .utf8) == "1")
        let names: [String] = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["context_20250101_000000.json", "context_20250101_000000_2.json"])
    }
}
