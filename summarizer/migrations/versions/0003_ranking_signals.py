"""Ranking signals stored at ingestion: sentence quality and named-actor count, mention prominence and speaker.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sentences") as batch:
        batch.add_column(sa.Column("quality", sa.Float(), nullable=False, server_default="0.5"))
        batch.add_column(sa.Column("named", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("prominence", sa.Float(), nullable=False, server_default="0.5"))
        batch.add_column(sa.Column("speaker", sa.Boolean(), nullable=False, server_default=sa.false()))
    _backfill()


def _backfill() -> None:
    """Compute the signals for rows stored before this revision, with the same functions ingestion uses."""
    from summarizer.scoring import prominence, quality, speaks

    bind = op.get_bind()
    sentences = bind.execute(sa.text("SELECT id, text FROM sentences")).all()
    for sid, text in sentences:
        bind.execute(sa.text("UPDATE sentences SET quality = :q WHERE id = :id"), {"q": quality(text), "id": sid})
    bind.execute(
        sa.text(
            "UPDATE sentences SET named = (SELECT count(*) FROM mentions m JOIN actors a ON a.id = m.actor_id"
            " WHERE m.sentence_id = sentences.id AND a.kind != 'place')"
        )
    )
    rows = bind.execute(
        sa.text("SELECT m.id, m.surface, m.label, s.text FROM mentions m JOIN sentences s ON s.id = m.sentence_id")
    ).all()
    for mid, surface, label, text in rows:
        bind.execute(
            sa.text("UPDATE mentions SET prominence = :p, speaker = :s WHERE id = :id"),
            {"p": prominence(text, surface, label), "s": speaks(text, surface), "id": mid},
        )


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("speaker")
        batch.drop_column("prominence")
    with op.batch_alter_table("sentences") as batch:
        batch.drop_column("named")
        batch.drop_column("quality")
