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
