"""Which analysis each article's rows come from, and a generation that counts rewrites.

`articles.analysis` is a stamp of the analysis code and models that made the article's
sentences and mentions. Articles stored before this revision have none, so they count as
analysed by another version until `storybot reanalyse` analyses their stored text again.
`store_state` holds the store's generation, raised whenever stored rows are rewritten in place
(reanalysis, rescoring), so that a running bot's caches see the change. A migration never
imports live analysis code.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite alters in place (a batch copy would cascade away every sentence).
    op.add_column("articles", sa.Column("analysis", sa.String(16), nullable=True))
    op.create_table(
        "store_state",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_state")
    op.drop_column("articles", "analysis")
