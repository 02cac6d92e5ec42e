"""reliability: the transactional inbox (every inbound update stored before it is acknowledged)

Revision ID: w2_inbox
Revises: w2_jstaff
Create Date: 2026-12-04 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "w2_inbox"
down_revision: str | None = "w2_jstaff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "inboxupdate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", _S(length=16), nullable=False),
        sa.Column("key", _S(length=128), nullable=False),
        sa.Column("chat", _S(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", _S(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", _S(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "key", name="uq_inbox_platform_key"),
    )
    op.create_index("ix_inbox_state_chat", "inboxupdate", ["state", "platform", "chat", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_state_chat", table_name="inboxupdate")
    op.drop_table("inboxupdate")
