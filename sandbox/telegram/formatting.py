"""Message text the way Telegram stores it: parse_mode=HTML turned into plain text + entities.

Telegram is strict about HTML: an unknown tag (a driver's "<5 т>" that was not escaped), an
unclosed or crossed tag makes it refuse the whole message with "can't parse entities: ...". The
fake refuses the same texts with the same wording, so such a bug shows up in tests and not in
production. Offsets and lengths count UTF-16 code units, as in the Bot API; byte offsets in
errors count UTF-8 bytes of the text as sent.

MarkdownV2 and Markdown are accepted but kept as sent, without entities.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.protocol import BotApiError, bad_request

PARSE_MODES = ("HTML", "MarkdownV2", "Markdown")

# Tag → entity type; closing a tag with no text in it makes no entity.
TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_CHARACTERS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Like Telegram, "&lt" needs no semicolon; unknown names ("&nbsp;") stay as they are.
CHARACTER_REFERENCE = re.compile(r"&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z0-9]+));?")
SPACES = " \t\r\n"
UNQUOTED_VALUE = re.compile(r"[a-zA-Z0-9.\-]*")
BOT_COMMAND = re.compile(r"(?<![\w/@])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/@])")
# How the HTML page shows each entity type: a tag and its attributes.
ENTITY_HTML = {
    "bold": ("b", ""),
    "italic": ("i", ""),
    "underline": ("u", ""),
    "strikethrough": ("s", ""),
    "code": ("code", ""),
    "pre": ("code", ""),
    "spoiler": ("span", ' class="spoiler"'),
    "blockquote": ("span", ' class="quote"'),
    "expandable_blockquote": ("span", ' class="quote"'),
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities) of an HTML-formatted text; 400 "can't parse entities" otherwise."""
    return _HtmlParser(source).parse()


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entities Telegram adds to a user's "/start cargo_123"."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for m in BOT_COMMAND.finditer(text)
    ]


def safe_link(url: Any) -> str | None:
    """`url` if the page may link to it: web links only, never javascript: and the like."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def to_html(text: str, entities: list[dict[str, Any]]) -> str:
    """Escaped HTML showing `text` with its entities, for the page. Each run of characters between
    entity boundaries is wrapped in every entity covering it, so overlapping entities (possible
    when a bot sends `entities` itself) still come out well-formed."""
    units = [unit for char in text for unit in ([char] if ord(char) <= 0xFFFF else [char, ""])]
    spans = [
        (e["offset"], e["offset"] + e["length"], e)
        for e in entities
        if e.get("type") in ENTITY_HTML or (e.get("type") == "text_link" and safe_link(e.get("url")))
    ]
    cuts = sorted({0, len(units), *(start for start, _, _ in spans), *(end for _, end, _ in spans)})
    parts = []
    for start, end in itertools.pairwise(cuts):
        piece = html.escape("".join(units[start:end]))
        for _, _, entity in sorted((s for s in spans if s[0] <= start and end <= s[1]), key=lambda s: s[0] - s[1], reverse=True):
            if entity["type"] == "text_link":
                piece = f'<a href="{html.escape(entity["url"])}" target="_blank">{piece}</a>'
            else:
                tag, attributes = ENTITY_HTML[entity["type"]]
                piece = f"<{tag}{attributes}>{piece}</{tag}>"
        parts.append(piece)
    return "".join(parts)


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int  # UTF-16 offset in the plain text where the tag's content starts
    language: str = ""  # a <pre>'s language, from <pre><code class="language-…">


@dataclass
class _HtmlParser:
    source: str
    position: int = 0
    text: list[str] = field(default_factory=list)
    offset: int = 0  # UTF-16 length of the plain text so far
    open_tags: list[_OpenTag] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        source = self.source
        while self.position < len(source):
            char = source[self.position]
            if char == "&":
                self._character_reference()
            elif char == "<":
                self._tag()
            else:
                self._emit(char)
                self.position += 1
        if self.open_tags:
            raise _error(f'Can\'t find end tag corresponding to start tag "{self.open_tags[-1].name}"')
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.text), self.entities

    def _emit(self, chars: str) -> None:
        self.text.append(chars)
        self.offset += utf16_len(chars)

    def _byte_offset(self, position: int) -> int:
        return len(self.source[:position].encode())

    def _character_reference(self) -> None:
        match = CHARACTER_REFERENCE.match(self.source, self.position)
        char = _decode_reference(match) if match else None
        if match is None or char is None:
            self._emit("&")
            self.position += 1
        else:
            self._emit(char)
            self.position = match.end()

    def _tag(self) -> None:
        begin = self.position
        self.position += 1
        if self.source.startswith("/", self.position):
            self._end_tag(begin)
        else:
            self._start_tag(begin)

    def _start_tag(self, begin: int) -> None:
        source = self.source
        end = self.position
        while end < len(source) and source[end] not in SPACES and source[end] != ">":
            end += 1
        if end >= len(source):
            raise _error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = source[self.position : end].lower()
        if name not in TAG_ENTITIES:
            raise _error(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}')
        self.position = end
        attributes = self._attributes(name, begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _error(f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(begin)}')
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise _error("Invalid custom emoji identifier specified")
        self.open_tags.append(_OpenTag(name, attributes, self.offset))

    def _attributes(self, tag: str, begin: int) -> dict[str, str]:
        """Attributes up to and past the closing ">"; values are entity-decoded."""
        source, attributes = self.source, dict[str, str]()
        unclosed = _error(f'Unclosed start tag "{tag}" at byte offset {self._byte_offset(begin)}')
        while True:
            self._skip_spaces()
            if self.position >= len(source):
                raise unclosed
            if source[self.position] == ">":
                self.position += 1
                return attributes
            name_start = self.position
            while self.position < len(source) and source[self.position] not in SPACES + "=>":
                self.position += 1
            name = source[name_start : self.position].lower()
            if not name:
                raise _error(f'Empty attribute name in the tag "{tag}" at byte offset {self._byte_offset(begin)}')
            self._skip_spaces()
            if not source.startswith("=", self.position):
                if tag == "blockquote" and name == "expandable":
                    attributes[name] = ""
                    continue
                raise _error(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self._byte_offset(begin)}"
                )
            self.position += 1
            self._skip_spaces()
            if self.position >= len(source):
                raise unclosed
            attributes[name] = self._attribute_value(begin)

    def _attribute_value(self, begin: int) -> str:
        source = self.source
        quote = source[self.position]
        if quote in "'\"":
            end = source.find(quote, self.position + 1)
            if end < 0:
                raise _error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            raw, self.position = source[self.position + 1 : end], end + 1
            return CHARACTER_REFERENCE.sub(lambda m: _decode_reference(m) or m.group(), raw)
        match = UNQUOTED_VALUE.match(source, self.position)
        assert match is not None  # the pattern also matches the empty string
        value, self.position = match.group(), match.end()
        if self.position >= len(source):
            raise _error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        if source[self.position] not in SPACES + ">":
            raise _error(f"Unexpected end of name token at byte offset {self._byte_offset(self.position)}")
        return value

    def _end_tag(self, begin: int) -> None:
        if not self.open_tags:
            raise _error(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        close = self.source.find(">", self.position)
        if close < 0:
            raise _error(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        name = self.source[self.position + 1 : close].strip().lower()
        expected = self.open_tags[-1].name
        if name and name != expected:  # "</>" closes whatever is open
            raise _error(
                f'Unmatched end tag at byte offset {self._byte_offset(begin)}, expected "</{expected}>", found "</{name}>"'
            )
        self.position = close + 1
        self._close(self.open_tags.pop())

    def _close(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        if length == 0:
            return
        entity: dict[str, Any] = {"type": TAG_ENTITIES[tag.name], "offset": tag.offset, "length": length}
        css_class = tag.attributes.get("class", "")
        language = css_class.removeprefix("language-") if css_class.startswith("language-") else ""
        if tag.name == "code" and language and self.open_tags and self.open_tags[-1].name == "pre":
            self.open_tags[-1].language = language  # <pre><code class="language-x"> is one pre entity
            return
        if tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "a":
            if not tag.attributes.get("href"):
                return
            entity["url"] = tag.attributes["href"]
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        self.entities.append(entity)

    def _skip_spaces(self) -> None:
        while self.position < len(self.source) and self.source[self.position] in SPACES:
            self.position += 1


def _decode_reference(match: re.Match[str]) -> str | None:
    """The character a reference stands for, or None to keep it as text."""
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return NAMED_CHARACTERS.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if 0xD800 <= code <= 0xDFFF:
        raise _error(
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"
        )
    return chr(code) if 0 < code <= 0x10FFFF else None


def _error(detail: str) -> BotApiError:
    return bad_request(f"can't parse entities: {detail}")
