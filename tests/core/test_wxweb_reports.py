"""Issue 19's leftovers on the core ring: activity posters, the WeChat QR scene on a
poster, and activities in the monthly report (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

from bot import activities as acts
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.flows import reports as reports_flow
from store.models import Activity, Station, StationLevel, Task
from store.people import person_by_platform_id
from tests.utils import volunteers as f
from tests.utils.admin import Admin, add_person, add_station
from tests.utils.engine import press
from tests.utils.notifier import RecordingNotifier

SAT_9 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Saturday 09:00 in Asia/Shanghai


async def _publish(deps: Deps, boss: Admin, station: Station | None = None) -> Activity:
    await boss("/start")
    async with deps.db.session() as session:
        admin = await person_by_platform_id(session, platform="telegram", external_id="1")
    assert admin is not None
    draft = acts.Draft(
        title="城东村健康义诊",
        team_id=await f.team_id(deps, "health"),
        station_id=station.id if station else None,
        starts_at=SAT_9,
        ends_at=SAT_9 + timedelta(hours=2),
        place="城东村文化礼堂",
        online=False,
        volunteer_slots=5,
        resident_slots=5,
        description="量血压、测血糖",
    )
    return await acts.publish(deps, draft, by=admin)


def _decoded(boss: Admin) -> list[str]:
    doc = boss.last.replies[0].document
    assert doc is not None, boss.last
    image = Image.open(io.BytesIO(doc.content))
    assert image.size == (1480, 2100)
    return sorted(r.text for r in zxingcpp.read_barcodes(image))


class FakeQrCodes:
    """The WeChat channel's QR maker as the core sees it (bot.deps.QrCodes)."""

    def __init__(self) -> None:
        self.scenes: list[str] = []

    async def create_qrcode(self, scene: str) -> str:
        self.scenes.append(scene)
        return f"https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=T-{scene}"

    async def scene_url(self, scene: str) -> str:
        self.scenes.append(scene)
        return f"http://weixin.qq.com/q/{scene}"


@pytest.mark.settings(telegram_username="@jiangxin_bot", web_chat_url="https://jx.example.cn/chat")
async def test_activity_poster_qr_opens_the_activity(deps: Deps, engine: Engine) -> None:
    boss = Admin(engine, 1, "会长")
    yh = await add_station(deps, "yh", "余杭区服务站", StationLevel.COUNTY)
    await add_station(deps, "dx", "东乡服务站", StationLevel.COUNTY)
    activity = await _publish(deps, boss, yh)
    caption = await boss(f"/poster activity {activity.id}")
    doc = boss.last.replies[0].document
    assert doc is not None and doc.filename == f"jiangxin-poster-activity-{activity.id}.png"
    assert _decoded(boss) == [
        f"https://jx.example.cn/chat?start=activity-{activity.id}",
        f"https://t.me/jiangxin_bot?start=activity-{activity.id}",
    ]
    assert "城东村健康义诊" in caption
    # the decoded link, opened by a resident, shows the activity with its sign-up button
    resident = Admin(engine, 600, "居民")
    card = await resident(f"/start activity-{activity.id}")
    assert "城东村健康义诊" in card and "城东村文化礼堂" in card
    assert f"start=activity-{activity.id}" in await boss(f"/link activity {activity.id}")
    # unknown, cancelled and out-of-scope activities are refused
    assert "没有编号为 999 的已发布活动" in await boss("/poster activity 999")
    assert "没有编号为 x 的已发布活动" in await boss("/poster activity x")
    await add_person(deps, 71, "东乡站长")
    await boss("/grant 71 dx")
    town = Admin(engine, 71, "东乡站长")
    assert "无权限" in await town(f"/poster activity {activity.id}")
    async with deps.db.session() as session:
        admin = await person_by_platform_id(session, platform="telegram", external_id="1")
    assert admin is not None
    await acts.cancel(deps, activity.id, by=admin)  # type: ignore[arg-type]
    assert "没有编号为" in await boss(f"/poster activity {activity.id}")


@pytest.mark.settings(telegram_username="@jiangxin_bot")
async def test_poster_carries_the_wechat_scene_when_wechat_runs(deps: Deps, engine: Engine) -> None:
    boss = Admin(engine, 1, "会长")
    await boss("/start")
    maker = FakeQrCodes()
    deps.qrcodes = maker
    try:
        caption = await boss("/poster team tech")
        assert _decoded(boss) == [
            "http://weixin.qq.com/q/team-tech",
            "https://t.me/jiangxin_bot?start=team-tech",
        ]
        assert "微信公众号二维码：http://weixin.qq.com/q/team-tech" in caption
        assert maker.scenes == ["team-tech"]
    finally:
        deps.qrcodes = None
    await boss("/poster team tech")  # without the channel: the Telegram code only
    assert _decoded(boss) == ["https://t.me/jiangxin_bot?start=team-tech"]


async def test_monthly_report_has_the_months_activities(
    deps: Deps, engine: Engine, clock: FixedClock, notifier: RecordingNotifier
) -> None:
    boss = Admin(engine, 1, "会长")
    activity = await _publish(deps, boss)
    for uid in (3001, 3002):
        resident = await f.person(deps, uid, f"居民{uid}")
        await press(engine, f.actor(resident), f"activity_join:{activity.id}")
    notifier.clear()
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # 09:00 on 1 December in Shanghai
    await deps.bus.tasks["star_levels"](deps, Task(kind="star_levels", due_at=clock.now()))
    async with deps.db.session() as s:
        [task] = (await s.exec(select(Task).where(Task.kind == reports_flow.MONTHLY))).all()
    await deps.bus.tasks[reports_flow.MONTHLY](deps, task)
    report = notifier.to("1")[0].text
    assert "2026年11月 服务统计" in report
    assert "<b>活动</b>：1 场次 · 2 人次" in report
