"""Sentences that tell of what is expected (a prediction or plan), apart from what happened.

Rows stored before this revision are marked not expected; re-ingesting an article analyses it
again. A migration never imports live analysis code.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default: SQLite alters in place. A batch (copy and
    # rename) of `sentences` would drop the old table, and with it, by cascade, every mention.
    op.add_column("sentences", sa.Column("expected", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("sentences", "expected")  # SQLite 3.35+ drops a column in place too
