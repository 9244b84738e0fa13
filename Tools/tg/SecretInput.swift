import Foundation
import Telegram
import TelegramOptions

/// One secret line: typed at the terminal without echo after `prompt`, or the first line of standard
/// input when it is not a terminal (at most `limit` bytes read). Empty is
/// ``Telegram/LoginError/inputUnavailable(_:)`` naming `what`. Read on a thread of its own.
func readSecretLine(_ prompt: String, what: String, limit: Int = 4096) async throws -> String {
    if isatty(STDIN_FILENO) == 1 { return try await TerminalPrompter.read(prompt, secret: true, what: what) }
    let text: String = await readStandardInput(upTo: limit)
    let line: String = String(text.split(whereSeparator: \.isNewline).first ?? "").trimmingCharacters(in: .whitespaces)
    guard !line.isEmpty else { throw LoginError.inputUnavailable(what) }
    return line
}

/// Standard input up to end of file or `limit` bytes, whichever comes first, read on a thread of its
/// own (bytes that are not UTF-8 become U+FFFD).
func readStandardInput(upTo limit: Int) async -> String {
    let data: Data = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
        Thread {
            var collected: Data = Data()
            while collected.count < limit {
                let chunk: Data = FileHandle.standardInput.readData(ofLength: limit - collected.count)
                if chunk.isEmpty { break }
                collected.append(chunk)
            }
            continuation.resume(returning: collected)
        }.start()
    }
    return String(decoding: data, as: UTF8.self)
}
