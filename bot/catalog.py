"""The service catalog: the default teams shipped in ``bot/data/catalog.json``,
seeding an empty database, and export/import of the teams as JSON files."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from store import teams as teams_store
from store.engine import Database, Session
from store.models import AuditLog, Team, utcnow

SLUG = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")


class CatalogError(ValueError):
    """An invalid catalog file; the message says what and where."""


class TeamEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str
    name: str = Field(min_length=1, max_length=64)
    name_en: str = Field(default="", max_length=128)
    description: str = Field(default="", max_length=500)
    keywords: list[str] = Field(default_factory=list)
    active: bool = True

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"slug '{v}' must be 2–32 of a-z, 0-9, _ or -, starting with a letter")
        return v

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for k in v:
            k = k.strip()
            if not k:
                raise ValueError("empty keyword")
            if k not in out:
                out.append(k)
        return out


class CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    teams: list[TeamEntry]


def parse_catalog(raw: str | bytes) -> CatalogFile:
    """Validate a catalog document; raise CatalogError naming the first problem."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"not valid JSON: {exc}") from None
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if not k.startswith("_")}  # comments
    try:
        catalog = CatalogFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        raise CatalogError(f"{where}: {msg}") from None
    seen: set[str] = set()
    for i, team in enumerate(catalog.teams):
        if team.slug in seen:
            raise CatalogError(f"teams.{i}.slug: duplicate slug '{team.slug}'")
        seen.add(team.slug)
    if not catalog.teams:
        raise CatalogError("teams: the catalog has no teams")
    return catalog


def default_catalog() -> CatalogFile:
    text = resources.files("bot").joinpath("data/catalog.json").read_text(encoding="utf-8")
    return parse_catalog(text)


def _apply(team: Team, entry: TeamEntry) -> None:
    team.name, team.name_en, team.description = entry.name, entry.name_en, entry.description
    team.keywords = list(entry.keywords)
    team.active = entry.active
    team.updated_at = utcnow()


async def seed_if_empty(db: Database) -> int:
    """Load the default catalog into an empty teams table; return how many were added."""
    async with db.session() as session:
        if await teams_store.count_teams(session):
            return 0
        for order, entry in enumerate(default_catalog().teams):
            team = Team(slug=entry.slug, sort_order=order, name=entry.name)
            _apply(team, entry)
            session.add(team)
        return len(default_catalog().teams)


async def list_teams(session: Session, *, active_only: bool = False) -> list[Team]:
    """Every team (or every active one) in the catalog's order."""
    return await teams_store.teams(session, active_only=active_only)


async def export_catalog(db: Database) -> str:
    async with db.session() as session:
        teams = await list_teams(session)
    doc: dict[str, Any] = {
        "version": 1,
        "teams": [
            {
                "slug": t.slug,
                "name": t.name,
                "name_en": t.name_en,
                "description": t.description,
                "keywords": list(t.keywords),
                "active": t.active,
            }
            for t in teams
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


async def import_catalog(db: Database, raw: str | bytes, *, actor_id: int | None = None) -> dict:
    """Upsert teams by slug in one transaction. Teams missing from the file are kept
    (orders refer to them); retire a team with ``"active": false``."""
    catalog = parse_catalog(raw)
    added = updated = 0
    async with db.session() as session:
        existing = {t.slug: t for t in await list_teams(session)}
        next_order = max((t.sort_order for t in existing.values()), default=-1) + 1
        for entry in catalog.teams:
            team = existing.get(entry.slug)
            if team is None:
                team = Team(slug=entry.slug, name=entry.name, sort_order=next_order)
                next_order += 1
                added += 1
            else:
                updated += 1
            _apply(team, entry)
            session.add(team)
        session.add(
            AuditLog(
                actor_id=actor_id,
                action="catalog.import",
                after={"added": added, "updated": updated},
            )
        )
    return {"added": added, "updated": updated}


def write_export(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def team_specs(teams: list[Team]):  # type: ignore[no-untyped-def]
    """The router's view of the teams."""
    from bot.routing import TeamSpec

    return [
        TeamSpec(t.slug, t.name, tuple(t.keywords), t.active, description=t.description or "")
        for t in teams
    ]


async def reload_router(deps) -> None:  # type: ignore[no-untyped-def]
    """Rebuild the routing index from the database (after an admin edits teams)."""
    async with deps.db.session() as session:
        teams = await list_teams(session)
    deps.router.rebuild(team_specs(teams))
