"""Boundaries: the core never depends on a chat platform (a second channel reuses it),
project modules import each other without a circle, and SQL stays in ``store/``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("telegram", "aiohttp", "wechatpy")
CORE = ("bot", "store", "scheduler")


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
    return [p for pkg in CORE for p in sorted((ROOT / pkg).rglob("*.py"))]


def test_there_is_core_code_to_check() -> None:
    assert len(_core_files()) > 10


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_does_not_import_a_platform(path: Path) -> None:
    bad = _imports(path) & {*FORBIDDEN, "handlers", "jiangxin"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


# ---------------------------------------------------------------- the import graph

PROJECT = ("bot", "store", "scheduler", "handlers", "jiangxin")
# Top-level packages in the order they may depend on each other: each imports only
# packages to its left. The composition root (jiangxin) is the only one that knows all.
LAYERS = ("store", "bot", "scheduler", "handlers", "jiangxin")


def _modules() -> dict[str, Path]:
    """Project module name → file (packages by their ``__init__``), migrations left out."""
    found: dict[str, Path] = {}
    for pkg in PROJECT:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an import names (``from bot import dispatch`` → ``bot.dispatch``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _import_graph() -> dict[str, set[str]]:
    """Every import counts: module level, function level and under TYPE_CHECKING."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved is not None and resolved != name:
                    edges.add(resolved)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_sees_the_project() -> None:
    graph = _import_graph()
    assert len(graph) > 50
    assert "bot.deps" in graph["bot.engine"]  # a plain import
    assert "bot.dispatch" in graph["bot.flows.jobs"]  # ``from bot import dispatch``


def test_a_cycle_is_found() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle_among_project_modules() -> None:
    assert _cycles(_import_graph()) == []


def test_packages_depend_one_way() -> None:
    """store ← bot ← scheduler ← handlers ← jiangxin: nothing reaches back up."""
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _import_graph().items()
        for target in targets
        if LAYERS.index(target.split(".")[0]) > LAYERS.index(module.split(".")[0])
    )
    assert wrong == []


# ---------------------------------------------------------------- SQL stays in store/

SQL_LIBRARIES = ("sqlalchemy", "sqlmodel")
# The session type and the database's own exceptions are not SQL.
SQL_ALLOWED = ("sqlmodel.ext.asyncio.session", "sqlalchemy.exc")
STATEMENT_BUILDERS = {"select", "update", "delete", "insert", "text", "col", "func"}
# Domain modules whose queries moved into store/ (bot/dispatch, bot/broadcast, …).
DOMAIN = (
    "bot/dispatch",
    "bot/broadcast",
    "bot/schedule",
    "bot/jobs.py",
    "bot/volunteers.py",
    "bot/relay.py",
    "bot/orders.py",
    "bot/notify.py",
    "bot/reports",
    "bot/jobtext.py",
    "bot/engine.py",
    "bot/lifecycle.py",
    "bot/signin.py",
    "bot/photos.py",
    "bot/sms.py",
    "bot/activities.py",
    "bot/activities_hours.py",
    "bot/activities_export.py",
    "bot/team_jobs.py",
    "scheduler",
    "jiangxin",
)
# What a person does in chat (flows) and the channels: the same rule.
FLOWS_AND_CHANNELS = ("bot/flows", "handlers")


def _files(places: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for place in places:
        path = ROOT / place
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def _sql_in(path: Path) -> list[str]:
    """Where a module imports a SQL library or calls a statement builder."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        for m in modules:
            if m.split(".")[0] in SQL_LIBRARIES and not m.startswith(SQL_ALLOWED):
                found.append(f"line {node.lineno}: imports {m}")
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else None
            if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name):
                name = fn.value.id if fn.value.id == "func" else None
            if name in STATEMENT_BUILDERS:
                found.append(f"line {node.lineno}: builds a statement with {name}()")
    return found


def test_the_sql_check_finds_a_statement(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from sqlmodel import select\n"
        "from sqlmodel.ext.asyncio.session import AsyncSession\n"
        "q = select(Order).where(func.lower(x))\n"
    )
    assert sorted(_sql_in(sample)) == [
        "line 1: imports sqlmodel",
        "line 3: builds a statement with func()",
        "line 3: builds a statement with select()",
    ]


@pytest.mark.parametrize("path", _files(DOMAIN), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_modules_leave_sql_to_the_store(path: Path) -> None:
    assert _sql_in(path) == []


def test_flows_and_channels_leave_sql_to_the_store() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in _files(FLOWS_AND_CHANNELS)
        if (found := _sql_in(path))
    }
    assert offenders == {}


# ---------------------------------------------------------------- flows build no SQL

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


def _blocking_routes(path: Path) -> list[int]:
    """Lines that call ``<...>.router.route(...)``: the blocking form, which may run the
    routing model (tens of milliseconds) on the event loop."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "route"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "router"
    ]


@pytest.mark.parametrize(
    "path",
    [p for part in ("bot", "handlers", "scheduler") for p in sorted((ROOT / part).rglob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_requests_are_routed_off_the_event_loop(path: Path) -> None:
    found = _blocking_routes(path)
    assert not found, f"{path.relative_to(ROOT)}:{found} calls router.route; use route_async"


def test_the_blocking_route_check_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "flow.py"
    sample.write_text(
        "async def f(ctx):\n"
        "    ctx.deps.router.route('x')\n"
        "    await ctx.deps.router.route_async('x')\n",
        encoding="utf-8",
    )
    assert _blocking_routes(sample) == [2]
