"""The core must not depend on a chat platform: a second channel reuses it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("telegram", "aiohttp", "wechatpy")
CORE = ("bot", "store", "scheduler")
ALLOWED = {ROOT / "bot" / "app.py"}  # the composition root wires the channels


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            if node.module.split(".")[0] == "handlers":
                names.add("handlers")
    return names


def _core_files() -> list[Path]:
    return [p for pkg in CORE for p in sorted((ROOT / pkg).rglob("*.py")) if p not in ALLOWED]


def test_there_is_core_code_to_check() -> None:
    assert len(_core_files()) > 10


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_does_not_import_a_platform(path: Path) -> None:
    bad = _imports(path) & {*FORBIDDEN, "handlers"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


# Flows say what a person does in chat; every statement lives in store/.
SQL_MODULES = {"sqlalchemy", "sqlmodel"}
BUILDERS = {"select", "update", "delete", "insert", "text"}  # called by bare name
RUNNERS = {"exec", "execute"}  # session methods that run a statement


def _flow_files() -> list[Path]:
    return sorted((ROOT / "bot" / "flows").rglob("*.py"))


def _statements(path: Path) -> list[str]:
    """Statement builders and raw execution called in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in BUILDERS:
            found.append(f"{func.id}() at line {node.lineno}")
        elif isinstance(func, ast.Attribute) and func.attr in RUNNERS:
            found.append(f"{func.attr}() at line {node.lineno}")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Name)
            and func.value.id == "session"
        ):
            found.append(f"session.get() at line {node.lineno}")  # a lookup by key is a query
    return found


def test_there_are_flows_to_check() -> None:
    assert len(_flow_files()) > 10


@pytest.mark.parametrize("path", _flow_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_flows_do_not_import_sql(path: Path) -> None:
    bad = _imports(path) & SQL_MODULES
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}: put the query in store/"


@pytest.mark.parametrize("path", _flow_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_flows_build_no_statements(path: Path) -> None:
    found = _statements(path)
    assert not found, f"{path.relative_to(ROOT)} builds SQL: {found}; put the query in store/"


def test_the_statement_check_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "flow.py"
    sample.write_text(
        "from sqlmodel import select\n"
        "async def f(session):\n"
        "    await session.get(Order, 1)\n"
        "    return await session.exec(select(1))\n",
        encoding="utf-8",
    )
    assert _imports(sample) & SQL_MODULES == {"sqlmodel"}
    assert sorted(s.split("(")[0] for s in _statements(sample)) == ["exec", "select", "session.get"]
