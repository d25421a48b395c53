"""Grow a store by copying its analysed articles with shifted dates: a 10,000-article store
for latency figures without ten times the ingestion time. SQLite only."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def replicate(path: Path, copies: int, shift_days: int = 41) -> int:
    """Append `copies - 1` copies of every article (and its sentences and mentions); returns the article count."""
    db = sqlite3.connect(path)
    with db:
        (articles,), (sentences,), (mentions,) = (
            db.execute(f"SELECT max(id) FROM {t}").fetchone() for t in ("articles", "sentences", "mentions")
        )
        for k in range(1, copies):
            days = f"+{k * shift_days} days"
            db.execute(
                "INSERT INTO articles (id, title, outlet, url, published, published_how, date_clue, origin, text,"
                " content_hash, ingested_at) SELECT id + ?, title, outlet, url || '#' || ?, date(published, ?),"
                " published_how, date_clue, origin, text, content_hash || ?, ingested_at FROM articles WHERE id <= ?",
                (k * articles, k, days, k, articles),
            )
            db.execute(
                "INSERT INTO sentences (id, article_id, position, text, event_start, event_end, date_expression,"
                " embedding) SELECT id + ?, article_id + ?, position, text, date(event_start, ?), date(event_end, ?),"
                " date_expression, embedding FROM sentences WHERE id <= ?",
                (k * sentences, k * articles, days, days, sentences),
            )
            db.execute(
                "INSERT INTO mentions (id, actor_id, sentence_id, article_id, surface, label) SELECT id + ?,"
                " actor_id, sentence_id + ?, article_id + ?, surface, label FROM mentions WHERE id <= ?",
                (k * mentions, k * sentences, k * articles, mentions),
            )
    count = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    return count
