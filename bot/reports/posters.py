"""Printable QR posters (A5 proportions) and the plain links behind them.

A poster names the team or station, carries the call to action
(扫码点单 · 劳模工匠为您服务) and one QR code per channel: the Telegram deep link
(``https://t.me/<bot>?start=team-<slug>``) and, when configured, the web chat
page with the same ``start`` payload, and the WeChat Official Account's QR scene
when that channel runs. Drawn with Pillow and segno, both imported
only when a poster is made.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from bot.config import Settings
from bot.reports.fonts import require_cjk_font

# A5 is 148 × 210 mm; at 10 px per mm (254 dpi) it prints sharp.
WIDTH, HEIGHT = 1480, 2100
MARGIN = 90
RED, INK, GREY = (190, 30, 45), (30, 30, 30), (110, 110, 110)


@dataclass(frozen=True)
class Link:
    channel: str  # "telegram" | "web" | "wechat"
    url: str


def links(settings: Settings, payload: str) -> list[Link]:
    """Every configured way in for ``payload`` (``team-tech``, ``station-yh`` …)."""
    out = []
    if settings.telegram_username:
        bot = settings.telegram_username.lstrip("@")
        out.append(Link("telegram", f"https://t.me/{bot}?{urlencode({'start': payload})}"))
    if settings.web_chat_url:
        parts = urlsplit(settings.web_chat_url)
        query = "&".join(q for q in (parts.query, urlencode({"start": payload})) if q)
        out.append(Link("web", urlunsplit(parts._replace(query=query, fragment=""))))
    return out


def _qr(url: str, size: int):  # type: ignore[no-untyped-def]
    import segno
    from PIL import Image

    code = segno.make(url, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=4)[0]
    out = io.BytesIO()
    code.save(out, kind="png", scale=max(1, size // modules), border=4)
    out.seek(0)
    return Image.open(out).convert("RGB")


def _centered(draw, y: int, text: str, font, fill) -> int:  # type: ignore[no-untyped-def]
    """Draw ``text`` centred at ``y``; shrinks nothing, so callers pick a fitting size."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) / 2 - left, y - top), text, font=font, fill=fill)
    return y + (bottom - top)


def _fit(path: str, text: str, size: int, width: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    while size > 24:
        font = ImageFont.truetype(path, size)
        if font.getlength(text) <= width:
            return font
        size -= 4
    return ImageFont.truetype(path, size)


def poster(
    *,
    title: str,
    subtitle: str,
    call_to_action: str,
    codes: list[tuple[str, str]],
    footer: str,
) -> bytes:
    """The poster as PNG. ``codes`` are (caption under the QR, URL), one to three."""
    from PIL import Image, ImageDraw

    path = require_cjk_font()
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, WIDTH, 300), fill=RED)
    _centered(draw, 95, title, _fit(path, title, 110, WIDTH - 2 * MARGIN), "white")
    y = 360
    if subtitle:
        y = _centered(draw, y, subtitle, _fit(path, subtitle, 54, WIDTH - 2 * MARGIN), GREY) + 50
    y = _centered(draw, y, call_to_action, _fit(path, call_to_action, 76, WIDTH - 2 * MARGIN), RED)
    slots = len(codes) or 1
    size = {1: 1000, 2: 600}.get(slots, 420)
    room = HEIGHT - 200 - y  # between the call to action and the footer
    y += max(60, (room - size - 90) // 2)  # the codes sit in the middle of it
    gap = (WIDTH - slots * size) // (slots + 1)
    label_font = _fit(path, "Telegram", 44, size)
    for i, (label, url) in enumerate(codes):
        qr = _qr(url, size).resize((size, size), Image.Resampling.NEAREST)
        x = gap + i * (size + gap)
        img.paste(qr, (x, y))
        left, _t, right, _b = draw.textbbox((0, 0), label, font=label_font)
        draw.text(
            (x + (size - (right - left)) / 2, y + size + 20), label, font=label_font, fill=INK
        )
    _centered(draw, HEIGHT - 140, footer, _fit(path, footer, 40, WIDTH - 2 * MARGIN), GREY)
    out = io.BytesIO()
    img.save(out, format="PNG", dpi=(254, 254))
    return out.getvalue()
