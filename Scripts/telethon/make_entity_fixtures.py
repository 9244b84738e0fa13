#!/usr/bin/env python3
"""Generate Markdown/HTML <-> message entity fixtures with Telethon as an independent reference.

Runs Telethon 1.45.0's own parsers and writers (``telethon.extensions.markdown``,
``telethon.extensions.html``, ``telethon.utils.split_text``) over a fixed list of inputs and writes
``Tests/TelegramTests/Fixtures/telethon_entities.json``:

    {"telethon": "1.45.0",
     "cases": [{"name": ..., "kind": ..., ...}, ...]}   (sorted by name)

with one of these kinds:

    markdown_parse / html_parse:     "input"  -> "text", "entities"
    markdown_unparse / html_unparse: "text", "entities" -> "output"
    split:                           "text", "entities", "limit" -> "parts" [{"text", "entities"}]

Offsets and lengths are UTF-16 code units; an entity is {"type": <TL constructor name>, "offset",
"length"} plus its fields ("language", "url", "user_id", "document_id", "collapsed").

Telethon is used as it ships, with these documented additions (each marked EXTENSION below), which
FormattedText supports and Telethon 1.45 has no syntax for:
  * Markdown ``||spoiler||``, added through Telethon's own ``delimiters`` parameter.
  * Links to ``tg://user?id=N`` become messageEntityMentionName (Telethon's client does this when
    sending, as inputMessageEntityMentionName), ``tg://emoji?id=N`` messageEntityCustomEmoji.
  * Markdown code blocks take a first line without whitespace as the language
    (```` ```py\\ncode``` ````), after Telethon's whitespace stripping; the writer puts it back.
  * HTML ``<tg-spoiler>``, ``<span class="tg-spoiler">``, ``<strike>`` and ``<ins>`` are read, and
    spoilers written as ``<tg-spoiler>``.
  * HTML ``<pre>`` is written as ``<pre>code</pre>`` or ``<pre><code class="language-x">code</code></pre>``
    (Telethon indents the code inside, which changes it), and automatic links' addresses are escaped.
Cases Telethon handles in a way we chose not to follow are tested in the Swift tests instead
(Tests/TelegramTests/Text/TelethonDeviationTextTests.swift).

Re-run (from the repository root); the output is the same byte for byte each time:

    pip install -r Scripts/telethon/requirements.txt && python3 Scripts/telethon/make_entity_fixtures.py
"""

import argparse
import json
import re
import sys
from pathlib import Path

import telethon
from telethon import utils
from telethon.extensions import html, markdown
from telethon.helpers import add_surrogate, del_surrogate, strip_text
from telethon.tl import types as T

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "Tests" / "TelegramTests" / "Fixtures" / "telethon_entities.json"
EXPECTED_TELETHON = "1.45.0"
MIN_FIXTURES = 60

FIELDS = {"language": "language", "url": "url", "user_id": "user_id", "document_id": "document_id",
          "collapsed": "collapsed"}


def entity_json(e):
    out = {"type": type(e).__name__[0].lower() + type(e).__name__[1:], "offset": e.offset, "length": e.length}
    for attr in FIELDS:
        if hasattr(e, attr):
            value = getattr(e, attr)
            out[attr] = bool(value) if attr == "collapsed" else value
    return out


def entity_from_json(d):
    cls = getattr(T, d["type"][0].upper() + d["type"][1:])
    kwargs = {k: d[k] for k in FIELDS if k in d}
    return cls(offset=d["offset"], length=d["length"], **kwargs)


# EXTENSION: tg:// links to mentions and custom emoji.
def convert_links(entities):
    out = []
    for e in entities:
        if isinstance(e, T.MessageEntityTextUrl):
            m = re.fullmatch(r"tg://user\?id=(\d+)", e.url)
            if m:
                e = T.MessageEntityMentionName(e.offset, e.length, int(m.group(1)))
            m = re.fullmatch(r"tg://emoji\?id=(\d+)", getattr(e, "url", ""))
            if m:
                e = T.MessageEntityCustomEmoji(e.offset, e.length, int(m.group(1)))
        out.append(e)
    return out


# EXTENSION: the language line of code blocks, read after Telethon's parse (surrogate text).
def take_languages(text, entities):
    removals = []
    for e in entities:
        if isinstance(e, T.MessageEntityPre) and not e.language:
            body = text[e.offset:e.offset + e.length]
            m = re.match(r"([^\s]+)\n", body)
            if m and not any(c.isspace() for c in m.group(1)):
                e.language = del_surrogate(m.group(1))
                removals.append((e.offset, e.offset + len(m.group(0))))
    for start, end in sorted(removals, reverse=True):
        size = end - start
        text = text[:start] + text[end:]
        for e in entities:
            s, t = e.offset, e.offset + e.length
            s = s if s <= start else (start if s < end else s - size)
            t = t if t <= start else (start if t < end else t - size)
            e.offset, e.length = s, t - s
    return text, [e for e in entities if e.length > 0]


def md_parse(source):
    delimiters = dict(markdown.DEFAULT_DELIMITERS)
    delimiters["||"] = T.MessageEntitySpoiler  # EXTENSION
    text, entities = markdown.parse(source, delimiters=delimiters)
    text, entities = take_languages(add_surrogate(text), convert_links(entities))
    return del_surrogate(text), entities


def md_unparse(text, entities):
    delimiters = dict(markdown.DEFAULT_DELIMITERS)
    delimiters["||"] = T.MessageEntitySpoiler  # EXTENSION
    prepared = []
    text = add_surrogate(text)
    for e in entities:
        if isinstance(e, T.MessageEntityCustomEmoji):  # EXTENSION: written as a tg://emoji link
            e = T.MessageEntityTextUrl(e.offset, e.length, "tg://emoji?id={}".format(e.document_id))
        prepared.append(e)
    for pre in [e for e in prepared if isinstance(e, T.MessageEntityPre) and e.language]:  # EXTENSION
        line = add_surrogate(pre.language + "\n")
        text = text[:pre.offset] + line + text[pre.offset:]
        for e in prepared:
            if e is pre or (e.offset <= pre.offset < e.offset + e.length) or e.offset == pre.offset:
                e.length += len(line)
            elif e.offset > pre.offset:
                e.offset += len(line)
        pre.language = ""
    return markdown.unparse(del_surrogate(text), prepared, delimiters=delimiters)


class ExtendedHTMLParser(html.HTMLToTelegramParser):
    """EXTENSION: spoilers, <strike> and <ins> on top of Telethon's parser."""
    EXTRA = {"tg-spoiler": T.MessageEntitySpoiler, "strike": T.MessageEntityStrike, "ins": T.MessageEntityUnderline}

    def handle_starttag(self, tag, attrs):
        kind = self.EXTRA.get(tag)
        if tag == "span" and dict(attrs).get("class") == "tg-spoiler":
            kind = T.MessageEntitySpoiler
        if kind is None:
            return super().handle_starttag(tag, attrs)
        self._open_tags.appendleft(tag)
        self._open_tags_meta.appendleft(None)
        if tag not in self._building_entities:
            self._building_entities[tag] = kind(offset=len(self.text), length=0)


def html_parse(source):
    # The steps of telethon.extensions.html.parse, with the extended parser.
    parser = ExtendedHTMLParser()
    parser.feed(add_surrogate(source))
    text = strip_text(parser.text, parser.entities)
    parser.entities.reverse()
    parser.entities.sort(key=lambda entity: entity.offset)
    return del_surrogate(text), convert_links(parser.entities)


def html_unparse(text, entities):
    table = html.ENTITY_TO_FORMATTER
    saved = dict(table)
    try:  # EXTENSION: the formatter table changes described above
        table[T.MessageEntitySpoiler] = ("<tg-spoiler>", "</tg-spoiler>")
        table[T.MessageEntityPre] = lambda e, _: (
            ('<pre><code class="language-{}">'.format(html.escape(e.language)), "</code></pre>")
            if e.language else ("<pre>", "</pre>"))
        table[T.MessageEntityUrl] = lambda _, t: ('<a href="{}">'.format(html.escape(del_surrogate(t))), "</a>")
        return html.unparse(text, entities)
    finally:
        table.clear()
        table.update(saved)


def e(kind, offset, length, **fields):
    return {"type": "messageEntity" + kind, "offset": offset, "length": length, **fields}


MARKDOWN_PARSE = {
    "md_plain": "just text",
    "md_bold": "a **bold** word",
    "md_italic": "some __italic__ text",
    "md_strike": "~~gone~~ now",
    "md_spoiler": "the ||secret|| is out",
    "md_code": "run `ls -la` here",
    "md_pre": "```\nlet x = 1\n```",
    "md_pre_language": "code:\n```swift\nlet x = 1\nprint(x)\n```\ndone",
    "md_pre_language_only_line": "```py\n```",
    "md_pre_no_nesting": "```**not bold**```",
    "md_code_no_nesting": "`__x__` and __y__",
    "md_link": "see [the docs](https://core.telegram.org/api) now",
    "md_link_text_literal": "[**x**](https://a.b)",
    "md_link_in_bold": "**[site](https://example.com)**",
    "md_mention": "hi [Ann](tg://user?id=123456789)!",
    "md_custom_emoji": "[👍](tg://emoji?id=5368324170671202286) liked",
    "md_nested": "**bold __both__ bold**",
    "md_adjacent": "**a**__b__~~c~~",
    "md_overlap": "**a __b** c__",
    "md_unbalanced_bold": "**never closed",
    "md_unbalanced_mixed": "__a **b__ c",
    "md_four_stars": "****",
    "md_lone_backtick": "it`s fine",
    "md_emoji_offsets": "😀 **😀😀** 😀",
    "md_flag_zwj": "🇺🇦 __👨‍👩‍👧__ end",
    "md_combining": "e\u0301 **cafe\u0301** x",
    "md_cjk": "中文 **粗体** 文本",
    "md_strip_whitespace": "  \n **x**  \n",
    "md_link_unclosed": "[text](no end",
    "md_link_no_paren": "[text] (x)",
    "md_newlines_in_bold": "**line1\nline2**",
    "md_spoiler_nested": "||a **b** c||",
    "md_empty": "",
    "md_only_markup": "****x",
    "md_url_with_paren": "[a](https://x.y/(z))",
    "md_multiple_links": "[a](http://a) and [b](tg://user?id=7)",
}

HTML_PARSE = {
    "html_plain": "just text",
    "html_bold": "a <b>bold</b> and <strong>strong</strong>",
    "html_italic": "<i>i</i> <em>em</em>",
    "html_underline": "<u>under</u> <ins>ins</ins>",
    "html_strike": "<s>s</s> <del>del</del> <strike>strike</strike>",
    "html_code": "run <code>ls</code>",
    "html_pre": "<pre>let x = 1</pre>",
    "html_pre_language": "<pre><code class=\"language-swift\">let x = 1</code></pre>",
    "html_link": "<a href=\"https://example.com/?a=1&amp;b=2\">link</a>",
    "html_link_no_href": "<a>nothing</a>",
    "html_mention": "<a href=\"tg://user?id=42\">Bob</a>",
    "html_email": "<a href=\"mailto:me@example.com\">write</a>",
    "html_spoiler": "<tg-spoiler>hidden</tg-spoiler>",
    "html_span_spoiler": "<span class=\"tg-spoiler\">hidden</span> <span>plain</span>",
    "html_blockquote": "<blockquote>quoted</blockquote>",
    "html_blockquote_expandable": "<blockquote expandable>long quote</blockquote>",
    "html_custom_emoji": "<tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji> ok",
    "html_custom_emoji_bad_id": "<tg-emoji emoji-id=\"abc\">👍</tg-emoji>",
    "html_escapes": "&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &apos;",
    "html_nested": "<b>bold <i>both <u>all</u></i></b>",
    "html_same_tag_nested": "<b>a<b>b</b>c</b>",
    "html_bold_strong_nested": "<b><strong>x</strong></b>",
    "html_unclosed": "<b>never closed",
    "html_stray_close": "text</b> more",
    "html_unknown_tag": "a<br>b<p>c</p>",
    "html_uppercase": "<B>up</B>",
    "html_single_quotes": "<a href='https://x.y'>q</a>",
    "html_emoji_offsets": "😀 <b>😀😀</b> 😀",
    "html_combining": "<i>cafe\u0301</i>!",
    "html_strip_whitespace": "  <b> x </b>  ",
    "html_lt_literal": "1 < 2 and 3 > 2",
    "html_comment": "a<!-- hidden -->b",
    "html_self_closing": "x<b/>y",
    "html_overlap": "<b>a<i>b</b>c</i>",
    "html_same_start": "<b><i>x</i> y</b> <i><u>z</u></i>",
    "html_newlines": "<b>l1\nl2</b>\n<i>l3</i>",
    "html_code_outside_pre_class": "<code class=\"language-py\">x</code>",
}

UNPARSE = {
    "plain": ("just text", []),
    "bold": ("a bold word", [e("Bold", 2, 4)]),
    "italic_strike": ("ab", [e("Italic", 0, 1), e("Strike", 1, 1)]),
    "spoiler": ("the secret", [e("Spoiler", 4, 6)]),
    "code": ("run ls", [e("Code", 4, 2)]),
    "pre": ("let x = 1", [e("Pre", 0, 9, language="")]),
    "pre_language": ("see\nlet x = 1", [e("Pre", 4, 9, language="swift")]),
    "link": ("see docs", [e("TextUrl", 4, 4, url="https://core.telegram.org/?a=1&b=\"2\"")]),
    "mention": ("hi Ann", [e("MentionName", 3, 3, user_id=123456789)]),
    "custom_emoji": ("👍 liked", [e("CustomEmoji", 0, 2, document_id=5368324170671202286)]),
    "nested": ("bold both bold", [e("Bold", 0, 14), e("Italic", 5, 4)]),
    "same_start": ("abc", [e("Bold", 0, 3), e("Italic", 0, 1)]),
    "adjacent": ("abc", [e("Bold", 0, 1), e("Italic", 1, 1), e("Strike", 2, 1)]),
    "emoji_offsets": ("😀 😀😀 😀", [e("Bold", 3, 4)]),
    "zwj_family": ("👨‍👩‍👧 x", [e("Italic", 0, 8)]),
    "combining": ("cafe\u0301 x", [e("Bold", 0, 5)]),
    "underline_blockquote": ("u q", [e("Underline", 0, 1), e("Blockquote", 2, 1, collapsed=False)]),
    "blockquote_expandable": ("long", [e("Blockquote", 0, 4, collapsed=True)]),
    "url_email": ("https://a.b x@y.z", [e("Url", 0, 11), e("Email", 12, 5)]),
    "hashtag_ignored": ("#tag", [e("Hashtag", 0, 4)]),
    "escapes": ("<b> & \"q\" 'a'", [e("Bold", 0, 3)]),
    "no_entities_escape": ("1 < 2 & 3", []),
}

SPLIT = {
    "split_lines": ("line one\nline two\nline three", [e("Bold", 5, 8)], 12),
    "split_words": ("alpha beta gamma delta", [e("Italic", 6, 10)], 11),
    "split_hard": ("abcdefghij", [e("Code", 2, 6)], 4),
    "split_fits": ("short", [e("Bold", 0, 5)], 10),
    "split_entity_across_parts": ("aaaa bbbb cccc", [e("Bold", 0, 14)], 5),
    "split_emoji": ("😀😀 😀😀 😀😀", [e("Spoiler", 3, 6)], 6),
    "split_newline_preferred": ("a b c\nd e f g h", [], 9),
    "split_links": ("x [y] z w", [e("TextUrl", 2, 3, url="https://y")], 4),
}


def check_surrogates(text, entities):
    n = len(add_surrogate(text))
    for ent in entities:
        assert 0 <= ent.offset and ent.offset + ent.length <= n, (text, entity_json(ent))


def build_cases():
    cases = []
    for name, source in MARKDOWN_PARSE.items():
        text, ents = md_parse(source)
        check_surrogates(text, ents)
        cases.append({"name": name, "kind": "markdown_parse", "input": source,
                      "text": text, "entities": [entity_json(x) for x in ents]})
    for name, source in HTML_PARSE.items():
        text, ents = html_parse(source)
        check_surrogates(text, ents)
        cases.append({"name": name, "kind": "html_parse", "input": source,
                      "text": text, "entities": [entity_json(x) for x in ents]})
    for name, (text, ents) in UNPARSE.items():
        for kind, writer in (("markdown_unparse", md_unparse), ("html_unparse", html_unparse)):
            objects = [entity_from_json(x) for x in ents]
            check_surrogates(text, objects)
            prefix = "md" if kind == "markdown_unparse" else "html"
            cases.append({"name": prefix + "_unparse_" + name, "kind": kind, "text": text,
                          "entities": ents, "output": writer(text, objects)})
    for name, (text, ents, limit) in SPLIT.items():
        objects = [entity_from_json(x) for x in ents]
        parts = list(utils.split_text(text, objects, limit=limit, max_entities=10 ** 9))
        for part_text, part_ents in parts:
            check_surrogates(part_text, part_ents)
            assert len(add_surrogate(part_text)) <= limit, (name, part_text)
        cases.append({"name": name, "kind": "split", "text": text, "entities": ents, "limit": limit,
                      "parts": [{"text": t, "entities": [entity_json(x) for x in es]} for t, es in parts]})
    return sorted(cases, key=lambda c: c["name"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default=str(DEFAULT_OUT))
    args = parser.parse_args()
    if telethon.__version__ != EXPECTED_TELETHON:
        sys.exit("expected Telethon {}, found {}".format(EXPECTED_TELETHON, telethon.__version__))
    cases = build_cases()
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "duplicate fixture names"
    assert len(cases) >= MIN_FIXTURES, len(cases)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"telethon": telethon.__version__, "cases": cases},
                              ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote {} cases to {}".format(len(cases), out))


if __name__ == "__main__":
    main()
