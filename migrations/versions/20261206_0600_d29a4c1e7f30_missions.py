"""missions: a target with a deadline over several municipalities' families, its target
versions and steering log, and the mission report kind (issue 29)

Revision ID: d29a4c1e7f30
Revises: e7a5c1d9b3f2
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "d29a4c1e7f30"
down_revision: str | None = "e7a5c1d9b3f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("family", "portfolio", "audit", "access")
NEW_KINDS = (*OLD_KINDS, "mission")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade() -> None:
    op.create_table(
        "mission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "indicator",
            sa.Enum(
                "share_stable_or_better",
                "lasting_moves",
                "families",
                name="mission_indicator",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_mission_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user_account.id"], name=op.f("fk_mission_owner_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mission")),
    )
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mission_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "mission_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "continue",
                "adjust",
                "stop",
                name="mission_decision_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("target_version", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_mission_decision_decided_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["mission.id"],
            name=op.f("fk_mission_decision_mission_id_mission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mission_decision")),
    )
    with op.batch_alter_table("mission_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mission_decision_mission_id"), ["mission_id"], unique=False
        )

    op.create_table(
        "mission_municipality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["mission.id"],
            name=op.f("fk_mission_municipality_mission_id_mission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_mission_municipality_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mission_municipality")),
        sa.UniqueConstraint(
            "mission_id",
            "municipality_id",
            name=op.f("uq_mission_municipality_mission_id_municipality_id"),
        ),
    )
    with op.batch_alter_table("mission_municipality", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mission_municipality_mission_id"), ["mission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mission_municipality_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "mission_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("baseline_on", sa.Date(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("target_by", sa.Date(), nullable=False),
        sa.Column("shown_in_report", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "baseline_on < target_by", name=op.f("ck_mission_target_baseline_before_target")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_mission_target_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["mission.id"],
            name=op.f("fk_mission_target_mission_id_mission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mission_target")),
        sa.UniqueConstraint(
            "mission_id", "version", name=op.f("uq_mission_target_mission_id_version")
        ),
    )
    with op.batch_alter_table("mission_target", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mission_target_mission_id"), ["mission_id"], unique=False
        )
    with op.batch_alter_table("issued_report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_issued_report_report_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_issued_report_report_kind"), _kinds(NEW_KINDS))


def downgrade() -> None:
    with op.batch_alter_table("issued_report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_issued_report_report_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_issued_report_report_kind"), _kinds(OLD_KINDS))
    with op.batch_alter_table("mission_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mission_target_mission_id"))

    op.drop_table("mission_target")
    with op.batch_alter_table("mission_municipality", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mission_municipality_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_mission_municipality_mission_id"))

    op.drop_table("mission_municipality")
    with op.batch_alter_table("mission_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mission_decision_mission_id"))

    op.drop_table("mission_decision")
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mission_owner_id"))

    op.drop_table("mission")
