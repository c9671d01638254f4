"""a family's external reference (the lab's own id, an import's `Referanse`) lives on the family,
unique in its municipality; the import's link table it came from goes (issue 25)

Revision ID: e25f0a1b2c3d
Revises: c25a1e0f7b21
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e25f0a1b2c3d"
down_revision: str | None = "c25a1e0f7b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("family") as batch:
        batch.add_column(sa.Column("external_reference", sa.String(length=100), nullable=True))
        batch.create_unique_constraint(
            batch.f("uq_family_municipality_id_external_reference"),
            ["municipality_id", "external_reference"],
        )
    op.execute(
        "UPDATE family SET external_reference = (SELECT external_reference FROM imported_family"
        " WHERE imported_family.family_id = family.id)"
        " WHERE id IN (SELECT family_id FROM imported_family)"
    )
    op.drop_table("imported_family")


def downgrade() -> None:
    op.create_table(
        "imported_family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("external_reference", sa.String(length=100), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_imported_family_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["import_run.id"], name=op.f("fk_imported_family_import_id_import_run")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_imported_family_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_family")),
        sa.UniqueConstraint("family_id", name=op.f("uq_imported_family_family_id")),
        sa.UniqueConstraint(
            "municipality_id",
            "external_reference",
            name=op.f("uq_imported_family_municipality_id_external_reference"),
        ),
    )
    # The link needs the import that made it: the newest real import of the municipality.
    op.execute(
        "INSERT INTO imported_family (municipality_id, external_reference, family_id, import_id)"
        " SELECT f.municipality_id, f.external_reference, f.id, (SELECT max(r.id) FROM import_run r"
        " WHERE r.municipality_id = f.municipality_id AND NOT r.dry_run)"
        " FROM family f WHERE f.external_reference IS NOT NULL"
    )
    with op.batch_alter_table("family") as batch:
        batch.drop_constraint(
            batch.f("uq_family_municipality_id_external_reference"), type_="unique"
        )
        batch.drop_column("external_reference")
