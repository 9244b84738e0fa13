import TLSchema

/// A message text with its formatting entities, as Telegram sends and receives them: offsets and
/// lengths count UTF-16 code units of `text` (an emoji outside the BMP counts 2, a combining mark 1).
///
/// Made from Markdown (``init(markdown:)``) or HTML (``init(html:)``) in the dialects of Telethon 1.45,
/// turned back with ``markdown`` and ``html``, and cut into messages Telegram accepts with
/// ``split(maximumUTF16:)``. Parsing never fails: markup that does not pair up stays literal text.
public struct FormattedText: Sendable {
    /// The longest message text Telegram accepts, in UTF-16 code units.
    public static let maximumMessageUTF16: Int = 4096

    /// The plain text, without markup.
    public var text: String
    /// The formatting of `text`, with UTF-16 offsets and lengths.
    public var entities: [Api.MessageEntity]

    /// A text with the given entities (offsets and lengths in UTF-16 code units of `text`).
    public init(text: String, entities: [Api.MessageEntity] = []) {
        self.text = text
        self.entities = entities
    }

    /// Parses Telethon's Markdown: `**bold**`, `__italic__`, `~~strike~~`, `||spoiler||`, `` `code` ``,
    /// ```` ```lang\npre``` ````, `[text](url)`, `[name](tg://user?id=123)` (a mention) and
    /// `[👍](tg://emoji?id=5368324170671202286)` (a custom emoji). Delimiters without a partner stay
    /// literal; leading and trailing whitespace of the whole text is removed, as Telethon does.
    public init(markdown: String) {
        self = MarkdownParser(source: markdown).parse()
    }

    /// Parses Telegram's HTML subset: `<b>`/`<strong>`, `<i>`/`<em>`, `<u>`/`<ins>`, `<s>`/`<del>`/`<strike>`,
    /// `<code>`, `<pre>` with an optional `<code class="language-x">`, `<a href>` (links, `mailto:` and
    /// `tg://user?id=` mentions), `<tg-spoiler>` or `<span class="tg-spoiler">`, `<blockquote>` (optionally
    /// `expandable`) and `<tg-emoji emoji-id>`, with character references decoded. Unknown tags are
    /// dropped (their text kept), tags never closed give no entity, broken tags stay literal text.
    public init(html: String) {
        self = HTMLParser(source: html).parse()
    }

    /// The text as Telethon's Markdown; entities the dialect cannot express (underline, blockquote,
    /// automatic links, hashtags…) are left out and the text is not escaped.
    public var markdown: String {
        MarkdownWriter.write(self)
    }

    /// The text as HTML with every entity that has a tag, the text escaped (`&amp;`, `&lt;`, `&gt;`,
    /// `&quot;`, `&#x27;`).
    public var html: String {
        HTMLWriter.write(self)
    }
}
