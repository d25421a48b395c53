"""Web pages and HTTP for ingestion: fetch a URL, turn HTML into article text.

Imports httpx, trafilatura and lxml only inside the functions that use them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

USER_AGENT = "storybot/0.1 (news briefing bot)"
FETCH_TIMEOUT_S = 15.0
_HTML_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "blockquote", "pre",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "figure", "figcaption", "hr",
})


@dataclass(frozen=True)
class FetchResult:
    """One HTTP response: the final URL after redirects, status, content type and body."""

    url: str
    status: int
    content_type: str
    body: bytes


Fetcher = Callable[[str], FetchResult]


class FetchError(Exception):
    """A fetch that failed for a reason worth showing as it is (e.g. a body over the cap)."""


def http_fetch(url: str, *, timeout: float = FETCH_TIMEOUT_S, max_body: int = 4_000_000) -> FetchResult:
    """Fetch one URL with httpx, following redirects, refusing bodies over max_body bytes.

    Args:
        url: an http(s) URL.
        timeout: seconds for connecting and for each read.
        max_body: the largest body accepted; a larger one raises FetchError.

    Returns:
        The response; a non-2xx one comes back with an empty body.
    """
    import httpx

    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "application/xml;q=0.9,*/*;q=0.5",
    }
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        with client.stream("GET", url) as resp:
            ctype = resp.headers.get("content-type", "")
            if not resp.is_success:
                return FetchResult(str(resp.url), resp.status_code, ctype, b"")
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_body:
                raise FetchError(f"response over {describe_size(max_body)} ({int(declared):,} bytes)")
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > max_body:
                    raise FetchError(f"response over {describe_size(max_body)}")
                chunks.append(chunk)
            return FetchResult(str(resp.url), resp.status_code, ctype, b"".join(chunks))


def extract_page(result: FetchResult) -> Any:
    """Run trafilatura on an HTML response; its Document, or None when nothing is found."""
    import trafilatura
    from trafilatura.settings import set_date_params

    charset = re.search(r"charset=([\w-]+)", result.content_type, re.IGNORECASE)
    markup: str | bytes = result.body
    if charset:
        try:
            markup = result.body.decode(charset.group(1), errors="replace")
        except LookupError:
            pass  # an unknown charset name: let trafilatura guess from the bytes
    return trafilatura.bare_extraction(
        markup, url=result.url, with_metadata=True, include_comments=False,
        # Only dates the page states about itself, not dates guessed from its prose.
        date_extraction_params=set_date_params(extensive=False),
    )


def page_text(doc: Any) -> str:
    """Return a trafilatura Document's text, one paragraph per block, without a repeated title."""
    if doc is None or not doc.text:
        return ""
    blocks = [line.strip() for line in normalise(doc.text).split("\n") if line.strip()]
    if blocks and doc.title and blocks[0] == " ".join(doc.title.split()):
        blocks = blocks[1:]  # the page's <h1>, already kept as the title
    return "\n\n".join(blocks)


def html_to_text(markup: str) -> str:
    """Turn an HTML fragment into plain text: one paragraph per block, scripts dropped."""
    if not markup.strip():
        return ""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for junk in root.xpath(".//script|.//style|.//noscript|.//template"):
        junk.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag != "pre":
            el.text = _collapse_ws(el.text)
        el.tail = _collapse_ws(el.tail)
    for el in root.iter():
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _HTML_BLOCKS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    # Adjacent inline elements leave doubled spaces; one is enough.
    lines = (re.sub(r" {2,}", " ", line).strip() for line in root.text_content().split("\n"))
    return normalise("\n".join(lines))


def normalise(text: str) -> str:
    """NFC, \\n line ends, no trailing spaces, at most one blank line in a row, stripped."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _collapse_ws(value: str | None) -> str | None:
    return re.sub(r"\s+", " ", value) if value else value


def describe_size(n: int) -> str:
    """A byte count as people write it: "1 MB", "4 kB", "1,234 bytes"."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    if n % 1_000 == 0:
        return f"{n // 1_000} kB"
    return f"{n:,} bytes"
