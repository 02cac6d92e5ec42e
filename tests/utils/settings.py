"""Settings for tests: nothing read from the environment or a .env file."""

from __future__ import annotations

import pytest

from bot.config import Settings


def make_settings(**overrides: object) -> Settings:
    """Settings for tests: nothing read from the environment or a .env file."""
    base: dict[str, object] = {"database_url": "sqlite+aiosqlite:///:memory:", "admin_ids": [1]}
    base.update(overrides)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


def marker_settings(request: pytest.FixtureRequest) -> dict[str, object]:
    """Overrides from ``@pytest.mark.settings(key=value, …)`` on the test."""
    overrides: dict[str, object] = {}
    for mark in reversed(list(request.node.iter_markers("settings"))):
        overrides.update(mark.kwargs)
    return overrides
