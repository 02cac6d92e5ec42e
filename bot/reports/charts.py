"""PNG charts for /stats (matplotlib, headless): orders per week by team, the rating
distribution, and the station roll-up.

matplotlib is imported when a chart is drawn, never at start-up (it costs tens of
megabytes). Chinese needs a CJK font: ``cjk_font()`` looks for the Debian packages
``fonts-noto-cjk`` / ``fonts-wqy-microhei`` (``.ci/run`` installs one), or a file
named by ``JIANGXIN_CJK_FONT``; without one, labels would be boxes, so drawing
refuses rather than sends an unreadable chart. Every chart carries its numbers in
the caption, for screen readers and text-only clients. Fonts: ``bot.reports.fonts``.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.reports.fonts import NoCJKFont, require_cjk_font

__all__ = ["Chart", "NoCJKFont", "orders_per_week", "rating_distribution", "station_rollup"]

CAPTION_LIMIT = 1000  # Telegram's caption limit is 1024


@dataclass(frozen=True)
class Chart:
    filename: str
    png: bytes
    caption: str


def _figure(title: str):  # type: ignore[no-untyped-def]
    """A figure in the CJK font, A-series friendly 8×4.5 in at 150 dpi."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    path = require_cjk_font()
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    plt.rcParams["font.family"] = [name]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=150)
    ax.set_title(title)
    return plt, fig, ax


def _png(plt, fig) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    fig.tight_layout()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _clip(text: str) -> str:
    return text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"


def week_label(at: datetime, tz: ZoneInfo) -> str:
    year, week, _ = at.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def orders_per_week(
    title: str,
    axis: str,
    rows: list[tuple[str, datetime]],
    tz: ZoneInfo,
    filename: str,
    caption_head: str,
) -> Chart:
    """Stacked bars: orders created per ISO week, one colour per team. ``rows`` are (team, at)."""
    counts: Counter[tuple[str, str]] = Counter((week_label(at, tz), team) for team, at in rows)
    weeks = sorted({w for w, _ in counts})
    teams = sorted({tm for _, tm in counts}, key=lambda tm: -sum(counts[(w, tm)] for w in weeks))
    plt, fig, ax = _figure(title)
    bottom = [0] * len(weeks)
    for team in teams:
        values = [counts[(w, team)] for w in weeks]
        ax.bar(weeks, values, bottom=bottom, label=team)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if teams:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_ylabel(axis)
    parts = [
        f"{w}：" + "、".join(f"{tm} {counts[(w, tm)]}" for tm in teams if counts[(w, tm)])
        for w in weeks
    ]
    caption = caption_head + ("；".join(parts) if parts else "—")
    return Chart(filename, _png(plt, fig), _clip(caption))


def rating_distribution(
    title: str, axis: str, ratings: list[int], filename: str, caption_head: str, unit: str
) -> Chart:
    """Bars of how many ratings gave 1 … 5 stars."""
    counts = Counter(ratings)
    stars = [1, 2, 3, 4, 5]
    plt, fig, ax = _figure(title)
    ax.bar([f"{s}★" for s in stars], [counts[s] for s in stars], color="#f0a030")
    ax.set_ylabel(axis)
    caption = caption_head + "、".join(f"{s}★ {counts[s]}{unit}" for s in stars)
    return Chart(filename, _png(plt, fig), _clip(caption))


def station_rollup(
    title: str,
    axis: str,
    lines: list[tuple[str, str]],
    values: list[int],
    filename: str,
    caption_head: str,
) -> Chart:
    """Horizontal bars of sessions per station; ``lines`` are (bar label, caption text)."""
    plt, fig, ax = _figure(title)
    names = [name for name, _ in lines][::-1]
    ax.barh(names, values[::-1], color="#3070c0")
    ax.set_xlabel(axis)
    caption = caption_head + ("；".join(text for _, text in lines) or "—")
    return Chart(filename, _png(plt, fig), _clip(caption))
