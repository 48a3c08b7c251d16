"""A saved result keeps its answers whole, as one JSON value, instead of a column per answer.

So that a question added to the profile is saved without a migration of its own. Existing
rows keep every answer: each row's columns are written into the JSON value before they go.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The answers 0001 kept in columns of their own, with their types there.
COLUMNS: dict[str, sa.types.TypeEngine] = {
    "audience": sa.String(length=16),
    "healthcare_background": sa.Boolean(),
    "role": sa.String(length=32),
    "career_stage": sa.String(length=16),
    "motivations": sa.String(length=400),
    "research_aim": sa.String(length=32),
    "workplace": sa.String(length=16),
}
# Written in pieces, so a large table is never held in memory at once.
BATCH = 1000


def _table(*columns: str) -> sa.Table:
    # The table as this migration sees it: not the model's, which moves on with later revisions.
    types = {"id": sa.Uuid(), "answers": sa.JSON(), **COLUMNS}
    return sa.table("assessment", *(sa.column(name, types[name]) for name in columns))


def _rewrite(read: sa.Table, write: sa.Table, convert) -> None:
    bind = op.get_bind()
    key = read.c.id
    last = None
    while True:
        query = sa.select(read).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        rows = bind.execute(query).mappings().all()
        if not rows:
            return
        for row in rows:
            bind.execute(
                sa.update(write).where(write.c.id == row["id"]).values(**convert(dict(row)))
            )
        last = rows[-1]["id"]


def _to_answers(row: dict) -> dict:
    answers = {name: row[name] for name in COLUMNS}
    answers["motivations"] = [m for m in (row["motivations"] or "").split(",") if m]
    return {"answers": answers}


def _to_columns(row: dict) -> dict:
    answers = row["answers"] or {}
    values = {name: answers.get(name) for name in COLUMNS}
    values["motivations"] = ",".join(answers.get("motivations") or ())
    values["audience"] = answers.get("audience") or "self"
    values["healthcare_background"] = bool(answers.get("healthcare_background"))
    return values


def upgrade() -> None:
    op.add_column("assessment", sa.Column("answers", sa.JSON(), nullable=True))
    _rewrite(_table("id", *COLUMNS), _table("id", "answers"), _to_answers)
    # SQLite cannot drop columns or change nullability in place: batch mode copies the table.
    with op.batch_alter_table("assessment") as batch:
        batch.alter_column("answers", existing_type=sa.JSON(), nullable=False)
        for name in COLUMNS:
            batch.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        for name, kind in COLUMNS.items():
            batch.add_column(sa.Column(name, kind, nullable=True))
    _rewrite(_table("id", "answers"), _table("id", *COLUMNS), _to_columns)
    with op.batch_alter_table("assessment") as batch:
        for name in ("audience", "healthcare_background", "motivations"):
            batch.alter_column(name, existing_type=COLUMNS[name], nullable=False)
        batch.drop_column("answers")
