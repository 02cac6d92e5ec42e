"""All configuration in one place: environment variables with the ``JIANGXIN_`` prefix.

An optional ``.env`` file in the working directory is read too. Every setting is
documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.durations import parse_duration

Duration = Annotated[timedelta, NoDecode]


def _split(value: object) -> list[str]:
    if isinstance(value, str):
        return [p.strip() for p in value.replace("，", ",").split(",") if p.strip()]
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value]
    return [] if value is None else [str(value).strip()]


# What an instance may do (JIANGXIN_ROLES): serve the web chat, run the Telegram bot,
# answer WeChat, run the scheduler. Each instance also sends, for the channels it runs,
# whatever other instances left in the outbox.
ROLES = ("web", "telegram", "wechat", "scheduler")


class Settings(BaseSettings):
    """Process configuration. Construct once in the composition root and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="JIANGXIN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///./data/jiangxin.sqlite3"
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    # Outgoing Telegram budget per bot token, shared by every instance on one PostgreSQL.
    telegram_rate: float = Field(default=28.0, gt=0, le=30)  # messages/s overall
    telegram_chat_rate: float = Field(default=1.0, gt=0)  # messages/s to one chat, sustained
    telegram_chat_burst: int = Field(default=3, ge=1)  # a short burst one chat may get
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Super-admins: Telegram user ids, and web/WeChat people as phone:<mobile> (a phone
    # verified by SMS), wechat:<openid> or web:<id> (issue 17).
    admin_ids: Annotated[list[int | str], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    web_secret: SecretStr | None = None
    web_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    metrics_token: SecretStr | None = None
    # What this instance does: all, or some of web, telegram, wechat, scheduler.
    roles: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["all"])
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # Public links on QR posters (/poster, /link): the bot's @username and the web chat page.
    telegram_username: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9_]{5,32}$")
    web_chat_url: str | None = None
    # Web sign-in and SMS (issue 15). The public URL is where SMS links point.
    web_public_url: str | None = None
    sms_provider: Literal["log", "aliyun", "tencent"] = "log"
    sms_key_id: str | None = None  # AccessKey ID (aliyun) / SecretId (tencent)
    sms_key_secret: SecretStr | None = None  # AccessKey secret / SecretKey
    sms_app_id: str | None = None  # tencent SmsSdkAppId
    sms_region: str = "ap-guangzhou"  # tencent region
    sms_sign_name: str = "匠心点单"
    sms_template_login: str | None = None  # template ids, one per kind of SMS
    sms_template_status: str | None = None
    sms_template_offer: str | None = None
    sms_base_url: str | None = None  # provider endpoint override (tests, proxies)
    sms_daily_cap: int = Field(default=5, ge=0)  # notification SMS per person per day
    sms_quiet_start: time = time(21, 0)
    sms_quiet_end: time = time(8, 0)
    # WeChat Official Account (公众号): on when app id, secret and token are all set.
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    wechat_token: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None
    wechat_api_url: str = "https://api.weixin.qq.com"
    wechat_template_notice: str | None = None
    wechat_chat_url: str | None = None
    routing_semantic: bool = True  # on|off: the sentence-embedding stage beside keywords
    routing_check_corpus: str | None = None  # labelled JSONL a learned update must not worsen
    routing_retrain_time: time = time(3, 0)  # nightly re-teaching from admins' corrections

    max_orders_per_day: int = Field(default=5, ge=1)
    offer_wave_size: int = Field(default=3, ge=1)
    offer_wave_interval: Duration = timedelta(minutes=15)
    # How far waves of offers may widen before the admins take over (issue 17).
    escalation_scope: Literal["station", "town", "county", "all"] = "county"
    tick_interval: Duration = timedelta(seconds=20)
    reminder_offsets: Annotated[list[timedelta], NoDecode] = Field(
        default_factory=lambda: [timedelta(hours=24), timedelta(hours=1)]
    )
    reconfirm_before: Duration = timedelta(hours=24)
    reconfirm_timeout: Duration = timedelta(hours=6)
    feedback_delay: Duration = timedelta(hours=1)
    feedback_nudge_after: Duration = timedelta(hours=24)
    stale_claim_after: Duration = timedelta(hours=48)
    digest_time: time = time(9, 0)
    star_hours: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [20, 50, 100, 200, 300]
    )
    # Activities and hours (issue 18).
    activity_cutoff: Duration = timedelta(hours=2)  # 取消报名 closes this long before the start
    checkin_window: Duration = timedelta(minutes=30)  # 签到 opens this long before the start
    job_hours_cap: int = Field(default=12, ge=1, le=24)  # most hours one job may count
    # The transactional inbox (issue 13): tries before an update is set aside, and how
    # often unfinished updates (left by a crashed instance) are looked for.
    inbox_attempts: int = Field(default=3, ge=1, le=20)
    inbox_sweep: Duration = timedelta(seconds=30)
    # Web chat limits (issue 13): "burst,per-second" frames per session, per IP, in total;
    # anonymous visitors who wrote once and never came back are forgotten after the TTL.
    web_flood_session: Annotated[tuple[int, float], NoDecode] = (8, 2.0)
    web_flood_ip: Annotated[tuple[int, float], NoDecode] = (40, 10.0)
    web_flood_global: Annotated[tuple[int, float], NoDecode] = (400, 100.0)
    web_anonymous_ttl: Duration = timedelta(days=30)
    # WeChat subscription accounts (订阅号) have no customer-service API: passive replies only.
    wechat_mode: Literal["service", "subscription"] = "service"
    # 名师带徒 (issue 20): how often both sides of a pairing are asked for progress.
    mentor_checkin_interval: Duration = timedelta(days=14)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, v: object) -> list[int | str]:
        from bot.phones import normalize_mobile

        out: list[int | str] = []
        for part in _split(v):
            kind, sep, value = part.partition(":")
            kind = kind.strip().lower() if sep else "telegram"
            value = (value if sep else part).strip()
            if kind == "telegram" and value.lstrip("-").isdigit():
                out.append(int(value))
            elif kind == "phone" and (mobile := normalize_mobile(value)) is not None:
                out.append(f"phone:{mobile}")
            elif kind in ("wechat", "web") and value:
                out.append(f"{kind}:{value}")
            else:
                raise ValueError(
                    f"'{part}' is not a numeric Telegram user id, phone:<mobile>, "
                    "wechat:<openid> or web:<id>"
                )
        return out

    @field_validator("web_origins", mode="before")
    @classmethod
    def _origins(cls, v: object) -> list[str]:
        return _split(v)

    @field_validator("web_flood_session", "web_flood_ip", "web_flood_global", mode="before")
    @classmethod
    def _flood(cls, v: object) -> object:
        if not isinstance(v, str):
            return v
        parts = _split(v)
        try:
            burst, rate = int(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            raise ValueError(f"'{v}' must be 'burst,per-second', e.g. 8,2") from None
        if len(parts) != 2 or burst < 1 or rate <= 0:
            raise ValueError(f"'{v}' must be 'burst,per-second' with both above 0")
        return (burst, rate)

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, v: object) -> list[str]:
        roles = [r.lower() for r in _split(v)] or ["all"]
        unknown = sorted(set(roles) - set(ROLES) - {"all"})
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; use all or {', '.join(ROLES)}")
        return roles

    @field_validator("star_hours", mode="before")
    @classmethod
    def _star_hours(cls, v: object) -> list[int]:
        parts = _split(v)
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"'{v}' must be comma-separated whole hours, e.g. 20,50,100")
        hours = [int(p) for p in parts]
        if hours != sorted(set(hours)):
            raise ValueError("thresholds must be increasing")
        return hours

    @field_validator(
        "offer_wave_interval",
        "tick_interval",
        "reconfirm_before",
        "reconfirm_timeout",
        "feedback_delay",
        "feedback_nudge_after",
        "stale_claim_after",
        "activity_cutoff",
        "checkin_window",
        "inbox_sweep",
        "web_anonymous_ttl",
        "mentor_checkin_interval",
        mode="before",
    )
    @classmethod
    def _duration(cls, v: object) -> object:
        return parse_duration(v) if isinstance(v, str) else v

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, v: object) -> object:
        if isinstance(v, str):
            return sorted((parse_duration(p) for p in _split(v)), reverse=True)
        return v

    @field_validator("tick_interval", "inbox_sweep")
    @classmethod
    def _positive(cls, v: timedelta) -> timedelta:
        if v.total_seconds() <= 0:
            raise ValueError("must be longer than 0s")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{v}'") from None
        return v

    @field_validator("wechat_aes_key")
    @classmethod
    def _aes_key(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value() and len(v.get_secret_value()) != 43:
            raise ValueError("the EncodingAESKey has 43 characters")
        return v

    @field_validator(
        "telegram_api_url",
        "telegram_file_url",
        "webhook_url",
        "wechat_api_url",
        "wechat_chat_url",
        "web_chat_url",
        "web_public_url",
        "sms_base_url",
    )
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        u = urlparse(v)
        if u.scheme not in ("http", "https") or not u.netloc:
            raise ValueError(f"'{v}' is not an http(s) URL")
        return v

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        if v.startswith("postgresql://") or v.startswith("postgres://"):
            v = "postgresql+asyncpg://" + v.split("://", 1)[1]
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def telegram_admin_ids(self) -> list[int]:
        """The super-admins named by Telegram user id."""
        return [i for i in self.admin_ids if isinstance(i, int)]

    @property
    def admin_accounts(self) -> set[tuple[str, str]]:
        """Super-admins as (platform, external id): Telegram, WeChat and web ids."""
        out = {("telegram", str(i)) for i in self.telegram_admin_ids}
        for ref in self.admin_ids:
            if isinstance(ref, str) and not ref.startswith("phone:"):
                platform, _, external = ref.partition(":")
                out.add((platform, external))
        return out

    @property
    def admin_phones(self) -> set[str]:
        """Super-admins named by a mobile number they verify (SMS sign-in)."""
        return {r[6:] for r in self.admin_ids if isinstance(r, str) and r.startswith("phone:")}

    @property
    def token(self) -> str | None:
        return self.telegram_token.get_secret_value() if self.telegram_token else None

    def has_role(self, role: str) -> bool:
        """Whether this instance does ``role`` (one of :data:`ROLES`); ``all`` does each."""
        return "all" in self.roles or role in self.roles

    @property
    def active_roles(self) -> list[str]:
        return [r for r in ROLES if self.has_role(r)]

    @property
    def wechat_enabled(self) -> bool:
        """The WeChat channel runs only when app id, secret and server token are all set."""
        return self.has_role("wechat") and bool(
            self.wechat_app_id
            and self.wechat_app_secret
            and self.wechat_app_secret.get_secret_value()
            and self.wechat_token
            and self.wechat_token.get_secret_value()
        )

    def sqlite_path(self) -> Path | None:
        """The SQLite file behind database_url, so start-up can create its folder."""
        prefix = "sqlite+aiosqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        path = self.database_url[len(prefix) :].split("?", 1)[0]
        return None if path in ("", ":memory:") else Path(path)


class ConfigError(Exception):
    """A setting is invalid; ``str()`` is one line naming it."""


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning pydantic's report into one line naming the bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"JIANGXIN_{field.upper()} is invalid: {msg}") from None
