"""WeChat Official Account: shared access token, inbound de-duplication, numbered choices

Revision ID: 0002_wechat
Revises: 0002_poison
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0002_wechat"
down_revision: str | None = "0002_poison"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wechattoken",
        sa.Column("app_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("app_id"),
    )
    op.create_table(
        "wechatinbound",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(
        op.f("ix_wechatinbound_created_at"), "wechatinbound", ["created_at"], unique=False
    )
    op.create_table(
        "wechatchoice",
        sa.Column("openid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("openid"),
    )


def downgrade() -> None:
    op.drop_table("wechatchoice")
    op.drop_index(op.f("ix_wechatinbound_created_at"), table_name="wechatinbound")
    op.drop_table("wechatinbound")
    op.drop_table("wechattoken")
