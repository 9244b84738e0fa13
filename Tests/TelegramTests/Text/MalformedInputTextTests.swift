import Foundation
import TLSchema
import Testing
@testable import Telegram

/// Broken or hostile input reads as literal text, quickly: no crash, no hang, no quadratic time.
@Suite struct MalformedInputTextTests {
    /// A megabyte of one pattern, parsed within a time a quadratic parser could not meet.
    private func parsesQuickly(_ piece: String, html: Bool, count: Int = 1 << 20) -> FormattedText {
        let source: String = String(repeating: piece, count: max(1, count / piece.utf16.count))
        let clock: ContinuousClock = ContinuousClock()
        var parsed: FormattedText = FormattedText(text: "")
        let elapsed: Duration = clock.measure {
            parsed = html ? FormattedText(html: source) : FormattedText(markdown: source)
        }
        #expect(elapsed < .seconds(20), "\(piece.debugDescription): \(elapsed)")
        return parsed
    }

    @Test(arguments: ["**", "*", "`", "```", "[a](", "[", "](", "__x", "||a**b~~c", "😀`", "\u{301}__"])
    func largeMarkdownIsLinear(_ piece: String) {
        let parsed: FormattedText = parsesQuickly(piece, html: false)
        for entity in parsed.entities {
            let (offset, length): (Int, Int) = entity.utf16Range
            #expect(offset >= 0 && length > 0 && offset + length <= parsed.text.utf16.count)
        }
    }

    @Test(arguments: ["<", "<b>", "</b>", "<a href=\"", "<a x=\"<a y='", "<!--", "&", "&#x", "<b", "&amp;", "<tg-emoji emoji-id=1>"])
    func largeHTMLIsLinear(_ piece: String) {
        let parsed: FormattedText = parsesQuickly(piece, html: true)
        #expect(parsed.entities.count <= 2)
    }

    @Test func deepHTMLNestingIsFlat() {
        let depth: Int = 100_000
        let source: String = String(repeating: "<b><i>", count: depth) + "x" + String(repeating: "</i></b>", count: depth)
        let parsed: FormattedText = FormattedText(html: source)
        #expect(parsed.text == "x")
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntityBold", offset: 0, length: 1),
                                      EntityJSON(type: "messageEntityItalic", offset: 0, length: 1)])
    }

    @Test func deepMarkdownNestingStaysLiteral() {
        let source: String = String(repeating: "[", count: 200_000) + "x" + String(repeating: "]", count: 200_000)
        #expect(FormattedText(markdown: source).text == source)
    }

    @Test func unterminatedMarkupIsText() {
        #expect(FormattedText(html: "a <b").text == "a <b")
        #expect(FormattedText(html: "x <a href=\"y>z").text == "x <a href=\"y>z")
        #expect(FormattedText(html: "a <!-- b").text == "a <!-- b")
        #expect(FormattedText(html: "<b>ok</b> <i").entityJSON == [EntityJSON(type: "messageEntityBold", offset: 0, length: 2)])
    }

    @Test func brokenReferencesStayAsWritten() {
        #expect(FormattedText(html: "a&b &#; &#xZZ; &#1114112; &unknown; &#0;").text == "a&b &#; &#xZZ; \u{FFFD} &unknown; \u{FFFD}")
    }

    @Test func replacementCharactersAndControlsKeepOffsets() {
        let parsed: FormattedText = FormattedText(markdown: "\u{FFFD}\u{0}**\u{7}x\u{FEFF}**")
        #expect(parsed.text == "\u{FFFD}\u{0}\u{7}x\u{FEFF}")
        #expect(parsed.entityJSON == [EntityJSON(type: "messageEntityBold", offset: 2, length: 3)])
    }

    @Test func entitiesOutOfRangeAreClampedWhenWriting() {
        let text: FormattedText = FormattedText(text: "abc", entities: [
            EntityJSON(type: "messageEntityBold", offset: 2, length: 99).entity,
            EntityJSON(type: "messageEntityItalic", offset: -5, length: 6).entity,
        ])
        #expect(text.markdown == "__a__b**c**")
        #expect(text.html == "<em>a</em>b<strong>c</strong>")
    }
}
