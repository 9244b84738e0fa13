import TLSchema
import Testing
@testable import Telegram

/// Where FormattedText deliberately differs from Telethon 1.45 (each noted with what Telethon does).
@Suite struct TelethonDeviationTextTests {
    /// Telethon drops text after an unterminated tag or an `&` it waits on (it never calls
    /// `HTMLParser.close()`): "a <b" → "a", "a&b" → "". We keep it as text.
    @Test func unterminatedHTMLIsKept() {
        #expect(FormattedText(html: "a&b").text == "a&b")
        #expect(FormattedText(html: "a <b").text == "a <b")
    }

    /// Telethon takes `class` minus its first 9 characters as the language, whatever they are.
    @Test func onlyLanguagePrefixedClassesNameALanguage() {
        let parsed: FormattedText = FormattedText(html: "<pre><code class=\"python\">x</code></pre>")
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntityPre", offset: 0, length: 1, language: "")])
    }

    /// Telethon writes `<pre>\n    <code class='language-'>\n        code\n    </code>\n</pre>`, which
    /// reads back with the indentation inside the code.
    @Test func preIsWrittenWithoutPadding() {
        let text: FormattedText = FormattedText(text: "a\nb", entities: [EntityJSON(type: "messageEntityPre", offset: 0, length: 3, language: "").entity])
        #expect(text.html == "<pre>a\nb</pre>")
        #expect(FormattedText(html: text.html).entityJSON == text.entityJSON)
    }

    /// Telethon reads ```` ```swift\ncode``` ```` as code "swift\ncode" with no language.
    @Test func markdownCodeBlockLanguage() {
        let parsed: FormattedText = FormattedText(markdown: "```swift\nlet x\n```")
        #expect(parsed.text == "let x")
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntityPre", offset: 0, length: 5, language: "swift")])
        #expect(parsed.markdown == "```swift\nlet x```")
        // A first line with a space is code, not a language.
        #expect(FormattedText(markdown: "```a b\nc```").entityJSON == [EntityJSON(type: "messageEntityPre", offset: 0, length: 5, language: "")])
    }

    /// Telethon's client treats `tg://user?id=12abc` as user 12; only digits make a mention here.
    @Test func mentionsNeedAWholeNumber() {
        let parsed: FormattedText = FormattedText(markdown: "[x](tg://user?id=12abc)")
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntityTextUrl", offset: 0, length: 1, url: "tg://user?id=12abc")])
    }

    /// Telethon writes an automatic link's address into `href` unescaped.
    @Test func automaticLinkAddressesAreEscaped() {
        let text: FormattedText = FormattedText(text: "http://a?b=1&c=\"", entities: [EntityJSON(type: "messageEntityUrl", offset: 0, length: 16).entity])
        #expect(text.html == "<a href=\"http://a?b=1&amp;c=&quot;\">http://a?b=1&amp;c=&quot;</a>")
    }

    /// Telethon's split can cut an emoji in half (leaving invalid text); ours moves the cut back.
    @Test func splitDoesNotCutPairs() {
        #expect(FormattedText(text: "ab😀").split(maximumUTF16: 3).map(\.text) == ["ab", "😀"])
    }

    /// Telethon nudges markup out of a surrogate pair only past index 1; ours everywhere.
    @Test func markupAtIndexOneOfAPairMoves() {
        let text: FormattedText = FormattedText(text: "😀", entities: [EntityJSON(type: "messageEntityBold", offset: 0, length: 1).entity])
        #expect(text.markdown == "**😀**")
    }
}
