import ArgumentParser
import Telegram

/// The PEER argument of the commands that work on one chat.
struct PeerArgument: ParsableArguments {
    @Argument(help: "@username, +phone, a numeric id (marked: -chat, -100channel), me, or a t.me link.")
    var peer: String
}

/// `--json`: machine-readable output, one JSON object per line.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "One JSON object per line instead of tab-separated text.")
    var json: Bool = false

    /// Prints `record` as JSON or as its text `line`.
    func print<T: Encodable>(_ record: T, line: String) {
        Swift.print(json ? jsonLine(record) : line)
    }
}

/// `--markdown` / `--html`: how TEXT is to be read.
struct FormatOptions: ParsableArguments {
    @Flag(name: .long, help: "TEXT is Markdown (**bold**, __italic__, `code`, [link](url), ||spoiler||, …).")
    var markdown: Bool = false
    @Flag(name: .long, help: "TEXT is HTML (<b>, <i>, <code>, <pre>, <a href>, <tg-spoiler>, <blockquote>, …).")
    var html: Bool = false

    func validate() throws {
        if markdown && html { throw ValidationError("--markdown and --html exclude each other") }
    }

    /// `text` with its entities; an empty text is bad input.
    func format(_ text: String) throws -> FormattedText {
        let formatted: FormattedText = markdown ? FormattedText(markdown: text) : html ? FormattedText(html: text) : FormattedText(text: text)
        if formatted.text.isEmpty { throw TGExit.badInput("the text is empty") }
        return formatted
    }
}

/// `--limit N`.
struct LimitOption: ParsableArguments {
    @Option(name: .long, help: "How many to print (default 20 messages, 50 chats).")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
    }
}
