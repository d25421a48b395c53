"""`storybot reanalyse`: stored articles analysed again from their stored text, in place."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from summarizer import ingest as ingest_module
from summarizer.briefings import BriefingService
from summarizer.ingest import Ingestor, _stamp, analysis_stamp
from summarizer.settings import Settings
from summarizer.store import articles as article_store
from summarizer.store.db import Store
from summarizer.store.models import Actor, Alias, Article, Delivery, Mention, Sentence
from summarizer.store.state import generation
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def snapshot(store: Store) -> dict[str, tuple]:
    """What analysis stored for each article, by origin: its sentences' fields and its mentions."""
    with store.session() as session:
        names = dict(session.execute(select(Actor.id, Actor.name)).all())
        out: dict[str, tuple] = {}
        for article_id, origin in session.execute(select(Article.id, Article.origin)):
            rows = session.execute(
                select(
                    Sentence.position, Sentence.text, Sentence.event_start, Sentence.event_end, Sentence.expected,
                    Sentence.kind, Sentence.quality, Sentence.named, Sentence.copied, Sentence.speaker_id,
                    Sentence.date_expression, Sentence.mentioned_days,
                )
                .where(Sentence.article_id == article_id)
                .order_by(Sentence.position)
            ).all()
            sentences = tuple((*r[:9], names.get(r[9]), *r[10:]) for r in rows)
            mentions = sorted(
                (position, names[actor], surface, label, speaker)
                for position, actor, surface, label, speaker in session.execute(
                    select(Sentence.position, Mention.actor_id, Mention.surface, Mention.label, Mention.speaker)
                    .join(Sentence, Sentence.id == Mention.sentence_id)
                    .where(Mention.article_id == article_id)
                )
            )
            out[origin] = (sentences, tuple(mentions))
        return out


def _store(tmp_path: Path, name: str) -> Store:
    return Store(f"sqlite:///{tmp_path / name}")


@pytest.fixture
def fresh(tmp_path, nlp):
    """The seeds, ingested by today's analysis: what reanalysis must come back to."""
    store = _store(tmp_path, "fresh.db")
    Ingestor(store, Settings.load(env={}), FakeEncoder(), nlp=nlp).ingest([str(ROOT / "seeds")])
    yield store
    store.close()


@pytest.fixture
def ingestor(store, nlp):
    return Ingestor(store, Settings.load(env={}), FakeEncoder(), nlp=nlp)


def age(store: Store) -> int:
    """Make the store look analysed by an older storybot: no stamps, wrong dates and marks, a
    lost mention, a name the analysis never read; returns the id of the article with a delivery."""
    with store.session() as session:
        first = session.scalar(select(func.min(Article.id)))
        session.execute(update(Article).values(analysis=None))
        session.execute(update(Sentence).values(event_start=date(2000, 1, 1), event_end=date(2000, 1, 1), expected=True))
        session.execute(delete(Mention).where(Mention.article_id == first))
        ghost = Actor(name="Nobody Real", kind="person", origin="learned")
        session.add(ghost)
        session.flush()
        session.add(Alias(actor_id=ghost.id, key="nobody real", surface="Nobody Real", kind="name"))
        some = session.scalar(select(Sentence.id).where(Sentence.article_id == first + 1).limit(1))
        session.add(Mention(actor_id=ghost.id, sentence_id=some, article_id=first + 1, surface="Nobody Real",
                            label="PERSON", prominence=0.5, speaker=False))
        session.add(Delivery(chat_id=42, article_id=first, delivered_at=datetime(2025, 5, 8, tzinfo=UTC)))
    return first


def test_a_fresh_ingest_is_stamped_and_nothing_is_stale(ingestor):
    ingestor.ingest([str(ROOT / "seeds")])
    assert ingestor.stale() == (0, 5)
    report = ingestor.reanalyse()
    assert not report.stored and not report.rejected


def test_reanalysis_puts_back_what_todays_analysis_stores_and_keeps_the_articles(ingestor, store, fresh):
    ingestor.ingest([str(ROOT / "seeds")])
    with store.session() as session:
        before = dict(session.execute(select(Article.id, Article.ingested_at)).all())
        old_sentences = set(session.scalars(select(Sentence.id)))
    delivered = age(store)
    assert ingestor.stale() == (5, 5)
    assert snapshot(store) != snapshot(fresh)

    report = ingestor.reanalyse()

    assert len(report.stored) == 5 and not report.rejected
    assert ingestor.stale() == (0, 5)
    assert snapshot(store) == snapshot(fresh)
    with store.session() as session:
        assert dict(session.execute(select(Article.id, Article.ingested_at)).all()) == before  # ids and times kept
        assert session.scalar(select(Delivery.article_id)) == delivered  # what was posted stays posted
        assert not session.scalar(select(Actor.id).where(Actor.name == "Nobody Real"))  # named by nothing now
        assert not old_sentences & set(session.scalars(select(Sentence.id)))  # rows replaced, not patched
        assert generation(session) == 1


def test_only_the_articles_another_version_analysed_are_analysed_again(ingestor, store):
    ingestor.ingest([str(ROOT / "seeds")])
    with store.session() as session:
        last = session.scalar(select(func.max(Article.id)))
        kept = set(session.scalars(select(Sentence.id).where(Sentence.article_id != last)))
        session.execute(update(Article).where(Article.id == last).values(analysis="an older one"))
    assert ingestor.stale() == (1, 5)
    report = ingestor.reanalyse()
    assert [s.article_id for s in report.stored] == [last]
    with store.session() as session:
        assert set(session.scalars(select(Sentence.id).where(Sentence.article_id != last))) == kept
    assert len(ingestor.reanalyse(everything=True).stored) == 5


def test_an_article_that_no_longer_analyses_keeps_its_rows_and_is_named(ingestor, store, monkeypatch):
    ingestor.ingest([str(ROOT / "seeds")])
    with store.session() as session:
        session.execute(update(Article).values(analysis=None))
    before = snapshot(store)
    broken = sorted(before)[2]
    real = ingest_module.analyse_doc

    def analyse_doc(doc, published, seconds=None):
        if doc.text.startswith(_text(store, broken)[:200]):
            raise ValueError("year -4989 is out of range")
        return real(doc, published, seconds)

    monkeypatch.setattr(ingest_module, "analyse_doc", analyse_doc)
    report = ingestor.reanalyse()
    assert [(r.origin, r.reason) for r in report.rejected] == [(broken, "analysis failed: year -4989 is out of range")]
    assert len(report.stored) == 4
    assert snapshot(store)[broken] == before[broken]
    assert ingestor.stale() == (1, 5)  # still to do, for a later version that can


def _text(store: Store, origin: str) -> str:
    with store.session() as session:
        return session.scalar(select(Article.text).where(Article.origin == origin))


def test_copies_keep_their_story_and_copied_sentences(ingestor, store, tmp_path):
    seed = min((ROOT / "seeds").iterdir()).read_text(encoding="utf-8")
    copy = tmp_path / "copy.md"
    head, body = seed.split("\n---\n", 1)
    copy.write_text(
        head + "\noutlet: Other Wire\n---\n" + body
        + "\n\nThe wire added this closing paragraph about the talks, which the first outlet did not print.\n",
        encoding="utf-8",
    )
    report = ingestor.ingest([str(ROOT / "seeds"), str(copy)])
    assert len(report.stored) == 6, report.rejected
    before = snapshot(store)
    copied = [s for s in before[str(copy)][0] if s[8]]
    assert copied, "the copy's sentences of the first outlet's story are marked copied"
    with store.session() as session:
        clusters = dict(session.execute(select(Article.origin, Article.cluster_id)).all())
    ingestor.reanalyse(everything=True)
    assert snapshot(store) == before
    with store.session() as session:
        assert dict(session.execute(select(Article.origin, Article.cluster_id)).all()) == clusters


def test_a_running_service_sees_the_rewritten_rows(ingestor, store):
    ingestor.ingest([str(ROOT / "seeds")])
    service = BriefingService(store, FakeEncoder(), today=lambda: date(2025, 5, 10))
    first = service.brief("xi")
    with store.session() as session:
        version = article_store.corpus_version(session)
        service._vectors.refresh(session)  # as a topic query loads them
    loaded = set(service._vectors.ids.tolist())
    ingestor.reanalyse(everything=True)
    with store.session() as session:
        assert article_store.corpus_version(session) != version  # briefing and catalog caches let go
        current = set(session.scalars(select(Sentence.id)))
    assert service.brief("xi") is not first  # answered again, not from the cache
    service.refresh()  # as after storing articles
    assert loaded and set(service._vectors.ids.tolist()) <= current and not loaded & current  # vectors loaded again


def test_rescoring_also_lets_the_caches_go(ingestor, store):
    ingestor.ingest([str(ROOT / "seeds")])
    with store.session() as session:
        version = article_store.corpus_version(session)
    ingestor.rescore()
    with store.session() as session:
        assert article_store.corpus_version(session) != version


def test_the_stamp_follows_the_analysis_code_and_models(tmp_path, monkeypatch):
    package = tmp_path / "stamped"
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "rules.py"
    module.write_text("LIMIT = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings = Settings.load(env={})
    first = analysis_stamp(settings, ("stamped.rules",))
    assert analysis_stamp(settings, ("stamped.rules",)) == first and len(first) == 16
    module.write_text("LIMIT = 2\n")
    _stamp.cache_clear()  # a process reads its code once; a new version is a new process
    assert analysis_stamp(settings, ("stamped.rules",)) != first
    assert analysis_stamp(settings.replace(spacy_model="en_core_web_lg"), ("stamped.rules",)) != analysis_stamp(
        settings, ("stamped.rules",)
    )
    actors = tmp_path / "actors.toml"
    actors.write_text((settings.actors_path).read_text(encoding="utf-8"), encoding="utf-8")
    mine = settings.replace(actors_file=str(actors))
    assert analysis_stamp(mine, ("stamped.rules",)) == analysis_stamp(settings, ("stamped.rules",))  # same bytes
    actors.write_text(actors.read_text(encoding="utf-8") + '\n# an alias added\n', encoding="utf-8")
    _stamp.cache_clear()
    assert analysis_stamp(mine, ("stamped.rules",)) != analysis_stamp(settings, ("stamped.rules",))
    with pytest.raises(LookupError):
        analysis_stamp(settings, ("stamped.missing",))
    assert analysis_stamp(settings) == analysis_stamp(settings)  # the real modules all have source


def test_a_store_from_before_stamps_counts_as_another_versions_until_reanalysed(tmp_path, nlp, fresh):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    Ingestor(old, Settings.load(env={}), FakeEncoder(), nlp=nlp).ingest([str(ROOT / "seeds")])
    old.close()
    with Store(url, migrate=False).engine.begin() as conn:  # as revision 0009 left it
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0009'")
        conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN analysis")
        conn.exec_driver_sql("DROP TABLE store_state")
    reopened = Store(url)
    assert reopened.migrated_from == "0009"
    ingestor = Ingestor(reopened, Settings.load(env={}), FakeEncoder(), nlp=nlp)
    assert ingestor.stale() == (5, 5)
    with reopened.session() as session:
        assert generation(session) == 0
    assert len(ingestor.reanalyse().stored) == 5
    assert ingestor.stale() == (0, 5) and snapshot(reopened) == snapshot(fresh)
    reopened.close()


def test_an_article_in_another_language_stays_stored_unanalysed(ingestor, store, tmp_path):
    russian = tmp_path / "ru.md"
    russian.write_text(
        "---\ntitle: ru\noutlet: Example Daily\npublished: 2025-05-07\n---\n"
        "Президент прибыл в столицу в среду утром и провёл переговоры с премьер-министром. "
        "Стороны обсудили торговлю, энергетику и безопасность в регионе.\n",
        encoding="utf-8",
    )
    ingestor.ingest([str(russian), str(ROOT / "seeds")])
    with store.session() as session:
        session.execute(update(Article).values(analysis=None))
    report = ingestor.reanalyse()
    assert [(u.origin, u.language) for u in report.unanalysed] == [(str(russian), "ru")]
    assert len(report.stored) == 6 and ingestor.stale() == (0, 6)
    with store.session() as session:
        article = session.scalar(select(Article).where(Article.origin == str(russian)))
        assert article.language == "ru" and not article.sentences


def test_the_stamp_reads_every_module_that_decides_the_stored_rows():
    """Every summarizer module that ingestion imports, at any depth, is in ANALYSIS_MODULES, but
    for those that read inputs or name what the stored article keeps (its text, title and
    outlet), the progress report, the settings (their models are in the stamp apart) and the store."""
    from tests.test_layout import ROOT as TOP
    from tests.test_layout import imported_modules

    kept = {"summarizer.settings", "summarizer.sources", "summarizer.web", "summarizer.outlets", "summarizer.progress"}
    seen: set[str] = set()
    todo = ["summarizer.ingest"]
    while todo:
        name = todo.pop()
        path = TOP / (name.replace(".", "/") + ".py")
        if name in seen or not path.exists():  # a name imported from a module, not a module
            continue
        seen.add(name)
        todo.extend(m for m in imported_modules(path) if m.startswith("summarizer."))
    decide = {m for m in seen if not m.startswith("summarizer.store")} - kept
    assert decide <= set(ingest_module.ANALYSIS_MODULES), sorted(decide - set(ingest_module.ANALYSIS_MODULES))
    assert len(decide) >= 12  # the walk found the analysis, not just its start


def test_two_processes_analysing_the_same_articles_store_each_sentence_once(ingestor, store, database_url, nlp, monkeypatch):
    """Two bots (or a bot and `storybot reanalyse`) on one store, writing the same article at
    once: the later write meets the first one's rows (one sentence per article and position) and
    is tried again over them, so each sentence is stored once and neither run loses an article."""
    ingestor.ingest([str(ROOT / "seeds")])
    before = snapshot(store)
    with store.session() as session:
        ids = list(session.scalars(select(Article.id).order_by(Article.id)))
    other_store = Store(database_url)
    other = Ingestor(other_store, Settings.load(env={}), FakeEncoder(), nlp=nlp)
    real = ingest_module.replace_analysis

    second_writes = threading.Event()

    def replace_analysis(session, article_id, new):
        first = threading.current_thread().name == "first"
        if not first and article_id == ids[0]:
            second_writes.set()
        real(session, article_id, new)
        if first and article_id == ids[0]:  # the other writes the same article before this one commits
            second_writes.wait(timeout=60)
            time.sleep(0.5)  # and waits in its first statement

    monkeypatch.setattr(ingest_module, "replace_analysis", replace_analysis)
    start = threading.Barrier(2)

    reports = {}

    def run(which: Ingestor) -> None:
        start.wait()
        reports[threading.current_thread().name] = which.reanalyse(ids=ids)

    try:
        threads = [threading.Thread(target=run, args=(w,), name=name) for w, name in ((ingestor, "first"), (other, "second"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        other_store.close()
    assert snapshot(store) == before  # every sentence and mention once, as one analysis stores them
    assert {name: (len(r.stored), len(r.rejected)) for name, r in reports.items()} == {"first": (5, 0), "second": (5, 0)}
