"""Ingestion end to end on the seeds: real spaCy pipeline, fake encoder, temp SQLite."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from summarizer import ingest as ingest_module
from summarizer import writes
from summarizer.store import actors as actor_store
from summarizer.store import articles as article_store
from summarizer.store.db import Store
from summarizer.ingest import Ingestor
from summarizer.store.models import Actor, Article, Mention, Sentence
from summarizer.settings import Settings
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
pytestmark = pytest.mark.slow


@pytest.fixture
def settings(db_url) -> Settings:
    return Settings.load().replace(database_url=db_url)


@pytest.fixture
def ingestor(settings, nlp):
    store = Store(settings.resolved_database_url)
    yield Ingestor(store, settings, FakeEncoder(), nlp=nlp)
    store.close()


@pytest.fixture(scope="module")
def seeded(backend, nlp):
    """The five seeds, ingested once per backend for the read-only tests of this module."""
    settings = Settings.load(env={}).replace(database_url=backend.new_url())
    store = Store(settings.resolved_database_url)
    report = Ingestor(store, settings, FakeEncoder(), nlp=nlp).ingest([str(SEEDS)])
    yield store, report
    store.close()


def actor_named(session, name: str) -> Actor:
    return session.scalars(select(Actor).where(Actor.name == name)).one()


def sentences_of(session, name: str) -> list[str]:
    actor = actor_named(session, name)
    return list(
        session.scalars(select(Sentence.text).join(Mention, Mention.sentence_id == Sentence.id).where(Mention.actor_id == actor.id))
    )


def test_the_seeds_are_stored_with_their_front_matter(seeded):
    store, report = seeded
    assert report.summary() == "5 new, 0 duplicates, 0 rejected"
    with store.session() as session:
        rows = {Path(r.origin).name: r for r in article_store.article_rows(session)}
    assert rows["003_6defdbd854758660.txt"].published == date(2023, 3, 17)
    assert rows["003_6defdbd854758660.txt"].published_how == "front matter"
    assert rows["004_46119d9713d60ee1.txt"].published == date(2025, 5, 7)
    assert rows["004_46119d9713d60ee1.txt"].published_how == "inferred"
    assert "Wednesday" in rows["004_46119d9713d60ee1.txt"].date_clue
    assert all(r.sentences >= 10 for r in rows.values())


@pytest.mark.parametrize(
    "actor, surfaces",
    [
        ("Volodymyr Zelensky", {"Zelensky", "Zelenskyy", "Zelenskiy"}),
        ("Xi Jinping", {"Xi", "Xi Jinping"}),
        ("Vladimir Putin", {"Putin", "Vladimir Putin"}),
        ("Dmitry Peskov", {"Peskov", "Dmitry Peskov"}),
        ("Mao Ning", {"Mao Ning"}),
        ("John Kirby", {"John Kirby"}),
        ("Jake Sullivan", {"Jake Sullivan", "Sullivan"}),
    ],
)
def test_seed_actors_resolve_every_spelling_and_surname_to_one_actor(seeded, actor, surfaces):
    store, _ = seeded
    with store.session() as session:
        found = actor_named(session, actor)
        assert found.kind == "person"
        seen = set(session.scalars(select(Mention.surface).where(Mention.actor_id == found.id)))
    assert surfaces <= seen
    # No second actor hides under another spelling.
    with store.session() as session:
        others = [a.name for a in session.scalars(select(Actor)) if a.name != actor and a.name.split()[-1] in {s.split()[-1] for s in surfaces}]
    assert others == []


def test_the_three_zelensky_spellings_come_from_three_articles(seeded):
    store, _ = seeded
    with store.session() as session:
        zelensky = actor_named(session, "Volodymyr Zelensky")
        articles = session.scalar(select(func.count(func.distinct(Mention.article_id))).where(Mention.actor_id == zelensky.id))
    assert articles == 5


def test_titles_resolve_inside_an_article(seeded):
    store, _ = seeded
    with store.session() as session:
        xi = actor_named(session, "Xi Jinping")
        titled = set(session.scalars(select(Sentence.text).join(Mention, Mention.sentence_id == Sentence.id).where(Mention.actor_id == xi.id, Mention.label == "title")))
    assert any(s.startswith('"The Chinese leader himself decides') for s in titled)
    with store.session() as session:
        zelensky = sentences_of(session, "Volodymyr Zelensky")
    assert any(s.startswith("But the Ukrainian leader said he hasn't communicated with Xi") for s in zelensky)


def test_actor_listing_counts_mentions_and_articles(seeded):
    store, _ = seeded
    with store.session() as session:
        rows = actor_store.actor_rows(session)
    by_name = {r.name: r for r in rows}
    assert rows[0].mentions >= rows[1].mentions >= rows[-1].mentions
    assert by_name["Xi Jinping"].articles == 5
    assert "Zelenskyy" in by_name["Volodymyr Zelensky"].aliases
    assert "Kiev" in by_name["Kyiv"].aliases


@pytest.mark.parametrize(
    "seed, starts, span",
    [
        # the announcement names no time; the plan it reports does: an expected date
        ("003", "China has announced that President Xi Jinping will visit Russia from Monday to Wednesday", (date(2023, 3, 20), date(2023, 3, 22))),
        ("003", "Putin invited Xi to visit Russia in late December", (date(2022, 12, 21), date(2022, 12, 31))),
        ("004", "Chinese President Xi Jinping arrived in Moscow on Wednesday", (date(2025, 5, 7), date(2025, 5, 7))),
        ("004", "Despite the ongoing attacks, Xi is set to hold formal talks with Putin on Thursday", (date(2025, 5, 8), date(2025, 5, 8))),
        ("001", "\"I want to speak with him,\" Volodymyr Zelenskyy told The Associated Press on Tuesday", (date(2023, 3, 28), date(2023, 3, 28))),
    ],
)
def test_sentence_event_dates_resolve_against_the_publication_date(seeded, seed, starts, span):
    store, _ = seeded
    with store.session() as session:
        row = session.execute(
            select(Sentence.event_start, Sentence.event_end)
            .join(Article)
            .where(Article.origin.like(f"%{seed}_%"), Sentence.text.startswith(starts))
        ).one()
    assert tuple(row) == span


def test_sentences_survive_abbreviations_and_quotes(seeded):
    store, _ = seeded
    with store.session() as session:
        texts = list(session.scalars(select(Sentence.text)))
    assert "Washington has been wary of Mr. Xi’s recent diplomacy, accusing him of being a cover for Mr. Putin." in texts
    assert any(t.startswith("So far, China does not appear to have supplied Russia with lethal weapons, U.S. and Ukrainian officials said") for t in texts)
    # A quotation spread over sentences stays with its attribution.
    assert any(t.startswith("“I want to talk to him.") and t.endswith("Zelensky said.") for t in texts)
    assert not any(t[:1].islower() for t in texts)
    assert not any(t.startswith(('"\n', "”")) for t in texts)


def test_embeddings_are_stored_for_every_sentence(seeded):
    store, _ = seeded
    with store.session() as session:
        missing = session.scalar(select(func.count()).select_from(Sentence).where(Sentence.embedding.is_(None)))
        blob = session.scalars(select(Sentence.embedding).limit(1)).one()
    assert missing == 0
    assert len(blob) == 384 * 4


def test_a_lead_cut_from_its_heading_is_stored_alone_and_embedded_with_it(ingestor, tmp_path):
    heading = "Floods close city schools"
    lead = "A storm has flooded dozens of homes in the north of the country, officials say."
    (tmp_path / "a.txt").write_text(f"{heading} {lead} Schools will stay closed until Monday.")
    ingestor.ingest([str(tmp_path / "a.txt")])
    with ingestor.store.session() as session:
        rows = session.execute(select(Sentence.text, Sentence.kind, Sentence.embedding).order_by(Sentence.position)).all()
    assert [(text, kind) for text, kind, _ in rows] == [
        (heading, "heading"), (lead, "story"), ("Schools will stay closed until Monday.", "story"),
    ]
    stored = [np.frombuffer(blob, dtype="<f4") for _, _, blob in rows]
    expected = FakeEncoder().encode([heading, f"{heading} {lead}", "Schools will stay closed until Monday."])
    assert np.allclose(stored, expected)
    assert not np.allclose(stored[1], FakeEncoder().encode([lead])[0])


def test_ingesting_twice_stores_once(ingestor):
    first = ingestor.ingest([str(SEEDS)])
    again = ingestor.ingest([str(SEEDS), "/work/shared/seeds" if Path("/work/shared/seeds").exists() else str(SEEDS)])
    assert first.summary() == "5 new, 0 duplicates, 0 rejected"
    assert len(again.stored) == 0 and len(again.duplicates) == 10
    with ingestor.store.session() as session:
        assert session.scalar(select(func.count(Article.id))) == 5


def test_the_same_url_with_new_text_is_a_duplicate(ingestor, tmp_path):
    (tmp_path / "a.json").write_text('{"url": "https://example.org/a", "text": "Xi Jinping met Vladimir Putin in Moscow."}')
    (tmp_path / "b.json").write_text('{"url": "https://example.org/a", "text": "An updated version of the story."}')
    report = ingestor.ingest([str(tmp_path / "a.json"), str(tmp_path / "b.json")])
    assert (len(report.stored), report.duplicates) == (1, [str(tmp_path / "b.json")])


def test_bad_inputs_are_rejected_by_name_and_the_rest_stored(ingestor, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Kremlin spokesman Dmitry Peskov said on Wednesday that Russia welcomed the talks.")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nSome text.")
    (tmp_path / "bad.json").write_text('{"text": "no closing brace"')
    (tmp_path / "big.txt").write_text("Word " * 250_000)
    targets = [str(p) for p in sorted(tmp_path.iterdir())] + ["http://127.0.0.1:9/unreachable"]
    ingestor.settings = ingestor.settings.replace(fetch_allow_hosts=["127.0.0.1"])  # else refused, not unreachable
    report = ingestor.ingest(targets)
    reasons = {Path(r.origin).name: r.reason for r in report.rejected}
    assert [Path(s.origin).name for s in report.stored] == ["good.txt"]
    assert reasons["binary.txt"] == "binary file"
    assert reasons["empty.txt"] == "empty"
    assert reasons["latin1.txt"].startswith("not UTF-8 text")
    assert reasons["bad.md"].startswith("malformed front matter")
    assert reasons["bad.json"].startswith("malformed JSON")
    assert reasons["big.txt"].startswith("text over 1 MB")
    assert reasons["unreachable"].startswith("unreachable")


def test_a_failure_while_storing_leaves_nothing_half_written(ingestor, tmp_path, monkeypatch):
    (tmp_path / "one.txt").write_text("Xi Jinping met Vladimir Putin in Moscow on Tuesday.")
    (tmp_path / "two.txt").write_text("Mao Ning said China maintains communication with Ukraine.")
    real = ingest_module.add_article

    def flaky(session, record):
        real(session, record)  # the article, its sentences and mentions are written, then the disk fails
        if any(m.surface == "Mao Ning" for m in record.mentions):
            raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "add_article", flaky)
    report = ingestor.ingest([str(tmp_path)])
    assert [Path(r.origin).name for r in report.rejected] == ["two.txt"]
    assert "disk full" in report.rejected[0].reason
    with ingestor.store.session() as session:
        assert session.scalar(select(func.count(Article.id))) == 1
        assert session.scalar(select(func.count(Sentence.id))) == 1
        assert session.scalars(select(Actor).where(Actor.name == "Mao Ning")).first() is None
    # The in-memory actor index forgot the rolled-back actor: a retry stores it cleanly.
    monkeypatch.setattr(ingest_module, "add_article", real)
    retry = ingestor.ingest([str(tmp_path / "two.txt")])
    assert len(retry.stored) == 1
    with ingestor.store.session() as session:
        assert session.scalars(select(Actor).where(Actor.name == "Mao Ning")).one()


def test_a_storage_error_is_one_line_without_the_sql(ingestor, tmp_path, monkeypatch):
    """Issue 11, defect 6: PostgreSQL's refusal printed five lines with the SQL and the article's data."""
    from sqlalchemy.exc import DataError

    (tmp_path / "one.txt").write_text("Xi Jinping met Vladimir Putin in Moscow on Tuesday.")

    def refused(session, record):
        raise DataError(
            "INSERT INTO articles (title, text) VALUES (%(title)s, %(text)s)",
            {"title": "secret title", "text": "Xi Jinping met Vladimir Putin"},
            ValueError("A string literal cannot contain NUL (0x00) characters.\nLINE 1: ..."),
        )

    monkeypatch.setattr(ingest_module, "add_article", refused)
    [rejected] = ingestor.ingest([str(tmp_path)]).rejected
    assert rejected.reason == "could not store: ValueError: A string literal cannot contain NUL (0x00) characters."


def test_config_aliases_resolve(tmp_path, nlp):
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    shutil.copy(ROOT / "config" / "storybot.toml", config_dir)
    (config_dir / "actors.toml").write_text('[[actor]]\nname = "Wagner Group"\nkind = "organisation"\naliases = ["Wagner", "PMC Wagner"]\n')
    settings = Settings.load(config_dir=config_dir).replace(database_url=f"sqlite:///{tmp_path / 'c.db'}")
    store = Store(settings.resolved_database_url)
    Ingestor(store, settings, FakeEncoder(), nlp=nlp).ingest([str(SEEDS / "000_8bcbb9e4108478c6.txt")])
    with store.session() as session:
        wagner = actor_named(session, "Wagner Group")
        surfaces = set(session.scalars(select(Mention.surface).where(Mention.actor_id == wagner.id)))
    store.close()
    assert {"Wagner Group", "Wagner"} <= surfaces


def test_a_rename_onto_a_taken_name_keeps_both_actors_and_stores_the_article(ingestor):
    from summarizer.actors import Resolution

    with ingestor.store.session() as session:
        session.add_all([Actor(id=1, name="Peskov", kind="person"), Actor(id=2, name="Dmitry Peskov", kind="organisation")])
    with ingestor.store.session() as session:
        index = writes.load_index(session)
        writes.write_actors(session, Resolution(renames={1: "Dmitry Peskov"}), index)
    with ingestor.store.session() as session:
        assert sorted(session.scalars(select(Actor.name))) == ["Dmitry Peskov", "Peskov"]


class LoadingEncoder(FakeEncoder):
    """A fake encoder with a slow `load`: it moves the fake clock on by 1000 s."""

    def __init__(self, clock: list[float], log: list[str]) -> None:
        super().__init__()
        self.clock, self.log = clock, log

    def load(self) -> None:
        self.log.append("load")
        self.clock[0] += 1000.0

    def encode(self, sentences):
        self.log.append("encode")
        self.clock[0] += 1.0  # each batch's analysis takes one second
        return super().encode(sentences)


def test_progress_tells_checked_loading_then_each_article_with_load_time_left_out(settings, nlp):
    clock, log, events = [0.0], [], []
    store = Store(settings.resolved_database_url)
    ingestor = Ingestor(store, settings.replace(ingest_batch=2), LoadingEncoder(clock, log), nlp=nlp)
    ingestor.clock = lambda: clock[0]

    def progress(event):
        events.append(event)
        log.append(event.phase)

    report = ingestor.ingest([str(SEEDS)], progress=progress)
    store.close()
    assert log == ["checked", "loading", "load"] + ["encode", "working", "working"] * 2 + ["encode", "working", "done"]
    assert (events[0].total, events[0].skipped) == (5, 0)
    working = [e for e in events if e.phase == "working"]
    assert [e.done for e in working] == [1, 2, 3, 4, 5]
    assert [e.batches for e in working] == [0, 1, 1, 2, 3]
    assert [e.work_seconds for e in working] == [1.0, 1.0, 2.0, 2.0, 3.0]  # the 1000 s of loading are not in it
    assert events[-1].sentences == report.sentences > 0
    assert all(e.total == 5 for e in events)


def test_progress_of_a_second_run_is_all_duplicates_and_loads_nothing(ingestor, tmp_path):
    ingestor.ingest([str(SEEDS)])
    (tmp_path / "empty.txt").write_text("  \n")
    events = []
    ingestor.ingest([str(SEEDS), str(tmp_path / "empty.txt")], progress=events.append)
    assert [e.phase for e in events] == ["checked", "done"]
    assert [(e.total, e.done, e.duplicates, e.rejected) for e in events] == [(0, 0, 5, 1)] * 2


def test_an_article_rejected_while_storing_counts_as_done_without_sentences(ingestor, tmp_path, monkeypatch):
    (tmp_path / "one.txt").write_text("Xi Jinping met Vladimir Putin in Moscow on Tuesday.")
    (tmp_path / "two.txt").write_text("Mao Ning said China maintains communication with Ukraine.")
    real = ingest_module.add_article

    def flaky(session, record):
        if record.origin.endswith("two.txt"):
            raise RuntimeError("disk full")
        return real(session, record)

    monkeypatch.setattr(ingest_module, "add_article", flaky)
    events = []
    report = ingestor.ingest([str(tmp_path)], progress=events.append)
    working = [e for e in events if e.phase == "working"]
    assert [(e.done, e.sentences) for e in working] == [(1, 1), (2, 1)]
    assert len(report.rejected) == 1 and events[-1].phase == "done"
