import TLSchema
import Testing
@testable import Telegram

/// Markdown and HTML read and written exactly as Telethon 1.45 does (with the extensions listed in
/// Scripts/telethon/make_entity_fixtures.py, which made Fixtures/telethon_entities.json).
@Suite struct TelethonFixtureTextTests {
    static let fixtures: [EntityFixture] = (try? EntityFixture.load()) ?? []

    @Test func thereAreEnoughFixtures() {
        #expect(Self.fixtures.count >= 60)
        for kind in ["markdown_parse", "html_parse", "markdown_unparse", "html_unparse", "split"] {
            #expect(Self.fixtures.contains { $0.kind == kind }, "no \(kind) fixtures")
        }
    }

    @Test(arguments: fixtures)
    func matchesTelethon(_ fixture: EntityFixture) {
        let given: FormattedText = FormattedText(text: fixture.text, entities: fixture.entities.map(\.entity))
        switch fixture.kind {
        case "markdown_parse":
            let parsed: FormattedText = FormattedText(markdown: fixture.input ?? "")
            #expect(parsed.text == fixture.text)
            #expect(parsed.entityJSON == fixture.entities)
        case "html_parse":
            let parsed: FormattedText = FormattedText(html: fixture.input ?? "")
            #expect(parsed.text == fixture.text)
            #expect(parsed.entityJSON == fixture.entities)
        case "markdown_unparse":
            #expect(given.markdown == fixture.output)
        case "html_unparse":
            #expect(given.html == fixture.output)
        case "split":
            let parts: [FormattedText] = given.split(maximumUTF16: fixture.limit ?? 0)
            #expect(parts.map(\.text) == fixture.parts?.map(\.text))
            #expect(parts.map(\.entityJSON) == fixture.parts?.map(\.entities))
        default:
            Issue.record("unknown fixture kind \(fixture.kind)")
        }
    }

    /// What Telethon writes, read back, gives the text and entities it was written from (where the
    /// dialect can express them; automatic links are written as `<a>` and come back as links).
    @Test(arguments: fixtures.filter { $0.kind.hasSuffix("_unparse") && !$0.name.hasSuffix("url_email") })
    func writtenTextReadsBack(_ fixture: EntityFixture) {
        let expressible: Set<String> = fixture.kind == "markdown_unparse"
            ? ["messageEntityBold", "messageEntityItalic", "messageEntityStrike", "messageEntitySpoiler", "messageEntityCode",
               "messageEntityPre", "messageEntityTextUrl", "messageEntityMentionName", "messageEntityCustomEmoji"]
            : ["messageEntityBold", "messageEntityItalic", "messageEntityStrike", "messageEntitySpoiler", "messageEntityCode",
               "messageEntityPre", "messageEntityTextUrl", "messageEntityMentionName", "messageEntityCustomEmoji",
               "messageEntityUnderline", "messageEntityBlockquote"]
        let output: String = fixture.output ?? ""
        let parsed: FormattedText = fixture.kind == "markdown_unparse" ? FormattedText(markdown: output) : FormattedText(html: output)
        #expect(parsed.text == fixture.text)
        let kept: [EntityJSON] = fixture.entities.filter { expressible.contains($0.type) }
        let sorted: ([EntityJSON]) -> [EntityJSON] = { $0.sorted { ($0.offset, $0.type) < ($1.offset, $1.type) } }
        #expect(sorted(parsed.entityJSON) == sorted(kept))
    }
}
