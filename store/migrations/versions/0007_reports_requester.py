"""reports: who asked (requester type, organisation) and people served

Revision ID: r19_requester
Revises: 0007_activities (the file 0006_activities.py)
Create Date: 2026-12-04 01:25:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op


revision: str = "r19_requester"
down_revision: str | None = "0007_activities"  # file 0006_activities.py
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("requester_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column("org_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
    with op.batch_alter_table("service_order") as batch:
        batch.add_column(sa.Column("requester_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column("org_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch.add_column(sa.Column("expected_people", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("served_people", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_order") as batch:
        batch.drop_column("served_people")
        batch.drop_column("expected_people")
        batch.drop_column("org_name")
        batch.drop_column("requester_type")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("org_name")
        batch.drop_column("requester_type")
