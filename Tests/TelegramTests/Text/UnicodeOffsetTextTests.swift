import TLSchema
import Testing
@testable import Telegram

/// Offsets and lengths are UTF-16 code units, never characters or bytes.
@Suite struct UnicodeOffsetTextTests {
    @Test func surrogatePairsCountTwo() {
        let parsed: FormattedText = FormattedText(markdown: "😀 **𝔸😀** x")
        #expect(parsed.text == "😀 𝔸😀 x")
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntityBold", offset: 3, length: 4)])
    }

    @Test func combiningMarksCountOneEach() {
        let parsed: FormattedText = FormattedText(html: "<b>e\u{301}\u{302}</b>!")
        #expect(parsed.text.count == 2)
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntityBold", offset: 0, length: 3)])
    }

    @Test func zwjSequenceAndFlagsCountTheirUnits() {
        let parsed: FormattedText = FormattedText(markdown: "🇺🇦👨‍👩‍👧 ||👍🏽||")
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntitySpoiler", offset: 13, length: 4)])
    }

    @Test func markupInsideAPairMovesPastIt() {
        // An entity that ends in the middle of 😀 is written after the whole emoji.
        let text: FormattedText = FormattedText(text: "a😀b", entities: [EntityJSON(type: "messageEntityBold", offset: 0, length: 2).entity])
        #expect(text.markdown == "**a😀**b")
        #expect(text.html == "<strong>a😀</strong>b")
    }

    @Test func customEmojiCoversItsUnits() {
        let text: FormattedText = FormattedText(markdown: "ok [😀](tg://emoji?id=42)")
        #expect(text.entityJSON == [EntityJSON(type: "messageEntityCustomEmoji", offset: 3, length: 2, document_id: 42)])
        #expect(text.html == "ok <tg-emoji emoji-id=\"42\">😀</tg-emoji>")
    }
}
