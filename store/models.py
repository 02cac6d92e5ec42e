"""Every table of Jiangxin in one module.

Datetimes are timezone-aware (UTC) everywhere; lists and free-form payloads are
JSON columns so SQLite and PostgreSQL share one schema. Status values are plain
strings validated by the core (see the ``*Status`` classes), which keeps
migrations simple when a state is added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    LargeBinary,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend.

    SQLite has no time zone type and hands back naive values; we store UTC and
    re-attach UTC on the way out, and refuse naive values on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(
        default=None,
        sa_type=UTCDateTime,  # type: ignore[call-overload]
        nullable=nullable,
        index=index,
    )


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class Role:
    VOLUNTEER = "volunteer"
    ADMIN = "admin"


class Person(SQLModel, table=True):
    """Anyone who talks to the bot, on any platform."""

    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_person_platform_ext"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)  # "telegram" | "web"
    external_id: str = Field(max_length=64)  # chat/user id on that platform
    display_name: str = Field(default="", max_length=128)
    username: str | None = Field(default=None, max_length=64)
    language: str = Field(default="zh", max_length=8)
    phone: str | None = Field(default=None, max_length=32)
    roles: list[str] = _json(list)
    # Admin scope: None means the whole association; else this station and its subtree.
    admin_station_id: int | None = Field(default=None, foreign_key="station.id")
    reachable: bool = True  # False once the person blocked the bot
    # Who asks (reports, issue 19): remembered from the first order, changeable.
    requester_type: str | None = Field(default=None, max_length=16)  # see RequesterType
    org_name: str | None = Field(default=None, max_length=100)
    servicelist_optin: bool = False  # receives the monthly service list (/servicelist)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class RequesterType:
    """Who an order serves, as the union reports count them."""

    WORKER = "worker"  # 职工个人
    ENTERPRISE = "enterprise"  # 企业
    COMMUNITY = "community"  # 村社区
    SCHOOL = "school"  # 学校
    OTHER = "other"  # 其他
    ALL = (WORKER, ENTERPRISE, COMMUNITY, SCHOOL, OTHER)


class Team(SQLModel, table=True):
    """A specialist volunteer team (专业服务小队); ``slug`` is the stable id."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=64)
    name_en: str = Field(default="", max_length=128)
    description: str = Field(default="", max_length=500)
    keywords: list[str] = _json(list)
    active: bool = True
    sort_order: int = 0
    created_at: datetime = _created()
    updated_at: datetime = _created()


class TeamService(SQLModel, table=True):
    """A concrete service a team offers (数控, 家电维修, 理发 …): /order shows team → services."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=64)
    description: str = Field(default="", max_length=300)
    highlighted: bool = False  # featured on this month's /servicelist
    active: bool = True
    sort_order: int = 0
    created_at: datetime = _created()


class VolunteerService(SQLModel, table=True):
    """What one volunteer offers (技术服务清单): ordered directly, them first, then the team."""

    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    title: str = Field(max_length=64)
    description: str = Field(default="", max_length=500)
    place: str = Field(default="", max_length=100)
    available: str = Field(default="", max_length=100)
    active: bool = True
    created_at: datetime = _created()


class ServiceList(SQLModel, table=True):
    """The monthly service list an admin publishes (玉环's 每月服务清单)."""

    month: str = Field(primary_key=True, max_length=7)  # 2026-11
    text: str = Field(max_length=3000)
    author_id: int | None = Field(default=None, foreign_key="person.id")
    published_at: datetime = _created()


class StationLevel:
    COUNTY = "county"  # 县级服务站
    TOWN = "town"  # 镇街服务站
    POINT = "point"  # 村/企业服务点


class Station(SQLModel, table=True):
    """A node of the three-level service network (三级服务网)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)  # short ASCII, deep-link safe
    name: str = Field(max_length=64)
    level: str = Field(max_length=8)
    parent_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    address: str = Field(default="", max_length=200)
    active: bool = True
    created_at: datetime = _created()


class VolunteerStatus:
    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


class Volunteer(SQLModel, table=True):
    """A person's volunteer profile; team membership is in ``VolunteerTeam``."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    name: str = Field(max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    station_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    skills: str = Field(default="", max_length=500)
    honours: str = Field(default="", max_length=300)  # 全国劳模, 浙江工匠 …
    status: str = Field(default=VolunteerStatus.PENDING, max_length=16, index=True)
    max_open_jobs: int = 3
    star_level: int = 0
    service_minutes: int = 0  # cumulative, from finished jobs
    last_job_at: datetime | None = _ts()
    approved_at: datetime | None = _ts()
    approved_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class VolunteerTeam(SQLModel, table=True):
    volunteer_id: int = Field(foreign_key="volunteer.id", primary_key=True)
    team_id: int = Field(foreign_key="team.id", primary_key=True, index=True)


class OrderStatus:
    NEW = "new"  # created; waiting for dispatch (or admin triage when team is None)
    OFFERED = "offered"
    CLAIMED = "claimed"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    DONE = "done"  # volunteer finished; waiting for the requester to confirm
    CONFIRMED = "confirmed"
    RATED = "rated"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # every offer wave passed unclaimed (无人认领); admins take over

    OPEN = (NEW, OFFERED, EXPIRED)  # nobody has claimed it
    ACTIVE = (CLAIMED, SCHEDULED, IN_PROGRESS)  # a volunteer holds it
    FINAL = (CONFIRMED, RATED, CANCELLED)


class Order(SQLModel, table=True):
    """A service request (点单) with a timestamp for every transition."""

    __tablename__ = "service_order"  # "order" is reserved in SQL
    __table_args__ = (Index("ix_order_requester_created", "requester_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=16, unique=True, index=True)  # JX-000123
    requester_id: int = Field(foreign_key="person.id")
    text: str = Field(max_length=2000)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    route_score: float | None = None
    route_matched: list[str] = _json(list)
    station_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    source: str = Field(default="text", max_length=16)  # text | browse | link | web | admin
    address: str | None = Field(default=None, max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)
    time_pref: str | None = Field(default=None, max_length=16)  # asap|today|tomorrow|weekend|custom
    time_text: str | None = Field(default=None, max_length=100)
    window_start: datetime | None = _ts()
    window_end: datetime | None = _ts()
    photos: list[str] = _json(list)
    status: str = Field(default=OrderStatus.NEW, max_length=16, index=True)
    volunteer_id: int | None = Field(default=None, foreign_key="volunteer.id", index=True)
    dispatch_wave: int = 0
    team_size: int = 1  # volunteers the job needs (组队式服务, issue 18)
    team_claimed: int = 0  # of them, how many have claimed (see bot.team_jobs)
    appointment_at: datetime | None = _ts()
    summary: str | None = Field(default=None, max_length=1000)
    result_photos: list[str] = _json(list)
    service_minutes: int | None = None
    resolved: bool | None = None
    cancel_reason: str | None = Field(default=None, max_length=300)
    cancelled_by: int | None = Field(default=None, foreign_key="person.id")
    # Who asked and how many it reaches (reports, issue 19).
    requester_type: str | None = Field(default=None, max_length=16)  # see RequesterType
    org_name: str | None = Field(default=None, max_length=100)
    expected_people: int | None = None
    served_people: int | None = None  # filled at completion; 惠及人数
    # Ordered from a service list (issue 19): the team's service, or a volunteer's own offer,
    # which is offered to that volunteer first.
    service_id: int | None = Field(default=None, foreign_key="teamservice.id")
    volunteer_service_id: int | None = Field(default=None, foreign_key="volunteerservice.id")
    preferred_volunteer_id: int | None = Field(default=None, foreign_key="volunteer.id")
    created_at: datetime = _created()
    offered_at: datetime | None = _ts()
    claimed_at: datetime | None = _ts()
    scheduled_at: datetime | None = _ts()
    started_at: datetime | None = _ts()
    done_at: datetime | None = _ts()
    confirmed_at: datetime | None = _ts()
    rated_at: datetime | None = _ts()
    cancelled_at: datetime | None = _ts()
    expired_at: datetime | None = _ts()
    updated_at: datetime = _created()


class OfferStatus:
    PENDING = "pending"  # row written, message not yet delivered
    SENT = "sent"
    CLAIMED = "claimed"  # this volunteer won
    TAKEN = "taken"  # somebody else won; message edited
    DECLINED = "declined"  # 不方便
    WITHDRAWN = "withdrawn"  # order cancelled / reassigned
    FAILED = "failed"  # could not be delivered (blocked bot …)


class Offer(SQLModel, table=True):
    """A claim offer of one order to one volunteer, with the message to edit later."""

    __table_args__ = (UniqueConstraint("order_id", "volunteer_id", name="uq_offer_order_vol"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", index=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    wave: int = 1
    status: str = Field(default=OfferStatus.PENDING, max_length=16)
    platform: str | None = Field(default=None, max_length=16)
    chat_id: str | None = Field(default=None, max_length=64)
    message_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = _created()
    responded_at: datetime | None = _ts()


class Feedback(SQLModel, table=True):
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="ck_feedback_rating"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", unique=True)
    requester_id: int = Field(foreign_key="person.id")
    volunteer_id: int | None = Field(default=None, foreign_key="volunteer.id", index=True)
    rating: int
    comment: str | None = Field(default=None, max_length=500)
    created_at: datetime = _created()


class OrderMessage(SQLModel, table=True):
    """Messages relayed between requester and volunteer, kept for the record."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", index=True)
    sender_id: int = Field(foreign_key="person.id")
    text: str | None = Field(default=None, max_length=2000)
    photo: str | None = Field(default=None, max_length=200)
    created_at: datetime = _created()


class TaskStatus:
    PENDING = "pending"
    RUNNING = "running"  # leased by a scheduler until lease_until
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Task(SQLModel, table=True):
    """A durable scheduled task: the database, not APScheduler, remembers what is due."""

    __table_args__ = (Index("ix_task_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    key: str | None = Field(default=None, max_length=128, unique=True)  # idempotency key
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
    payload: dict[str, Any] = _json(dict)
    status: str = Field(default=TaskStatus.PENDING, max_length=16)
    attempts: int = 0
    lease_until: datetime | None = _ts()
    leased_by: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = _created()
    done_at: datetime | None = _ts()


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=64, index=True)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: str | None = Field(default=None, max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True
    )


class ProcessedUpdate(SQLModel, table=True):
    """Update ids already handled, so a re-sent webhook update runs once."""

    platform: str = Field(max_length=16, primary_key=True)
    update_id: int = Field(primary_key=True)
    created_at: datetime = _created()


class DialogState(SQLModel, table=True):
    """Where a person is in a multi-step dialog, so a restart resumes it."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    flow: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = _json(dict)
    updated_at: datetime = _created()


class Broadcast(SQLModel, table=True):
    """An emergency mobilisation (应急动员) and its roll call."""

    id: int | None = Field(default=None, primary_key=True)
    admin_id: int = Field(foreign_key="person.id")
    scope: str = Field(max_length=64)  # "all" | team slug | station code
    text: str = Field(max_length=2000)
    total: int = 0
    sent: int = 0
    failed: int = 0
    chat_id: str | None = Field(default=None, max_length=64)  # the admin's progress message
    message_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = _created()
    finished_at: datetime | None = _ts()


class BroadcastReply(SQLModel, table=True):
    broadcast_id: int = Field(foreign_key="broadcast.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    answer: str = Field(max_length=8)  # "yes" | "no"
    created_at: datetime = _created()


class Meta(SQLModel, table=True):
    """Small key/value facts the app keeps about itself (e.g. the web cookie key)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=2000)


class WebMessage(SQLModel, table=True):
    """What the bot said to a web-chat person, kept so a reconnecting page misses nothing."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    payload: dict[str, Any] = _json(dict)  # a rendered Reply (text, buttons …)
    created_at: datetime = _created()


# ---------------------------------------------------------------- web sign-in and SMS


class LoginCode(SQLModel, table=True):
    """One SMS sign-in code sent to a phone: only its hash is kept; also the rate-limit log."""

    __table_args__ = (
        Index("ix_logincode_phone_created", "phone", "created_at"),
        Index("ix_logincode_ip_created", "ip", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=16)
    ip: str = Field(default="", max_length=64)
    code_hash: str = Field(max_length=64)
    attempts: int = 0  # wrong tries; the code is burnt at the limit
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
    used_at: datetime | None = _ts()


class VerifiedPhone(SQLModel, table=True):
    """A phone number proven by an SMS code, and the one person it belongs to."""

    phone: str = Field(primary_key=True, max_length=16)
    person_id: int = Field(foreign_key="person.id", index=True)
    verified_at: datetime = _created()


class WebSession(SQLModel, table=True):
    """A signed-in browser: its cookie's session id acts as ``person_id``."""

    sid: str = Field(primary_key=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = _created()


class LinkToken(SQLModel, table=True):
    """A one-time link (sent by SMS) that signs a browser in on one order."""

    token_hash: str = Field(primary_key=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="service_order.id")
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
    used_at: datetime | None = _ts()


class SmsState:
    PENDING = "pending"  # decided; not yet handed to the provider
    SENDING = "sending"  # handed over; the provider's answer not yet recorded
    SENT = "sent"
    FAILED = "failed"  # the provider refused for good
    SKIPPED = "skipped"  # daily cap reached, no phone …


class SmsMessage(SQLModel, table=True):
    """One SMS, decided once (``key`` is unique) and sent at most once."""

    __table_args__ = (Index("ix_smsmessage_person_created", "person_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=128, unique=True)  # e.g. "order:12:claimed:person:3"
    person_id: int | None = Field(default=None, foreign_key="person.id")
    phone: str = Field(max_length=16)
    template: str = Field(max_length=32)  # login_code | order_status | offer
    params: dict[str, Any] = _json(dict)
    state: str = Field(default=SmsState.PENDING, max_length=16, index=True)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=300)
    not_before: datetime | None = _ts()  # quiet hours: send after this
    created_at: datetime = _created()
    sent_at: datetime | None = _ts()


class WebPhoto(SQLModel, table=True):
    """A photo uploaded in the web chat; ``web:<id>`` is its file id in orders and relays."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)  # who uploaded it
    content_type: str = Field(max_length=32)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _created()


class WebPresence(SQLModel, table=True):
    """Which instance has a chat page of a person open (refreshed while it stays open),
    so any instance can tell whether the chat reaches a person or an SMS must."""

    instance: str = Field(primary_key=True, max_length=32)
    person_id: int = Field(primary_key=True, foreign_key="person.id")
    seen_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]


# ---------------------------------------------------------------- activities (issue 18)


class ActivityStatus:
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Activity(SQLModel, table=True):
    """A group activity (活动): many volunteers, optionally residents, at one time and place.

    ``volunteers_joined``/``residents_joined`` count the sign-ups holding a slot; a
    conditional UPDATE on them decides who gets the last slot (see store.activities).
    """

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=64)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    station_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)  # type: ignore[call-overload]
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
    place: str = Field(default="", max_length=200)
    online: bool = False
    volunteer_slots: int = 0
    resident_slots: int = 0  # 0: residents may not sign up
    volunteers_joined: int = 0
    residents_joined: int = 0
    description: str = Field(default="", max_length=500)
    status: str = Field(default=ActivityStatus.PUBLISHED, max_length=16, index=True)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    served_count: int | None = None  # 惠及人数, recorded by the organiser
    summary: str | None = Field(default=None, max_length=1000)
    photos: list[str] = _json(list)
    created_at: datetime = _created()
    cancelled_at: datetime | None = _ts()
    updated_at: datetime = _created()


class SignupStatus:
    INVITED = "invited"  # offered to a volunteer, not answered yet
    JOINED = "joined"  # holds a slot
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"  # 取消报名
    DECLINED = "declined"  # 不方便

    IN = (JOINED, WAITLISTED)
    OPEN = (INVITED, WITHDRAWN, DECLINED)  # may (re)join


class ActivitySignup(SQLModel, table=True):
    """One person's place in one activity: invited, joined, waitlisted … and attendance.

    The unique (activity, person) pair makes a sign-up happen at most once, however
    often the offer is re-sent or the button pressed.
    """

    __table_args__ = (
        UniqueConstraint("activity_id", "person_id", name="uq_signup_activity_person"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    volunteer_id: int | None = Field(default=None, foreign_key="volunteer.id")
    role: str = Field(default="volunteer", max_length=16)  # volunteer | resident
    status: str = Field(default=SignupStatus.INVITED, max_length=16)
    queued_at: datetime | None = _ts()  # waitlist order
    platform: str | None = Field(default=None, max_length=16)  # the offer message
    chat_id: str | None = Field(default=None, max_length=64)
    message_id: str | None = Field(default=None, max_length=64)
    checked_in_at: datetime | None = _ts()
    checked_out_at: datetime | None = _ts()
    latitude: float | None = None
    longitude: float | None = None
    attended: bool = False
    minutes: int | None = None  # service time credited for this activity
    created_at: datetime = _created()
    updated_at: datetime = _created()


class HoursSource:
    JOB = "job"
    ACTIVITY = "activity"
    OFFLINE = "offline"  # recorded by an admin (/addhours)
    MENTOR = "mentor"  # 名师带徒: time together, from the mentor's check-ins (issue 20)


class HoursEntry(SQLModel, table=True):
    """One credit of service time; ``Volunteer.service_minutes`` is their sum."""

    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    source: str = Field(max_length=16)
    order_id: int | None = Field(default=None, foreign_key="service_order.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True)
    minutes: int = 0
    note: str = Field(default="", max_length=200)
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class JobMember(SQLModel, table=True):
    """A volunteer on a team job; the first claimer (``lead``, 负责人) also holds the order."""

    order_id: int = Field(foreign_key="service_order.id", primary_key=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", primary_key=True, index=True)
    lead: bool = False
    created_at: datetime = _created()


class PoisonUpdate(SQLModel, table=True):
    """An inbound update we could not parse or handle, set aside so it blocks nobody.

    Kept with its raw body and error for admins to look at (``/healthz`` counts
    them); the update id is also recorded as processed so it never runs again.
    """

    platform: str = Field(max_length=16, primary_key=True)
    update_id: int = Field(primary_key=True, sa_type=BigInteger)
    raw: str = Field(max_length=20000)
    error: str = Field(max_length=500)
    created_at: datetime = _created()


class WechatToken(SQLModel, table=True):
    """The Official Account's access token, shared so instances don't invalidate each other's."""

    app_id: str = Field(primary_key=True, max_length=64)
    token: str = Field(max_length=1024)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]


class WechatInbound(SQLModel, table=True):
    """WeChat messages and events already accepted (MsgId, or sender + time), handled once."""

    key: str = Field(primary_key=True, max_length=128)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True
    )


class WechatChoice(SQLModel, table=True):
    """The numbered choices last offered to a WeChat person as text ("回复 1 …")."""

    openid: str = Field(primary_key=True, max_length=64)
    options: list[str] = _json(list)  # callback data, in the order the numbers were shown
    created_at: datetime = _created()


class RoutingLabel:
    """Where a labelled request came from (see ``store.routing_feedback``)."""

    REROUTE = "reroute"  # an admin moved the order to another team
    PICK = "pick"  # the person picked one of the offered choices
    TRIAGE = "triage"  # the person answered 都不是; an admin later assigned the team
    DISMISS = "dismiss"  # chit-chat an admin dismissed: recorded, never learned from


class RoutingFeedback(SQLModel, table=True):
    """One labelled real request: who said which team it belongs to, and when."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=2000)
    key: str = Field(max_length=200, index=True)  # normalised text: agreeing labels group by it
    team_slug: str | None = Field(default=None, max_length=32)  # None: no team
    source: str = Field(max_length=16)
    actor_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="service_order.id")
    offered: list[str] = _json(list)
    created_at: datetime = _created()
    undone_at: datetime | None = _ts()


# ---------------------------------------------------------------- journeys (issue 17, worker)


class LiveMessage(SQLModel, table=True):
    """The one message per person whose buttons answer the step they are at now.

    Once they move on (type instead, press elsewhere, get a newer step), its buttons
    are taken away and its text stays (``bot.live``).
    """

    person_id: int = Field(primary_key=True)
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    message_id: str = Field(max_length=64)
    text: str = Field(max_length=4096)
    created_at: datetime = _created()


class TrackedMessage(SQLModel, table=True):
    """A message about one order whose buttons hold only while the order stays as it was:
    a volunteer's job card, a /board item, a requester's notice with 联系志愿者.

    When the order moves on, the message is edited to what still applies and says the
    new status (``bot.tracked``); ``shown`` is what it showed when last written.
    """

    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "message_id", name="uq_tracked_message"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    kind: str = Field(max_length=8)  # card | board | talk
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    message_id: str = Field(max_length=64)
    shown: str = Field(default="", max_length=64)
    text: str = Field(max_length=4096)  # as sent: what stays when only the buttons go
    created_at: datetime = _created()


# ---------------------------------------------------------------- journeys (issue 17)


class StationLocation(SQLModel, table=True):
    """Where a station is: the nearest one names a shared location and gives its ring."""

    station_id: int = Field(foreign_key="station.id", primary_key=True)
    latitude: float
    longitude: float
    updated_at: datetime = _created()


# --- reliability: the transactional inbox ---


class InboxState:
    RECEIVED = "received"  # stored and acknowledged; not handled yet
    DONE = "done"  # its handling committed
    FAILED = "failed"  # failed too often: set aside (PoisonUpdate), never run again


class InboxUpdate(SQLModel, table=True):
    """An inbound update, stored before the platform is told it arrived.

    ``key`` is the platform's own id (Telegram ``update_id``, WeChat ``MsgId`` or
    sender + time); the unique (platform, key) pair drops re-deliveries. ``chat`` is
    the conversation it belongs to: one chat's rows are handled in ``id`` order.
    """

    __table_args__ = (
        UniqueConstraint("platform", "key", name="uq_inbox_platform_key"),
        Index("ix_inbox_state_chat", "state", "platform", "chat", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    key: str = Field(max_length=128)
    chat: str = Field(max_length=128)
    payload: dict[str, Any] = _json(dict)
    state: str = Field(default=InboxState.RECEIVED, max_length=16)
    attempts: int = 1  # the first attempt is the one that follows the insert
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _created()
    updated_at: datetime | None = _ts()


# --- performance: the outgoing send budget shared by instances (store.ratebudget) ---


class SendBudget(SQLModel, table=True):
    """A token bucket per bot: every instance with that bot takes its sends from here."""

    key: str = Field(primary_key=True, max_length=64)  # e.g. "telegram:<bot id>"
    tokens: float = 0.0
    updated_at: datetime = _created()


# ---------------------------------------------------------------- WeChat 订阅号 (issue 12)


class WechatPending(SQLModel, table=True):
    """A message for a person of a subscription account (订阅号), which can only answer
    in the reply to the person's own message: kept until they next write."""

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(max_length=64, index=True)
    text: str  # the message without its numbered choices
    choices_text: str = ""  # its "回复 1 …" lines, shown only if it is the last with choices
    choices: list[str] = _json(list)  # callback data behind those numbers
    created_at: datetime = _created()


# ---------------------------------------------------------------- campaigns and 名师带徒 (issue 20)


class CampaignStage:
    """The stages of a service-month campaign (劳模工匠志愿服务月), in order."""

    COLLECT = "collect"  # 需求征集: needs are collected, not dispatched
    MATCH = "match"  # 对接认领: sorted, merged, published, claimed; 揭榜
    SERVE = "serve"  # 服务: normal jobs and activities, tagged with the campaign
    EVALUATE = "evaluate"  # 评估: the admins' evaluation of every finished job
    SELECT = "select"  # 选树优秀案例: cases selected, written up, published
    CLOSED = "closed"

    ORDER = (COLLECT, MATCH, SERVE, EVALUATE, SELECT, CLOSED)


class Campaign(SQLModel, table=True):
    """A campaign; ``schedule`` maps each stage to the local date it starts (ISO)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    stage: str = Field(default=CampaignStage.COLLECT, max_length=16, index=True)
    schedule: dict[str, Any] = _json(dict)
    team_ids: list[int] = _json(list)  # empty: every team
    station_ids: list[int] = _json(list)  # empty: every station (else these subtrees)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _created()
    stage_at: datetime = _created()  # when the current stage began
    closed_at: datetime | None = _ts()


class CampaignNeed(SQLModel, table=True):
    """An order tagged with a campaign: collected (held from dispatch), published, evaluated."""

    order_id: int = Field(foreign_key="service_order.id", primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    stage: str = Field(max_length=16)  # the stage it was tagged in
    held: bool = False  # collected: dispatch waits until it is published
    published_at: datetime | None = _ts()
    merged_into: int | None = Field(default=None, foreign_key="service_order.id")
    bounty_until: datetime | None = _ts()  # 揭榜: open to every qualified volunteer until then
    bounty_closed_at: datetime | None = _ts()
    effect: str | None = Field(default=None, max_length=500)  # the admin's evaluation
    benefit: str | None = Field(default=None, max_length=500)
    nominated: bool | None = None  # 推荐为优秀案例
    evaluated_by: int | None = Field(default=None, foreign_key="person.id")
    evaluated_at: datetime | None = _ts()
    created_at: datetime = _created()


class CampaignBid(SQLModel, table=True):
    """A volunteer's application (揭榜) for a bounty need; the admin picks one."""

    order_id: int = Field(foreign_key="service_order.id", primary_key=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", primary_key=True)
    picked: bool = False
    created_at: datetime = _created()


class CampaignActivity(SQLModel, table=True):
    """An activity held under a campaign."""

    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)


class CaseStatus:
    NOMINATED = "nominated"  # 推荐: from the evaluation
    SELECTED = "selected"  # 选定: being written up
    PUBLISHED = "published"  # everyone sees it (/cases)


class CampaignCase(SQLModel, table=True):
    """An excellent case (优秀案例) and its write-up."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="service_order.id", unique=True)
    status: str = Field(default=CaseStatus.NOMINATED, max_length=16, index=True)
    title: str = Field(default="", max_length=100)
    problem: str = Field(default="", max_length=1000)
    action: str = Field(default="", max_length=1000)  # what was done
    result: str = Field(default="", max_length=1000)
    volunteers: str = Field(default="", max_length=200)
    photos: list[str] = _json(list)
    station_id: int | None = Field(default=None, foreign_key="station.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    published_at: datetime | None = _ts()


class PairingStatus:
    INVITED = "invited"  # the apprentice has not accepted yet
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MentorPairing(SQLModel, table=True):
    """名师带徒: a model worker (a volunteer) and an apprentice, for months."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)  # the invitation deep link: mentor-<code>
    mentor_id: int = Field(foreign_key="volunteer.id", index=True)
    apprentice_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    apprentice_name: str = Field(max_length=64)
    skill: str = Field(max_length=100)
    goals: str = Field(default="", max_length=500)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
    status: str = Field(default=PairingStatus.INVITED, max_length=16, index=True)
    station_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    minutes: int = 0  # time together, as the mentor reported it (credited as service hours)
    completion_note: str | None = Field(default=None, max_length=1000)
    mentor_rating: int | None = None  # the mentor's rating of the pairing, 1-5
    apprentice_rating: int | None = None
    created_at: datetime = _created()
    accepted_at: datetime | None = _ts()
    completed_at: datetime | None = _ts()


class MentorCheckin(SQLModel, table=True):
    """One person's periodic check-in of a pairing: a progress note and hours together."""

    __table_args__ = (
        UniqueConstraint("pairing_id", "round", "person_id", name="uq_checkin_round_person"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="mentorpairing.id", index=True)
    round: int
    person_id: int = Field(foreign_key="person.id")
    mentor: bool = False  # asked of the mentor (whose hours count) or of the apprentice
    asked_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
    note: str | None = Field(default=None, max_length=500)
    minutes: int | None = None
    answered_at: datetime | None = _ts()
    nudged_at: datetime | None = _ts()
    alerted_at: datetime | None = _ts()


class MentorMilestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="mentorpairing.id", index=True)
    text: str = Field(max_length=300)
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _created()


class MentorRequest(SQLModel, table=True):
    """Someone asked to learn from a master (想拜师学焊接); admins turn it into a pairing."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    text: str = Field(max_length=500)
    pairing_id: int | None = Field(default=None, foreign_key="mentorpairing.id")
    created_at: datetime = _created()


# ---------------------------------------------------------- outbox: idempotent sends (issue 13)


class OutboxState:
    PENDING = "pending"  # written, no API call started yet
    SENDING = "sending"  # an API call started (durably) and has not reported back
    SENT = "sent"  # delivered; chat_id / message_id say where
    FAILED = "failed"  # the platform refused it (blocked, flood beyond retries …)


class OutboxMessage(SQLModel, table=True):
    """One outgoing message that matters (an offer, a job card, a requester notice, a broadcast,
    a reminder), keyed so it goes out once in effect. ``sending`` is committed before the API
    call and ``sent`` with the message id after it, so a crash leaves at most the calls that
    were in flight ambiguous (see ``bot.outbox``)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=128, unique=True)  # e.g. offer:12:…, broadcast:3:44
    kind: str = Field(max_length=16, index=True)  # offer | card | notice | broadcast | reminder
    person_id: int = Field(foreign_key="person.id")
    state: str = Field(default=OutboxState.PENDING, max_length=8, index=True)
    calls: int = 0  # API calls started: 1, or 2 after one resend of an ambiguous call
    holder: str | None = Field(default=None, max_length=80)  # the process making the call
    sending_at: datetime | None = _ts()
    chat_id: str | None = Field(default=None, max_length=64)
    message_id: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _created()
    done_at: datetime | None = _ts()
