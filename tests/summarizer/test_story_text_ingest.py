"""Only story sentences reach an answer; articles not in English are stored, marked, not analysed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from summarizer import writes
from summarizer.briefings import BriefingService
from summarizer.ingest import Ingestor
from summarizer.settings import Settings
from summarizer.store import actors as actor_store
from summarizer.store.db import Store, upgrade
from summarizer.store.models import Article, Sentence
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

RUSSIAN = (
    "Президент прибыл в столицу в среду утром и провёл переговоры с премьер-министром. "
    "Стороны обсудили торговлю, энергетику и безопасность в регионе. "
    "По итогам встречи было подписано несколько соглашений о сотрудничестве."
)
CHINESE = "国家主席星期三抵达首都，与总理举行了会谈。双方讨论了贸易、能源和地区安全问题。会后双方签署了多项合作协议。"


def stored_kinds(store: Store) -> dict[str, str]:
    """Each stored sentence's kind, by its text."""
    with store.session() as session:
        return {text: kind for text, kind in session.execute(select(Sentence.text, Sentence.kind))}


def _article(folder: Path, name: str, body: str, outlet: str = "Example Daily", published: str = "2025-05-07") -> Path:
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: {name}\noutlet: {outlet}\npublished: {published}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'store.db'}")
    yield s
    s.close()


@pytest.fixture
def ingestor(store, nlp):
    return Ingestor(store, Settings.load(env={}), FakeEncoder(), nlp=nlp)


def test_an_article_not_in_english_is_stored_marked_and_not_analysed(ingestor, store, tmp_path):
    report = ingestor.ingest(
        [str(_article(tmp_path, "ru", RUSSIAN)), str(_article(tmp_path, "zh", CHINESE)), str(ROOT / "seeds")]
    )
    assert len(report.stored) == 7 and not report.rejected
    assert sorted((u.language, u.line) for u in report.unanalysed) == [
        ("ru", "stored, not analysed: Russian"),
        ("zh", "stored, not analysed: Chinese"),
    ]
    with store.session() as session:
        languages = {a: b for a, b in session.execute(select(Article.title, Article.language))}
        foreign = session.scalars(select(Article.id).where(Article.language.in_(["ru", "zh"]))).all()
        assert not session.scalars(select(Sentence.id).where(Sentence.article_id.in_(foreign))).all()
    assert languages["ru"] == "ru" and languages["zh"] == "zh"
    assert sum(lang == "en" for lang in languages.values()) == 5
    service = BriefingService(store, FakeEncoder(), today=lambda: date(2026, 11, 22))
    day = service.brief("7 May 2025")
    assert day.items and not any(any("\u0400" <= ch <= "\u04ff" for ch in it.text) for it in day.items)


def test_a_query_in_another_script_gets_a_clear_answer(seeded_store):
    service = BriefingService(seeded_store, FakeEncoder(), today=lambda: date(2026, 11, 22))
    for query in ("习近平", "Путин"):
        answer = service.brief(query)
        assert answer.kind == "none" and not answer.items
        assert "script" in answer.note and "English" in answer.note
        assert service.timeline(query).kind == "none"
    assert "Chinese script" in service.brief("习近平").note


def test_headings_and_credits_are_stored_but_never_shown(seeded_store):
    kinds = stored_kinds(seeded_store)
    assert kinds["Drone Barrage Hits"] == "heading" and kinds["Moscow"] == "heading"
    assert kinds["Photo by Lintao Zhang/Getty Images"] == "credit"
    hidden = {t for t, k in kinds.items() if k != "story"}
    service = BriefingService(seeded_store, FakeEncoder(), today=lambda: date(2026, 11, 22))
    answers = [service.brief(q, long=True) for q in ("moscow", "xi", "putin", "7 May 2025", "drone")]
    answers += [service.timeline(), service.timeline("moscow"), service.digest(None, long=True)]
    shown = [it.text for a in answers for it in a.items]
    assert shown and not [t for t in shown if any(h == t or t.startswith(h + " ") for h in hidden)]


def test_a_line_an_outlet_repeats_across_different_articles_is_boilerplate_but_copies_are_not(ingestor, store, tmp_path):
    line = "Have you been affected by these events?"
    for i in range(5):  # five different stories, one outlet, one line in common
        _article(tmp_path, f"story{i}", f"Officials in region {i} said the road reopened. {line} Repairs took {i + 2} weeks.")
    copy = "The council approved the budget on Monday. It funds {} new schools. Members argued for hours. The vote was close."
    for i in range(4):  # one story republished four times, one line changed each time
        _article(tmp_path, f"copy{i}", copy.format(i + 10), outlet="Copy Times")
    report = ingestor.ingest([str(tmp_path)])
    assert len(report.stored) == 9 and report.boilerplate == 5
    with store.session() as session:
        kinds = session.execute(select(Sentence.text, Sentence.kind)).all()
    assert {k for t, k in kinds if t == line} == {"boilerplate"}
    assert {k for t, k in kinds if t != line} == {"story"}


def test_a_store_from_before_the_kinds_gets_them_by_rescoring(tmp_path, nlp):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    Ingestor(old, Settings.load(env={}), FakeEncoder(), nlp=nlp).ingest([str(ROOT / "seeds")])
    with old.session() as session:  # rows as a store before revision 0009 holds them
        session.execute(update(Sentence).values(kind="story"))
    old.close()
    with Store(url, migrate=False).engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0008'")
        conn.exec_driver_sql("ALTER TABLE sentences DROP COLUMN kind")
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN language")
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN analysis")  # and what 0010 added
        conn.exec_driver_sql("DROP TABLE store_state")
    reopened = Store(url)
    assert reopened.migrated_from == "0008" and reopened.needs_rescore
    with reopened.session() as session:
        writes.rescore(session)
    kinds = stored_kinds(reopened)
    assert kinds["Moscow"] == "heading" and kinds["Photo by Lintao Zhang/Getty Images"] == "credit"
    reopened.close()


def test_readers_comments_are_stored_as_comments_and_a_rescore_brings_changed_rules_to_a_built_store(
    ingestor, store, tmp_path
):
    post = (
        "The river rose two metres overnight in the lower town. Engineers opened the sluice gates at dawn. "
        "At 11:02 am on 05 Mar 2021, riverwatcher wrote: Halvard Quist should resign over the gates. "
        "Nobody listens to the people who live here. "
        "At 11:40 am on 05 Mar 2021, Kay_B wrote: My sister Ottilie Brandvold had to leave at midnight."
    )
    _article(tmp_path, "post", post, published="2021-03-05")
    ingestor.ingest([str(tmp_path)])
    stored = stored_kinds(store)
    assert stored["Engineers opened the sluice gates at dawn."] == "story"
    assert stored["Nobody listens to the people who live here."] == "comment"
    assert sum(k == "comment" for k in stored.values()) == 3
    service = BriefingService(store, FakeEncoder(), today=lambda: date(2026, 11, 22))
    shown = [it.text for it in service.brief("5 March 2021", long=True).items]
    assert shown and not [t for t in shown if "wrote" in t or "listens" in t]
    assert not service.brief("Halvard Quist").items  # a name in a comment has no mention to show

    with store.session() as session:  # a store built before the rule: its comments were story sentences
        session.execute(update(Sentence).values(kind="story"))
    with store.session() as session:
        writes.rescore(session)
    assert stored_kinds(store) == stored


def test_an_actor_named_only_in_sentences_re_marked_as_not_story_is_no_longer_counted(ingestor, store, tmp_path):
    body = (
        "Mayor Ottilie Brandvold opened the new bridge over the river on Friday. "
        "Engineers said the bridge would carry four thousand cars a day."
    )
    _article(tmp_path, "bridge", body, published="2021-03-05")
    ingestor.ingest([str(tmp_path)])

    def counted() -> dict[str, int]:
        with store.session() as session:
            return {row.name: row.mentions for row in actor_store.actor_rows(session)}

    assert counted().get("Ottilie Brandvold") == 1
    with store.session() as session:  # a rescore re-marks the sentence: a rule now calls it a comment
        session.execute(update(Sentence).where(Sentence.text.like("Mayor%")).values(kind="comment"))
    assert counted().get("Ottilie Brandvold", 0) == 0
    with store.session() as session:  # and back: the mention was kept, so a later rule can restore it
        session.execute(update(Sentence).where(Sentence.text.like("Mayor%")).values(kind="story"))
    assert counted().get("Ottilie Brandvold") == 1
