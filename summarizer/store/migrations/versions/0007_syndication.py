"""Syndicated copies: an article's story (cluster_id) and MinHash signature, the signature's band
keys (article_bands), and sentences already stored in an earlier copy (sentences.copied).

Rows stored before this revision copy nothing (cluster_id NULL reads as the article itself) until
their articles are ingested again. A migration never imports live analysis code.

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("cluster_id", sa.Integer(), nullable=True))
    op.add_column("articles", sa.Column("signature", sa.LargeBinary(), nullable=True))
    op.create_index("ix_articles_cluster_id", "articles", ["cluster_id"])
    # A plain ADD COLUMN: SQLite alters in place (a batch copy would cascade away every mention).
    op.add_column("sentences", sa.Column("copied", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "article_bands",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("band", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_article_bands_article_id", "article_bands", ["article_id"])
    op.create_index("ix_article_bands_band", "article_bands", ["band"])


def downgrade() -> None:
    op.drop_index("ix_article_bands_band", "article_bands")
    op.drop_index("ix_article_bands_article_id", "article_bands")
    op.drop_table("article_bands")
    op.drop_column("sentences", "copied")
    op.drop_index("ix_articles_cluster_id", "articles")
    op.drop_column("articles", "signature")
    op.drop_column("articles", "cluster_id")
