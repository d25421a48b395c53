"""Turn ingestion inputs (files, directories, feeds, URLs) into raw articles or named rejections.

Nothing here writes anything: `iter_inputs` yields one `RawArticle` or `Rejected` per
article-sized piece of input, and never raises for bad input, so the ingestion service can
store the good ones and report the bad ones in one pass.
"""

from __future__ import annotations

import errno
import io
import json
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from summarizer.web import (
    FETCH_DEADLINE_S,
    AddressPolicy,
    Fetcher,
    FetchError,
    FetchResult,
    describe_size,
    extract_page,
    html_to_text,
    http_fetch,
    normalise,
    page_text,
)

logger = logging.getLogger(__name__)

# Files and HTTP bodies are read up to this many times max_bytes: markup, front matter
# and feed wrappers weigh more than the article text that the limit is about.
READ_FACTOR = 4
SHORT_ENTRY_CHARS = 400
SNIFF_BYTES = 8192

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | FEED_SUFFIXES | {".json", ".jsonl"}
FEED_CONTENT_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml",
    "application/xml", "text/xml",
})
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# Article metadata keys, shared by front matter and JSON objects; first alias present wins.
_FIELD_ALIASES = {
    "title": ("title",),
    "outlet": ("outlet", "source"),
    "url": ("url", "link"),
    "published": ("published", "date"),
    "date_clue": ("date_clue",),
}
_TEXT_KEYS = ("text", "body", "content")
_DATELINE = re.compile(
    r"(?:date(?:[ \t]*:[ \t]*|[ \t]+))?(\d{4}-\d{2}-\d{2})(?:[ \t]*[-:\u2013\u2014](?=\s))?(?:\s+|\Z)",
    re.IGNORECASE,
)
# The root element of an RSS, Atom or RDF document, after any XML declaration,
# processing instructions, comments or doctype.
_FEED_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<(?:rss|feed|rdf:RDF)[\s>]",
    re.DOTALL,
)
_MD_TITLE = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*(?:\n|\Z)")
# Control characters (NUL among them) and lone surrogates: PostgreSQL refuses them where
# SQLite stores them, and no article needs them. Tabs and newlines stay.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# The article columns' sizes in characters (summarizer/store/models.py; a test keeps them equal):
# longer values are cut here, so every database stores the same thing.
TITLE_CHARS, OUTLET_CHARS, URL_CHARS, ORIGIN_CHARS = 500, 200, 2000, 2000
FUTURE_SLACK = timedelta(days=1)  # a publication date up to a day ahead is a time zone, not the future


@dataclass(frozen=True)
class FetchLimits:
    """How far fetching may go: which addresses, and how long and how much per page and per feed.

    A "feed" is one target: a feed URL with the pages its short entries link to, or one page.
    """

    allow_hosts: tuple[str, ...] = ()  # hosts, addresses or networks allowed though internal
    page_seconds: float = FETCH_DEADLINE_S  # one URL: connections, redirects, the whole body
    feed_seconds: float = 120.0  # one target, all its fetches together
    feed_bytes: int = 20_000_000  # bytes read for one target, all its fetches together


@dataclass(frozen=True)
class RawArticle:
    """One article as found in an input, text normalised, not yet analysed or stored."""

    origin: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    published_how: str | None = None
    date_clue: str | None = None


@dataclass(frozen=True)
class Rejected:
    """One input, or one object or entry inside it, that yields no article, and why."""

    origin: str
    reason: str


class _Reject(Exception):
    """Raised inside one input's handling; becomes that input's Rejected."""


def iter_inputs(
    targets: Iterable[str],
    *,
    fetch: Fetcher | None = None,
    max_bytes: int = 1_000_000,
    limits: FetchLimits | None = None,
    today: date | None = None,
) -> Iterator[RawArticle | Rejected]:
    """Yield one RawArticle or Rejected per article found in each target, in order.

    Args:
        targets: paths (files or directories, walked recursively) and http(s) URLs.
        fetch: the HTTP fetcher for URLs and for short feed entries' links; http_fetch by default.
        max_bytes: the largest article text accepted, in UTF-8 bytes; one page's body may
            be READ_FACTOR times that.
        limits: addresses, deadlines and size caps for fetching (FetchLimits() by default:
            public addresses only).
        today: the date that publication dates more than a day after are rejected against
            (today in UTC by default).

    Returns:
        An iterator that never raises for bad input: each failure is a Rejected naming it.
    """
    if isinstance(targets, (str, os.PathLike)):
        targets = [targets]  # one target given bare, not as a list of one
    ctx = _Context(fetch, max_bytes, READ_FACTOR * max_bytes, limits or FetchLimits(), today or datetime.now(UTC).date())
    for target in targets:
        origin = os.fspath(target)
        ctx.start_target()
        yield from _guard(origin, partial(_one_target, origin, ctx))


@dataclass
class _Context:
    fetcher: Fetcher | None  # None: http_fetch within the limits
    max_bytes: int
    read_cap: int
    limits: FetchLimits
    today: date
    policy: AddressPolicy = field(init=False)
    deadline: float = 0.0  # this target's, time.monotonic()
    bytes_left: int = 0  # this target's

    def __post_init__(self) -> None:
        self.policy = AddressPolicy.of(self.limits.allow_hosts)

    def start_target(self) -> None:
        self.deadline = time.monotonic() + self.limits.feed_seconds
        self.bytes_left = self.limits.feed_bytes

    def fetch(self, url: str) -> FetchResult:
        """One fetch within what is left of the target's time and bytes."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"gave up: the {self.limits.feed_seconds:g} s deadline for one feed passed")
        if self.bytes_left <= 0:
            raise FetchError(f"gave up: one feed may read {describe_size(self.limits.feed_bytes)}")
        if self.fetcher is not None:
            result = self.fetcher(url)
        else:
            result = http_fetch(url, max_body=min(self.read_cap, self.bytes_left),
                                deadline_s=min(self.limits.page_seconds, left), policy=self.policy)
        self.bytes_left -= len(result.body)
        return result


def _one_target(origin: str, ctx: _Context) -> Iterator[RawArticle | Rejected]:
    if urlsplit(origin).scheme.lower() in ("http", "https"):
        yield from _from_url(origin, ctx)
        return
    if not origin.strip():
        yield _rejected(origin, "empty target")
        return
    path = Path(origin)
    if path.is_symlink() and not path.exists():
        yield _rejected(origin, _broken_link(path))
        return
    if path.is_dir():
        yield from _from_directory(path, ctx)
    elif not path.exists():
        yield _rejected(origin, "no such file")
    elif _suffix(path) not in SUPPORTED_SUFFIXES:
        yield _rejected(origin, f"unsupported file type {_suffix(path) or '(no extension)'}")
    else:
        yield from _from_file(path, origin, ctx)


def _guard(origin: str, produce: Callable[[], Iterator[RawArticle | Rejected]]) -> Iterator[RawArticle | Rejected]:
    """Run one input's producer, turning any exception into that input's Rejected."""
    try:
        yield from produce()
    except _Reject as exc:
        yield _rejected(origin, str(exc))
    except Exception as exc:  # one input's bug or surprise must not stop the others
        logger.warning("input %s failed", origin, exc_info=True)
        yield _rejected(origin, f"unexpected error: {_describe(exc)}")


def _from_directory(root: Path, ctx: _Context) -> Iterator[RawArticle | Rejected]:
    errors: list[OSError] = []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [
            Path(dirpath, f) for f in filenames if not f.startswith(".") and _suffix(Path(f)) in SUPPORTED_SUFFIXES
        ]
    for err in errors:
        yield _rejected(err.filename or str(root), f"unreadable directory: {err.strerror or err}")
    if not found and not errors:
        yield _rejected(str(root), "no supported files in directory")
    for path in sorted(found, key=lambda p: p.relative_to(root).parts):
        yield from _guard(str(path), partial(_from_file, path, str(path), ctx))


def _from_file(path: Path, origin: str, ctx: _Context) -> Iterator[RawArticle | Rejected]:
    if path.is_symlink() and not path.exists():
        raise _Reject(_broken_link(path))
    try:
        data = _read_capped(path, ctx.read_cap)
    except OSError as exc:  # unreadable, or gone since the directory was listed
        raise _Reject(f"unreadable: {exc.strerror or exc}") from None
    suffix = _suffix(path)
    if suffix in FEED_SUFFIXES:
        # Feeds are XML: their encoding is declared inside, so feedparser decodes them.
        _check_not_binary(data)
        yield from _from_feed(data, origin, ctx, content_type="", base_url=None)
        return
    text = _decode(data)
    if suffix == ".json":
        yield from _from_json(text, origin, ctx)
    elif suffix == ".jsonl":
        yield from _from_jsonl(text, origin, ctx)
    else:
        yield _from_text_file(text, origin, ctx, markdown=suffix != ".txt")


# --- plain text and markdown ---------------------------------------------------------


def _from_text_file(text: str, origin: str, ctx: _Context, *, markdown: bool) -> RawArticle | Rejected:
    try:
        meta, body = _split_front_matter(normalise(text))
    except _Reject as exc:
        return _rejected(origin, str(exc))
    try:
        fields = _fields(meta, how="front matter")
    except _Reject as exc:
        return _rejected(origin, f"malformed front matter: {exc}")
    body = body.strip()
    if markdown and not fields.get("title") and (m := _MD_TITLE.match(body)):
        fields["title"], body = m.group(1), body[m.end():]
    if m := _DATELINE.match(body):
        try:
            stated = date.fromisoformat(m.group(1))
        except ValueError:
            pass  # 2023-02-30 is no date: leave the text as it is
        else:
            # A dateline is metadata: always out of the text (so a copy with front matter
            # hashes like the bare original), and the date unless front matter gave one.
            body = body[m.end():]
            if fields.get("published") is None:
                fields["published"], fields["published_how"] = stated, "dateline in text"
    return _article(origin, body, ctx, **fields)


def _split_front_matter(text: str) -> tuple[Mapping[str, Any], str]:
    """Split YAML front matter between '---' lines at the very top from the body."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, text
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise _Reject("malformed front matter: no closing --- line")
    import yaml

    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise _Reject(f"malformed front matter: {_yaml_problem(exc)}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise _Reject(f"malformed front matter: not a mapping (got {type(meta).__name__})")
    return meta, "\n".join(lines[end + 1:])


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem} at line {mark.line + 2}"  # +1 for 1-based, +1 for the opening ---
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# --- JSON and JSON Lines ---------------------------------------------------------------


def _from_json(text: str, origin: str, ctx: _Context) -> Iterator[RawArticle | Rejected]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Reject(f"malformed JSON at line {exc.lineno}: {exc.msg}") from None
    if isinstance(data, dict):
        yield _from_object(data, origin, ctx)
    elif isinstance(data, list):
        if not data:
            raise _Reject("empty JSON list")
        for n, obj in enumerate(data, 1):
            yield _from_object(obj, f"{origin}#{n}", ctx)
    else:
        raise _Reject(f"malformed JSON: expected an object or a list of objects, got {type(data).__name__}")


def _from_jsonl(text: str, origin: str, ctx: _Context) -> Iterator[RawArticle | Rejected]:
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _rejected(f"{origin}#{n}", f"malformed JSON at line {n}: {exc.msg}")
            continue
        yield _from_object(obj, f"{origin}#{n}", ctx)


def _from_object(obj: Any, origin: str, ctx: _Context) -> RawArticle | Rejected:
    if not isinstance(obj, dict):
        return _rejected(origin, f"not a JSON object (got {type(obj).__name__})")
    key = next((k for k in _TEXT_KEYS if obj.get(k) is not None), None)
    if key is None:
        return _rejected(origin, "no article text (expected a text, body or content field)")
    if not isinstance(obj[key], str):
        return _rejected(origin, f"{key} is not a string")
    try:
        fields = _fields(obj, how="json")
    except _Reject as exc:
        return _rejected(origin, str(exc))
    return _article(origin, obj[key], ctx, **fields)


def _fields(meta: Mapping[str, Any], *, how: str) -> dict[str, Any]:
    """Read the article metadata in a front matter or JSON mapping; unknown keys are ignored."""
    fields: dict[str, Any] = {}
    for name, aliases in _FIELD_ALIASES.items():
        key = next((k for k in aliases if meta.get(k) not in (None, "")), None)
        if key is None:
            continue
        value = meta[key]
        if name == "published":
            fields[name] = _as_date(value, key)
        elif name == "outlet" and isinstance(value, dict) and isinstance(value.get("name"), str):
            fields[name] = value["name"]  # NewsAPI-style {"source": {"id": ..., "name": ...}}
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            fields[name] = str(value)
        else:
            raise _Reject(f"{key} is not text")
    if fields.get("published") is not None:
        fields["published_how"] = "inferred" if _truthy(meta.get("date_inferred")) else how
    return fields


def _as_date(value: Any, key: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        raw = value.strip()
        parsers = (date.fromisoformat, datetime.fromisoformat, parsedate_to_datetime)  # the last for RFC 2822
        for parse in parsers:
            try:
                parsed = parse(raw)
                return parsed.date() if isinstance(parsed, datetime) else parsed
            except (ValueError, TypeError, IndexError):
                continue
    raise _Reject(f"{key} {str(value)[:40]!r} is not a date (expected YYYY-MM-DD)")


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


# --- feeds -------------------------------------------------------------------------------


def _from_feed(
    data: bytes, origin: str, ctx: _Context, *, content_type: str, base_url: str | None
) -> Iterator[RawArticle | Rejected]:
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers or None)
    if not parsed.entries:
        if parsed.get("version") or _FEED_ROOT.match(data[:SNIFF_BYTES]):
            raise _Reject("feed has no entries")
        raise _Reject("not a feed")
    outlet = _clean_line(parsed.feed.get("title"))
    for n, entry in enumerate(parsed.entries, 1):
        entry_origin = f"{origin}#{n}"
        try:
            yield _from_entry(entry, entry_origin, outlet, ctx)
        except Exception as exc:  # one odd entry must not lose the others
            logger.warning("feed entry %s failed", entry_origin, exc_info=True)
            yield _rejected(entry_origin, f"unexpected error: {_describe(exc)}")


def _from_entry(entry: Any, origin: str, outlet: str | None, ctx: _Context) -> RawArticle | Rejected:
    link = entry.get("link") or None
    text = _entry_text(entry)
    if len(text) < SHORT_ENTRY_CHARS and link and urlsplit(link).scheme.lower() in ("http", "https"):
        page = _linked_page_text(link, ctx)
        if page and len(page) > len(text):
            text = page
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = date(*stamp[:3]) if stamp else None
    return _article(
        origin, text, ctx, title=entry.get("title"), outlet=outlet, url=link,
        published=published, published_how="feed" if published else None,
    )


def _entry_text(entry: Any) -> str:
    """Return an entry's longest content, else its summary, as plain text."""
    details = sorted(entry.get("content") or [], key=lambda c: len(c.get("value") or ""), reverse=True)
    if not details and entry.get("summary"):
        details = [entry.get("summary_detail") or {"value": entry["summary"], "type": "text/html"}]
    for detail in details:
        value = detail.get("value") or ""
        text = normalise(value) if detail.get("type") == "text/plain" else html_to_text(value)
        if text:
            return text
    return ""


def _linked_page_text(link: str, ctx: _Context) -> str:
    """Fetch a short entry's page and extract its article text; '' when that fails."""
    try:
        result = _fetch_ok(link, ctx)
        if _mime(result.content_type) not in HTML_CONTENT_TYPES | {""}:
            raise _Reject(f"content type {result.content_type}")
        doc = extract_page(result)
    except Exception as exc:  # any failure here just means keeping the summary
        logger.info("keeping the feed summary for %s: %s", link, exc)
        return ""
    return page_text(doc)


# --- article URLs ------------------------------------------------------------------------


def _from_url(url: str, ctx: _Context) -> Iterator[RawArticle | Rejected]:
    result = _fetch_ok(url, ctx)
    ctype = _mime(result.content_type)
    if ctype in FEED_CONTENT_TYPES or _FEED_ROOT.match(result.body[:SNIFF_BYTES]):
        yield from _from_feed(result.body, url, ctx, content_type=result.content_type, base_url=result.url)
        return
    if ctype == "text/plain":
        yield _article(url, _decode(result.body), ctx, url=result.url)
        return
    if ctype and ctype not in HTML_CONTENT_TYPES:
        raise _Reject(f"unsupported content type {ctype}")
    doc = extract_page(result)
    text = page_text(doc)
    if not text:
        raise _Reject("no article text found")
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            pass
    yield _article(
        url, text, ctx, title=doc.title, outlet=doc.sitename or doc.hostname,
        url=result.url, published=published, published_how="page metadata" if published else None,
    )


def _fetch_ok(url: str, ctx: _Context) -> FetchResult:
    """Fetch a URL, turning any failure, non-2xx status or oversized body into a _Reject."""
    try:
        result = ctx.fetch(url)
    except FetchError as exc:
        raise _Reject(str(exc)) from None
    except Exception as exc:
        raise _Reject(f"unreachable: {_describe(exc)}") from None
    if not 200 <= result.status < 300:
        raise _Reject(f"unreachable: HTTP {result.status}")
    if len(result.body) > ctx.read_cap:
        raise _Reject(f"response over {describe_size(ctx.read_cap)} ({len(result.body):,} bytes)")
    if not result.body.strip():
        raise _Reject("empty response")
    return result


# --- shared helpers ----------------------------------------------------------------------


def _article(origin: str, text: str, ctx: _Context, **meta: Any) -> RawArticle | Rejected:
    """Build a RawArticle from text, normalised, or reject it as empty, too long or from the future.

    Text and metadata lose control characters and are cut to the columns' sizes here, so
    that SQLite and PostgreSQL store the same thing (PostgreSQL refuses NUL and overlong
    values that SQLite keeps).
    """
    text = normalise(_CONTROLS.sub("", text))
    if not text:
        return _rejected(origin, "empty")
    size = len(text.encode("utf-8"))
    if size > ctx.max_bytes:
        return _rejected(origin, f"text over {describe_size(ctx.max_bytes)} ({size:,} bytes)")
    published = meta.get("published")
    if published is not None and published > ctx.today + FUTURE_SLACK:
        return _rejected(origin, f"published {published.isoformat()} is in the future")
    for key, limit in (("title", TITLE_CHARS), ("outlet", OUTLET_CHARS), ("date_clue", None)):
        meta[key] = _cut(_clean_line(meta.get(key)), limit)
    url = _CONTROLS.sub("", meta.get("url") or "").strip()
    meta["url"] = url if url and len(url) <= URL_CHARS else None  # a cut URL would point elsewhere
    return RawArticle(origin=_cut(_CONTROLS.sub("", origin), ORIGIN_CHARS) or "?", text=text, **meta)


def _cut(value: str | None, limit: int | None) -> str | None:
    if value is None or limit is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "\u2026"


def _read_capped(path: Path, cap: int) -> bytes:
    size = path.stat().st_size
    if size > cap:
        raise _Reject(f"file over {describe_size(cap)} ({size:,} bytes)")
    with path.open("rb") as fh:
        data = fh.read(cap + 1)
    if not data.strip():
        raise _Reject("empty")
    return data


def _broken_link(path: Path) -> str:
    """Why a symbolic link leads nowhere: a loop, or a target that does not exist."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
    try:
        return f"broken symbolic link (to {os.readlink(path)})"
    except OSError:
        return "broken symbolic link"


def _check_not_binary(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Reject("not UTF-8 text (UTF-16 byte order mark)")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise _Reject("binary file")


def _decode(data: bytes) -> str:
    _check_not_binary(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Reject(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start:,})") from None
    if not text.strip():
        raise _Reject("empty")
    return text


def _clean_line(value: Any) -> str | None:
    if value is None:
        return None
    return " ".join(_CONTROLS.sub(" ", unicodedata.normalize("NFC", str(value))).split()) or None


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _rejected(origin: str, reason: str) -> Rejected:
    line = " ".join(reason.split())
    return Rejected(origin, line if len(line) <= 200 else line[:199] + "\u2026")
