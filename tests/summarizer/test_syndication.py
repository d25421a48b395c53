"""Syndicated copies: fingerprints, the store's band lookup, ingestion of a copy, one citation per story;
and sources named from their URL's domain or first words."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from summarizer import syndication
from summarizer.briefings import BriefingService
from summarizer.ingest import Ingestor
from summarizer.outlets import domain, lead_title, load_names, outlet_for
from summarizer.settings import Settings
from summarizer.store.db import Store
from summarizer.store.models import Article, Sentence
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[2]
STORY = (
    "The ministry said on Monday that talks with the envoy would resume in the capital next week. "
    "Officials from both sides met for four hours and agreed on a list of prisoners to exchange. "
    "The envoy told reporters that the agreement was a first step, and that more meetings would follow. "
    "Opposition leaders criticised the deal, saying it ignored the families of the missing. "
    "A second round of talks is planned for the end of the month, the ministry added."
)
OTHER = (
    "Heavy rain closed schools across the northern provinces for two days, the weather service said. "
    "Rivers rose above their banks and several roads were cut off by landslides overnight."
)


def changed_line(text: str, k: int) -> str:
    sentences = text.split(". ")
    sentences[k % len(sentences)] += f" and copy {k} says more"
    return ". ".join(sentences)


def test_a_copy_with_one_line_changed_is_near_and_another_story_is_not():
    a, b, c = (syndication.fingerprint(t) for t in (STORY, changed_line(STORY, 2), OTHER))
    assert syndication.similarity(a.signature, b.signature) >= syndication.COPY_JACCARD
    assert set(a.bands) & set(b.bands)
    assert syndication.similarity(a.signature, c.signature) < syndication.COPY_JACCARD
    assert syndication.fingerprint("   ") is None
    assert syndication.fingerprint(STORY).bands == a.bands  # deterministic across calls (and processes)


def test_the_copied_story_is_the_most_similar_stored_one_above_the_line():
    fp = syndication.fingerprint(changed_line(STORY, 1))
    stored = [
        (3, None, syndication.fingerprint(OTHER).to_bytes()),
        (5, 2, syndication.fingerprint(STORY).to_bytes()),  # itself a copy of story 2
        (7, None, None),  # stored before signatures
    ]
    assert syndication.copied_story(fp, stored) == 2
    assert syndication.copied_story(fp, stored[:1]) is None


def test_outlets_come_from_the_domain_with_configured_names():
    names = load_names(ROOT / "config" / "outlets.toml")
    assert outlet_for("https://www.apnews.com/article/x", names) == "Associated Press"
    assert outlet_for("https://edition.cnn.com/2023/x", names) == "CNN"
    assert outlet_for("https://news.example.co.uk/a", names) == "news.example.co.uk"
    assert outlet_for(None, names) is None and outlet_for("seeds/a.txt", names) is None
    assert domain("http://[::1")  is None  # a malformed URL names nothing, and raises nothing
    assert lead_title("One two three four five six seven eight nine ten eleven") == "One two three four five six seven eight nine ten…"
    assert lead_title("  ") is None


@pytest.fixture
def service(tmp_path, nlp):
    settings = Settings.load(env={}).replace(database_url=f"sqlite:///{tmp_path / 'copies.db'}")
    store = Store(settings.resolved_database_url)
    encoder = FakeEncoder()
    yield Ingestor(store, settings, encoder, nlp=nlp), BriefingService(store, encoder), store
    store.close()


def write(folder: Path, name: str, text: str, url: str | None = None, title: str | None = None) -> Path:
    front = "".join(f"{k}: \"{v}\"\n" for k, v in (("title", title), ("url", url), ("published", "2024-05-06")) if v)
    path = folder / f"{name}.md"
    path.write_text(f"---\n{front}---\n{text}\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_copies_are_one_story_cited_once_with_all_their_outlets(service, tmp_path):
    ingestor, briefings, store = service
    paths = [write(tmp_path, "original", STORY, "https://www.apnews.com/a/1", "Talks to resume")]
    paths += [write(tmp_path, f"copy{k}", changed_line(STORY, k), f"https://news{k}.example.com/a") for k in range(1, 6)]
    paths += [write(tmp_path, "other", OTHER, "https://weather.example.org/rain")]
    report = ingestor.ingest([str(p) for p in paths])
    assert len(report.stored) == 7 and not report.rejected
    with store.session() as session:
        articles = {a.url: a for a in session.scalars(select(Article))}
        first = articles["https://www.apnews.com/a/1"]
        assert first.cluster_id is None and first.outlet == "Associated Press"
        for k in range(1, 6):
            copy = articles[f"https://news{k}.example.com/a"]
            assert copy.cluster_id == first.id and copy.outlet == f"news{k}.example.com"
            assert copy.title == "The ministry said on Monday that talks with the envoy…"  # untitled: its first words
            flags = dict(session.execute(select(Sentence.text, Sentence.copied).where(Sentence.article_id == copy.id)).all())
            assert any(flags.values()) and not all(flags.values())  # its changed line is its own
        assert articles["https://weather.example.org/rain"].cluster_id is None
    b = briefings.brief("envoy talks ministry")
    assert b.items
    for item in b.items:
        numbers = [s.number for s in item.sources]
        assert len(numbers) == len(set(numbers))
    story = [s for s in b.sources if s.article_id == first.id or first.id in {c.article_id for c in s.copies}]
    assert story and all(len(s.copies) == 5 for s in story)
    assert len(b.sources) <= 3  # one source for the five copies, not six


def test_a_timeline_tells_a_quotation_once_though_it_is_dated_on_several_days(tmp_path):
    """Regression: the same words reported on three days were three lines of the timeline."""
    from datetime import UTC, date, datetime, timedelta

    from summarizer.store.articles import add_article
    from summarizer.store.rows import NewArticle, NewSentence

    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path / 'quote.db'}")
    quote = '"I want to speak with him," the president told reporters about the envoy.'
    with store.session() as session:
        for k in range(3):
            day = date(2024, 3, 1) + timedelta(days=10 * k)
            texts = [quote, ["Rain closed schools in the north.", "Farmers protested grain prices outside parliament.", "The central bank raised interest rates."][k]]
            sentences = [NewSentence(p, t, day, day, "on day", v, 0.9, 1) for p, (t, v) in enumerate(zip(texts, encoder.encode(texts)))]
            add_article(session, NewArticle(f"T{k}", f"O{k}", None, day, "feed", None, f"o{k}", " ".join(texts), f"h{k}", datetime(2026, 1, 1, tzinfo=UTC), sentences))
    timeline = BriefingService(store, encoder).timeline("", dates=3, per_date=2)
    texts = [item.text for item in timeline.items]
    assert texts.count(quote) == 1 and len(texts) == 4
    store.close()


def test_a_fact_told_on_several_days_stays_with_the_day_most_coverage_refers_to(tmp_path):
    """The earlier day used to keep it, however little was written about that day."""
    from datetime import UTC, date, datetime

    from summarizer.store.articles import add_article
    from summarizer.store.rows import NewArticle, NewSentence

    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path / 'fact.db'}")
    fact = "The envoy signed the ceasefire agreement in the capital after three days of talks."
    quiet, busy = date(2024, 3, 1), date(2024, 3, 5)
    articles = [
        (quiet, [fact, "Rain closed schools in the north."]),
        (busy, [fact, "Farmers protested grain prices outside parliament."]),
        (busy, ["The central bank raised interest rates on the same day.", "Markets fell sharply after the decision."]),
        (busy, ["Thousands marched through the capital to celebrate.", "The army withdrew from two border towns."]),
    ]
    with store.session() as session:
        for k, (day, texts) in enumerate(articles):
            sentences = [NewSentence(p, t, day, day, "on day", v, 0.9, 1) for p, (t, v) in enumerate(zip(texts, encoder.encode(texts)))]
            add_article(session, NewArticle(f"T{k}", f"O{k}", None, day, "feed", None, f"o{k}", " ".join(texts), f"h{k}", datetime(2026, 1, 1, tzinfo=UTC), sentences))
    timeline = BriefingService(store, encoder).timeline("", dates=2, per_date=3)
    told = [item.date for item in timeline.items if item.text == fact]
    assert told == [busy]
    store.close()
