"""Constants every ring shares: where PostgreSQL is, whether we run on CI, the test epoch."""

from __future__ import annotations

import os
from datetime import UTC, datetime

PG_URL = os.environ.get("JIANGXIN_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
