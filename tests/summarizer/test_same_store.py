"""SQLite and PostgreSQL store the same thing (issue 11, item 6).

PostgreSQL refuses text SQLite takes (NUL characters, strings over a column's length); the
inputs are normalised before storage so that both databases end up holding the same rows.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from summarizer.ingest import Ingestor
from summarizer.settings import Settings
from summarizer.store.db import Store
from summarizer.store.models import Article, Sentence
from tests.fakes import FakeEncoder

pytestmark = pytest.mark.slow

ODD = [
    {"url": "https://odd.example/nul", "title": "A title with a NUL\x00 and a tab\there",
     "text": "Kremlin spokesman Dmitry Peskov\x00 said on Wednesday that Russia welcomed the talks.\x00"},
    {"url": "https://odd.example/long", "title": "Very long title " * 50, "outlet": "An outlet " * 40,
     "text": "Mao Ning said China maintains communication with Ukraine.\x07 She said more talks were planned."},
]


def _stored(url: str, inputs: list[str], nlp) -> tuple[list, list]:
    settings = Settings.load().replace(database_url=url)
    store = Store(url)
    try:
        report = Ingestor(store, settings, FakeEncoder(), nlp=nlp).ingest(inputs)
        with store.session() as session:
            articles = session.execute(select(Article.url, Article.title, Article.outlet, Article.text).order_by(Article.url)).all()
            sentences = session.execute(select(Sentence.text).order_by(Sentence.article_id, Sentence.position)).all()
    finally:
        store.close()
    return [tuple(a) for a in articles], [s for (s,) in sentences], report


def test_odd_text_is_stored_and_stored_the_same_on_sqlite_and_postgresql(postgres_server, tmp_path, nlp):
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(json.dumps(article) for article in ODD))
    on_sqlite = _stored(f"sqlite:///{tmp_path / 'odd.db'}", [str(path)], nlp)
    on_postgres = _stored(postgres_server.new_url(), [str(path)], nlp)

    for articles, sentences, report in (on_sqlite, on_postgres):
        assert report.rejected == [] and len(report.stored) == 2
        for _, title, outlet, text in articles:
            assert "\x00" not in title + (outlet or "") + text and len(title) <= 500 and len(outlet or "") <= 200
        assert not any("\x00" in s for s in sentences)
    assert on_sqlite[:2] == on_postgres[:2]
