"""The briefing service: one call per /brief, /timeline or digest, answered from stored analysis."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from summarizer.dates import DateSpan
from summarizer.embeddings import Encoder
from summarizer.outlets import domain
from summarizer.queries import Plan, describe_span, plan, resolve_actor
from summarizer.ranking import Context, Weights, rank
from summarizer.results import Briefing, Card, Item, Source
from summarizer.scoring import asks, content_words, counts_back, lexical_overlap, needs_context
from summarizer.selection import Budget, Group, episodes, repeats, select, support
from summarizer.selection import Tuning as SelectionTuning
from summarizer.store import Store
from summarizer.store import actors as actor_store
from summarizer.store import articles as article_store
from summarizer.store import sentences as corpus
from summarizer.store.rows import ActorRow, ArticleRow, Candidates, Catalog
from summarizer.timelines import TimelineTuning, day_candidates, day_importance, ranked_days, summarise_day

log = logging.getLogger(__name__)

SHORT = Budget(max_items=6, max_chars=1200)
LONG = Budget(max_items=15, max_chars=3600)
MAX_PAIRED = 400  # a pronoun sentence joined with the one before it stays under this
SELECTION = SelectionTuning()
POOL = SELECTION.pool  # candidates kept after the cheap signals; only these get vectors and pairing


@dataclass(frozen=True)
class Tuning:
    topic_floor: float = 0.45  # relevance (cosine + lexical bonus) a topic sentence must reach
    lexical_bonus: float = 0.25
    topic_pool: int = 200
    timeline_pool: int = 2000  # sentences near a timeline's topic whose articles make its story
    said_floor: float = 0.30  # relevance an actor's statement needs to count as "about" the asked topic
    card_items: int = 3  # items beside a "who is" card
    date_fill_days: int = 2  # days after a date's span whose publications, nearest first, fill what its own leave


class BriefingService:
    """Builds briefings from the store. Thread-safe; one instance per process."""

    def __init__(
        self,
        store: Store,
        encoder: Encoder,
        *,
        today: Callable[[], date] = date.today,
        tuning: Tuning = Tuning(),
        weights: Weights = Weights(),
        timeline_tuning: TimelineTuning = TimelineTuning(),
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.today = today
        self.tuning = tuning
        self.weights = weights
        self.timeline_tuning = timeline_tuning
        self._vectors = corpus.VectorIndex()
        self._cache: OrderedDict[tuple, Briefing] = OrderedDict()
        self._catalog: tuple[tuple[int, int], Catalog] | None = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load the encoder (for topic queries) and read the store, so the first query does not wait."""
        load = getattr(self.encoder, "load", None)
        if load:
            load()
        self.refresh()

    def refresh(self) -> None:
        """Read what changed in the store since the last query, so the next query does not wait
        for it: its catalog of names, counts and dates (0.7 s on a 10,000-article store), and the
        new sentence vectors once a topic query has loaded them. Called after articles are stored."""
        with self.store.session() as session:
            self._current_catalog(session)
            if len(self._vectors.ids):
                self._vectors.refresh(session)

    def clear_cache(self) -> None:
        """Forget cached briefings (storing an article already makes them stale)."""
        with self._lock:
            self._cache.clear()

    def actors(self) -> list[ActorRow]:
        """Stored actors that are mentioned, most mentioned first."""
        with self.store.session() as session:
            return [r for r in actor_store.actor_rows(session) if r.mentions]

    def articles(self) -> list[ArticleRow]:
        """Stored articles, newest publication first."""
        with self.store.session() as session:
            return article_store.article_rows(session)

    def brief(self, query: str, *, long: bool = False) -> Briefing:
        """Brief on an actor, a date or span, or a topic, across every stored article.

        Args:
            query: what the user asked about ("xi", "21 March 2023", "peace plan").
            long: allow more items than the short default.

        Returns:
            A Briefing; kind "none" with a note and suggestions when nothing relevant is stored.
            A short one says in `more` how many items the long one adds (0 when none).
        """
        result = self._cached_brief(query, long)
        if long or not result.items:
            return result
        extra = len(self._cached_brief(query, True).items) - len(result.items)
        return replace(result, more=extra) if extra > 0 else result

    def _cached_brief(self, query: str, long: bool) -> Briefing:
        with self.store.session() as session:
            version = article_store.corpus_version(session)
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

    def timeline(self, query: str = "", *, dates: int | None = None, per_date: int | None = None) -> Briefing:
        """The story's most important days, oldest first, each told by its most central facts.

        Args:
            query: an actor ("xi"), a span ("March 2023"), a topic or the story's keywords
                ("peace plan"), or nothing for the whole store.
            dates: how many days (default: what fits one message).
            per_date: facts per day (default 1).
        """
        tuning = replace(
            self.timeline_tuning,
            dates=dates or self.timeline_tuning.dates,
            per_date=per_date or self.timeline_tuning.per_date,
        )
        with self.store.session() as session:
            p = self._plan(session, query) if query.strip() else Plan("story", "The story")
            c = self._timeline_scope(session, query, p)
            if c is None or not len(c):
                return self._none(session, query, p, "No coverage of {subject} is stored.")
            newest = self._current_catalog(session).newest  # the newest days' reports are not all in
            ranked = ranked_days(day_importance(c, tuning, newest))[: tuning.dates + tuning.spare_days]
            if c.copied:  # copies weighed the days; only the first of a story's copies is shown
                c = corpus.subset(c, [i for i, copied in enumerate(c.copied) if not copied])
            # An undated sentence tells the day it was published on when it opens its story: count
            # the lead places of those published on the chosen days, then read only the rows kept.
            chosen = set(ranked)
            c = corpus.with_leads(session, c, [i for i, d in enumerate(c.published) if d in chosen and c.event_start[i] is None])
            per_day = day_candidates(c, ranked, tuning)
            keep = sorted({i for members in per_day.values() for i in members})
            c = corpus.load_speakers(session, corpus.load_vectors(session, corpus.rows_by_id(session, [c.ids[i] for i in keep])))
            position = {old: new for new, old in enumerate(keep)}
            texts = self._standalone_texts(session, c)
            # The most important days with something to show: a day whose every sentence leans on
            # another or is not story gives its place to the next.
            showable = [d for d in ranked if any(texts[position[i]] for i in per_day[d])]
            groups = _unrepeated_days(showable[: tuning.dates], per_day, position, c, texts, tuning)
            if not groups:
                return self._none(session, query, p, "No coverage of {subject} is stored.")
            return Briefing(query, p.kind, p.actor.name if p.actor else p.subject, self._items(session, c, groups, texts))

    def _timeline_scope(self, session: Session, query: str, p: Plan) -> Candidates | None:
        """The sentences a timeline weighs, their date columns only: the actor's, the span's, the
        articles on the topic, or all."""
        if p.kind == "actor":
            return corpus.actor_dates(session, p.actor.id)
        if p.kind == "story":
            return corpus.story_dates(session)
        if p.kind == "date":
            c = corpus.story_dates(session)
            inside = [i for i, d in enumerate(c.dates()) if d is not None and p.span.start <= d <= p.span.end]
            return corpus.subset(c, inside)
        if p.kind != "topic":
            return None
        self._vectors.refresh(session)
        words = content_words(query)
        if not words or not len(self._vectors.ids):
            return None
        ids, sims = self._vectors.nearest(self.encoder.encode([query])[0], self.tuning.timeline_pool)
        found = corpus.sentences_by_id(session, [int(i) for i in ids])
        sim = dict(zip((int(i) for i in ids), sims))
        relevant = {
            found.articles[i]
            for i, sid in enumerate(found.ids)
            if sim[sid] + self.tuning.lexical_bonus * lexical_overlap(words, found.texts[i]) >= self.tuning.topic_floor
        }
        return corpus.story_dates(session, relevant) if relevant else None

    def digest(self, since: datetime | None, *, follow: Sequence[str] = (), long: bool = False) -> Briefing:
        """The top developments among articles stored after `since` (all articles when None).

        Followed actors (names or keys) lead: their sentences score higher and come first.
        """
        budget = LONG if long else SHORT
        with self.store.session() as session:
            c = corpus.ingested_candidates(session, since or datetime(1970, 1, 1))
            subject = f"since {since:%Y-%m-%d %H:%M}" if since else "everything stored"
            if not len(c):
                return Briefing("digest", "none", subject, note="Nothing new since the last digest.")
            followed = self._followed_sentences(session, follow, set(c.ids))
            ctx = Context(followed=frozenset(followed))
            c = self._pool(session, c, "digest", ctx)
            items = self._choose(session, c, self._rank("digest", c, ctx), budget)
            if follow:
                items = tuple(sorted(items, key=lambda it: not any(s in followed for s in it.sentence_ids)))
            return Briefing("digest", "digest", subject, items)

    # -- one kind of briefing each ------------------------------------------------------------

    def _brief(self, session: Session, query: str, budget: Budget) -> Briefing:
        p = self._plan(session, query)
        if p.script:
            return self._none(session, query, p, "")
        if p.kind == "none":
            return Briefing(query, "none", "", note="Ask about an actor, a date or a topic, e.g. /brief xi.")
        if p.kind == "actor":
            return self._actor(session, query, p, budget)
        if p.kind == "said":
            return self._said(session, query, p, budget)
        if p.kind == "who":
            return self._who(session, query, p, budget)
        if p.kind == "date":
            return self._date(session, query, p, budget)
        return self._topic(session, query, p, budget)

    def _plan(self, session: Session, query: str) -> Plan:
        c = self._current_catalog(session)
        return plan(query, c.names, c.mentions, self.today(), c.dates)

    def _current_catalog(self, session: Session) -> Catalog:
        """The store's names, counts and dates, read once per corpus version."""
        version = article_store.corpus_version(session)
        with self._lock:
            if self._catalog is not None and self._catalog[0] == version:
                return self._catalog[1]
        current = actor_store.catalog(session)
        with self._lock:
            self._catalog = (version, current)
        return current

    def _actor(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        c = self._pool(session, corpus.actor_candidates(session, p.actor.id), "actor", Context())
        items = self._choose(session, c, self._rank("actor", c, Context()), budget)
        note = f"(read “{p.corrected_from}” as {p.actor.name})" if p.corrected_from else ""
        return Briefing(query, "actor", p.actor.name, items, note=note)

    def _said(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        """The actor's own words: sentences whose stored speaker it is, near the asked topic if any."""
        c = corpus.speaker_candidates(session, p.actor.id)
        about = f" about “{p.about}”" if p.about else ""
        if not len(c):
            note = f"No words of {p.actor.name} are stored; here is what the articles say about them."
            return replace(self._actor(session, query, replace(p, kind="actor"), budget), note=note)
        c = corpus.load_vectors(session, c)
        relevance = np.ones(len(c))
        if p.about:
            words = content_words(p.about)
            cosine = c.vectors @ self.encoder.encode([p.about])[0]
            relevance = cosine + self.tuning.lexical_bonus * np.array([lexical_overlap(words, t) for t in c.texts])
            keep = [i for i in range(len(c)) if relevance[i] >= self.tuning.said_floor]
            c, relevance = corpus.subset(c, keep), relevance[keep]
        ctx = Context(relevance=dict(zip(c.ids, relevance)))
        items = self._choose(session, c, self._rank("topic", c, ctx), budget) if len(c) else ()
        note = f"(read “{p.corrected_from}” as {p.actor.name})" if p.corrected_from else ""
        if not items and p.about:
            # Nothing on the asked topic: what the actor did say, and saying so.
            said = self._said(session, query, replace(p, about=None), budget)
            return replace(said, note=f"No words of {p.actor.name}{about} are stored; what they said:")
        return Briefing(query, "said", p.actor.name, items, note=note)

    def _who(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        """A short card on the actor (roles, first and last mention, how often) and its top items."""
        stored = actor_store.actor_card(session, p.actor.id)
        roles = tuple(dict.fromkeys(_role(r) for r in stored.roles if _role(r)))
        card = Card(p.actor.name, p.actor.kind, roles, stored.mentions, stored.articles, stored.first,
                    stored.last, stored.statements)
        short = Budget(min(self.tuning.card_items, budget.max_items), budget.max_chars // 2)
        items = self._actor(session, query, replace(p, kind="actor"), short).items
        note = f"(read “{p.corrected_from}” as {p.actor.name})" if p.corrected_from else ""
        return Briefing(query, "who", p.actor.name, items, note=note, card=card)

    def _date(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        """What happened in the span (event dates), then what was published in it, then, while room
        is left, what was published on each of the days after, nearest first (a day's news is often
        printed the next day, and a thinly covered one's later still)."""
        span = p.span
        ctx = Context(span=span)
        reach = self._current_catalog(session).reach

        def pool(c: Candidates, strategy: str) -> Candidates:
            return self._pool(session, corpus.load_reach(session, c, reach), strategy, ctx)

        events = pool(corpus.event_candidates(session, span.start, span.end, max_days=max(7, span.days)), "event")
        published = pool(corpus.published_candidates(session, span.start, span.end), "published")
        # The days after the span, nearest first, while the calendar lasts.
        after = [span.end + timedelta(days=n) for n in range(1, self.tuning.date_fill_days + 1) if span.end < date.max - timedelta(days=n)]
        later = [pool(corpus.published_candidates(session, day, day), "published") for day in after]
        # Other articles about the span, the next days' reports among them, vouch for a sentence.
        ctx = replace(ctx, support=_day_support((events, published, *later), SELECTION.support_sources))
        items: tuple[Item, ...] = ()
        if len(events):
            event_budget = Budget(max(budget.max_items - 2, 1), budget.max_chars * 2 // 3) if len(published) else budget
            items = self._choose(session, events, self._rank("event", events, ctx), event_budget)
        for pool in (published, *later):
            items += self._published_items(session, pool, items, ctx, budget)
        if not items:
            return self._none(session, query, p, "No coverage of {subject} is stored.")
        return Briefing(query, "date", p.subject, tuple(_renumber(sorted(items, key=_item_order))), span=(span.start, span.end))

    def _published_items(
        self, session: Session, published: Candidates, items: tuple[Item, ...], ctx: Context, budget: Budget
    ) -> tuple[Item, ...]:
        """Items from the sentences `published` to fill what `items` leave of the budget, none
        repeating what they say."""
        shown = {sid for it in items for sid in it.sentence_ids}
        published = corpus.subset(published, [i for i, sid in enumerate(published.ids) if sid not in shown])
        rest = Budget(budget.max_items - len(items), budget.max_chars - sum(len(it.text) for it in items))
        if not len(published) or rest.max_items <= 0:  # none left when every sentence was already an item
            return ()
        scores = self._rank("published", published, ctx)
        if items:  # what the events already say is not said again
            said = corpus.sentences_by_id(session, [it.sentence_ids[0] for it in items]).vectors
            scores[np.max(published.vectors @ said.T, axis=1) >= SELECTION.dup_threshold] = -1.0
            said_words = [content_words(it.text) for it in items]
            scores[[i for i, t in enumerate(published.texts) if repeats(content_words(t), said_words, SELECTION)]] = -1.0
        return self._choose(session, published, scores, rest, by_publication=True)

    def _topic(self, session: Session, query: str, p: Plan, budget: Budget) -> Briefing:
        """Sentences near the query in meaning (MiniLM), above a relevance floor."""
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
        c, relevance = corpus.subset(c, keep), relevance[keep]
        ctx = Context(relevance=dict(zip(c.ids, relevance)))
        items = self._choose(session, c, self._rank("topic", c, ctx), budget) if keep else ()
        if not items:
            return self._none(session, query, p, "No coverage of “{q}” is stored.")
        return Briefing(query, "topic", p.subject, items)

    # -- shared steps ---------------------------------------------------------------------------

    def _rank(self, strategy: str, c: Candidates, ctx: Context) -> np.ndarray:
        return rank(strategy, c, ctx, self.weights)

    def _pool(self, session: Session, c: Candidates, strategy: str, ctx: Context, size: int = POOL) -> Candidates:
        """Keep the `size` best candidates by the strategy's cheap signals, and load only their vectors."""
        prelim = self._rank(strategy, c, ctx)
        order = [int(i) for i in np.argsort(-prelim, kind="stable")[:size] if prelim[i] > 0]
        return corpus.load_vectors(session, corpus.subset(c, order))

    def _choose(
        self, session: Session, c: Candidates, scores: np.ndarray, budget: Budget, *, by_publication: bool = False
    ) -> tuple[Item, ...]:
        """Select groups within the budget and turn them into items; unshowable rows never lead."""
        texts = self._standalone_texts(session, c)
        scores = scores.copy()
        scores[[i for i, t in enumerate(texts) if not t]] = -1.0
        dates = c.published if by_publication else c.dates()
        speakers = corpus.load_speakers(session, c).speakers  # one statement in other words: one item
        groups = select(scores, c.vectors, c.clusters or c.articles, texts, c.published, budget, SELECTION, dates, speakers)
        return self._items(session, c, [g for g in groups if scores[g.lead] > 0], texts, by_publication=by_publication)

    def _standalone_texts(self, session: Session, c: Candidates) -> list[str]:
        """Each sentence as it can be shown alone: joined with its predecessor when it starts
        with a pronoun ("He said ..."), or "" when even that would not stand or when it is a
        question, which reports nothing ("How can we avoid a pandemic?")."""
        texts = ["" if asks(t) else t for t in c.texts]
        leaning = [i for i, t in enumerate(texts) if t and needs_context(t)]
        if not leaning:
            return texts
        before = corpus.previous_sentences(session, [(c.articles[i], c.positions[i]) for i in leaning])
        for i in leaning:
            prev = before.get((c.articles[i], c.positions[i]))
            joined = f"{prev} {texts[i]}" if prev else ""
            if prev and not needs_context(prev) and len(joined) <= MAX_PAIRED:
                texts[i] = joined
            elif not (_dated_alone(texts[i]) and c.event_start[i] is not None):
                texts[i] = ""
        return texts

    def _items(
        self,
        session: Session,
        c: Candidates,
        groups: Sequence[Group],
        texts: Sequence[str],
        *,
        by_publication: bool = False,
    ) -> tuple[Item, ...]:
        """Items from groups: the lead's text and date, every member's article as a source, each
        source carrying the other stored copies of its story."""
        stories = c.clusters or c.articles
        members_of = article_store.story_members(session, {stories[i] for g in groups for i in g.members})
        wanted = {c.articles[i] for g in groups for i in g.members} | {a for ids in members_of.values() for a in ids}
        meta = article_store.articles_by_id(session, wanted)
        items = []
        for g in groups:
            lead = g.lead
            event = None if by_publication else c.event_start[lead]
            day = event or c.published[lead]
            end = c.event_end[lead] if event else None
            members = sorted(g.members, key=lambda i: (meta[c.articles[i]].published or date.max, c.articles[i]))
            sources = tuple(
                _source(meta[c.articles[i]], [meta[a] for a in members_of.get(stories[i], ()) if a != c.articles[i] and a in meta])
                for i in members
            )
            items.append(
                Item(
                    text=texts[lead],
                    date=day,
                    end=end,
                    sources=sources,
                    basis="event" if event else "published",
                    sentence_ids=tuple(c.ids[i] for i in g.members),
                    expected=bool(c.expected[lead]) if c.expected else False,
                )
            )
        return tuple(_renumber(sorted(items, key=_item_order)))

    def _followed_sentences(self, session: Session, follow: Sequence[str], ids: set[int]) -> set[int]:
        """Ids among `ids` of sentences naming a followed actor; places count ("Bakhmut")."""
        known = self._current_catalog(session)
        followed: set[int] = set()
        for name in follow:
            actor, _ = resolve_actor(name, known.names, known.mentions, self.today())
            if actor is not None:
                followed |= actor_store.mentioned_sentence_ids(session, actor.id) & ids
        return followed

    def _none(self, session: Session, query: str, p: Plan, template: str) -> Briefing:
        """A clear "no coverage" answer that points at what is stored instead."""
        note = template.format(q=query.strip(), subject=p.subject or f"“{query.strip()}”")
        if p.script:
            note = (
                f"“{query.strip()}” is written in {p.script} script; storybot analyses English coverage only"
                " (articles in other languages are stored, not analysed). Ask in English."
            )
        known = self._current_catalog(session)
        if p.kind == "date":
            suggestions = _coverage(known.dates, p.span)
            note += " Stored coverage: " + "; ".join(suggestions) + "."
        elif p.suggestions:
            suggestions = list(p.suggestions)
            note += " Did you mean: " + ", ".join(suggestions) + "?"
        else:
            people = {a.id: a for _, a in known.names if a.kind == "person"}
            top = sorted(people.values(), key=lambda a: -known.mentions.get(a.id, 0))[:3]
            suggestions = [a.name for a in top]
            if suggestions:
                note += " Stored actors include " + ", ".join(suggestions) + "."
        return Briefing(query, "none", p.subject if p.kind == "date" else "", note=note, suggestions=tuple(suggestions))


def _day_support(pools: Sequence[Candidates], k: int) -> dict[int, float]:
    """Each sentence's support among the span's pooled sentences, every kind: a sentence that some
    other articles report too is the day's news; one that only its own page carries is not."""
    ids: list[int] = []
    seen: set[int] = set()
    vectors: list[np.ndarray] = []
    sources: list[int] = []
    for c in pools:
        for i, sid in enumerate(c.ids):
            if sid not in seen:
                seen.add(sid)
                ids.append(sid)
                vectors.append(c.vectors[i])
                sources.append((c.clusters or c.articles)[i])
    if not ids:
        return {}
    return dict(zip(ids, (float(x) for x in support(np.stack(vectors), sources, k))))


def _role(text: str) -> str:
    """A stored title as a card shows it: "his Ukrainian counterpart" -> "Ukrainian counterpart"."""
    return re.sub(r"^(?:(?:his|her|their|its|the|a|an)\s+)+", "", text.strip(), flags=re.IGNORECASE)


def _dated_alone(text: str) -> bool:
    """Whether a sentence that leans back only for its time ("Days later, the army withdrew")
    can stand alone: shown with the date it was resolved to, what it counted from is not needed.
    A sentence that leans back for anything else ("He", "But", "The move") never does."""
    return counts_back(text) and not needs_context(COUNTED.sub("", text, count=1))


COUNTED = re.compile(r"^[\"“‘']?(?:and\s+)?[^,]{0,40}?\b(?:later|earlier|afterwards?)\b,?\s*", re.IGNORECASE)


REPEAT_SPARE = 10  # facts looked at beyond a day's share, in case the first repeat earlier days
# Within a day, reports are grouped by their vectors alone and a repeat in words is left out
# rather than merged: merging them too cost Timeline17 ROUGE (one topic's AR2-F 0.084 -> 0.075).
DAY_SELECTION = replace(SELECTION, repeat_overlap=1.0)


def _unrepeated_days(
    days: Sequence[date], per_day: dict[date, list[int]], position: dict[int, int], c: Candidates, texts: Sequence[str],
    tuning: TimelineTuning,
) -> list[Group]:
    """Each day's facts, leaving out a fact another day already told: the same quotation reported
    on several days is one line of the timeline, not three. `days` come most important first, and
    a fact told on several days stays with the most important of them, the day most coverage
    refers to (oldest first instead, one Timeline17 topic's AR2-F was 0.024, below the lead
    baseline's 0.026; the other topics did not change)."""
    groups: list[Group] = []
    said: list[set[str]] = []
    for day in days:
        members = [position[i] for i in per_day[day]]
        kept = 0
        for g in summarise_day(members, c, texts, tuning.per_date + REPEAT_SPARE, tuning, DAY_SELECTION):
            words = content_words(texts[g[0]])
            if kept == tuning.per_date or repeats(words, said, SELECTION):
                continue
            said.append(words)
            groups.append(Group(tuple(g), 1.0))
            kept += 1
    return groups


def _source(meta: ArticleRow, copies: Sequence[ArticleRow] = ()) -> Source:
    """A cited article, its outlet the URL's domain when none was stored (rows stored before
    ingestion filled it in), with the other copies of its story."""
    return Source(
        0, meta.id, meta.title, meta.outlet or domain(meta.url), meta.published, meta.url,
        tuple(Source(0, m.id, m.title, m.outlet or domain(m.url), m.published, m.url) for m in copies),
    )


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


def _coverage(dates: Sequence[date], asked: DateSpan | None = None) -> list[str]:
    """Stored dates as spans separated by gaps of more than a month: ["14–29 March 2023", ...].

    A span that would straddle the `asked` days (which hold no coverage) is cut around them,
    so the answer never lists coverage that contains the day it just said had none.
    """
    labels = episodes(list(dates), 30)
    spans: dict[int, list[date]] = {}
    for d, label in zip(dates, labels):
        spans.setdefault(label, []).append(d)
    out = []
    for ds in spans.values():
        parts = [ds]
        if asked is not None:
            parts = [[d for d in ds if d < asked.start], [d for d in ds if d > asked.end]]
        out += [describe_span(DateSpan(min(part), max(part))) for part in parts if part]
    return out
