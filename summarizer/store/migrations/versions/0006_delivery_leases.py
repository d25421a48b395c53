"""Delivery leases: a digest slot or a post is claimed for a while, and recorded as sent only after it went.

A claim names its claimant (one bot process) and holds until `lease_until`; a claim whose lease
ran out unsent is taken over by the next run, in this process or another. Deliveries stored
before this revision carry no lease: they were sent. A migration never imports live code.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (in place on SQLite, no table copy).
    op.add_column("chat_subscriptions", sa.Column("claimed_slot", sa.DateTime(timezone=True), nullable=True))
    op.add_column("chat_subscriptions", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("chat_subscriptions", sa.Column("claimed_by", sa.String(64), nullable=True))
    op.add_column("chat_subscriptions", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("deliveries", sa.Column("claimed_by", sa.String(64), nullable=True))
    op.add_column("deliveries", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("deliveries", "lease_until")
    op.drop_column("deliveries", "claimed_by")
    op.drop_column("chat_subscriptions", "lease_until")
    op.drop_column("chat_subscriptions", "claimed_by")
    op.drop_column("chat_subscriptions", "claimed_at")
    op.drop_column("chat_subscriptions", "claimed_slot")
