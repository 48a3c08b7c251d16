"""Programmes and usage counts: which programme a saved result was for, and the weekly counts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Results saved before programmes were have none: they were the default programme's.
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("programme", sa.String(length=40), nullable=True))
        batch.create_index("ix_assessment_programme", ["programme"])
    op.create_table(
        "usage_count",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("programme", sa.String(length=40), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "programme", "origin", "event", "detail"),
    )


def downgrade() -> None:
    op.drop_table("usage_count")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index("ix_assessment_programme")
        batch.drop_column("programme")
