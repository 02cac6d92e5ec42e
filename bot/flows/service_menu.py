"""A team's concrete services as buttons under /order → team (issue 19).

Apart from ``bot.flows.services`` so the ordering flow can show the menu
without importing the flow that starts orders from it.
"""

from __future__ import annotations

from bot import callbacks
from bot.context import Ctx
from bot.registry import Result
from bot.reply import Button, Reply, rows
from store import services as store
from store.models import Team

# The default catalog: 15 kinds of help, each under its team (team slug, name, what it covers).
DEFAULT_SERVICES: list[tuple[str, str, str]] = [
    ("tech", "数控加工", "数控机床编程、加工精度与报警处理"),
    ("tech", "焊接工艺", "焊接缺陷、变形与工艺改进"),
    ("tech", "设备故障诊断", "生产设备故障排查与维修建议"),
    ("electric", "电机维修", "电机、水泵电气故障维修"),
    ("electric", "线路检修", "厂房、老旧小区线路检查与改造"),
    ("skills", "技能培训", "技能课程、考证辅导、点课"),
    ("skills", "师徒结对", "名师带徒、班组长培训"),
    ("legal", "法律咨询", "劳动合同、欠薪、工伤、社保咨询"),
    ("health", "义诊", "量血压、健康咨询、慢病指导"),
    ("health", "心理疏导", "职工心理健康与减压"),
    ("safety", "安全培训", "安全生产宣讲、消防演练"),
    ("agri", "农技指导", "果树、病虫害、种养殖技术"),
    ("convenience", "家电维修", "冰箱、洗衣机、空调、电视维修"),
    ("convenience", "义务理发", "免费理发"),
    ("lecture", "劳模宣讲", "劳模精神、工匠精神宣讲进企业、进校园"),
]


async def seeded(ctx: Ctx) -> None:
    async with ctx.deps.db.session() as session:
        await store.seed_defaults(session, catalog=DEFAULT_SERVICES)


async def team_menu(ctx: Ctx, team: Team) -> Reply | None:
    """The team's services as buttons, or None when it lists none."""
    await seeded(ctx)
    async with ctx.deps.db.session() as session:
        found = await store.team_services(session, team_id=team.id)
    if not found:
        return None
    lines = [ctx.t("services.menu", team=team.name)]
    lines += [ctx.t("services.item", name=s.name, description=s.description) for s in found]
    buttons = [Button(s.name, callbacks.encode(callbacks.SERVICE_PICK, s.id)) for s in found]
    return Reply("\n".join(lines), buttons=rows(*buttons, per_row=3))


async def with_team_menu(ctx: Ctx, team: Team, started: Result) -> Result:
    """After /order → team started a draft: also offer the team's services to pick."""
    if not (isinstance(started, Reply) and started.buttons):  # a refusal: nothing to add
        return started
    menu = await team_menu(ctx, team)
    return [started, menu] if menu is not None else started
