"""WeChat subscription accounts: messages kept for the person's next message

Revision ID: w2_webguard
Revises: w2_perf
Create Date: 2026-12-04 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "w2_webguard"
down_revision: str | None = "w2_perf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wechatpending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("openid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("choices_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_wechatpending_openid"), "wechatpending", ["openid"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_wechatpending_openid"), table_name="wechatpending")
    op.drop_table("wechatpending")
