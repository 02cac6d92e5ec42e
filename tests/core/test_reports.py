"""Reports (issue 19) on the core ring: a hand-counted test month through /stats
(periods, station roll-up with town and county subtotals, scoped admins) and the
XLSX/CSV exports read back with openpyxl."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

from bot import callbacks
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.flows import reports as reports_flow
from bot.flows import requester
from bot.lifecycle import emit
from bot.reports import fonts
from bot.reports.figures import Figures, figures
from bot.reports.periods import Period
from store.models import (
    Feedback,
    Offer,
    Order,
    OrderStatus,
    RequesterType,
    ServiceList,
    Station,
    StationLevel,
    Task,
    TeamService,
)
from store.reports import ServedRow
from tests.utils.admin import (
    Admin,
    add_order,
    add_person,
    add_station,
    add_volunteer,
    settle,
    team_id,
)
from tests.utils.notifier import RecordingNotifier
from tests.utils.ordering import WORKER, Chat, all_orders, state_of, to_summary
from tests.utils.volunteers import run_waves

SUPER = 1
ROOT = Path(__file__).resolve().parents[2]
NOV = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 Shanghai, 10 November


@pytest.fixture
def boss(engine: Engine) -> Admin:
    return Admin(engine, SUPER, "会长")


@pytest.fixture
async def net(deps: Deps) -> dict[str, Station]:
    """Two counties: 余杭 (towns 城关 with point 城西村, and 东乡) and 临海 (town 大洋)."""
    yh = await add_station(deps, "yh", "余杭区服务站", StationLevel.COUNTY)
    cgz = await add_station(deps, "cgz", "城关镇服务站", StationLevel.TOWN, yh)
    p1 = await add_station(deps, "p1", "城西村服务点", StationLevel.POINT, cgz)
    dx = await add_station(deps, "dx", "东乡服务站", StationLevel.TOWN, yh)
    lh = await add_station(deps, "lh", "临海市服务站", StationLevel.COUNTY)
    dy = await add_station(deps, "dy", "大洋街道服务站", StationLevel.TOWN, lh)
    return {s.code: s for s in (yh, cgz, p1, dx, lh, dy)}


@dataclass
class Job:
    station: str
    team: str
    volunteer: str
    requester: str
    minutes: int
    resolved: bool
    rtype: str = RequesterType.WORKER
    org: str | None = None
    expected: int | None = None
    served: int | None = None
    rating: int | None = None
    done: datetime = NOV


# The test month, counted by hand in the comments of test_stats_of_a_hand_counted_month.
JOBS = [
    Job("p1", "tech", "v1", "w1", 120, True, rating=5),  # 1
    Job("p1", "tech", "v1", "e1", 60, True, RequesterType.ENTERPRISE, "华东机械厂", served=12),
    Job("cgz", "legal", "v2", "e2", 30, True, RequesterType.ENTERPRISE, "华东 机械厂", expected=5),
    Job("dx", "legal", "v2", "w2", 40, False, rating=3),  # 4
    Job(
        "dy",
        "electric",
        "v3",
        "e3",
        90,
        True,
        RequesterType.ENTERPRISE,
        "星光电子",
        served=30,
        rating=4,
    ),
    Job("lh", "electric", "v3", "c1", 60, False, RequesterType.COMMUNITY, "新村", served=40),
    # October in Shanghai (one second before November): only in the quarter and the year
    Job("p1", "tech", "v1", "w1", 600, True, done=datetime(2026, 10, 31, 15, 59, 59, tzinfo=UTC)),
]


async def _seed(deps: Deps, net: dict[str, Station]) -> dict[str, Order]:
    people = {
        key: await add_person(deps, 500 + i, key)
        for i, key in enumerate(("w1", "w2", "e1", "e2", "e3", "c1"))
    }
    vols = {
        "v1": await add_volunteer(deps, 801, "甲师傅", station=net["p1"], teams=("tech",)),
        "v2": await add_volunteer(deps, 802, "乙师傅", station=net["dx"], teams=("legal",)),
        "v3": await add_volunteer(deps, 803, "丙师傅", station=net["dy"], teams=("electric",)),
    }
    made: dict[str, Order] = {}
    for n, job in enumerate(JOBS, start=1):
        o = await add_order(
            deps,
            people[job.requester],
            "需求" if n != 2 else '=HYPERLINK("http://x")',
            team_id=await team_id(deps, job.team),
            station_id=net[job.station].id,
            created_at=job.done - timedelta(hours=2),
            contact_phone="13912345678",
            address="某路1号",
            requester_type=job.rtype,
            org_name=job.org,
            expected_people=job.expected,
        )
        async with deps.db.session() as s:
            row = await s.get(Order, o.id)
            assert row is not None
            row.status = OrderStatus.RATED if job.rating else OrderStatus.CONFIRMED
            row.volunteer_id = vols[job.volunteer].id
            row.claimed_at = row.created_at + timedelta(minutes=10 * n)
            row.done_at = job.done
            row.service_minutes = job.minutes
            row.resolved = job.resolved
            row.served_people = job.served
            s.add(row)
            if job.rating:
                s.add(
                    Feedback(
                        order_id=o.id,  # type: ignore[arg-type]
                        requester_id=row.requester_id,
                        volunteer_id=row.volunteer_id,
                        rating=job.rating,
                        created_at=job.done,
                    )
                )
        made[str(n)] = o
    # a cancelled order in November counts as created, not as a session
    await add_order(
        deps, people["w2"], "取消的", station_id=net["dx"].id, created_at=NOV, status="cancelled"
    )
    return made


def test_periods_parse_and_bound_in_local_time() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert Period.parse("2026-11") == Period(2026, 11, 1) == Period.parse("2026年11月")
    assert Period.parse("2026-Q4") == Period(2026, 10, 3) == Period.parse("2026q4")
    assert Period.parse("2026年第4季度") == Period(2026, 10, 3)
    assert Period.parse("2026") == Period(2026, 1, 12)
    assert Period.parse("2026-13") is None and Period.parse("2026-Q5") is None
    assert Period.parse("yh") is None
    start, end = Period(2026, 10, 3).bounds(tz)
    assert start == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert Period(2026, 12, 1).bounds(tz)[1] == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert [p.label for p in (Period(2026, 11), Period(2026, 10, 3), Period(2026, 1, 12))] == [
        "2026-11",
        "2026-Q4",
        "2026",
    ]


async def test_stats_of_a_hand_counted_month(
    deps: Deps, engine: Engine, boss: Admin, net: dict[str, Station]
) -> None:
    await _seed(deps, net)
    text = await boss("/stats 2026-11")
    # November: jobs 1–6. 人次 = 6 (one volunteer each); volunteers 甲乙丙 = 3;
    # minutes 120+60+30+40+90+60 = 400 → 6.7 h; enterprises 华东机械厂 (twice, spaces
    # ignored) and 星光电子 = 2; tech solved: jobs 1, 2 (tech) and 5 (electric) = 3,
    # job 6 (electric) unresolved; reached 1+12+5+1+30+40 = 89; ratings 5, 3, 4 → 4.0.
    for part in (
        "服务场次：6 场",
        "服务人次：6 人次",
        "参与志愿者：3 人",
        "服务时长：6.7 小时",
        "服务企业：2 家",
        "解决技术难题：3 个",
        "惠及人数：89 人",
        "平均评分：4.0（3 条评价）",
        "新订单 7 单，其中取消 1 单",
        # stations, rolled up: 余杭 = jobs 1–4 (250 min), 城关 = 1–3 (210 min), 城西村 = 1–2
        "余杭区服务站：4 场 · 4 人次 · 4.2 小时 · 惠及 19 人 · 评分 4.0（小计）",
        "　城关镇服务站：3 场 · 3 人次 · 3.5 小时 · 惠及 18 人 · 评分 5.0（小计）",
        "　　城西村服务点：2 场 · 2 人次 · 3.0 小时 · 惠及 13 人 · 评分 5.0",
        "　东乡服务站：1 场 · 1 人次 · 0.7 小时 · 惠及 1 人 · 评分 3.0（小计）",
        "临海市服务站：2 场 · 2 人次 · 2.5 小时 · 惠及 70 人 · 评分 4.0（小计）",
        "　大洋街道服务站：1 场 · 1 人次 · 1.5 小时 · 惠及 30 人 · 评分 4.0（小计）",
        # teams
        "技术攻关服务队：2 场 · 2 人次 · 3.0 小时 · 惠及 13 人",
        "法律维权服务队：2 场 · 2 人次 · 1.2 小时 · 惠及 6 人",
        "电气维修服务队：2 场 · 2 人次 · 2.5 小时 · 惠及 70 人",
    ):
        assert part in text, part
    assert text.index("临海市服务站") < text.index("余杭区服务站")  # roots by code
    # the quarter and the year add October's job (600 min)
    assert "服务场次：7 场" in await boss("/stats 2026-Q4")
    assert "2026年第4季度" in boss.last.replies[0].text
    assert "服务时长：16.7 小时" in await boss("/stats 2026")
    # one station's subtree, in either argument order
    text = await boss("/stats yh 2026-11")
    assert "余杭区服务站" in text and "服务场次：4 场" in text and "临海" not in text
    assert "服务企业：1 家" in text
    # a town admin sees their own subtree and is refused elsewhere
    await add_person(deps, 71, "城关站长")
    await boss("/grant 71 cgz")
    town = Admin(engine, 71, "城关站长")
    text = await town("/stats 2026-11")
    assert "服务场次：3 场" in text and "惠及人数：18 人" in text and "东乡" not in text
    assert "无权限" in await town("/stats 2026-11 dy")
    assert "没有代码为 zz" in await boss("/stats zz")
    assert "用法" in await boss("/stats 2026-11 yh dx")
    # the chart and export buttons are offered
    await boss("/stats 2026-11")
    labels = [b.label for r in boss.last.replies for row in r.buttons for b in row]
    assert "📊 图表" in labels


def _book(admin: Admin) -> openpyxl.Workbook:
    doc = admin.last.replies[0].document
    assert doc is not None and doc.filename.endswith(".xlsx")
    return openpyxl.load_workbook(io.BytesIO(doc.content))


async def test_xlsx_export_is_office_ready(
    deps: Deps, engine: Engine, boss: Admin, net: dict[str, Station]
) -> None:
    made = await _seed(deps, net)
    caption = await boss("/export orders 2026-11")
    assert "共 7 行" in caption
    book = _book(boss)
    assert book.sheetnames == ["订单", "汇总"]
    ws = book["订单"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["订单号", "状态", "服务队"] and ws["A1"].font.b
    col = {name: i for i, name in enumerate(header)}
    second = [c for c in ws[3]]  # job 2: an enterprise, a formula-looking request
    assert second[col["订单号"]].value == made["2"].code and second[col["订单号"]].data_type == "s"
    phone = second[col["联系电话"]]
    assert phone.value == "13912345678" and phone.data_type == "s"  # not 1.39E+10
    created = second[col["下单时间"]]
    assert created.is_date and created.value == datetime(2026, 11, 10, 8, 0)  # Shanghai time
    assert second[col["需求方类型"]].value == "企业"
    assert second[col["单位名称"]].value == "华东机械厂"
    assert second[col["实际服务人数"]].value == 12
    request = second[col["需求"]]
    assert request.value == '=HYPERLINK("http://x")' and request.data_type == "s"
    assert request.quotePrefix  # shown as typed, never run
    assert ws.column_dimensions["A"].width >= len("JX-000002")
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
    assert summary["服务场次"] == 6 and summary["服务人次"] == 6
    assert summary["惠及人数"] == 89 and summary["服务企业（家）"] == 2
    assert summary["解决技术难题（个）"] == 3 and summary["服务时长（小时）"] == 6.7
    assert summary["余杭区服务站"] == "县级" and summary["　城关镇服务站"] == "镇街"
    # CSV on request
    await boss("/export feedback 2026-11 csv")
    doc = boss.last.replies[0].document
    assert doc is not None and doc.filename == "jiangxin-feedback-2026-11.csv"
    assert doc.content.startswith(b"\xef\xbb\xbf")
    # the hours ledger: most hours first
    await boss("/export hours 2026-Q4")
    ws = _book(boss)["服务时长"]
    rows = list(ws.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["甲师傅", "丙师傅", "乙师傅"]
    assert rows[1][rows[0].index("本月服务时长（小时）")] == 13.0  # 120+60+600 minutes
    # a deputy (not super-admin) gets no phones or addresses
    await add_person(deps, 70, "副会长")
    await boss("/grant 70")
    deputy = Admin(engine, 70, "副会长")
    assert "已略去" in await deputy("/export orders 2026-11")
    ws = _book(deputy)["订单"]
    header = [c.value for c in ws[1]]
    assert not {"联系电话", "地址"} & set(header)
    assert all("13912345678" not in str(c) for row in ws.iter_rows(values_only=True) for c in row)
    # /export alone offers the tables as buttons
    await boss("/export")
    labels = [b.label for r in boss.last.replies for row in r.buttons for b in row]
    assert labels == ["订单", "志愿者", "评价", "活动", "服务时长", "名师带徒"]
    out = await boss.press(boss.data("志愿者"))
    assert out.replies[0].document is not None
    assert out.replies[0].document.filename.startswith("jiangxin-volunteers-2026-11")
    await boss("/export")
    out = await boss.press(boss.data("活动"))  # the activities table (issue 18)
    assert out.replies[0].document is not None
    assert out.replies[0].document.filename == "jiangxin-activities-2026-11.xlsx"
    header = [c.value for c in _book(boss)["活动"][1]]
    assert "惠及人数" in header
    assert "用法" in await boss("/export orders 2026-11 pdf")


def test_figures_count_participations_not_requesters() -> None:
    rows = [
        ServedRow(1, 1, 10, 100, 500, 60, 5),
        ServedRow(2, 1, 10, 100, 500, 30, None),
        ServedRow(3, 2, None, 101, 501, 90, 4),
    ]
    f = figures(rows)
    assert f == Figures(
        sessions=3, participations=3, volunteers=2, hours=3.0, reached=3, rating=4.5, ratings=2
    )


def test_cli_export_writes_the_same_workbook(tmp_path: Path, sqlite_db_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANGXIN_")}
    env.update(JIANGXIN_DATABASE_URL=sqlite_db_url, PYTHONPATH=str(ROOT))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "jiangxin.cli", "export", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = cli("volunteers", "2026-Q4")
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "jiangxin-volunteers-2026-Q4.xlsx")
    assert book.sheetnames == ["志愿者", "汇总"]
    assert [c.value for c in book["志愿者"][1]][:3] == ["编号", "姓名", "电话"]
    done = cli("orders", "2026-11", "--format", "csv", "-o", "o.csv")
    assert done.returncode == 0 and "wrote 0 rows" in done.stdout, done.stderr
    assert (tmp_path / "o.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli("orders", "2026-99").returncode == 2
    assert cli("orders", "--station", "nowhere").returncode == 1


def test_a_cjk_font_is_found_and_matplotlib_is_not_loaded_at_start() -> None:
    path = fonts.cjk_font()
    assert path is not None, "install fonts-noto-cjk or fonts-wqy-microhei (see .ci/run)"
    assert fonts.covers(path, "匠心点单劳模工匠为您服务")
    assert not fonts.covers(path, "\U000f0000")  # a private-use character: no glyph
    assert not fonts.covers(str(ROOT / "pyproject.toml"))  # not a font
    code = "import sys; from bot.flows import build_registry; build_registry(); "
    code += "print('matplotlib' in sys.modules, 'xlsxwriter' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False"], done.stderr


async def test_chart_button_sends_pngs_with_their_numbers(
    deps: Deps, boss: Admin, net: dict[str, Station]
) -> None:
    await _seed(deps, net)
    await boss("/stats 2026-11")
    out = await boss.press(boss.data("📊 图表"))
    docs = [r.document for r in out.replies]
    assert [d.filename for d in docs if d] == [
        "jiangxin-weekly-2026-11.png",
        "jiangxin-ratings-2026-11.png",
        "jiangxin-stations-2026-11.png",
    ]
    for doc in docs:
        assert doc is not None
        image = Image.open(io.BytesIO(doc.content))
        assert image.format == "PNG" and image.size == (1200, 675)
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50  # not a blank canvas
    weekly, ratings, stations = (d.caption for d in docs if d)
    assert "2026-W46：" in weekly and "技术攻关服务队 2" in weekly  # jobs 1–2, week of 10 Nov
    assert "3★ 1 条" in ratings and "5★ 1 条" in ratings and "共 3 条" in ratings
    assert "余杭区服务站 4 场 · 4.2 小时 · 惠及 19 人" in stations
    # a town admin's chart covers their subtree only
    await add_person(deps, 71, "城关站长")
    await boss("/grant 71 cgz")
    town = Admin(boss.engine, 71, "城关站长")
    await town("/stats 2026-11")
    out = await town.press(town.data("📊 图表"))
    captions = [r.text for r in out.replies]
    assert "城关镇服务站 3 场" in captions[2] and "东乡" not in captions[2]
    # the data of a button cannot widen the scope
    out = await town.press(callbacks.encode(callbacks.REPORT_CHARTS, "2026-11", "yh"))
    assert out.replies == [] and out.toast


@pytest.mark.settings(telegram_username="@jiangxin_bot", web_chat_url="https://jx.example.cn/chat")
async def test_poster_qr_decodes_to_the_deep_link_that_starts_an_order(
    deps: Deps, engine: Engine, boss: Admin, net: dict[str, Station]
) -> None:
    caption = await boss("/poster team tech")
    doc = boss.last.replies[0].document
    assert doc is not None and doc.filename == "jiangxin-poster-team-tech.png"
    image = Image.open(io.BytesIO(doc.content))
    assert image.size == (1480, 2100)  # A5: 148 × 210 mm
    decoded = sorted(r.text for r in zxingcpp.read_barcodes(image))
    assert decoded == [
        "https://jx.example.cn/chat?start=team-tech",
        "https://t.me/jiangxin_bot?start=team-tech",
    ]
    assert "https://t.me/jiangxin_bot?start=team-tech" in caption
    # the decoded link, opened by a worker, starts an order with that team
    payload = decoded[1].split("start=")[1]
    worker = Admin(engine, 600, "工人")
    assert "技术攻关服务队" in await worker(f"/start {payload}")
    # stations, links, refusals
    await boss("/poster station p1")
    doc = boss.last.replies[0].document
    assert doc is not None
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(doc.content)))]
    assert "https://t.me/jiangxin_bot?start=station-p1" in decoded
    text = await boss("/link station p1")
    assert "https://t.me/jiangxin_bot?start=station-p1" in text
    assert "https://jx.example.cn/chat?start=station-p1" in text
    assert "没有代码为 nope 的服务队" in await boss("/poster team nope")
    assert "没有编号为 3 的已发布活动" in await boss("/poster activity 3")
    assert "用法" in await boss("/link team")
    assert "无权限" in await worker("/poster team tech")
    await add_person(deps, 71, "东乡站长")
    await boss("/grant 71 dx")
    town = Admin(engine, 71, "东乡站长")
    assert "无权限" in await town("/poster station p1")
    assert "station-dx" in await town("/link station dx")


async def test_poster_without_public_links_says_what_to_configure(boss: Admin) -> None:
    assert "JIANGXIN_TELEGRAM_USERNAME" in await boss("/poster team tech")
    assert "JIANGXIN_WEB_CHAT_URL" in await boss("/link team tech")


def _sent_button(notifier: RecordingNotifier, external_id: str, label: str) -> str:
    reply = notifier.to(external_id)[-1]
    found = [b.data for row in reply.buttons for b in row if b.label == label]
    assert len(found) == 1, f"no {label!r} in {reply}"
    return found[0]  # type: ignore[return-value]


async def test_who_asked_is_asked_once_remembered_and_changeable(
    deps: Deps, engine: Engine, boss: Admin, notifier: RecordingNotifier
) -> None:
    deps.bus.listeners["order_created"] = [requester.on_order_created]  # no dispatch here
    chat = Chat(engine)
    await to_summary(chat)
    await chat.press("确认提交")
    assert "以什么身份点单" in notifier.texts_to(WORKER.external_id)[-1]
    await chat.press_data(_sent_button(notifier, WORKER.external_id, "企业"))
    assert "请输入单位或组织名称" in chat.text
    await chat.say("  华东机械厂 ")
    assert "预计有多少人受益" in chat.text
    await chat.say("三十")
    assert "正整数" in chat.text  # asked again, nothing stored
    await chat.say("30")
    assert "30 人" in chat.text and await state_of(deps) is None
    # the second order is not asked: the answer is remembered and copied
    asked = len(notifier.texts_to(WORKER.external_id))
    await to_summary(chat, "数控机床报警怎么处理")
    await chat.press("确认提交")
    assert not any("以什么身份" in x for x in notifier.texts_to(WORKER.external_id)[asked:])
    first, second = await all_orders(deps)
    assert (first.requester_type, first.org_name, first.expected_people) == (
        RequesterType.ENTERPRISE,
        "华东机械厂",
        30,
    )
    assert (second.requester_type, second.org_name, second.expected_people) == (
        RequesterType.ENTERPRISE,
        "华东机械厂",
        None,
    )
    # changeable with /requester
    await chat.command("requester")
    assert "企业" in chat.text and "华东机械厂" in chat.text
    await chat.press("职工个人")
    assert "已记录：职工个人" in chat.text
    await chat.command("requester")
    assert "职工个人" in chat.text and "华东机械厂" not in chat.text
    # someone else's order cannot be labelled with a forged button
    other = Chat(engine, Actor("telegram", "1002", "李四"))
    out = await other.press_data(callbacks.encode(callbacks.REQUESTER_PICK_TYPE, first.id, "s"))
    assert out.toast and (await all_orders(deps))[0].requester_type == RequesterType.ENTERPRISE
    # the export shows who asked
    await boss("/export orders 2026-11")
    ws = _book(boss)["订单"]
    header = [c.value for c in ws[1]]
    assert ws[2][header.index("需求方类型")].value == "企业"
    assert ws[2][header.index("预计服务人数")].value == 30


async def test_people_served_is_recorded_at_completion(
    deps: Deps, engine: Engine, boss: Admin, notifier: RecordingNotifier
) -> None:
    worker = await add_person(deps, 500, "工人")
    vol = await add_volunteer(deps, 801, "甲师傅", teams=("tech",))
    single = await add_order(deps, worker, "修空调", volunteer_id=vol.id, status="confirmed")
    await emit(deps, "order_confirmed", order_id=single.id, resolved=True)
    assert notifier.texts_to("801") == []  # one worker helped: 惠及 1, nothing to ask
    order = await add_order(
        deps, worker, "车间培训", volunteer_id=vol.id, status="confirmed", expected_people=30
    )
    await emit(deps, "order_confirmed", order_id=order.id, resolved=True)
    assert "实际惠及多少人" in notifier.texts_to("801")[-1]
    data = _sent_button(notifier, "801", "10")
    stranger = Admin(engine, 802, "路人")
    out = await stranger.press(data)
    assert out.toast  # not their job
    out = await Admin(engine, 801, "甲师傅").press(data)
    assert "惠及 10 人" in out.replies[0].text
    async with deps.db.session() as s:
        assert (await s.get(Order, order.id)).served_people == 10  # type: ignore[union-attr]
    assert "惠及 25 人" in await boss(f"/served {order.code} 25")
    assert "无权限" in await stranger(f"/served {order.code} 3")
    assert "用法" in await boss(f"/served {order.code} 0")
    assert "没有找到" in await boss("/served JX-999999 3")
    async with deps.db.session() as s:
        assert (await s.get(Order, order.id)).served_people == 25  # type: ignore[union-attr]


async def test_audit_and_order_headings_are_in_words(
    deps: Deps, boss: Admin, net: dict[str, Station]
) -> None:
    made = await _seed(deps, net)
    await boss("/export orders 2026-11 csv")
    await boss(f"/cancelorder {made['1'].code} 重复下单")  # already rated: refused, no audit row
    await boss("/addstation zz 新站 dx")
    text = await boss("/audit 2")
    assert "导出数据 订单" in text and "期间: 2026-11" in text and "格式: csv" in text
    assert "含电话地址: 是" in text and "export#" not in text and "private" not in text
    assert "新增站点 站点 zz" in text and "级别: 服务点" in text and "上级站点: dx" in text
    heads = {
        "/orders finished": "<b>已完成订单（7）</b>",  # October too
        "/orders open": "待处理订单：暂无订单。",
        "/orders 全部": "<b>全部订单（8）</b>",
        "/orders cancelled": "<b>已取消（1）</b>",
        "/orders all yh": "<b>全部订单 · 余杭区服务站（6）</b>",
    }
    for command, head in heads.items():
        assert head in await boss(command), command


# ---------------------------------------------------------------- service lists


async def _submit(chat: Chat, need: str) -> None:
    """From the describe prompt of a chosen team to a submitted order."""
    await chat.say(need)
    await chat.say("宁波市北仑区大碶街道1号")
    await chat.press("尽快")
    await chat.say("13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")


async def test_order_shows_team_then_services_and_records_the_service(
    deps: Deps, engine: Engine
) -> None:
    deps.bus.listeners["order_created"] = []  # ordering alone here
    chat = Chat(engine)
    await chat.command("order")
    out = await chat.press("便民利民服务队")
    assert "您选择了【便民利民服务队】" in chat.text  # the draft starts as before …
    labels = [b.label for b in out.replies[1].buttons[0]]
    assert labels == ["家电维修", "义务理发"]  # … with the team's services to pick
    await chat.press("家电维修")
    assert "已选择服务【家电维修】" in chat.text
    await _submit(chat, "冰箱不制冷")
    [order] = await all_orders(deps)
    async with deps.db.session() as s:
        service = await s.get(TeamService, order.service_id)
    assert service is not None and service.name == "家电维修" and order.source == "browse"


async def test_servicelist_monthly_list_stars_and_push(
    deps: Deps, engine: Engine, boss: Admin, notifier: RecordingNotifier
) -> None:
    worker = Chat(engine)
    await worker.command("servicelist")
    assert "2026-11 服务清单" in worker.text and "尚未发布" in worker.text
    await worker.press("🔔 订阅每月服务清单")
    assert "已订阅" in worker.text
    assert "无权限" in (await worker.command("servicelist", "edit")).replies[0].text
    assert "请发送 2026-11 服务清单全文" in await boss("/servicelist edit")
    listing = Inbound(Kind.TEXT, text="11月：数控培训班、义诊进企业")
    boss.last = await engine.handle(boss.actor, listing)
    out = await boss.press(boss.data("📣 推送给 1 位订阅者"))
    assert "已推送 1/1" in out.replies[0].text
    assert "义诊进企业" in notifier.texts_to(WORKER.external_id)[-1]
    async with deps.db.session() as s:
        row = await s.get(ServiceList, "2026-11")
    assert row is not None and row.text == "11月：数控培训班、义诊进企业"
    added = await boss("/servicelist add legal 仲裁咨询 劳动仲裁申请指导")
    assert "已添加服务" in added
    service_id = added.split("#")[1].split("【")[0]
    assert "重点服务" in await boss(f"/servicelist star {service_id}")
    await worker.command("servicelist")
    assert "数控培训班" in worker.text and "本月重点服务" in worker.text
    assert "仲裁咨询" in worker.text and "🔕 取消订阅" in [
        b.label for r in worker.last.replies for row in r.buttons for b in row
    ]
    assert "已下架" in await boss(f"/servicelist remove {service_id}")
    await worker.command("servicelist")
    assert "仲裁咨询" not in worker.text


async def test_volunteer_offer_goes_to_that_volunteer_first_then_the_team(
    deps: Deps, engine: Engine, clock: FixedClock, notifier: RecordingNotifier
) -> None:
    owner = await add_volunteer(deps, 801, "甲师傅", teams=("tech",))
    others = [
        await add_volunteer(deps, 802, "乙师傅", teams=("tech",)),
        await add_volunteer(deps, 803, "丙师傅", teams=("tech",)),
    ]
    me = Admin(engine, 801, "甲师傅")
    assert "还没有发布" in await me("/myservices")
    added = await me("/myservices add 数控编程指导 | 西门子系统报警处理 | 城西村 | 周末全天")
    assert "已发布服务" in added
    assert "数控编程指导" in await me("/myservices") and "周末全天" in me.last.replies[0].text
    assert "只有在岗志愿者" in await Admin(engine, 600, "路人")("/myservices")
    # a worker finds it on /servicelist and orders it
    chat = Chat(engine)
    await chat.command("servicelist")
    assert "志愿者技术服务清单" in chat.text and "甲师傅" in chat.text
    await chat.press("点单：数控编程指导")
    assert "订单会先发给 甲师傅" in chat.text
    await _submit(chat, "数控机床报警 2043")
    await settle(deps)
    [order] = await all_orders(deps)
    assert order.preferred_volunteer_id == owner.id and order.source == "offer"
    assert order.volunteer_service_id is not None and order.team_id == await team_id(deps, "tech")
    assert await _offered(deps, order.id) == {owner.id}  # wave 1: the owner alone
    assert any(order.code in x for x in notifier.texts_to("801"))
    assert not any(order.code in x for x in notifier.texts_to("802") + notifier.texts_to("803"))
    # not claimed in time: the next wave goes to the team
    clock.advance(deps.settings.offer_wave_interval)
    assert await run_waves(deps) == 1
    await settle(deps)
    assert await _offered(deps, order.id) == {owner.id, *(v.id for v in others)}
    assert any(order.code in x for x in notifier.texts_to("802"))
    # the owner cannot order their own service; retiring it takes it off the list
    own = await me.press(
        callbacks.encode(callbacks.SERVICE_ORDER_OFFER, order.volunteer_service_id)
    )
    assert "不能给自己点单" in own.replies[0].text
    assert "已下架" in await me(f"/myservices remove {order.volunteer_service_id}")
    await chat.command("servicelist")
    assert "数控编程指导" not in chat.text


async def _offered(deps: Deps, order_id: int) -> set[int]:
    async with deps.db.session() as s:
        rows = (await s.exec(select(Offer.volunteer_id).where(Offer.order_id == order_id))).all()
    return set(rows)


async def test_monthly_report_sends_admins_last_month_with_charts(
    deps: Deps,
    engine: Engine,
    boss: Admin,
    net: dict[str, Station],
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    await _seed(deps, net)
    await boss("/start")
    await add_person(deps, 71, "城关站长")
    await boss("/grant 71 cgz")
    notifier.clear()
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # 09:00 on 1 December in Shanghai
    await deps.bus.tasks["star_levels"](deps, await _task_like(deps, "star_levels"))
    await emit(deps, "month_started")  # a repeated event makes no second report
    async with deps.db.session() as s:
        [task] = (await s.exec(select(Task).where(Task.kind == reports_flow.MONTHLY))).all()
    assert task.payload == {"month": "2026-11"}
    await deps.bus.tasks[reports_flow.MONTHLY](deps, task)
    boss_got = notifier.to("1")
    assert "2026年11月 服务统计" in boss_got[0].text and "服务场次：6 场" in boss_got[0].text
    assert [r.document.filename for r in boss_got[1:] if r.document] == [
        "jiangxin-weekly-2026-11.png",
        "jiangxin-ratings-2026-11.png",
        "jiangxin-stations-2026-11.png",
    ]
    town_got = notifier.to("71")
    assert "城关镇服务站" in town_got[0].text and "服务场次：3 场" in town_got[0].text


async def _task_like(deps: Deps, kind: str) -> Task:
    async with deps.db.session() as s:
        found = (await s.exec(select(Task).where(Task.kind == kind))).first()
    return found or Task(kind=kind, due_at=deps.now(), key=f"{kind}:test")
