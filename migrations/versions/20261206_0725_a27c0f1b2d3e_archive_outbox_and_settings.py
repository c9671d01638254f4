"""archive: the outbox of arkivmeldinger and each municipality's archive settings (issue 27)

Revision ID: a27c0f1b2d3e
Revises: e2bbdf7dcf1b
Create Date: 2026-12-06 07:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "a27c0f1b2d3e"
down_revision: str | None = "e2bbdf7dcf1b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("administrative_unit", sa.String(length=150), nullable=False),
        sa.Column("classification_system", sa.String(length=50), nullable=False),
        sa.Column("class_id", sa.String(length=50), nullable=False),
        sa.Column("screening", sa.Boolean(), nullable=False),
        sa.Column("access_restriction", sa.String(length=20), nullable=False),
        sa.Column("screening_authority", sa.String(length=200), nullable=False),
        sa.Column("national_ids", sa.Boolean(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_archive_settings_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_settings")),
        sa.UniqueConstraint("municipality_id", name=op.f("uq_archive_settings_municipality_id")),
    )
    op.create_table(
        "archive_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "folder",
                "consent_given",
                "consent_withdrawn",
                "plan",
                "spending_decision",
                "team_change",
                "conclusion",
                "note",
                name="archive_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "sent",
                "received",
                "receipted",
                "failed",
                name="archive_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("archive_system_id", sa.String(length=100), nullable=True),
        sa.Column("journal_number", sa.String(length=50), nullable=True),
        sa.Column("document_name", sa.String(length=100), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_archive_record_family_id_family")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_archive_record_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_record")),
        sa.UniqueConstraint("key", name=op.f("uq_archive_record_key")),
    )
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_record_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_archive_record_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_archive_record_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_archive_record_message_id"), ["message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_record_message_id"))
        batch_op.drop_index(batch_op.f("ix_archive_record_state"))
        batch_op.drop_index(batch_op.f("ix_archive_record_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_archive_record_family_id"))

    op.drop_table("archive_record")
    op.drop_table("archive_settings")
