"""Who says each sentence: the speaker actor of a quotation or reported statement.

Set at ingestion from the dependency parse (the subject of "said", "told", "added", the object
of "according to"); rows stored before this revision get it from their stored mentions on the
rescore that follows the upgrade. A migration never imports live analysis code.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite alters in place (a batch copy would cascade away every mention).
    op.add_column("sentences", sa.Column("speaker_id", sa.Integer(), nullable=True))
    op.create_index("ix_sentences_speaker_id", "sentences", ["speaker_id"])


def downgrade() -> None:
    op.drop_index("ix_sentences_speaker_id", table_name="sentences")
    op.drop_column("sentences", "speaker_id")
