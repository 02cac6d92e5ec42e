"""Audit rows in words (issue 19): field names and targets as admins say them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.texts import choices

if TYPE_CHECKING:
    from bot.context import Ctx
    from store.models import AuditLog


def audit_key(ctx: Ctx, key: str) -> str:
    """A changed field (``description``) as a word (简介), or as stored when unnamed."""
    text_key = choices.AUDIT_KEY.get(key)
    return ctx.t(text_key) if text_key else key


def audit_target(ctx: Ctx, row: AuditLog, fallback: str) -> str:
    """What the action was about: an order by its code, an export by its table, else type + id."""
    kind = row.target_type or ""
    if kind == "order" or not kind:
        return fallback
    if kind == "export" and (kind_key := choices.EXPORT_KIND.get(row.target_id or "")):
        return ctx.t(kind_key)
    key = choices.AUDIT_TARGET.get(kind)
    return ctx.t(key, id=row.target_id or "") if key else fallback


def audit_value(ctx: Ctx, row: AuditLog, key: str, value: object) -> str | None:
    """A stored value in words (``cancelled`` → 已取消, ``true`` → 是), or None to show it as is."""
    if isinstance(value, bool):
        return ctx.t("common.yes" if value else "common.no")
    if not isinstance(value, str):
        return None
    if key == "status":
        words = (
            choices.VOLUNTEER_STATUS_ADMIN
            if row.target_type == "volunteer"
            else choices.ORDER_STATUS
        )
        if value in words:
            return ctx.t(words[value])
    if key == "level" and value in choices.REPORT_LEVEL:
        return ctx.t(choices.REPORT_LEVEL[value])
    return None
