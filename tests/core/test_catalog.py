"""The default catalog, seeding, and export/import through the CLI and the core."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from bot import catalog
from store.engine import Database
from store.models import Team

ROOT = Path(__file__).resolve().parents[2]
SLUGS = [
    "tech",
    "electric",
    "skills",
    "legal",
    "health",
    "safety",
    "agri",
    "convenience",
    "lecture",
    "heritage",
    "environment",
    "emergency",
]


def test_default_catalog_has_the_twelve_teams() -> None:
    cat = catalog.default_catalog()
    assert [t.slug for t in cat.teams] == SLUGS
    for team in cat.teams:
        assert team.name and team.description
        assert len(team.keywords) >= 20, f"{team.slug} needs a rich keyword list"


async def test_seeded_once(db: Database) -> None:
    assert await catalog.seed_if_empty(db) == 0  # the fixture already seeded it
    async with db.session() as s:
        teams = (await s.exec(select(Team))).all()
    assert sorted(t.slug for t in teams) == sorted(SLUGS)


async def test_export_import_round_trip(db: Database) -> None:
    doc = json.loads(await catalog.export_catalog(db))
    doc["teams"][0]["name"] = "技术攻关服务队（一队）"
    doc["teams"].append({"slug": "drone", "name": "无人机服务队", "keywords": ["无人机", "航拍"]})
    result = await catalog.import_catalog(db, json.dumps(doc, ensure_ascii=False))
    assert result == {"added": 1, "updated": 12}
    async with db.session() as s:
        tech = (await s.exec(select(Team).where(Team.slug == "tech"))).one()
        drone = (await s.exec(select(Team).where(Team.slug == "drone"))).one()
    assert tech.name == "技术攻关服务队（一队）"
    assert drone.keywords == ["无人机", "航拍"] and drone.sort_order == 12


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"teams": [{"slug": "a1", "name": "甲"}, {"slug": "a1", "name": "乙"}]}, "duplicate slug"),
        ({"teams": [{"slug": "a1", "name": ""}]}, "teams.0.name"),
        ({"teams": [{"slug": "a1", "name": "甲", "colour": "red"}]}, "unknown field"),
        ({"teams": [{"slug": "Bad Slug", "name": "甲"}]}, "slug"),
        ({"teams": []}, "no teams"),
        ({"teams": [{"slug": "a1", "name": "甲", "keywords": ["  "]}]}, "empty keyword"),
    ],
)
async def test_invalid_import_writes_nothing(db: Database, doc: dict, fragment: str) -> None:
    before = await catalog.export_catalog(db)
    with pytest.raises(catalog.CatalogError) as info:
        await catalog.import_catalog(db, json.dumps(doc, ensure_ascii=False))
    assert fragment in str(info.value)
    assert await catalog.export_catalog(db) == before


def test_cli_export_and_refused_import(tmp_path: Path, sqlite_db_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANGXIN_")}
    env.update(JIANGXIN_DATABASE_URL=sqlite_db_url, PYTHONPATH=str(ROOT))
    out = tmp_path / "cat.json"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "jiangxin", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = cli("catalog", "export", str(out))
    assert done.returncode == 0, done.stderr
    assert [t["slug"] for t in json.loads(out.read_text())["teams"]] == SLUGS
    bad = tmp_path / "bad.json"
    bad.write_text('{"teams": [{"slug": "x1", "name": "甲"}, {"slug": "x1", "name": "乙"}]}')
    refused = cli("catalog", "import", str(bad))
    assert refused.returncode == 1
    assert "duplicate slug" in refused.stderr and "nothing written" in refused.stderr
    ok = cli("catalog", "import", str(out))
    assert ok.returncode == 0 and "0 added, 12 updated" in ok.stdout
    helped = cli("--help")
    for sub in ("run", "db", "catalog", "route"):
        assert sub in helped.stdout
