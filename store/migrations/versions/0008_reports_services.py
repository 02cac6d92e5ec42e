"""reports: team services, volunteer-offered services, the monthly service list

Revision ID: r19_services
Revises: r19_requester
Create Date: 2026-12-04 01:35:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op


revision: str = "r19_services"
down_revision: str | None = "r19_requester"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "teamservice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("name", _S(length=64), nullable=False),
        sa.Column("description", _S(length=300), nullable=False),
        sa.Column("highlighted", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_teamservice_team_id"), "teamservice", ["team_id"], unique=False)
    op.create_table(
        "volunteerservice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("title", _S(length=64), nullable=False),
        sa.Column("description", _S(length=500), nullable=False),
        sa.Column("place", _S(length=100), nullable=False),
        sa.Column("available", _S(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_volunteerservice_volunteer_id"), "volunteerservice", ["volunteer_id"], unique=False
    )
    op.create_table(
        "servicelist",
        sa.Column("month", _S(length=7), nullable=False),
        sa.Column("text", _S(length=3000), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("month"),
    )
    with op.batch_alter_table("person") as batch:
        batch.add_column(
            sa.Column("servicelist_optin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("service_order") as batch:
        batch.add_column(sa.Column("service_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("volunteer_service_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("preferred_volunteer_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_order_service", "teamservice", ["service_id"], ["id"])
        batch.create_foreign_key(
            "fk_order_volunteer_service", "volunteerservice", ["volunteer_service_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_order_preferred_volunteer", "volunteer", ["preferred_volunteer_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("service_order") as batch:
        batch.drop_constraint("fk_order_preferred_volunteer", type_="foreignkey")
        batch.drop_constraint("fk_order_volunteer_service", type_="foreignkey")
        batch.drop_constraint("fk_order_service", type_="foreignkey")
        batch.drop_column("preferred_volunteer_id")
        batch.drop_column("volunteer_service_id")
        batch.drop_column("service_id")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("servicelist_optin")
    op.drop_table("servicelist")
    op.drop_index(op.f("ix_volunteerservice_volunteer_id"), table_name="volunteerservice")
    op.drop_table("volunteerservice")
    op.drop_index(op.f("ix_teamservice_team_id"), table_name="teamservice")
    op.drop_table("teamservice")
