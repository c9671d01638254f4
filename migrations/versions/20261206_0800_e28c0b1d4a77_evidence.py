"""evidence: comparison cohorts (readings of families not in the lab, in their own tables) and
the lab's pre-registration, immutable versions (issue 28)

Revision ID: e28c0b1d4a77
Revises: d28b6e1a4c90
Create Date: 2026-12-06 07:27:32.582384
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e28c0b1d4a77"
down_revision: str | None = "d28b6e1a4c90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comparison_cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("families", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_comparison_cohort_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_comparison_cohort_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_cohort")),
    )
    with op.batch_alter_table("comparison_cohort", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comparison_cohort_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "preregistration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("baseline_on", sa.Date(), nullable=False),
        sa.Column("horizon_on", sa.Date(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("results_existed", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "horizon_on > baseline_on", name=op.f("ck_preregistration_horizon_after_baseline")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_preregistration_version_positive")),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_preregistration_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_preregistration_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preregistration")),
        sa.UniqueConstraint(
            "municipality_id", "version", name=op.f("uq_preregistration_municipality_id_version")
        ),
    )
    with op.batch_alter_table("preregistration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preregistration_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "cohort_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("level_housing", sa.SmallInteger(), nullable=True),
        sa.Column("level_work", sa.SmallInteger(), nullable=True),
        sa.Column("level_school", sa.SmallInteger(), nullable=True),
        sa.Column("level_network", sa.SmallInteger(), nullable=True),
        sa.Column("level_finance", sa.SmallInteger(), nullable=True),
        sa.Column("level_health", sa.SmallInteger(), nullable=True),
        sa.Column("level_childhood", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint(
            "level_childhood BETWEEN 0 AND 3", name=op.f("ck_cohort_reading_level_childhood_range")
        ),
        sa.CheckConstraint(
            "level_finance BETWEEN 0 AND 3", name=op.f("ck_cohort_reading_level_finance_range")
        ),
        sa.CheckConstraint(
            "level_health BETWEEN 0 AND 3", name=op.f("ck_cohort_reading_level_health_range")
        ),
        sa.CheckConstraint(
            "level_housing BETWEEN 0 AND 3", name=op.f("ck_cohort_reading_level_housing_range")
        ),
        sa.CheckConstraint(
            "level_network BETWEEN 0 AND 3", name=op.f("ck_cohort_reading_level_network_range")
        ),
        sa.CheckConstraint(
            "level_school BETWEEN 0 AND 3", name=op.f("ck_cohort_reading_level_school_range")
        ),
        sa.CheckConstraint(
            "level_work BETWEEN 0 AND 3", name=op.f("ck_cohort_reading_level_work_range")
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["comparison_cohort.id"],
            name=op.f("fk_cohort_reading_cohort_id_comparison_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_reading")),
        sa.UniqueConstraint(
            "cohort_id",
            "reference",
            "assessed_on",
            name=op.f("uq_cohort_reading_cohort_id_reference_assessed_on"),
        ),
    )
    with op.batch_alter_table("cohort_reading", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cohort_reading_cohort_id"), ["cohort_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cohort_reading", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_reading_cohort_id"))

    op.drop_table("cohort_reading")
    with op.batch_alter_table("preregistration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preregistration_municipality_id"))

    op.drop_table("preregistration")
    with op.batch_alter_table("comparison_cohort", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_cohort_municipality_id"))

    op.drop_table("comparison_cohort")
