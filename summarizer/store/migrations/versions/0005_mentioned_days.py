"""Every single day a sentence names, in any clause, beside its event date (the main clause's).

Timelines weigh a day by how much refers to it, in any clause, as Datewise does. Rows stored
before this revision have none until their articles are ingested again. A migration never
imports live analysis code.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite alters in place (a batch copy would cascade away every mention).
    op.add_column("sentences", sa.Column("mentioned_days", sa.String(400), nullable=True))


def downgrade() -> None:
    op.drop_column("sentences", "mentioned_days")
