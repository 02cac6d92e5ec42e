"""journeys (worker): the message whose buttons are live for each person

Revision ID: w2_jworker
Revises: r19_services
Create Date: 2026-12-04 04:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op


revision: str = "w2_jworker"
down_revision: str | None = "r19_services"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "livemessage",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", _S(length=16), nullable=False),
        sa.Column("chat_id", _S(length=64), nullable=False),
        sa.Column("message_id", _S(length=64), nullable=False),
        sa.Column("text", _S(length=4096), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )


def downgrade() -> None:
    op.drop_table("livemessage")
