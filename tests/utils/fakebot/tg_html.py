"""Telegram's HTML parse mode, re-implemented after tdlib's ``parse_html``.

The fake server must reject exactly what Telegram rejects (an unescaped ``<`` in user input is
the classic production crash) and must return the same plain text and entities Telegram
would, so that python-telegram-bot's ``Message.text`` and ``Message.text_html`` behave as in
production. Error descriptions match tdlib's wording; offsets are UTF-8 byte offsets in
errors and UTF-16 code units in entities, as in the real Bot API.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["HtmlParseError", "parse_html", "utf16_len"]

_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
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
}
# tdlib's order for entities sharing a span (sort_entities / get_type_priority)
_TYPE_PRIORITY = {
    "blockquote": 0, "expandable_blockquote": 0, "pre": 11, "code": 20, "text_link": 49,
    "text_mention": 49, "bold": 90, "italic": 91, "underline": 92, "strikethrough": 93,
    "spoiler": 94, "custom_emoji": 99,
}  # fmt: skip
_SPACES = frozenset(" \t\r\n\v\f\0")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_END = "\0"  # sentinel appended to the source, as tdlib reads up to the NUL terminator


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(err)`` is tdlib's description."""


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_start: int
    text_start: int  # index into the plain-text output, for <a> without href


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(s: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``s[pos] == '&'``; None means "keep the '&'"."""
    end = pos + 1
    if s[end] == "#":
        end += 1
        value = 0
        if s[end] == "x":
            end += 1
            while s[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(s[end], 16)
                end += 1
        else:
            while s[end].isascii() and s[end].isdigit():
                value = value * 10 + int(s[end])
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(value)
    else:
        while s[end].isascii() and s[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(s[pos + 1 : end])
        if named is None:
            return None
        char = named
    if s[end] == ";":
        end += 1
    return char, end


def _valid_url(url: str) -> str | None:
    """Return the URL Telegram would keep for a text link, or None if it drops the link."""
    candidate = url if "://" in url or url.startswith("tg:") else f"http://{url}"
    parts = urlsplit(candidate)
    if parts.scheme in ("http", "https") and "." in parts.netloc:
        return candidate if parts.path else candidate + "/"
    if parts.scheme in ("tg", "ton"):
        return candidate
    return None


def _entity_for(tag: _OpenTag, offset: int, length: int, plain: list[str]) -> dict | None:
    base = {"offset": offset, "length": length}
    if tag.name in _SIMPLE_TYPES:
        return {"type": _SIMPLE_TYPES[tag.name], **base}
    if tag.name == "a":
        url = tag.argument or "".join(plain[tag.text_start :])
        if url.startswith("tg://user?id=") and url[13:].isdigit():
            user = {"id": int(url[13:]), "is_bot": False, "first_name": "User"}
            return {"type": "text_mention", **base, "user": user}
        checked = _valid_url(url)
        return {"type": "text_link", **base, "url": checked} if checked else None
    if tag.name == "tg-emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": tag.argument}
    if tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        return {"type": kind, **base}
    raise AssertionError(f"unexpected tag {tag.name}")  # pre/code: see _close_pre_or_code


def _close_pre_or_code(entities: list[dict], tag: _OpenTag, offset: int, length: int) -> None:
    """``<pre><code class="language-x">`` (either nesting) is one ``pre`` entity with a language."""
    last = entities[-1] if entities else None
    if last is not None and (last["offset"], last["length"]) == (offset, length):
        if tag.name == "pre" and last["type"] == "code" and last.get("_language"):
            last["type"] = "pre"
            last["language"] = last.pop("_language")
            return
        if tag.name == "code" and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
            return
    entity = {"type": tag.name, "offset": offset, "length": length}
    if tag.name == "code":
        entity["_language"] = tag.argument  # dropped at the end unless a <pre> claims it
    entities.append(entity)


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Parse Telegram HTML into (plain text, Bot API ``MessageEntity`` dicts).

    Raises HtmlParseError with tdlib's message for malformed or unsupported markup.
    """
    s = source + _END
    n = len(source)
    plain: list[str] = []
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[dict] = []
    i = 0
    while i < n:
        c = s[i]
        if c == "&":
            decoded = _decode_entity(s, i)
            if decoded is not None:
                char, i = decoded
                if 0xD800 <= ord(char) <= 0xDFFF:
                    raise HtmlParseError(
                        "Text contains invalid Unicode characters after decoding HTML entities, "
                        "check for unmatched surrogate code units"
                    )
                plain.append(char)
                utf16 += utf16_len(char)
                continue
        if c != "<":
            plain.append(c)
            utf16 += utf16_len(c)
            i += 1
            continue

        begin = i
        begin_bytes = _byte_offset(source, begin)
        i += 1
        if s[i] != "/":
            i, tag = _parse_start_tag(s, i, begin, begin_bytes, source)
            tag.utf16_start, tag.text_start = utf16, len(plain)
            stack.append(tag)
            continue

        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin_bytes}")
        while s[i] not in _SPACES and s[i] != ">":
            i += 1
        end_name = s[begin + 2 : i].lower()
        while s[i] in _SPACES and i < n:
            i += 1
        if s[i] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin_bytes}")
        i += 1
        tag = stack.pop()
        if end_name and end_name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin_bytes}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        length = utf16 - tag.utf16_start
        if length <= 0:
            continue
        if tag.name in ("pre", "code"):
            _close_pre_or_code(entities, tag, tag.utf16_start, length)
            continue
        entity = _entity_for(tag, tag.utf16_start, length, plain)
        if entity is not None:
            entities.append(entity)

    if stack:
        raise HtmlParseError(f"Can't find end tag corresponding to start tag {stack[-1].name}")
    for entity in entities:
        entity.pop("_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"], _TYPE_PRIORITY[e["type"]]))
    return "".join(plain), entities


def _parse_start_tag(
    s: str, i: int, begin: int, begin_bytes: int, source: str
) -> tuple[int, _OpenTag]:
    """Parse ``<name attr=value ...>`` starting after the ``<``; return (next index, tag)."""
    while s[i] not in _SPACES and s[i] != ">":
        i += 1
    if s[i] == _END and i >= len(source):
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin_bytes}")
    name = s[begin + 1 : i].lower()
    if name not in _SUPPORTED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {begin_bytes}')

    argument = ""
    while s[i] != ">":
        while s[i] != _END and s[i] in _SPACES:
            i += 1
        if s[i] == ">":
            break
        attr_begin = i
        while s[i] not in _SPACES and s[i] not in "=>":
            i += 1
        attr = s[attr_begin:i]
        if not attr:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {begin_bytes}'
            )
        while s[i] != _END and s[i] in _SPACES:
            i += 1
        if s[i] != "=":
            if name == "blockquote" and attr == "expandable":
                argument = "1"
                continue
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                f"at byte offset {begin_bytes}"
            )
        i += 1
        while s[i] != _END and s[i] in _SPACES:
            i += 1
        if i >= len(source):
            raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {begin_bytes}')

        if s[i] not in "'\"":
            token_begin = i
            while s[i].isascii() and (s[i].isalnum() or s[i] in ".-"):
                i += 1
            value = s[token_begin:i].lower()
            if s[i] not in _SPACES and s[i] != ">":
                offset = _byte_offset(source, token_begin)
                raise HtmlParseError(f"Unexpected end of name token at byte offset {offset}")
        else:
            quote = s[i]
            i += 1
            chars: list[str] = []
            while s[i] != quote and i < len(source):
                if s[i] == "&" and (decoded := _decode_entity(s, i)) is not None:
                    char, i = decoded
                    chars.append(char)
                    continue
                chars.append(s[i])
                i += 1
            if s[i] == quote:
                i += 1
            value = "".join(chars)
        if i >= len(source):
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin_bytes}")

        if name == "a" and attr == "href":
            argument = value
        elif name == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif name == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif name == "tg-emoji" and attr == "emoji-id":
            argument = value

    if name == "span" and argument != "spoiler":
        raise HtmlParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {begin_bytes}'
        )
    return i + 1, _OpenTag(name=name, argument=argument, utf16_start=0, text_start=0)
