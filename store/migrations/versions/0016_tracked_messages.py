"""tracked messages: job cards, board items and notices whose buttons follow their order
(issue 17.5)

Revision ID: w2_tracked
Revises: w2_outbox
Create Date: 2026-12-04 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op


revision: str = "w2_tracked"
down_revision: str | None = "w2_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "trackedmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(length=8), nullable=False),
        sa.Column("platform", _S(length=16), nullable=False),
        sa.Column("chat_id", _S(length=64), nullable=False),
        sa.Column("message_id", _S(length=64), nullable=False),
        sa.Column("shown", _S(length=64), nullable=False),
        sa.Column("text", _S(length=4096), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["service_order.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "chat_id", "message_id", name="uq_tracked_message"),
    )
    op.create_index(
        op.f("ix_trackedmessage_order_id"), "trackedmessage", ["order_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_trackedmessage_order_id"), table_name="trackedmessage")
    op.drop_table("trackedmessage")
