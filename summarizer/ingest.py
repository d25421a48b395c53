"""The ingestion service: read inputs, analyse each article once, store it atomically."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from summarizer import languages, writes
from summarizer.actors import ActorConfig, resolve
from summarizer.outlets import load_names
from summarizer.analysis import Analysis, analyse_doc, load_pipeline, vector_text
from summarizer.embeddings import Encoder
from summarizer.progress import IngestProgress, Phase
from summarizer.settings import Settings
from summarizer.sources import FetchLimits, RawArticle, Rejected, iter_inputs
from summarizer.store import Store
from summarizer.store import actors as actor_store
from summarizer.store import articles as article_store
from summarizer.store.articles import add_article, find_duplicate, replace_analysis
from summarizer.store.rows import StoredInput
from summarizer.store.state import next_generation

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

Progress = Callable[[IngestProgress], None]  # see IngestProgress for when it is called
# One article to analyse: as read, its content hash, and the stored article it is analysed again for (or None: new).
Work = tuple[RawArticle, str, StoredInput | None]
# Writes of one article tried when a concurrent ingest's rows collide with it (see Ingestor._store).
STORE_ATTEMPTS = 3
VOTE_SCOPE = 500  # a run storing more articles settles every actor's kind in one pass
REANALYSE_CHUNK = 500  # stored articles read at a time for reanalysis
# The modules whose code decides what ingestion stores for an article's text: sentences, their
# kinds, dates and signals, mentions, vectors, copied flags; this one runs them. Their source is
# part of the analysis stamp (tests/summarizer/test_reanalysis.py checks that none is missing).
ANALYSIS_MODULES = (
    "summarizer.abbreviations", "summarizer.actors", "summarizer.analysis", "summarizer.dates",
    "summarizer.embeddings", "summarizer.event_dates", "summarizer.ingest", "summarizer.languages",
    "summarizer.onnx_export", "summarizer.page_prefixes", "summarizer.scoring", "summarizer.story_text",
    "summarizer.syndication", "summarizer.vocabulary", "summarizer.writes",
)


@dataclass(frozen=True)
class Stored:
    origin: str
    article_id: int
    sentences: int


@dataclass(frozen=True)
class Unanalysed:
    """An article stored whole but not analysed: it is not in English."""

    origin: str
    language: str  # ISO 639 code

    @property
    def line(self) -> str:
        return f"stored, not analysed: {languages.language_name(self.language)}"


@dataclass
class IngestReport:
    """What one ingestion run did, and where its time went."""

    stored: list[Stored] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    unanalysed: list[Unanalysed] = field(default_factory=list)  # stored too, without sentences
    boilerplate: int = 0  # sentences found repeated across an outlet's articles, marked after the run
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def sentences(self) -> int:
        return sum(s.sentences for s in self.stored)

    def summary(self) -> str:
        return f"{len(self.stored)} new, {len(self.duplicates)} duplicates, {len(self.rejected)} rejected"


def analysis_stamp(settings: Settings, modules: Sequence[str] = ANALYSIS_MODULES) -> str:
    """A short stamp of what made an article's stored rows: the analysis modules' source, the
    spaCy and encoder models named in the settings, the spaCy version, and the actors file
    (names, aliases and titles). An article stored with another stamp was analysed by another
    version of storybot or of its actors file (`storybot reanalyse`)."""
    models = (settings.spacy_model, settings.embedding_model, settings.embedding_backend, _version("spacy"))
    return _stamp(tuple(modules), models, settings.actors_path)


@cache
def _stamp(modules: tuple[str, ...], models: tuple[str, ...], actors: Path) -> str:
    digest = hashlib.sha256("\n".join(models).encode())
    digest.update(actors.read_bytes() if actors.is_file() else b"")
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise LookupError(f"no source for {name}")
        digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()[:16]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def content_hash(text: str) -> str:
    """Hash the text with whitespace folded, so re-wrapped copies count as the same article."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().encode()).hexdigest()


class Ingestor:
    """Turns inputs into stored, analysed articles. Models load once, when a run first has something new."""

    clock: Callable[[], float] = staticmethod(time.perf_counter)  # times the work that progress reports

    def __init__(
        self,
        store: Store,
        settings: Settings,
        encoder: Encoder,
        *,
        nlp: Language | None = None,
        actor_config: ActorConfig | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self._nlp = nlp
        self.encoder = encoder
        self.actor_config = actor_config or ActorConfig.load(settings.actors_path)
        self.outlets = load_names(settings.outlets_path)
        self.stamp = analysis_stamp(settings)
        self._index = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_pipeline(self.settings.spacy_model)
        return self._nlp

    def ingest(self, targets: Iterable[str], progress: Progress | None = None) -> IngestReport:
        """Ingest files, folders, feeds and URLs; see `ingest_items` (progress starts after reading)."""
        started = time.perf_counter()
        items = self.read(targets)
        report = IngestReport()
        report.seconds["read"] += time.perf_counter() - started
        return self.ingest_items(items, progress, report)

    def read(self, targets: Iterable[str]) -> list[RawArticle | Rejected]:
        """Read files, folders, feeds and URLs into raw articles and rejections; no model, no store.

        Fetches keep to the settings' address policy, deadlines and size caps.
        """
        s = self.settings
        limits = FetchLimits(
            allow_hosts=tuple(s.fetch_allow_hosts), page_seconds=s.fetch_deadline_seconds,
            feed_seconds=s.feed_deadline_seconds, feed_bytes=s.feed_max_bytes,
        )
        return list(iter_inputs(targets, max_bytes=s.max_article_bytes, limits=limits))

    def ingest_items(
        self,
        items: Sequence[RawArticle | Rejected],
        progress: Progress | None = None,
        report: IngestReport | None = None,
    ) -> IngestReport:
        """Store each new article in its own transaction; a bad one is rejected, the rest go on.

        Args:
            items: read inputs, or inputs already rejected while reading.
            progress: called with an `IngestProgress` once the duplicate check is over
                ("checked"), before the models load ("loading", only if something is new),
                after each new article is stored or rejected ("working"), and at the end ("done").
            report: a report to add to (`ingest` passes one holding the reading time).

        Returns:
            The report: stored, duplicate and rejected inputs, and seconds per stage.
        """
        report = report or IngestReport()
        fresh: list[Work] = []
        seen: set[str] = set()
        duplicates = rejected = 0
        for item in items:
            if isinstance(item, Rejected):
                report.rejected.append(item)
                rejected += 1
                continue
            digest = content_hash(item.text)
            if digest in seen or (item.url and item.url in seen) or self._is_stored(digest, item.url):
                report.duplicates.append(item.origin)
                duplicates += 1
                continue
            seen.update(x for x in (digest, item.url) if x)
            fresh.append((item, digest, None))
        tracker = _Tracker(progress, self.clock, total=len(fresh), duplicates=duplicates, rejected=rejected)
        tracker.emit("checked")
        if fresh:
            self._process([fresh], report, tracker)
        tracker.emit("done")
        return report

    def stale(self) -> tuple[int, int]:
        """(articles analysed by another version of storybot or before stamps, articles stored)."""
        with self.store.session() as session:
            return article_store.count_stale(session, self.stamp)

    def stale_ids(self, *, after: int = 0, limit: int | None = None) -> list[int]:
        """Ids of the articles another version analysed (or none), oldest first: above `after`, at most `limit`."""
        with self.store.session() as session:
            return article_store.stale_articles(session, self.stamp, after=after, limit=limit)

    def reanalyse(
        self, *, everything: bool = False, ids: Sequence[int] | None = None, progress: Progress | None = None
    ) -> IngestReport:
        """Analyse stored articles again from their stored text, with today's analysis: those an
        older version analysed, or `everything`, or the articles `ids`. Each article keeps its id,
        text, dates, story and time of storing; its sentences and mentions are replaced in one
        transaction. An article whose text no longer analyses is reported rejected and keeps the
        rows it had.

        Progress is reported as for `ingest_items`, `total` counting the articles to analyse.
        """
        report = IngestReport()
        with self.store.session() as session:
            if ids is not None:
                ids = sorted(set(ids))
            elif everything:
                ids = article_store.all_articles(session)
            else:
                ids = article_store.stale_articles(session, self.stamp)
        tracker = _Tracker(progress, self.clock, total=len(ids), duplicates=0, rejected=0)
        tracker.emit("checked")
        if ids:
            self._process(self._stored_work(ids), report, tracker)
            with self.store.session() as session:
                dropped = actor_store.drop_unmentioned(session)
                next_generation(session)
            self._index = None  # it may hold the dropped actors
            if dropped:
                log.info("actors no longer named by any stored sentence: %d dropped", dropped)
        tracker.emit("done")
        return report

    def _stored_work(self, ids: Sequence[int]) -> Iterator[list[Work]]:
        """The stored articles `ids` as work to analyse again, their texts read a chunk at a time."""
        for start in range(0, len(ids), REANALYSE_CHUNK):
            with self.store.session() as session:
                stored = article_store.stored_inputs(session, ids[start : start + REANALYSE_CHUNK])
            yield [(writes.as_raw(row), row.content_hash, row) for row in stored]

    def _process(self, chunks: Iterable[list[Work]], report: IngestReport, tracker: _Tracker) -> None:
        """Load the models, analyse, embed and store each chunk's articles in batches, then mark
        the run's boilerplate and settle the kinds of the actors it named."""
        tracker.emit("loading")
        self._load_models()
        size = max(1, self.settings.ingest_batch)
        tracker.start()
        for work in chunks:
            self._run_batches([work[start : start + size] for start in range(0, len(work), size)], report, tracker)
        self._mark_repeats(report)
        self._vote_kinds([s.article_id for s in report.stored if s.sentences])

    def _mark_repeats(self, report: IngestReport) -> None:
        """Mark the outlets' repeated boilerplate among the sentences just stored (one pass over the store)."""
        ids = [s.article_id for s in report.stored if s.sentences]
        if not ids:
            return
        started = time.perf_counter()
        with self.store.session() as session:
            report.boilerplate += writes.mark_repeats(session, ids)
        report.seconds["store"] += time.perf_counter() - started

    def _load_models(self) -> None:
        """Load spaCy and the encoder now, so that loading is not counted as analysis time."""
        self.nlp  # noqa: B018 - the property loads the pipeline
        self.encoder.load()

    def _is_stored(self, digest: str, url: str | None) -> bool:
        with self.store.session() as session:
            return find_duplicate(session, digest, url) is not None

    def _run_batches(self, batches: list[list[Work]], report: IngestReport, tracker: _Tracker) -> None:
        """Analyse batch k+1 (spaCy, one thread) while batch k is embedded and stored.

        The encoder runs outside the GIL on its own threads, so the two overlap instead of
        leaving a core idle through each spaCy pass. (Worker processes for spaCy were tried:
        no faster on two cores, where the encoder already keeps both busy.)
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="storybot-analyse") as pool:
            pending = pool.submit(self._analyse, [raw for raw, _, _ in batches[0]], report)
            for k, batch in enumerate(batches):
                analyses = pending.result()
                if k + 1 < len(batches):
                    pending = pool.submit(self._analyse, [raw for raw, _, _ in batches[k + 1]], report)
                self._embed_and_store(batch, analyses, report, tracker)

    def _embed_and_store(
        self, batch: list[Work], analyses: list[Analysis | Rejected | Unanalysed], report: IngestReport, tracker: _Tracker
    ) -> None:
        started = time.perf_counter()
        texts = [vector_text(s) for a in analyses if isinstance(a, Analysis) for s in a.sentences]
        vectors = self.encoder.encode(texts)
        report.seconds["embeddings"] += time.perf_counter() - started
        offset = 0
        for i, ((raw, digest, target), analysis) in enumerate(zip(batch, analyses, strict=True)):
            stored = 0
            if isinstance(analysis, Rejected):
                report.rejected.append(analysis)
            elif isinstance(analysis, Unanalysed):
                record = writes.unanalysed_record(
                    raw, digest, analysis.language, datetime.now(UTC), outlets=self.outlets, stamp=self.stamp
                )
                if self._store_record(raw, record, report, target):
                    report.unanalysed.append(analysis)
            else:
                count = len(analysis.sentences)
                if self._store(raw, digest, analysis, vectors[offset : offset + count], report, target):
                    stored = count
                offset += count
            tracker.finished(stored, closes_batch=i == len(batch) - 1)

    def _analyse(self, raws: list[RawArticle], report: IngestReport) -> list[Analysis | Rejected | Unanalysed]:
        """Parse the English articles of the batch with nlp.pipe; an article that breaks the
        pipeline is rejected alone, one in another language is marked and left unparsed."""
        started = time.perf_counter()
        found = [languages.detect(r.text) for r in raws]
        report.seconds["language"] += time.perf_counter() - started
        english = [r for r, code in zip(raws, found, strict=True) if code == languages.ANALYSED]
        analysed = iter(self._analyse_english(english, report))
        return [
            next(analysed) if code == languages.ANALYSED else Unanalysed(raw.origin, code)
            for raw, code in zip(raws, found, strict=True)
        ]

    def _analyse_english(self, raws: list[RawArticle], report: IngestReport) -> list[Analysis | Rejected]:
        if not raws:
            return []
        started = time.perf_counter()
        try:
            docs = list(self.nlp.pipe([r.text for r in raws]))
        except Exception:  # noqa: BLE001 - isolate the culprit below
            log.warning("batch parse failed; parsing one by one", exc_info=True)
            docs = [self._parse_one(r) for r in raws]
        report.seconds["spacy"] += time.perf_counter() - started
        out: list[Analysis | Rejected] = []
        for raw, doc in zip(raws, docs, strict=True):
            if isinstance(doc, Rejected):
                out.append(doc)
                continue
            started = time.perf_counter()
            dates_before = report.seconds["dates"]
            try:
                analysis = analyse_doc(doc, raw.published, report.seconds)
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
                log.debug("analysis failed for %s", raw.origin, exc_info=True)
                out.append(Rejected(raw.origin, f"analysis failed: {exc}"))
            else:
                out.append(analysis if analysis.sentences else Rejected(raw.origin, "no sentences found"))
            # "analysis" is sentences, entities and titles; event dates are counted apart.
            report.seconds["analysis"] += time.perf_counter() - started - (report.seconds["dates"] - dates_before)
        return out

    def _parse_one(self, raw: RawArticle):
        try:
            return self.nlp(raw.text)
        except Exception as exc:  # noqa: BLE001
            return Rejected(raw.origin, f"could not parse: {exc}")

    def _store_record(self, raw: RawArticle, record, report: IngestReport, target: StoredInput | None = None) -> bool:
        """Store an unanalysed article (or put it in place of `target`'s rows) in its own
        transaction; False if it was rejected instead."""
        started = time.perf_counter()
        try:
            with self.store.session() as session:
                article_id = _write(session, record, target)
        except Exception as exc:  # noqa: BLE001 - the transaction rolled back
            if self._stored_meanwhile(exc, raw, record.content_hash, report, target):
                return False
            log.debug("could not store %s", raw.origin, exc_info=True)
            report.rejected.append(Rejected(raw.origin, f"could not store: {_one_line(exc)}"))
            return False
        finally:
            report.seconds["store"] += time.perf_counter() - started
        report.stored.append(Stored(raw.origin, article_id, 0))
        return True

    def _store(
        self,
        raw: RawArticle,
        digest: str,
        analysis: Analysis,
        vectors,
        report: IngestReport,
        target: StoredInput | None = None,
        attempt: int = 1,
    ) -> bool:
        """Store one article (or put its analysis in place of the stored `target`'s) in its own
        transaction; False if it was a duplicate or rejected instead.

        Another process may store the same article, or the same new actors, between this run's
        duplicate check and its write: a unique constraint then refuses the write. The article is
        then counted as the duplicate it is, or, when only actors collided, written again over an
        actor index reloaded with the other process's actors (at most STORE_ATTEMPTS times).
        """
        started = time.perf_counter()
        resolving = 0.0
        try:
            with self.store.session() as session:
                index = self._actor_index(session)
                t0 = time.perf_counter()
                resolution = resolve(analysis, index, self.actor_config)
                resolving = time.perf_counter() - t0
                writes.write_actors(session, resolution, index)
                copy = writes.find_copy(session, raw.text) if target is None else writes.stored_copy(session, target)
                record = writes.article_record(
                    raw, digest, analysis, vectors, resolution, index, datetime.now(UTC), outlets=self.outlets, copy=copy,
                    stamp=self.stamp,
                )
                article_id = _write(session, record, target)
        except Exception as exc:  # noqa: BLE001 - the transaction rolled back; nothing half-written remains
            if isinstance(exc, IntegrityError):
                self._index = None  # reload: another process's actors and aliases
                if self._stored_meanwhile(exc, raw, digest, report, target):
                    return False
                if attempt < STORE_ATTEMPTS:
                    log.debug("store conflict on %s (attempt %d); again", raw.origin, attempt, exc_info=True)
                    return self._store(raw, digest, analysis, vectors, report, target, attempt + 1)
            log.debug("could not store %s", raw.origin, exc_info=True)
            self._index = None  # it may hold keys of the rolled-back article's actors
            report.rejected.append(Rejected(raw.origin, f"could not store: {_one_line(exc)}"))
            ok = False
        else:
            index.apply(resolution)
            report.stored.append(Stored(raw.origin, article_id, len(analysis.sentences)))
            ok = True
        report.seconds["actors"] += resolving
        report.seconds["store"] += time.perf_counter() - started - resolving
        return ok

    def _stored_meanwhile(
        self, exc: Exception, raw: RawArticle, digest: str, report: IngestReport, target: StoredInput | None
    ) -> bool:
        """Whether a write refused by a unique constraint met the same article, stored meanwhile by
        another process; then it is counted as the duplicate it is. Never for an article analysed
        again (`target`): it is stored, by this store itself."""
        if target is not None or not isinstance(exc, IntegrityError) or not self._is_stored(digest, raw.url):
            return False
        log.debug("%s was stored meanwhile by another process", raw.origin)
        report.duplicates.append(raw.origin)
        return True

    def rescore(self) -> tuple[int, int]:
        """Recompute the stored ranking signals with today's scoring; returns (sentences, mentions)."""
        with self.store.session() as session:
            return writes.rescore(session)

    def _vote_kinds(self, articles: list[int]) -> None:
        """After a run, settle the kind of each learned actor the run's articles name by what most
        of its mentions say (a long run counts every actor: one pass, not a long id list)."""
        if not articles:
            return
        scope = articles if len(articles) <= VOTE_SCOPE else None
        with self.store.session() as session:
            changed = writes.vote_kinds(session, self._actor_index(session), self.actor_config, articles=scope)
        if changed:
            log.info("actor kinds settled by their mentions: %d changed", len(changed))

    def _actor_index(self, session):
        """The actor index, loaded (and actors.toml synced) once per ingestor."""
        if self._index is None:
            writes.sync_config(session, self.actor_config, writes.load_index(session))
            self._index = writes.load_index(session)
        return self._index


class _Tracker:
    """Counts one run's progress and tells the callback, if there is one."""

    def __init__(self, progress: Progress | None, clock: Callable[[], float], *, total: int, duplicates: int, rejected: int) -> None:
        self.progress = progress
        self.clock = clock
        self.total, self.duplicates, self.rejected = total, duplicates, rejected
        self.done = self.sentences = self.batches = 0
        self._started: float | None = None

    def start(self) -> None:
        """Start the work clock: the models are ready."""
        self._started = self.clock()

    def finished(self, sentences: int, *, closes_batch: bool) -> None:
        """Count one new article stored (with its sentences) or rejected (with none)."""
        self.done += 1
        self.sentences += sentences
        self.batches += closes_batch
        self.emit("working")

    def emit(self, phase: Phase) -> None:
        if self.progress is None:
            return
        work = 0.0 if self._started is None else self.clock() - self._started
        self.progress(
            IngestProgress(
                phase, self.done, self.total, self.duplicates, self.rejected, self.sentences, self.batches, work
            )
        )


def _write(session, record, target: StoredInput | None) -> int:
    """Add the new article, or put its analysis in place of the stored `target`'s; its id."""
    if target is None:
        return add_article(session, record)
    replace_analysis(session, target.id, record)
    return target.id


def _one_line(exc: Exception) -> str:
    """A storage error in one line: the driver's message, without SQLAlchemy's SQL and parameters."""
    inner = getattr(exc, "orig", None) or exc  # a DBAPIError wraps the driver's exception
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    message = lines[0] if lines else ""
    message = message if len(message) <= 160 else message[:159] + "\u2026"
    return f"{type(inner).__name__}: {message}" if message else type(inner).__name__
