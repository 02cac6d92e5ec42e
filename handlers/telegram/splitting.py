"""Splitting long HTML replies into Telegram-sized messages without breaking markup.

Telegram limits a message to 4096 characters of *visible* text, counted in UTF-16
code units after the HTML is parsed. A naive slice of the raw string can cut a
tag or an entity in half (Telegram then refuses the whole message) or leave
``<b>`` open. Here the text is read as tags, entities and characters; a part
ends at a line break where possible, closes the tags still open and the next
part reopens them.
"""

from __future__ import annotations

import re

from telegram.constants import MessageLimit

_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z-]+)")


def _units(token: str) -> int:
    """Visible UTF-16 code units of one token (a tag shows nothing, an entity one char)."""
    if token.startswith("<"):
        return 0
    if token.startswith("&") and len(token) > 1:
        return 1
    return len(token.encode("utf-16-le")) // 2


def visible_length(text: str) -> int:
    return sum(_units(tok) for tok in _TOKEN.findall(text))


def split_html(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Parts of ``text`` each within ``limit`` visible units, every one well-formed."""
    if visible_length(text) <= limit:
        return [text]
    parts: list[str] = []
    start_stack: list[tuple[str, str]] = []  # tags open where the current part begins
    tokens: list[str] = []
    size = 0
    last_break = 0  # tokens[:last_break] ends with a newline

    def emit(upto: int) -> list[tuple[str, str]]:
        stack = list(start_stack)
        for tok in tokens[:upto]:
            _track(stack, tok)
        body = "".join(tag for _, tag in start_stack) + "".join(tokens[:upto])
        body += "".join(f"</{name}>" for name, _ in reversed(stack))
        if visible_length(body) and body.strip():
            parts.append(body)
        return stack

    for tok in _TOKEN.findall(text):
        units = _units(tok)
        if size + units > limit and tokens:
            cut = last_break or len(tokens)
            start_stack = emit(cut)
            tokens = tokens[cut:]
            size = sum(_units(t) for t in tokens)
            last_break = 0
        tokens.append(tok)
        size += units
        if tok == "\n":
            last_break = len(tokens)
    if tokens:
        emit(len(tokens))
    return parts


def _track(stack: list[tuple[str, str]], tok: str) -> None:
    if not tok.startswith("<") or len(tok) < 3:
        return
    m = _TAG_NAME.match(tok)
    if m is None:
        return
    name = m.group(1).lower()
    if tok.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    elif not tok.endswith("/>"):
        stack.append((name, tok))
