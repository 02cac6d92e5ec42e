"""Core replies → WeChat customer-service messages.

WeChat text shows plain characters and ``<a href>`` links only, so the other
tags of the reply subset are dropped. Buttons become a ``msgmenu`` whose option
ids are the buttons' callback data (a tap returns it as ``bizmsgmenuid``), or,
when a menu cannot carry them (too many, labels too long), numbered lines
("回复 1 确认") whose callback data the adapter keeps in ``store.wechat``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bot.reply import Reply
from bot.texts import t

MAX_MENU_OPTIONS = 10
MAX_LABEL = 16  # characters a msgmenu option shows on one line
MAX_TEXT_BYTES = 2000  # WeChat refuses longer customer-service text
KEYBOARD_ID = "kb"  # a keyboard choice: its label comes back as the message text
_TAG = re.compile(r"<(/?)([a-zA-Z]+)([^>]*)>")


def plain(text: str) -> str:
    """The reply's HTML subset as WeChat text: links kept, other tags dropped, entities decoded."""
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        out.append(html.unescape(text[pos : m.start()]))
        if m.group(2).lower() == "a":
            out.append(m.group(0))
        pos = m.end()
    out.append(html.unescape(text[pos:]))
    return "".join(out)


@dataclass
class Rendered:
    """The messages for one reply (without ``touser``) and any numbered choices it offers."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    choices: list[str] | None = None  # callback data for "回复 1 …", "回复 2 …"
    menu: bool = False  # offers choices as a msgmenu


def _split(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Parts within WeChat's byte limit, cut at line breaks where possible."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(line.encode()) > limit:
            cut = limit // 3
            parts.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not parts:
        parts.append(current)
    return parts


@dataclass
class Passive:
    """A reply as a subscription account can send it: text in the answer to the person's
    next message, with its choices as numbered lines kept apart."""

    text: str
    choices_text: str = ""
    choices: list[str] = field(default_factory=list)


def passive(reply: Reply, lang: str) -> Passive:
    text, options = _text_and_options(reply, lang)
    if reply.photos:  # a passive answer is one message: photos stay on the other channels
        text += "\n" + plain(t(lang, "wxweb.passive.photos", n=len(reply.photos)))
    if not options:
        return Passive(text)
    lines = [plain(t(lang, "wechat.choice_hint"))]
    lines += [
        plain(t(lang, "wechat.choice", n=i, label=label)) for i, (_, label) in enumerate(options, 1)
    ]
    return Passive(text, "\n".join(lines), _choice_data(options))


def _choice_data(options: list[tuple[str, str]]) -> list[str]:
    return [ident if ident != KEYBOARD_ID else f"{KEYBOARD_ID}:{label}" for ident, label in options]


def _text_and_options(reply: Reply, lang: str) -> tuple[str, list[tuple[str, str]]]:
    text = plain(reply.text)
    options: list[tuple[str, str]] = []  # (id, label)
    links: list[str] = []
    for row in reply.buttons:
        for b in row:
            if b.url:
                links.append(f'<a href="{html.escape(b.url)}">{html.escape(b.label)}</a>')
            elif b.data:
                options.append((b.data, b.label))
    hints: list[str] = []
    for krow in reply.keyboard:
        for k in krow:
            if k.request == "location":
                hints.append(plain(t(lang, "wechat.hint.location")))
            elif k.request == "contact":
                hints.append(plain(t(lang, "wechat.hint.contact")))
            else:
                options.append((KEYBOARD_ID, k.label))
    if links:
        text = "\n".join([text, *links])
    if hints:
        text = "\n".join([text, *hints])
    if reply.document is not None:
        text += f"\n（{reply.document.filename}）"
    return text, options


def render(reply: Reply, lang: str) -> Rendered:
    text, options = _text_and_options(reply, lang)
    out = Rendered()
    for media_id in reply.photos:
        out.messages.append({"msgtype": "image", "image": {"media_id": media_id}})
    if not options:
        out.messages += [{"msgtype": "text", "text": {"content": p}} for p in _split(text)]
        return out
    fits = len(options) <= MAX_MENU_OPTIONS and all(len(label) <= MAX_LABEL for _, label in options)
    *before, head = _split(text, MAX_TEXT_BYTES - 200)
    out.messages += [{"msgtype": "text", "text": {"content": p}} for p in before]
    if fits:
        menu = [{"id": ident, "content": label} for ident, label in options]
        out.messages.append(
            {
                "msgtype": "msgmenu",
                "msgmenu": {"head_content": head, "list": menu, "tail_content": ""},
            }
        )
        out.menu = True
        return out
    lines = [head, "", plain(t(lang, "wechat.choice_hint"))]
    lines += [
        plain(t(lang, "wechat.choice", n=i, label=label)) for i, (_, label) in enumerate(options, 1)
    ]
    out.choices = _choice_data(options)
    out.messages += [{"msgtype": "text", "text": {"content": p}} for p in _split("\n".join(lines))]
    return out
