"""privacy (issue 14): signed audit checkpoints, retention periods, legal holds, sweeps,
anonymised families, member protection, notes given in confidence, access requests; the
report kind "access"

Revision ID: b7e2c4a9d3f1
Revises: 5e1d0c1a7b13
Create Date: 2026-11-27 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c4a9d3f1"
down_revision: str | None = "5e1d0c1a7b13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("family", "portfolio", "audit")
NEW_KINDS = (*OLD_KINDS, "access")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_checkpoint_at"), ["at"], unique=False)

    op.create_table(
        "retention_policy",
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column(
            "set_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("years BETWEEN 1 AND 100", name=op.f("ck_retention_policy_years_range")),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"],
            name=op.f("fk_retention_policy_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by"], ["user_account.id"], name=op.f("fk_retention_policy_set_by_user_account")
        ),
        sa.PrimaryKeyConstraint("municipality_id", name=op.f("pk_retention_policy")),
    )
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.Integer(), nullable=True),
        sa.Column(
            "placed_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("released_by", sa.Integer(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_legal_hold_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["placed_by"], ["user_account.id"], name=op.f("fk_legal_hold_placed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["released_by"], ["user_account.id"],
            name=op.f("fk_legal_hold_released_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_hold_family_id"), ["family_id"], unique=False)
    op.create_table(
        "retention_sweep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("run_by", sa.Integer(), nullable=True),
        sa.Column(
            "started_at", sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False,
        ),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_by"], ["user_account.id"], name=op.f("fk_retention_sweep_run_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_sweep")),
    )
    op.create_table(
        "anonymised_family",
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("sweep_id", sa.Integer(), nullable=False),
        sa.Column(
            "anonymised_at", sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_anonymised_family_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sweep_id"], ["retention_sweep.id"],
            name=op.f("fk_anonymised_family_sweep_id_retention_sweep"),
        ),
        sa.PrimaryKeyConstraint("family_id", name=op.f("pk_anonymised_family")),
    )
    op.create_table(
        "member_protection",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "protection",
            sa.Enum(
                "none", "confidential", "strictly_confidential", name="member_protection",
                native_enum=False, create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("location_agency_ids", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["family_member.id"],
            name=op.f("fk_member_protection_member_id_family_member"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"],
            name=op.f("fk_member_protection_recorded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_protection")),
    )
    op.create_table(
        "confidential_note",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("child_member_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["child_member_id"], ["family_member.id"],
            name=op.f("fk_confidential_note_child_member_id_family_member"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["progress_note.id"],
            name=op.f("fk_confidential_note_note_id_progress_note"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"],
            name=op.f("fk_confidential_note_recorded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("note_id", name=op.f("pk_confidential_note")),
    )
    with op.batch_alter_table("confidential_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_confidential_note_child_member_id"), ["child_member_id"], unique=False
        )
    op.create_table(
        "access_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("package_json", sa.Text(), nullable=True),
        sa.Column("json_sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False,
        ),
        sa.CheckConstraint(
            "channel IN ('lead', 'received')", name=op.f("ck_access_request_known_channel")
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_access_request_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["family_member.id"],
            name=op.f("fk_access_request_member_id_family_member"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["issued_report.id"],
            name=op.f("fk_access_request_report_id_issued_report"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["user_account.id"],
            name=op.f("fk_access_request_requested_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request")),
    )
    with op.batch_alter_table("access_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_request_family_id"), ["family_id"], unique=False
        )
    with op.batch_alter_table("issued_report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_issued_report_report_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_issued_report_report_kind"), _kinds(NEW_KINDS))


def downgrade() -> None:
    with op.batch_alter_table("issued_report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_issued_report_report_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_issued_report_report_kind"), _kinds(OLD_KINDS))
    op.drop_table("access_request")
    op.drop_table("confidential_note")
    op.drop_table("member_protection")
    op.drop_table("anonymised_family")
    op.drop_table("retention_sweep")
    op.drop_table("legal_hold")
    op.drop_table("retention_policy")
    op.drop_table("audit_checkpoint")
