"""Plans made together: a supervisor's and a colleague's answers, apart until both are done.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supervisor_token_hash", sa.String(length=64), nullable=False),
        sa.Column("colleague_token_hash", sa.String(length=64), nullable=False),
        sa.Column("supervisor_answers", sa.JSON(), nullable=True),
        sa.Column("colleague_answers", sa.JSON(), nullable=True),
        sa.Column("supervisor_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("colleague_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_expires_at", "plan", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_plan_expires_at", table_name="plan")
    op.drop_table("plan")
