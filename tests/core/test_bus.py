"""The bus: events reach every listener even when one fails; a task kind has one handler."""

from __future__ import annotations

from typing import Any

import pytest

from bot.bus import Bus
from bot.registry import Registry


async def test_a_failing_listener_stops_no_other() -> None:
    bus = Bus()
    heard: list[tuple[str, dict[str, Any]]] = []

    async def broken(_deps: Any, **_payload: Any) -> None:
        raise RuntimeError("boom")

    async def listener(_deps: Any, **payload: Any) -> None:
        heard.append(("order_claimed", payload))

    bus.listen("order_claimed", broken)
    bus.listen("order_claimed", listener)
    await bus.emit(None, "order_claimed", order_id=7, volunteer_id=3)
    await bus.emit(None, "order_released", order_id=7)  # nobody listens: nothing happens
    assert heard == [("order_claimed", {"order_id": 7, "volunteer_id": 3})]


def test_a_task_kind_is_registered_once() -> None:
    async def run(_deps: Any, _task: Any) -> None:
        return None

    bus = Bus()
    bus.task("remind", run)
    assert bus.handler("remind") is run and bus.handler("other") is None
    with pytest.raises(ValueError, match="registered twice"):
        bus.task("remind", run)


def test_the_registry_puts_task_kinds_and_listeners_on_its_bus() -> None:
    async def run(_deps: Any, _task: Any) -> None:
        return None

    reg = Registry()
    reg.task("remind", run)
    reg.listen("job_done", run)
    assert reg.bus.tasks == {"remind": run} and reg.bus.listeners == {"job_done": [run]}
