"""How an order is shown to volunteers: public facts for offers and boards, the private
job card for the one volunteer who holds it, and the callback verbs of their buttons.

Offers and boards go to people who have not taken the job yet, so they carry
only the need, team, district and preferred time — never the requester's phone
or exact address, and phone-like numbers typed into the need are hidden.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import callbacks, orders, timeparse
from bot import photos as kept_photos
from bot.reply import Button, Reply, Track
from bot.texts import choices, date_text, t
from bot.volunteers import station_path
from store.models import Order, OrderStatus, Person

# Callback verbs (registered by bot.flows.jobs and bot.relay); short, ASCII, none a prefix
# of another.
CLAIM = callbacks.JOB_CLAIM  # 认领 (offers and the board)
DECLINE = callbacks.JOB_DECLINE  # 不方便
APPOINT = callbacks.JOB_SET_TIME  # 约定时间
START = callbacks.JOB_START  # 开始服务
FINISH = callbacks.JOB_FINISH  # 完成服务
QUIT = callbacks.JOB_GIVE_UP  # 放弃
RESOLVED = callbacks.JOB_RESOLVED  # 已解决 (requester)
UNRESOLVED = callbacks.JOB_UNRESOLVED  # 未解决 (requester)
RELAY = callbacks.RELAY_OPEN  # 联系求助人 / 联系志愿者

NEED_PREVIEW = 200  # characters of the need shown in offers and on the board
NEED_FULL = 800  # … and on the job card
# Seven or more digits, however a person separates them when typing a number:
# spaces, dashes, dots, commas (half- and full-width), brackets.
_PHONE_LIKE = re.compile(r"\+?\d(?:[\s\-－—–.·,，、()（）]{0,3}\d){6,}")


def hide_numbers(text: str) -> str:
    """Replace phone-like digit runs (7+ digits) so offers never leak a number."""
    return _PHONE_LIKE.sub("***", text)


def shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fmt_time(dt: datetime, tz: ZoneInfo, lang: str | None) -> str:
    """A moment such as an appointment: ``11月25日(周三) 14:30`` in the association's zone
    (the same style as ``timeparse.format_window`` uses for preferred times)."""
    return date_text(lang, "date.moment", dt.astimezone(tz))


def when_wanted(order: Order, tz: ZoneInfo, lang: str | None) -> str:
    """The requester's preferred time: the preset or their own words, and the window."""
    pref = order.time_pref
    if pref in choices.TIME_PREF_DISPATCH:
        label = t(lang, choices.TIME_PREF_DISPATCH[pref])
    else:
        label = order.time_text or ""
    if pref == "asap" or order.window_start is None or order.window_end is None:
        return label or t(lang, "dispatch.time.none")
    window = timeparse.format_window(order.window_start, order.window_end, tz, lang)
    return f"{label}（{window}）" if label else window


@dataclass(frozen=True)
class Facts:
    """What anyone offered the order may know about it (display strings, unescaped)."""

    code: str
    team: str
    need: str
    district: str
    when: str

    def body(self, lang: str | None) -> str:
        return t(
            lang,
            "dispatch.offer.body",
            team=self.team,
            need=self.need,
            district=self.district,
            when=self.when,
        )


def coords_label(lang: str | None, latitude: float, longitude: float, digits: int = 3) -> str:
    """A shared location people can read: "北纬28.136° 东经121.235°" (3 decimals ≈ 100 m;
    offers use 2, ≈ 1 km, which says the area without the door)."""
    if latitude < 0 or longitude < 0:  # outside China's quadrant: plain signed numbers
        return t(
            lang,
            "staff.place.coords_signed",
            lat=f"{latitude:.{digits}f}",
            lon=f"{longitude:.{digits}f}",
        )
    return t(
        lang, "staff.place.coords", lat=f"{latitude:.{digits}f}", lon=f"{longitude:.{digits}f}"
    )


def is_remote(order: Order) -> bool:
    """无需上门: the requester gave neither an address nor a location."""
    return not order.address and order.latitude is None


# Where an address names its area: "玉环市玉城街道解放路88号" → "玉环市玉城街道" (the street
# and number stay private until the order is claimed).
_AREA = re.compile(r"^(?:[^\s\d]{1,12}?(?:省|自治区|市|自治州|州|盟|区|县|旗|镇|乡|街道))+")


def area_of(address: str | None) -> str | None:
    m = _AREA.match(address or "")
    return m.group(0) if m else None


async def district_of(session: AsyncSession, order: Order, lang: str | None) -> str:
    """Where the order is, as far as an offer may say: its station (a poster's, or the one
    nearest its shared location), else a shared location as rough coordinates (with the
    area its description names), else the area its address names, 远程指导 when nobody
    needs to come, or "认领后可见" (issue 17: never "未指定" when something is known).
    The door number stays for the volunteer who claims it."""
    path = await station_path(session, order.station_id)
    if path:
        return path
    if is_remote(order):
        return t(lang, "staff.place.remote")
    area = area_of(order.address)
    if order.latitude is not None and order.longitude is not None:
        rough = coords_label(lang, order.latitude, order.longitude, digits=2)
        if area:
            return t(lang, "staff.place.area_around", area=area, place=rough)
        return t(lang, "staff.place.around", place=rough)
    return area or t(lang, "staff.place.hidden")


def with_band(lang: str | None, f: Facts, ring: int | None) -> Facts:
    """``f`` as one volunteer reads it: how far the order is from their own station."""
    if ring is None:
        return f
    band = t(
        lang,
        ("staff.order.ring.0", "staff.order.ring.1", "staff.order.ring.2", "staff.order.ring.3")[
            min(ring, 3)
        ],
    )
    return dataclasses.replace(f, district=t(lang, "staff.place.band", place=f.district, band=band))


async def facts(session: AsyncSession, order: Order, lang: str | None, tz: ZoneInfo) -> Facts:
    district = await district_of(session, order, lang)
    # A team job (issue 18) says how many it needs: "需 3 人 · 已认领 1/3".
    team = (
        t(lang, "team.need", size=order.team_size, n=order.team_claimed)
        if order.team_size > 1
        else ""
    )
    return Facts(
        code=order.code or orders.format_code(order.id),  # type: ignore[arg-type]
        team=await orders.team_name(session, order.team_id, lang),
        need=team + shorten(hide_numbers(order.text), NEED_PREVIEW),
        district=district,
        when=when_wanted(order, tz, lang),
    )


def offer_reply(lang: str | None, f: Facts, order_id: int, offer_id: int) -> Reply:
    text = (
        t(lang, "dispatch.offer", code=f.code)
        + "\n"
        + f.body(lang)
        + "\n\n"
        + t(lang, "dispatch.offer.hint")
    )
    buttons = (
        (
            Button(t(lang, "dispatch.btn.claim"), callbacks.encode(CLAIM, order_id)),
            Button(t(lang, "dispatch.btn.decline"), callbacks.encode(DECLINE, offer_id)),
        ),
    )
    return Reply(text, buttons=buttons)


def closed_offer(lang: str | None, f: Facts, key: str) -> Reply:
    """An offer message once it can no longer be claimed from (buttons removed)."""
    return Reply(t(lang, key, code=f.code) + "\n\n" + f.body(lang))


def board_reply(lang: str | None, f: Facts, order: Order, ring_label: str) -> Reply:
    text = t(lang, "jobs.board.item", code=f.code, ring=ring_label) + "\n" + f.body(lang)
    buttons = ((Button(t(lang, "dispatch.btn.claim"), callbacks.encode(CLAIM, order.id)),),)
    return Reply(text, buttons=buttons, track=board_track(order))


def card_state(order: Order) -> str:
    """What a job card shows that can change: status, holder, appointment (bot.tracked)."""
    at = int(order.appointment_at.timestamp()) if order.appointment_at else ""
    return f"{order.status}:{order.volunteer_id or ''}:{at}"


def talk_track(order: Order) -> Track:
    """A requester's notice with 联系志愿者: its button holds while this volunteer has the job."""
    return Track("talk", order.id, str(order.volunteer_id or ""))  # type: ignore[arg-type]


def board_track(order: Order) -> Track:
    """A /board item: its 认领 holds while the order is open in this team."""
    return Track("board", order.id, str(order.team_id or ""))  # type: ignore[arg-type]


def job_buttons(lang: str | None, order: Order) -> tuple[tuple[Button, ...], ...]:
    """The lifecycle actions the holder of ``order`` may take in its current status."""
    oid = order.id

    def b(key: str, verb: str) -> Button:
        return Button(t(lang, key), callbacks.encode(verb, oid))

    relay = b("jobs.btn.relay_requester", RELAY)
    if order.status == OrderStatus.CLAIMED:
        return (
            (b("jobs.btn.appoint", APPOINT), b("jobs.btn.start", START)),
            (relay, b("jobs.btn.quit", QUIT)),
        )
    if order.status == OrderStatus.SCHEDULED:
        return (
            (b("jobs.btn.reappoint", APPOINT), b("jobs.btn.start", START)),
            (relay, b("jobs.btn.quit", QUIT)),
        )
    if order.status == OrderStatus.IN_PROGRESS:
        return ((b("jobs.btn.finish", FINISH),), (relay, b("jobs.btn.quit", QUIT)))
    if order.status == OrderStatus.DONE:
        return ((relay,),)
    return ()


async def job_card(
    session: AsyncSession,
    order: Order,
    lang: str | None,
    tz: ZoneInfo,
    *,
    header: str,
    with_photos: bool = False,
    platform: str | None = None,
) -> Reply:
    """The private card of a job: the requester's contact and address, and the actions.

    Only ever sent to the volunteer holding the job (and shown to admins).
    """
    requester = await session.get(Person, order.requester_id)
    name = (
        order.contact_name
        or (requester.display_name if requester else "")
        or t(lang, "jobs.card.no_name")
    )
    phone = order.contact_phone or (requester.phone if requester else None)
    code = order.code or orders.format_code(order.id)  # type: ignore[arg-type]
    lines = [
        t(lang, header, code=code),
        t(lang, "jobs.card.team", team=await orders.team_name(session, order.team_id, lang)),
        t(lang, "jobs.card.need", need=shorten(order.text, NEED_FULL)),
        t(lang, "jobs.card.contact", name=name),
        t(lang, "jobs.card.phone", phone=phone) if phone else t(lang, "jobs.card.no_phone"),
    ]
    if order.address:
        lines.append(t(lang, "jobs.card.address", address=order.address))
    if order.latitude is not None and order.longitude is not None:
        lines.append(
            t(lang, "jobs.card.location", lat=f"{order.latitude:.6f}", lon=f"{order.longitude:.6f}")
        )
    if is_remote(order):
        lines.append(t(lang, "staff.card.remote"))
    lines.append(t(lang, "jobs.card.when", when=when_wanted(order, tz, lang)))
    if order.appointment_at:
        lines.append(t(lang, "jobs.card.appointment", at=fmt_time(order.appointment_at, tz, lang)))
    if order.photos:
        lines.append(t(lang, "jobs.card.photos", n=len(order.photos)))
    lines.append(t(lang, "jobs.card.status", status=orders.status_label(lang, order.status)))
    photos: tuple[str, ...] = ()
    if with_photos and order.photos and requester is not None and platform is not None:
        photos = kept_photos.visible_on(order.photos[:10], requester.platform, platform)
    return Reply(
        "\n".join(lines),
        buttons=job_buttons(lang, order),
        photos=photos,
        track=Track("card", order.id, card_state(order)),  # type: ignore[arg-type]
    )


def relay_button(lang: str | None, order_id: int, key: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t(lang, key), callbacks.encode(RELAY, order_id)),),)
