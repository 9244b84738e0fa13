import Bot
import Foundation
import Logging
import Testing

struct SecretRedactorTests {
    @Test func aSecretIsRedactedAsTypedPercentEncodedAndJSONEscaped() throws {
        let password: String = #"pä ss"wo\rd/1"#
        let redactor: SecretRedactor = SecretRedactor([password])
        let json: String = String(decoding: try JSONSerialization.data(withJSONObject: ["p": password]), as: UTF8.self)
        let encoded: String = String(decoding: try JSONEncoder().encode(["p": password]), as: UTF8.self)
        let query: String = try #require(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let forms: [String] = [
            password, query, query.replacingOccurrences(of: "%20", with: "+"), json, encoded,
            #"p\u00e4 ss\"wo\\rd\/1"#, #"p\u00E4 ss\"wo\\rd/1"#,
        ]
        for form in forms {
            let line: String = "before \(form) after"
            #expect(redactor.redact(line).contains("[redacted]"), "\(form) was not redacted")
            #expect(!redactor.redact(line).contains("ss"), "\(redactor.redact(line)) still has part of the secret")
        }
    }

    @Test func theLongestSecretGoesFirstAndShortOnesAreIgnored() {
        let redactor: SecretRedactor = SecretRedactor(["abcd", "abcdefgh", nil, "xyz", ""])
        #expect(redactor.redact("abcdefgh") == "[redacted]")  // not "[redacted]efgh"
        #expect(redactor.redact("abcd abcdefgh") == "[redacted] [redacted]")
        #expect(redactor.redact("xyz is a word") == "xyz is a word")
        redactor.add("123")
        #expect(redactor.redact("code 123") == "code 123")
    }

    @Test func secretsAddedAtRuntimeApplyToLoggersMadeBefore() throws {
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("redactor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let redactor: SecretRedactor = SecretRedactor(["sk-configured-key"])
        let logger: Logger = BotLogging.logger(label: "test", logDirectory: folder, consoleLevel: .critical, redactor: redactor, console: false)
        logger.error("first: 24680 sk-configured-key")
        redactor.add("24680")
        logger.error("second: 24680")
        let text: String = try String(contentsOf: folder.appendingPathComponent("errors.log"), encoding: .utf8)
        let lines: [Substring] = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix("first: 24680 [redacted]"))
        #expect(lines[1].hasSuffix("second: [redacted]"))
    }

    @Test func concurrentAddsAreAllKept() async {
        let redactor: SecretRedactor = SecretRedactor([])
        let secrets: [String] = (0 ..< 200).map { "secret-\($0)-value" }
        await withTaskGroup(of: Void.self) { (group: inout TaskGroup<Void>) in
            for secret in secrets { group.addTask { redactor.add(secret) } }
            for secret in secrets.prefix(50) { group.addTask { _ = redactor.redact(secret) } }
        }
        #expect(secrets.allSatisfy { redactor.redact("[\($0)]") == "[[redacted]]" })
    }
}
