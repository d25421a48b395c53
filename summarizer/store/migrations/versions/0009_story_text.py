"""What each sentence is on its page (story, heading, caption, byline, credit, dateline, link,
boilerplate), and each article's language.

Briefings, timelines and digests read only story sentences of analysed articles. Rows stored
before this revision are story sentences of English articles until `rescore` classifies them
(the store does that once, when it is migrated from before this revision). A migration never
imports live analysis code.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite alters in place (a batch copy of sentences would cascade away every mention).
    op.add_column("sentences", sa.Column("kind", sa.String(12), nullable=False, server_default="story"))
    op.add_column("articles", sa.Column("language", sa.String(12), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "language")
    op.drop_column("sentences", "kind")
