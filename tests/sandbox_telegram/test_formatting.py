"""parse_mode=HTML the way Telegram reads it: entities in UTF-16 units, strict tags."""

import pytest

from sandbox.telegram.formatting import bot_command_entities, parse_html, to_html
from sandbox.telegram.protocol import BotApiError


def test_tags_become_entities_with_utf16_offsets():
    text, entities = parse_html('🚚 <b>Груз</b> <a href="https://example.org/?a=1&amp;b=2">ссылка</a> &lt;5 т&gt;')
    assert text == "🚚 Груз ссылка <5 т>"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},  # the truck counts as two units
        {"type": "text_link", "offset": 8, "length": 6, "url": "https://example.org/?a=1&b=2"},
    ]


def test_nesting_pre_with_language_and_expandable_quotes():
    text, entities = parse_html(
        '<i>a<b>b</b></i><pre><code class="language-python">x</code></pre>'
        "<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>"
    )
    assert text == "abxqs"
    assert entities == [
        {"type": "italic", "offset": 0, "length": 2},
        {"type": "bold", "offset": 1, "length": 1},
        {"type": "pre", "offset": 2, "length": 1, "language": "python"},
        {"type": "expandable_blockquote", "offset": 3, "length": 1},
        {"type": "spoiler", "offset": 4, "length": 1},
    ]


def test_unknown_references_stay_text_and_empty_tags_make_no_entity():
    assert parse_html("&nbsp;&lt&#1055;&#x44F;<b></b>") == ("&nbsp;<Пя", [])


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("груз <5 т", 'Unsupported start tag "5" at byte offset 9'),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<i aba>x</i>", 'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 0'),
        ("<a href=x,y>z</a>", "Unexpected end of name token at byte offset 9"),
        ("<p>абзац</p>", 'Unsupported start tag "p" at byte offset 0'),
    ],
)
def test_html_telegram_refuses(source, error):
    with pytest.raises(BotApiError) as refused:
        parse_html(source)
    assert (refused.value.status, refused.value.description) == (400, f"Bad Request: can't parse entities: {error}")


def test_bot_commands_are_found_where_telegram_finds_them():
    assert bot_command_entities("/start cargo_123") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert bot_command_entities("🚚 /help@cargotech_dev_bot и a/b") == [{"type": "bot_command", "offset": 3, "length": 23}]


def test_to_html_wraps_and_escapes():
    text, entities = parse_html('<b>жирный <i>оба</i></b> <a href="https://x.org">&lt;ссылка&gt;</a>')
    assert to_html(text, entities) == (
        '<b>жирный </b><b><i>оба</i></b> <a href="https://x.org" target="_blank">&lt;ссылка&gt;</a>'
    )
