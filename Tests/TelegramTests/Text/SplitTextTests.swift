import TLSchema
import Testing
@testable import Telegram

/// Long texts cut into messages Telegram accepts.
@Suite struct SplitTextTests {
    @Test func longMessageSplitsOnLinesWithinTheLimit() {
        let line: String = String(repeating: "word ", count: 30) + "\n"
        let source: String = "**" + String(repeating: line, count: 200) + "**"
        let text: FormattedText = FormattedText(markdown: source)
        let parts: [FormattedText] = text.split()
        #expect(parts.count > 1)
        #expect(parts.map(\.text).joined() == text.text)
        for part in parts.dropLast() {
            #expect(part.text.utf16.count <= FormattedText.maximumMessageUTF16)
            #expect(part.text.hasSuffix("\n"))
            #expect(part.entityJSON == [EntityJSON(type: "messageEntityBold", offset: 0, length: part.text.utf16.count)])
        }
    }

    @Test func hardCutKeepsSurrogatePairsWhole() {
        let text: FormattedText = FormattedText(text: String(repeating: "😀", count: 5))
        let parts: [FormattedText] = text.split(maximumUTF16: 3)
        #expect(parts.map(\.text) == ["😀", "😀", "😀", "😀", "😀"])
    }

    @Test func tinyLimitsStillMakeProgress() {
        #expect(FormattedText(text: "😀a").split(maximumUTF16: 1).map(\.text) == ["😀", "a"])
        #expect(FormattedText(text: "ab").split(maximumUTF16: 0).map(\.text) == ["a", "b"])
    }

    @Test func entitiesAreRebasedIntoEachPart() {
        let text: FormattedText = FormattedText(text: "one two three", entities: [
            EntityJSON(type: "messageEntityTextUrl", offset: 4, length: 9, url: "https://x").entity,
            EntityJSON(type: "messageEntityBold", offset: 0, length: 3).entity,
        ])
        let parts: [FormattedText] = text.split(maximumUTF16: 8)
        #expect(parts.map(\.text) == ["one two ", "three"])
        #expect(parts[0].entityJSON == [EntityJSON(type: "messageEntityTextUrl", offset: 4, length: 4, url: "https://x"),
                                        EntityJSON(type: "messageEntityBold", offset: 0, length: 3)])
        #expect(parts[1].entityJSON == [EntityJSON(type: "messageEntityTextUrl", offset: 0, length: 5, url: "https://x")])
    }

    @Test func megabyteWithoutSpacesSplitsQuickly() {
        let text: FormattedText = FormattedText(text: String(repeating: "x", count: 1 << 20))
        let parts: [FormattedText] = text.split()
        #expect(parts.count == 256)
        #expect(parts.allSatisfy { $0.text.utf16.count == 4096 })
    }
}
