"""web sign-in by phone and SMS: codes, verified phones, sessions, links, SMS log

Revision ID: 0015_websignin
Revises: 0001
Create Date: 2026-12-04 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0015_websignin"
down_revision: str | None = "0002_wechat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "logincode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", _S(length=16), nullable=False),
        sa.Column("ip", _S(length=64), nullable=False),
        sa.Column("code_hash", _S(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("logincode", schema=None) as batch_op:
        batch_op.create_index("ix_logincode_phone_created", ["phone", "created_at"], unique=False)
        batch_op.create_index("ix_logincode_ip_created", ["ip", "created_at"], unique=False)
    op.create_table(
        "verifiedphone",
        sa.Column("phone", _S(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("verified_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("phone"),
    )
    with op.batch_alter_table("verifiedphone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verifiedphone_person_id"), ["person_id"], unique=False)
    op.create_table(
        "websession",
        sa.Column("sid", _S(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("sid"),
    )
    with op.batch_alter_table("websession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_websession_person_id"), ["person_id"], unique=False)
    op.create_table(
        "linktoken",
        sa.Column("token_hash", _S(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["service_order.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("linktoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_linktoken_person_id"), ["person_id"], unique=False)
    op.create_table(
        "smsmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", _S(length=128), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("phone", _S(length=16), nullable=False),
        sa.Column("template", _S(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", _S(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", _S(length=300), nullable=True),
        sa.Column("not_before", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("smsmessage", schema=None) as batch_op:
        batch_op.create_index("ix_smsmessage_person_created", ["person_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_smsmessage_state"), ["state"], unique=False)
    op.create_table(
        "webphoto",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("content_type", _S(length=32), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webphoto", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webphoto_person_id"), ["person_id"], unique=False)
    op.create_table(
        "webpresence",
        sa.Column("instance", _S(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("instance", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("webpresence")
    op.drop_table("webphoto")
    op.drop_table("smsmessage")
    op.drop_table("linktoken")
    op.drop_table("websession")
    op.drop_table("verifiedphone")
    op.drop_table("logincode")
