"""Saved assessments.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("healthcare_background", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("career_stage", sa.String(length=16), nullable=True),
        sa.Column("motivations", sa.String(length=400), nullable=False),
        sa.Column("research_aim", sa.String(length=32), nullable=True),
        sa.Column("workplace", sa.String(length=16), nullable=True),
        sa.Column("recommended", sa.String(length=16), nullable=True),
        sa.Column("confidence", sa.String(length=16), nullable=True),
        sa.Column("evidence_version", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("delete_token_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assessment_created_at", "assessment", ["created_at"])
    op.create_index("ix_assessment_origin", "assessment", ["origin"])


def downgrade() -> None:
    op.drop_index("ix_assessment_origin", table_name="assessment")
    op.drop_index("ix_assessment_created_at", table_name="assessment")
    op.drop_table("assessment")
