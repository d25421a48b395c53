"""Articles in the store: the duplicate check, the one write of an analysed article, listings.

Callers own the session: nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from summarizer.store.models import Article, ArticleBand, Mention, Sentence
from summarizer.store.rows import ArticleRow, NewArticle, StoredInput
from summarizer.store.sentences import to_bytes
from summarizer.store.state import GENERATION_VALUE

# Whole ISO dates that fit the 400-character column, with a space between: never half a date.
MAX_MENTIONED_DAYS = 400 // len("2010-01-12 ")


def find_duplicate(session: Session, content_hash: str, url: str | None) -> int | None:
    """The id of a stored article with this content hash or URL, if any."""
    query = select(Article.id).where(Article.content_hash == content_hash)
    if url:
        query = select(Article.id).where((Article.content_hash == content_hash) | (Article.url == url))
    return session.scalars(query.limit(1)).first()


def add_article(session: Session, new: NewArticle) -> int:
    """Insert an article with its sentences and mentions; returns the article's id."""
    article = Article(
        title=new.title,
        outlet=new.outlet,
        url=new.url,
        published=new.published,
        published_how=new.published_how,
        date_clue=new.date_clue,
        origin=new.origin,
        text=new.text,
        content_hash=new.content_hash,
        ingested_at=new.ingested_at,
        cluster_id=new.cluster_id,
        signature=new.signature,
        language=new.language,
        analysis=new.analysis,
    )
    session.add(article)
    session.flush()
    session.add_all(ArticleBand(article_id=article.id, band=b) for b in dict.fromkeys(new.bands))
    _add_analysis(session, article.id, new)
    return article.id


def replace_analysis(session: Session, article_id: int, new: NewArticle) -> None:
    """Put `new`'s sentences and mentions, language and stamp in place of the stored article's own.

    The article keeps its id, text, dates, story (syndication) and time of storing, so its
    deliveries and digests stand; only what analysis made of its text is replaced.
    """
    session.execute(delete(Mention).where(Mention.article_id == article_id))
    session.execute(delete(Sentence).where(Sentence.article_id == article_id))
    session.execute(
        update(Article).where(Article.id == article_id).values(language=new.language, analysis=new.analysis)
    )
    session.expire_all()  # the article's loaded sentence list, if any, is gone
    _add_analysis(session, article_id, new)


def _add_analysis(session: Session, article_id: int, new: NewArticle) -> None:
    """Insert `new`'s sentences and mentions under the stored article `article_id`."""
    rows = [
        Sentence(
            article_id=article_id,
            position=s.position,
            text=s.text,
            event_start=s.event_start,
            event_end=s.event_end,
            date_expression=s.date_expression[:200] if s.date_expression else None,
            embedding=to_bytes(s.vector),
            quality=s.quality,
            named=s.named,
            expected=s.expected,
            mentioned_days=" ".join(d.isoformat() for d in s.mentioned_days[:MAX_MENTIONED_DAYS]) or None,
            copied=s.copied,
            speaker_id=s.speaker_id,
            kind=s.kind,
        )
        for s in new.sentences
    ]
    session.add_all(rows)
    session.flush()
    by_position = {row.position: row.id for row in rows}
    session.add_all(
        Mention(
            actor_id=m.actor_id,
            sentence_id=by_position[m.position],
            article_id=article_id,
            surface=m.surface[:200],
            label=m.label,
            prominence=m.prominence,
            speaker=m.speaker,
        )
        for m in new.mentions
    )
    session.flush()


# A band shared by more articles than this is a boilerplate band, not evidence of a copy.
BAND_MATCHES = 200


def band_matches(session: Session, bands: Iterable[int]) -> list[tuple[int, int | None, bytes | None]]:
    """(id, cluster id, signature) of stored articles sharing a band key: those that may be copies.

    At most BAND_MATCHES of them, the oldest first (the first stored copy names its story).
    """
    keys = sorted(set(bands))
    if not keys:
        return []
    ids = select(ArticleBand.article_id).where(ArticleBand.band.in_(keys)).distinct()
    query = (
        select(Article.id, Article.cluster_id, Article.signature)
        .where(Article.id.in_(ids))
        .order_by(Article.id)
        .limit(BAND_MATCHES)
    )
    return [tuple(row) for row in session.execute(query)]


def story_texts(session: Session, cluster_id: int, before: int | None = None) -> set[str]:
    """The sentence texts already stored in the story `cluster_id` (its first article and its
    copies), or only by its articles stored before the article `before`."""
    query = (
        select(Sentence.text)
        .join(Article, Article.id == Sentence.article_id)
        .where((Article.id == cluster_id) | (Article.cluster_id == cluster_id), Sentence.copied.is_(False))
    )
    if before is not None:
        query = query.where(Article.id < before)
    return set(session.scalars(query))


def story_members(session: Session, clusters: Iterable[int]) -> dict[int, list[int]]:
    """Every stored article of each story (cluster id), the first stored first."""
    wanted = sorted(set(clusters))
    out: dict[int, list[int]] = {c: [] for c in wanted}
    for start in range(0, len(wanted), 500):  # bounded parameter lists
        part = wanted[start : start + 500]
        query = (
            select(Article.id, func.coalesce(Article.cluster_id, Article.id))
            .where(Article.id.in_(part) | Article.cluster_id.in_(part))
            .order_by(Article.id)
        )
        for article_id, cluster in session.execute(query):
            out.setdefault(cluster, []).append(article_id)
    return out


def _rows(session: Session, ids: set[int] | None = None) -> list[ArticleRow]:
    """Article rows, all or those with `ids`; sentences are counted only for the articles read."""
    counts = select(Sentence.article_id, func.count().label("n")).group_by(Sentence.article_id)
    query = select(
        Article.id, Article.title, Article.outlet, Article.url, Article.published, Article.published_how,
        Article.date_clue, Article.origin, Article.ingested_at,
    )
    if ids is not None:
        counts = counts.where(Sentence.article_id.in_(ids))
        query = query.where(Article.id.in_(ids))
    sentences = dict(session.execute(counts).all())
    return [ArticleRow(*row[:8], sentences.get(row[0], 0), row[8]) for row in session.execute(query)]


def article_rows(session: Session) -> list[ArticleRow]:
    """Every stored article, newest publication first (undated last)."""
    rows = _rows(session)
    rows.sort(key=lambda r: (r.published is None, -(r.published.toordinal() if r.published else 0), r.id))
    return rows


def articles_by_id(session: Session, ids: Iterable[int]) -> dict[int, ArticleRow]:
    """The articles with these ids, by id."""
    return {row.id: row for row in _rows(session, set(ids))}


def corpus_version(session: Session) -> tuple[int, int, int]:
    """Changes whenever an article is stored or stored rows are rewritten: (count, highest id, generation)."""
    count, top, rewrites = session.execute(
        select(func.count(Article.id), func.max(Article.id), GENERATION_VALUE.scalar_subquery())
    ).one()
    return int(count), int(top or 0), int(rewrites or 0)


def stale_articles(session: Session, stamp: str, *, after: int = 0, limit: int | None = None) -> list[int]:
    """Ids of the articles whose rows another analysis made (or one from before stamps), oldest
    first: those with ids above `after`, at most `limit` of them."""
    query = select(Article.id).where(_stale(stamp), Article.id > after).order_by(Article.id)
    return list(session.scalars(query if limit is None else query.limit(limit)))


def count_stale(session: Session, stamp: str) -> tuple[int, int]:
    """How many articles `stale_articles` would name, and how many are stored (one read)."""
    stale, stored = session.execute(select(func.count(Article.id).filter(_stale(stamp)), func.count(Article.id))).one()
    return int(stale), int(stored)


def _stale(stamp: str):
    return (Article.analysis != stamp) | Article.analysis.is_(None)


def all_articles(session: Session) -> list[int]:
    """Every stored article's id, oldest first."""
    return list(session.scalars(select(Article.id).order_by(Article.id)))


def stored_inputs(session: Session, ids: Iterable[int]) -> list[StoredInput]:
    """What each article was stored from (its text, dates, names), for analysing it again."""
    query = select(
        Article.id, Article.origin, Article.text, Article.title, Article.outlet, Article.url, Article.published,
        Article.published_how, Article.date_clue, Article.content_hash, Article.cluster_id,
    ).where(Article.id.in_(list(ids))).order_by(Article.id)
    return [StoredInput(*row) for row in session.execute(query)]


# Event spans up to a week cover each of their days; a month or a season ("last summer") covers
# no particular day, so its first day is never shown as coverage.
COVERAGE_SPAN_DAYS = 7


def stored_dates(session: Session) -> list[date]:
    """Distinct publication dates and days of event dates (spans up to a week), oldest first."""
    published = session.scalars(select(Article.published).where(Article.published.is_not(None)).distinct())
    spans = session.execute(
        select(Sentence.event_start, Sentence.event_end)
        .where(Sentence.event_start.is_not(None), Sentence.kind == "story")
        .distinct()
    )
    days: set[date] = set(published)
    for start, end in spans:
        end = end or start
        if (end - start).days < COVERAGE_SPAN_DAYS:
            days.update(start + timedelta(days=k) for k in range((end - start).days + 1))
    return sorted(days)

