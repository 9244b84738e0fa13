import TLSchema

/// Turns HTML into text and entities the way Telethon 1.45's `html.parse` does, plus spoilers,
/// `<strike>`, `<ins>` and `tg://` links.
///
/// One entity is built per tag name at a time (a `<b>` inside an open `<b>` adds nothing, the first
/// `</b>` ends it); tags never closed give no entity; `<code>` inside an open `<pre>` only names
/// the language; `<a href="mailto:x">` shows the address itself as an email entity.
struct HTMLParser {
    private struct Building {
        var kind: EntityKind
        let start: Int
    }

    private var tokenizer: HTMLTokenizer
    private var output: [UInt16] = []
    private var building: [String: Building] = [:]
    /// Open tags, innermost last, with the address a `mailto:` link shows instead of its text.
    private var openTags: [(name: String, address: [UInt16]?)] = []
    private var entities: [Api.MessageEntity] = []

    init(source: String) {
        tokenizer = HTMLTokenizer(units: Array(source.utf16))
    }

    consuming func parse() -> FormattedText {
        while let token = tokenizer.next() {
            switch token {
            case .text(let text):
                output.append(contentsOf: openTags.last?.address ?? text)
            case .start(let name, let attributes, let selfClosing):
                start(name, attributes)
                if selfClosing { end(name) }
            case .end(let name):
                end(name)
            }
        }
        let (text, stripped): ([UInt16], [Api.MessageEntity]) = UTF16Text.stripped(output, entities: entities.reversed())
        let ordered: [Api.MessageEntity] = stripped.enumerated()
            .sorted { ($0.element.utf16Range.offset, $0.offset) < ($1.element.utf16Range.offset, $1.offset) }
            .map(\.element)
        return FormattedText(text: UTF16Text.string(text), entities: ordered)
    }

    private mutating func start(_ name: String, _ attributes: [String: String?]) {
        var address: [UInt16]? = nil
        defer { openTags.append((name, address)) }
        let kind: EntityKind
        switch name {
        case "b", "strong": kind = .bold
        case "i", "em": kind = .italic
        case "u", "ins": kind = .underline
        case "s", "del", "strike": kind = .strike
        case "tg-spoiler": kind = .spoiler
        case "span":
            guard attribute("class", attributes) == "tg-spoiler" else { return }
            kind = .spoiler
        case "blockquote": kind = .blockquote(collapsed: attributes.keys.contains("expandable"))
        case "pre": kind = .pre(language: "")
        case "code":
            if building["pre"] != nil {
                if let language: String = attribute("class", attributes), language.hasPrefix("language-") {
                    building["pre"]?.kind = .pre(language: String(language.dropFirst("language-".count)))
                }
                return
            }
            kind = .code
        case "a":
            guard let href: String = attribute("href", attributes) else { return }
            if href.hasPrefix("mailto:") {
                address = Array(href.dropFirst("mailto:".count).utf16)
                kind = .email
            } else {
                kind = .link(url: href)
            }
        case "tg-emoji":
            guard let id: Int64 = attribute("emoji-id", attributes).flatMap({ Int64($0) }) else { return }
            kind = .customEmoji(documentID: id)
        default:
            return
        }
        if building[name] == nil {
            building[name] = Building(kind: kind, start: output.count)
        }
    }

    private mutating func end(_ name: String) {
        _ = openTags.popLast()
        guard let entity: Building = building.removeValue(forKey: name),
              let made: Api.MessageEntity = entity.kind.entity(offset: entity.start, length: output.count - entity.start)
        else { return }
        entities.append(made)
    }

    /// The value of an attribute given with one (nil if absent or bare).
    private func attribute(_ name: String, _ attributes: [String: String?]) -> String? {
        attributes[name] ?? nil
    }
}
