"""/stats and /export moved to ``bot.flows.reports`` (issue 19); kept so the admin
menu and older imports keep working."""

from __future__ import annotations

from bot.flows.reports import duration, export, register, stats

__all__ = ["duration", "export", "register", "stats"]
