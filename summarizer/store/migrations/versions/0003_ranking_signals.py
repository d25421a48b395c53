"""Ranking signals stored at ingestion: sentence quality and named-actor count, mention prominence and speaker.

Rows stored before this revision get neutral defaults here; a migration never imports live
scoring code (replaying it later would give other data). The services rescore such a store
when they open it (`Store.needs_rescore`), as `storybot rescore` does on demand.

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


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("speaker")
        batch.drop_column("prominence")
    with op.batch_alter_table("sentences") as batch:
        batch.drop_column("named")
        batch.drop_column("quality")
