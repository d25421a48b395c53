"""The briefing service: one call per /brief, /timeline or digest, answered from stored analysis."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

import numpy as np
from sqlalchemy.orm import Session

from summarizer import corpus, repository
from summarizer.briefing import Briefing, Item, Source
from summarizer.corpus import Candidates
from summarizer.dates import DateSpan
from summarizer.db import Store
from summarizer.embeddings import Encoder, TransformerEncoder
from summarizer.queries import Plan, describe_span, plan
from summarizer.scoring import content_words, focus, lexical_overlap, needs_context, quality, speaks
from summarizer.selection import Budget, Group, centrality, episodes, group_duplicates, select
from summarizer.selection import Tuning as SelectionTuning
from summarizer.settings import Settings

log = logging.getLogger(__name__)

SHORT = Budget(max_items=6, max_chars=1200)
LONG = Budget(max_items=15, max_chars=3600)
MAX_PAIRED = 400  # a pronoun sentence joined with the one before it stays under this
SELECTION = SelectionTuning()


@dataclass(frozen=True)
class Tuning:
    topic_floor: float = 0.45  # relevance (cosine + lexical bonus) a topic sentence must reach
    lexical_bonus: float = 0.25
    topic_pool: int = 200
    timeline_limit: int = 40


class BriefingService:
    """Builds briefings from the store. Thread-safe; one instance per process."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        encoder: Encoder | None = None,
        today: Callable[[], date] = date.today,
        tuning: Tuning = Tuning(),
    ) -> None:
        self.store = store
        self.encoder = encoder or TransformerEncoder(
            settings.embedding_model, batch_size=settings.embedding_batch_size, threads=settings.torch_threads
        )
        self.today = today
        self.tuning = tuning
        self._vectors = corpus.VectorIndex()
        self._cache: OrderedDict[tuple, Briefing] = OrderedDict()
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load the encoder (for topic queries) so the first one does not wait."""
        load = getattr(self.encoder, "load", None)
        if load:
            load()

    def brief(self, query: str, *, long: bool = False) -> Briefing:
        """Brief on an actor, a date or span, or a topic, across every stored article.

        Args:
            query: what the user asked about ("xi", "21 March 2023", "peace plan").
            long: allow more items than the short default.

        Returns:
            A Briefing; kind "none" with a note and suggestions when nothing relevant is stored.
        """
        with self.store.session() as session:
            version = repository.corpus_version(session)
            key = (" ".join(query.lower().split()), long, version, self.today())
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
            result = self._brief(session, query, LONG if long else SHORT)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > 256:
                self._cache.popitem(last=False)
        return result

    def timeline(self, query: str) -> Briefing:
        """An actor's dated events, one item each, oldest first."""
        with self.store.session() as session:
            p = self._plan(session, query)
            if p.kind != "actor":
                return self._none(session, query, p, "No actor called “{q}” is stored.")
            c = corpus.actor_candidates(session, p.actor.id)
            dated = [i for i in range(len(c)) if c.event_start[i] is not None]
            c = corpus.subset(c, dated)
            order = sorted(range(len(c)), key=lambda i: (c.event_start[i], c.ids[i]))
            texts = self._standalone_texts(session, c)
            usable = [i for i in order if texts[i]]
            groups = group_duplicates(usable, c.vectors, c.articles, texts, SELECTION, c.dates())
            chosen = [Group(tuple(g), 1.0) for g in groups][: self.tuning.timeline_limit]
            return Briefing(query, "actor", p.actor.name, self._items(session, c, chosen, texts, "event"))

    def digest(self, since: datetime | None, *, follow: Sequence[str] = (), long: bool = False) -> Briefing:
        """The top developments among articles stored after `since` (all articles when None).

        Followed actors (names or keys) lead: their sentences score higher.
        """
        budget = LONG if long else SHORT
        with self.store.session() as session:
            c = corpus.ingested_candidates(session, since or datetime(1970, 1, 1))
            subject = f"since {since:%Y-%m-%d %H:%M}" if since else "everything stored"
            if not len(c):
                return Briefing("digest", "none", subject, note="Nothing new since the last digest.")
            texts = self._standalone_texts(session, c)
            lead = np.array([1.0 - min(p / 8, 1.0) for p in c.positions])
            scores = 0.4 * centrality(c.vectors) + 0.35 * lead + 0.25 * np.array([quality(t) for t in c.texts])
            followed = self._followed_sentences(session, follow, set(c.ids))
            scores += np.array([0.5 if sid in followed else 0.0 for sid in c.ids])
            scores[[i for i, t in enumerate(texts) if not t]] = -1.0
            chosen = select(scores, c.vectors, c.articles, texts, c.published, budget, SELECTION, c.dates())
            chosen = [g for g in chosen if scores[g.lead] > 0]
            items = self._items(session, c, chosen, texts, "event")
            if follow:
                items = tuple(sorted(items, key=lambda it: not any(s in followed for s in it.sentence_ids)))
            return Briefing("digest", "digest", subject, items)

    # -- one kind of briefing each ------------------------------------------------------------

    def _brief(self, session: Session, query: str, budget: Budget) -> Briefing:
        p = self._plan(session, query)
        if p.kind == "none":
            return Briefing(query, "none", "", note="Ask about an actor, a date or a topic, e.g. /brief xi.")
        if p.kind == "actor":
            return self._actor(session, query, p, budget)
        if p.kind == "date":
            return self._date(session, query, p, budget)
        return self._topic(session, query, p, budget)

    def _plan(self, session: Session, query: str) -> Plan:
        return plan(query, corpus.actor_keys(session), corpus.mention_counts(session), self.today(), corpus.stored_dates(session))

    def _actor(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        c = corpus.actor_candidates(session, p.actor.id)
        crowd = corpus.actors_per_sentence(session, p.actor.id)
        texts = self._standalone_texts(session, c)
        scores = np.array(
            [
                0.4 * focus(c.texts[i], c.surfaces[i], c.labels[i], crowd.get(c.ids[i], 1))
                + 0.2 * quality(c.texts[i])
                + 0.1 * _dated(c.event_start[i], c.event_end[i])
                + 0.1 * speaks(c.texts[i], c.surfaces[i])
                for i in range(len(c))
            ]
        )
        scores = scores + 0.3 * centrality(c.vectors)
        scores[[i for i, t in enumerate(texts) if not t]] = -1.0
        groups = [g for g in select(scores, c.vectors, c.articles, texts, c.published, budget, SELECTION, c.dates()) if scores[g.lead] > 0]
        note = f"(read “{p.corrected_from}” as {p.actor.name})" if p.corrected_from else ""
        return Briefing(query, "actor", p.actor.name, self._items(session, c, groups, texts, "event"), note=note)

    def _date(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        span = p.span
        events = corpus.event_candidates(session, span.start, span.end, max_days=max(7, span.days))
        published = corpus.published_candidates(session, span.start, span.end)
        event_budget = Budget(max(budget.max_items - 2, 1), budget.max_chars * 2 // 3) if len(published) else budget
        items: list[Item] = []
        used: set[int] = set()
        if len(events):
            texts = self._standalone_texts(session, events)
            specific = np.array([_overlap(span, s, e) for s, e in zip(events.event_start, events.event_end)])
            scores = 0.5 * specific + 0.3 * centrality(events.vectors) + 0.2 * np.array([quality(t) for t in events.texts])
            scores[[i for i, t in enumerate(texts) if not t]] = -1.0
            groups = [g for g in select(scores, events.vectors, events.articles, texts, events.dates(), event_budget, SELECTION, events.dates()) if scores[g.lead] > 0]
            items += self._items(session, events, groups, texts, "event")
            used = {sid for it in items for sid in it.sentence_ids}
        if len(published):
            rest_chars = budget.max_chars - sum(len(it.text) for it in items)
            rest = Budget(budget.max_items - len(items), rest_chars)
            keep = [i for i, sid in enumerate(published.ids) if sid not in used]
            published = corpus.subset(published, keep)
            texts = self._standalone_texts(session, published)
            lead = np.array([1.0 - min(pos / 8, 1.0) for pos in published.positions])
            scores = 0.4 * lead + 0.4 * centrality(published.vectors) + 0.2 * np.array([quality(t) for t in published.texts])
            scores[[i for i, t in enumerate(texts) if not t]] = -1.0
            if len(items):
                chosen_vectors = np.stack(self._item_vectors(session, items))
                redundant = np.max(published.vectors @ chosen_vectors.T, axis=1) >= SELECTION.dup_threshold
                scores[redundant] = -1.0
            dates = [published.published[i] for i in range(len(published))]
            groups = [g for g in select(scores, published.vectors, published.articles, texts, dates, rest, SELECTION, dates) if scores[g.lead] > 0]
            items += self._items(session, published, groups, texts, "published", date_by_publication=True)
        if not items:
            return self._none(session, query, p, "No coverage of {subject} is stored.")
        items = _renumber(sorted(items, key=_item_order))
        return Briefing(query, "date", p.subject, tuple(items), span=(span.start, span.end))

    def _topic(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        self._vectors.refresh(session)
        words = content_words(query)
        if not words or not len(self._vectors.ids):
            return self._none(session, query, p, "No coverage of “{q}” is stored.")
        vector = self.encoder.encode([query])[0]
        ids, sims = self._vectors.nearest(vector, self.tuning.topic_pool)
        c = corpus.sentences_by_id(session, [int(i) for i in ids])
        sim_by_id = dict(zip((int(i) for i in ids), sims))
        relevance = np.array(
            [sim_by_id[sid] + self.tuning.lexical_bonus * lexical_overlap(words, t) for sid, t in zip(c.ids, c.texts)]
        )
        keep = [i for i in range(len(c)) if relevance[i] >= self.tuning.topic_floor]
        if not keep:
            return self._none(session, query, p, "No coverage of “{q}” is stored.")
        c, relevance = corpus.subset(c, keep), relevance[keep]
        texts = self._standalone_texts(session, c)
        scores = 0.6 * relevance + 0.25 * centrality(c.vectors) + 0.15 * np.array([quality(t) for t in c.texts])
        scores[[i for i, t in enumerate(texts) if not t]] = -1.0
        groups = [g for g in select(scores, c.vectors, c.articles, texts, c.published, budget, SELECTION, c.dates()) if scores[g.lead] > 0]
        if not groups:
            return self._none(session, query, p, "No coverage of “{q}” is stored.")
        return Briefing(query, "topic", p.subject, self._items(session, c, groups, texts, "event"))

    # -- shared steps ---------------------------------------------------------------------------

    def _standalone_texts(self, session: Session, c: Candidates) -> list[str]:
        """Each sentence as it can be shown alone: joined with its predecessor when it starts
        with a pronoun ("He said ..."), or "" when even that would not stand."""
        texts = list(c.texts)
        leaning = [i for i, t in enumerate(texts) if needs_context(t)]
        if not leaning:
            return texts
        before = corpus.previous_sentences(session, [(c.articles[i], c.positions[i]) for i in leaning])
        for i in leaning:
            prev = before.get((c.articles[i], c.positions[i]))
            joined = f"{prev} {texts[i]}" if prev else ""
            texts[i] = joined if prev and not needs_context(prev) and len(joined) <= MAX_PAIRED else ""
        return texts

    def _items(
        self,
        session: Session,
        c: Candidates,
        groups: Sequence[Group],
        texts: Sequence[str],
        basis: str,
        *,
        date_by_publication: bool = False,
    ) -> tuple[Item, ...]:
        meta = corpus.article_meta(session, {c.articles[i] for g in groups for i in g.members})
        items = []
        for g in groups:
            lead = g.lead
            event = None if date_by_publication else c.event_start[lead]
            day = event or c.published[lead]
            end = c.event_end[lead] if event else None
            members = sorted(g.members, key=lambda i: (meta[c.articles[i]].published or date.max, c.articles[i]))
            sources = tuple(_source(meta[c.articles[i]]) for i in members)
            items.append(
                Item(
                    text=texts[lead],
                    date=day,
                    end=end,
                    sources=sources,
                    basis="event" if event else "published",
                    sentence_ids=tuple(c.ids[i] for i in g.members),
                )
            )
        return tuple(_renumber(sorted(items, key=_item_order)))

    def _item_vectors(self, session: Session, items: Sequence[Item]) -> list[np.ndarray]:
        found = corpus.sentences_by_id(session, [it.sentence_ids[0] for it in items])
        return list(found.vectors)

    def _followed_sentences(self, session: Session, follow: Sequence[str], ids: set[int]) -> set[int]:
        if not follow:
            return set()
        followed: set[int] = set()
        for name in follow:
            p = self._plan(session, name)
            if p.kind == "actor":
                c = corpus.actor_candidates(session, p.actor.id)
                followed |= {sid for sid in c.ids if sid in ids}
        return followed

    def _none(self, session: Session, query: str, p: Plan, template: str) -> Briefing:
        """A clear "no coverage" answer that points at what is stored instead."""
        note = template.format(q=query.strip(), subject=p.subject or f"“{query.strip()}”")
        suggestions = list(p.suggestions)
        if p.kind == "date":
            suggestions = _coverage(corpus.stored_dates(session))
            note += " Stored coverage: " + "; ".join(suggestions) + "."
        else:
            if not suggestions:
                counts = corpus.mention_counts(session)
                names = {a.id: a for _, a in corpus.actor_keys(session) if a.kind == "person"}
                top = sorted(names.values(), key=lambda a: -counts.get(a.id, 0))[:3]
                suggestions = [a.name for a in top]
            if suggestions:
                note += " Did you mean: " + ", ".join(suggestions) + "?" if p.suggestions else " Stored actors include " + ", ".join(suggestions) + "."
        return Briefing(query, "none", p.subject if p.kind == "date" else "", note=note, suggestions=tuple(suggestions))


def _dated(start: date | None, end: date | None) -> float:
    """1 for a sentence about a specific day or few days: a concrete happening."""
    return 1.0 if start and end and (end - start).days < 7 else 0.0


def _overlap(span: DateSpan, start: date, end: date) -> float:
    """Share of an event's days that fall inside the asked span: 1 for a precise hit."""
    inside = (min(span.end, end) - max(span.start, start)).days + 1
    return max(inside, 0) / ((end - start).days + 1)


def _source(meta: corpus.ArticleMeta) -> Source:
    return Source(0, meta.id, meta.title, meta.outlet, meta.published, meta.url)


def _item_order(item: Item) -> tuple:
    return (item.date or date.max, item.basis != "event", item.sentence_ids)


def _renumber(items: Sequence[Item]) -> list[Item]:
    """Number sources by first citation, in item order."""
    numbers: dict[int, int] = {}
    out = []
    for item in items:
        sources = []
        for s in item.sources:
            numbers.setdefault(s.article_id, len(numbers) + 1)
            sources.append(replace(s, number=numbers[s.article_id]))
        out.append(replace(item, sources=tuple(sources)))
    return out


def _coverage(dates: Sequence[date]) -> list[str]:
    """Stored dates as spans separated by gaps of more than a month: ["14–29 March 2023", ...]."""
    labels = episodes(list(dates), 30)
    spans: dict[int, list[date]] = {}
    for d, label in zip(dates, labels):
        spans.setdefault(label, []).append(d)
    return [describe_span(DateSpan(min(ds), max(ds))) for ds in spans.values()]
