"""Audit rows in words (issue 19): field names and targets as admins say them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.texts import has

if TYPE_CHECKING:
    from bot.context import Ctx
    from store.models import AuditLog


def audit_key(ctx: Ctx, key: str) -> str:
    """A changed field (``description``) as a word (简介), or as stored when unnamed."""
    text_key = f"reports.audit.key.{key}"
    return ctx.t(text_key) if has(text_key) else key


def audit_target(ctx: Ctx, row: AuditLog, fallback: str) -> str:
    """What the action was about: an order by its code, an export by its table, else type + id."""
    kind = row.target_type or ""
    if kind == "order" or not kind:
        return fallback
    if kind == "export" and has(f"reports.export.kind.{row.target_id}"):
        return ctx.t(f"reports.export.kind.{row.target_id}")
    key = f"reports.audit.target.{kind}"
    return ctx.t(key, id=row.target_id or "") if has(key) else fallback


def audit_value(ctx: Ctx, row: AuditLog, key: str, value: object) -> str | None:
    """A stored value in words (``cancelled`` → 已取消, ``true`` → 是), or None to show it as is."""
    if isinstance(value, bool):
        return ctx.t("common.yes" if value else "common.no")
    if not isinstance(value, str):
        return None
    if key == "status":
        area = "admin.vstatus" if row.target_type == "volunteer" else "status"
        if has(f"{area}.{value}"):
            return ctx.t(f"{area}.{value}")
    if key == "level" and has(f"reports.level.{value}"):
        return ctx.t(f"reports.level.{value}")
    return None
