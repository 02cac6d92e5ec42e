"""routing feedback: labelled real requests for learning from corrections

Revision ID: 0008_routing
Revises: 0015_websignin
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0008_routing"
# After the web sign-in tables (file 0004_websignin.py).
down_revision: str | None = "0015_websignin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "routingfeedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("team_slug", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("offered", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["service_order.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("routingfeedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routingfeedback_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_routingfeedback_actor_id"), ["actor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("routingfeedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routingfeedback_actor_id"))
        batch_op.drop_index(batch_op.f("ix_routingfeedback_key"))
    op.drop_table("routingfeedback")
