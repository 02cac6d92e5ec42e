"""outbox: one row per outgoing message that matters, for idempotent sends (issue 13)

Revision ID: w2_outbox
Revises: w2_campaigns
Create Date: 2026-12-04 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op


revision: str = "w2_outbox"
down_revision: str | None = "w2_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", _S(length=128), nullable=False),
        sa.Column("kind", _S(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("state", _S(length=8), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("holder", _S(length=80), nullable=True),
        sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chat_id", _S(length=64), nullable=True),
        sa.Column("message_id", _S(length=64), nullable=True),
        sa.Column("error", _S(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_outboxmessage_kind"), "outboxmessage", ["kind"], unique=False)
    op.create_index(op.f("ix_outboxmessage_state"), "outboxmessage", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outboxmessage_state"), table_name="outboxmessage")
    op.drop_index(op.f("ix_outboxmessage_kind"), table_name="outboxmessage")
    op.drop_table("outboxmessage")
