"""优秀案例 (issue 20): ``/cases`` lists published cases for everyone and, for admins, the
nominated and selected ones with 选定 / 编辑 / 发布. The write-up (title, problem, what was
done, result, volunteers, photos) is edited in a ``Dialog``; published cases export as one
workbook or a printable PDF booklet.
"""

from __future__ import annotations

from typing import Any

from bot import callbacks
from bot.callbacks import encode, int_arg, str_arg
from bot.context import Ctx
from bot.dialog import Dialog, Step, clear, save
from bot.errors import Expired
from bot.events import Kind
from bot.flows.admin_common import short
from bot.registry import Registry, Result
from bot.reply import Button, Document, Reply, rows
from bot.texts import choices
from store import campaigns as store
from store.models import CampaignCase, CaseStatus, utcnow

FLOW = "case_edit"
FIELDS = ("title", "problem", "action", "result", "volunteers")
LIMITS = {"title": 100, "problem": 1000, "action": 1000, "result": 1000, "volunteers": 200}
MAX_PHOTOS = 5


async def _names(ctx: Ctx) -> dict[int, str]:
    async with ctx.deps.db.session() as session:
        return {c.id: c.name for c in await store.all_campaigns(session)}  # type: ignore[misc]


async def cases_cmd(ctx: Ctx) -> Result:
    """/cases [<id>|export xlsx|export pdf]."""
    words = list(ctx.event.args)
    if words and words[0].isdigit():
        return await _view(ctx, int(words[0]))
    if words and words[0].lower() == "export":
        fmt = words[1].lower() if len(words) > 1 else "xlsx"
        return await _export(ctx, fmt if fmt in ("xlsx", "pdf") else "xlsx")
    async with ctx.deps.db.session() as session:
        published = await store.cases(session, statuses=(CaseStatus.PUBLISHED,))
        pending = (
            await store.cases(session, statuses=(CaseStatus.NOMINATED, CaseStatus.SELECTED))
            if ctx.is_admin
            else []
        )
    lines = [ctx.t("campaigns.cases.title", n=len(published))]
    buttons: list[Button] = []
    for case in published:
        lines.append(ctx.t("campaigns.cases.item", id=case.id, title=case.title))
        buttons.append(Button(short(case.title, 14), encode(callbacks.CASE_VIEW, case.id)))
    if not published:
        lines.append(ctx.t("campaigns.cases.none"))
    if pending:
        lines.append(ctx.t("campaigns.cases.pending", n=len(pending)))
        for case in pending:
            status = ctx.t(choices.CASE_STATUS[case.status])
            lines.append(
                ctx.t("campaigns.cases.pending_item", id=case.id, title=case.title, status=status)
            )
            buttons.append(
                Button(f"#{case.id} {short(case.title, 10)}", encode(callbacks.CASE_VIEW, case.id))
            )
    exports: tuple[tuple[Button, ...], ...] = ()
    if published:
        exports = (
            (
                Button(ctx.t("campaigns.btn.export_xlsx"), encode(callbacks.CASE_EXPORT, "xlsx")),
                Button(ctx.t("campaigns.btn.export_pdf"), encode(callbacks.CASE_EXPORT, "pdf")),
            ),
        )
    return Reply("\n".join(lines), buttons=(*rows(*buttons, per_row=2), *exports))


async def _case(ctx: Ctx, case_id: int) -> CampaignCase:
    async with ctx.deps.db.session() as session:
        case = await store.case_by_id(session, case_id=case_id)
    if case is None or (case.status != CaseStatus.PUBLISHED and not ctx.is_admin):
        raise Expired()
    return case


def case_text(ctx: Ctx, case: CampaignCase, campaign: str) -> str:
    return ctx.t(
        "campaigns.case.card",
        id=case.id,
        title=case.title,
        campaign=campaign,
        status=ctx.t(choices.CASE_STATUS[case.status]),
        problem=case.problem or "—",
        action=case.action or "—",
        result=case.result or "—",
        volunteers=case.volunteers or "—",
        photos=len(case.photos or []),
    )


async def _view(ctx: Ctx, case_id: int, *, edit: bool = False) -> Reply:
    case = await _case(ctx, case_id)
    names = await _names(ctx)
    buttons: list[Button] = []
    if ctx.is_admin:
        if case.status == CaseStatus.NOMINATED:
            buttons.append(
                Button(ctx.t("campaigns.btn.case_select"), encode(callbacks.CASE_SELECT, case.id))
            )
        buttons.append(
            Button(ctx.t("campaigns.btn.case_edit"), encode(callbacks.CASE_EDIT, case.id))
        )
        if case.status == CaseStatus.SELECTED:
            buttons.append(
                Button(ctx.t("campaigns.btn.case_publish"), encode(callbacks.CASE_PUBLISH, case.id))
            )
    return Reply(
        case_text(ctx, case, names.get(case.campaign_id, "")),
        buttons=rows(*buttons, per_row=3),
        photos=tuple(case.photos or ())[:MAX_PHOTOS],
        edit=edit,
    )


async def view_button(ctx: Ctx) -> Result:
    return await _view(ctx, int_arg(ctx.args, 0))


async def _move(ctx: Ctx, frm: str, to: str, key: str) -> Result:
    case_id = int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        moved = await store.move_case(
            session, case_id=case_id, from_status=frm, to_status=to, now=ctx.deps.now()
        )
    if not moved:
        raise Expired()
    return [ctx.reply(key, id=case_id), await _view(ctx, case_id)]


async def select_button(ctx: Ctx) -> Result:
    return await _move(ctx, CaseStatus.NOMINATED, CaseStatus.SELECTED, "campaigns.case.selected")


async def publish_button(ctx: Ctx) -> Result:
    return await _move(ctx, CaseStatus.SELECTED, CaseStatus.PUBLISHED, "campaigns.case.published")


# ---------------------------------------------------------------- editing the write-up


async def edit_button(ctx: Ctx) -> Result:
    case = await _case(ctx, int_arg(ctx.args, 0))
    data = {"case_id": case.id, "photos": list(case.photos or [])}
    return await _go(ctx, data, "title")


async def _go(ctx: Ctx, data: dict[str, Any], step: str) -> Reply:
    await save(ctx, FLOW, step, data)
    return await EDIT.ask(ctx, data, step)


async def _current_value(ctx: Ctx, data: dict[str, Any], field_name: str) -> str:
    async with ctx.deps.db.session() as session:
        case = await store.case_by_id(session, case_id=data["case_id"])
    return str(getattr(case, field_name, "") or "—") if case else "—"


def _skip(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("campaigns.btn.case_keep"), encode(callbacks.CASE_SKIP)),),)


def _asker(field_name: str, key: str) -> Any:
    async def ask(ctx: Ctx, data: dict[str, Any]) -> Reply:
        value = await _current_value(ctx, data, field_name)
        return Reply(ctx.t(key, current=value), buttons=_skip(ctx))

    return ask


async def _store_field(ctx: Ctx, data: dict[str, Any], field_name: str, value: str) -> None:
    async with ctx.deps.db.session() as session:
        case = await store.case_by_id(session, case_id=data["case_id"])
        if case is None:
            raise Expired()
        setattr(case, field_name, value[: LIMITS[field_name]])
        case.updated_by, case.updated_at = ctx.person.id, utcnow()
        session.add(case)


def _answerer(field_name: str) -> Any:
    async def answer(ctx: Ctx, data: dict[str, Any]) -> Result:
        text = ctx.event.text.strip()
        if ctx.event.kind != Kind.TEXT or not text:
            return await EDIT.ask(ctx, data, field_name)
        await _store_field(ctx, data, field_name, text)
        following = await EDIT.next_after(ctx, data, field_name)
        assert following is not None
        return await _go(ctx, data, following)

    return answer


def _ask_photos(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(
        ctx.t("campaigns.case.ask_photos", n=len(data.get("photos") or []), most=MAX_PHOTOS),
        buttons=((Button(ctx.t("campaigns.btn.case_done"), encode(callbacks.CASE_SKIP)),),),
    )


async def _answer_photos(ctx: Ctx, data: dict[str, Any]) -> Result:
    if ctx.event.kind != Kind.PHOTO or not ctx.event.photo:
        return _ask_photos(ctx, data)
    photos = list(data.get("photos") or [])
    if len(photos) < MAX_PHOTOS:
        photos.append(ctx.event.photo)
    data["photos"] = photos
    await save(ctx, FLOW, "photos", data)
    return _ask_photos(ctx, data)


EDIT = Dialog(
    FLOW,
    (
        Step(
            "title",
            ask=_asker("title", "campaigns.case.ask_title"),
            answer=_answerer("title"),
            next="problem",
        ),
        Step(
            "problem",
            ask=_asker("problem", "campaigns.case.ask_problem"),
            answer=_answerer("problem"),
            next="action",
        ),
        Step(
            "action",
            ask=_asker("action", "campaigns.case.ask_action"),
            answer=_answerer("action"),
            next="result",
        ),
        Step(
            "result",
            ask=_asker("result", "campaigns.case.ask_result"),
            answer=_answerer("result"),
            next="volunteers",
        ),
        Step(
            "volunteers",
            ask=_asker("volunteers", "campaigns.case.ask_volunteers"),
            answer=_answerer("volunteers"),
            next="photos",
        ),
        Step("photos", ask=_ask_photos, answer=_answer_photos),
    ),
)


async def skip_button(ctx: Ctx) -> Result:
    """保持不变 (a text field) or 完成 (the photos): on to the next step, or done."""
    if ctx.dialog is None or ctx.dialog.flow != FLOW:
        raise Expired()
    data = dict(ctx.dialog.data or {})
    step = ctx.dialog.step
    if step != "photos":
        following = await EDIT.next_after(ctx, data, step)
        assert following is not None
        return await _go(ctx, data, following)
    async with ctx.deps.db.session() as session:
        case = await store.case_by_id(session, case_id=data["case_id"])
        if case is None:
            raise Expired()
        case.photos = list(data.get("photos") or [])[:MAX_PHOTOS]
        case.updated_by, case.updated_at = ctx.person.id, utcnow()
        session.add(case)
    await clear(ctx)
    return [
        ctx.reply("campaigns.case.saved", id=data["case_id"]),
        await _view(ctx, data["case_id"]),
    ]


async def on_dialog(ctx: Ctx) -> Result:
    assert ctx.dialog is not None
    step = EDIT.step(ctx.dialog.step)
    if step is None:
        await clear(ctx)
        return ctx.reply("campaigns.lost")
    return await step.answer(ctx, dict(ctx.dialog.data or {}))


# ---------------------------------------------------------------- export


async def _export(ctx: Ctx, fmt: str) -> Result:
    from bot.campaign_exports import cases_pdf, cases_xlsx

    async with ctx.deps.db.session() as session:
        published = await store.cases(session, statuses=(CaseStatus.PUBLISHED,))
    if not published:
        return ctx.reply("campaigns.cases.none")
    names = await _names(ctx)
    if fmt == "pdf":
        title = ctx.t("campaigns.pdf.title")
        content = cases_pdf(published, names, title, ctx.lang)
        doc = Document("cases.pdf", content, ctx.t("campaigns.cases.file_pdf", n=len(published)))
    else:
        content = cases_xlsx(ctx.deps, published, names, ctx.lang)
        doc = Document("cases.xlsx", content, ctx.t("campaigns.cases.file_xlsx", n=len(published)))
    return Reply(doc.caption, document=doc)


async def export_button(ctx: Ctx) -> Result:
    return await _export(ctx, str_arg(ctx.args, 0, ("xlsx", "pdf")))


def register(reg: Registry) -> None:
    reg.command("cases", cases_cmd)  # named in /help and the campaign card; the menu stays short
    reg.dialog(FLOW, on_dialog)
    reg.button(callbacks.CASE_VIEW, view_button)
    reg.button(callbacks.CASE_SELECT, select_button, admin=True)
    reg.button(callbacks.CASE_EDIT, edit_button, admin=True)
    reg.button(callbacks.CASE_PUBLISH, publish_button, admin=True)
    reg.button(callbacks.CASE_SKIP, skip_button, admin=True)
    reg.button(callbacks.CASE_EXPORT, export_button)
