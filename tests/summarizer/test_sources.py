"""Tests for summarizer.sources: every input format and every kind of bad input, offline."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summarizer import sources
from summarizer.sources import (
    AddressPolicy,
    FetchError,
    FetchLimits,
    FetchResult,
    RawArticle,
    Rejected,
    html_to_text,
    http_fetch,
    iter_inputs,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"
REPO = Path(__file__).resolve().parents[2]
PAGE = (DATA / "page.html").read_bytes()
# The test servers listen on loopback, which the address policy refuses unless the operator allows it.
LOOPBACK = FetchLimits(allow_hosts=("127.0.0.1",))
LOOPBACK_POLICY = AddressPolicy.of(LOOPBACK.allow_hosts)


def collect(targets, **kwargs) -> list[RawArticle | Rejected]:
    return list(iter_inputs([str(t) for t in targets], **kwargs))


def no_fetch(url: str) -> FetchResult:
    raise AssertionError(f"unexpected fetch of {url}")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LoopbackServer:
    """An http.server on 127.0.0.1 serving canned responses: path -> (status, headers, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                hits.append(self.path)
                status, headers, body = routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    srv = LoopbackServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


# --- text files --------------------------------------------------------------------------


def test_plain_txt_without_front_matter_is_normalised():
    [art] = collect([DATA / "plain.txt"], fetch=no_fetch)

    assert isinstance(art, RawArticle)
    assert art.origin == str(DATA / "plain.txt")
    assert art.text.startswith("Chinese President Xi Jinping and Russian President Vladimir Putin held")
    assert "partnership.\n\nThe two leaders" in art.text  # trailing spaces stripped
    assert "roubles.\n\nWestern officials" in art.text  # three blank lines collapsed to one
    assert art.text == art.text.strip()
    assert (art.title, art.outlet, art.url, art.published, art.published_how) == (None,) * 5


def test_crlf_line_ends_become_newlines():
    [art] = collect([DATA / "crlf.txt"], fetch=no_fetch)

    assert art.text == (
        "Officials in Kyiv said on Thursday that they had invited Xi Jinping to visit Ukraine.\n\n"
        "Beijing did not respond to the invitation."
    )


def test_text_is_nfc(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text("Zelenskiy met the Cafe\u0301 owners in Kyiv.", encoding="utf-8")

    [art] = collect([path])

    assert art.text == "Zelenskiy met the Caf\u00e9 owners in Kyiv."


def test_front_matter_gives_metadata_and_unknown_keys_are_ignored():
    [art] = collect([DATA / "front_matter.txt"], fetch=no_fetch)

    assert art.title == "Xi arrives in Moscow for three-day state visit"
    assert art.outlet == "Eastern Wire"
    assert art.url == "https://news.example/2023/03/20/xi-arrives.html"
    assert art.published == date(2023, 3, 20)
    assert art.published_how == "front matter"
    assert art.date_clue is None
    assert art.text.startswith("Chinese President Xi Jinping arrived in Moscow on Monday")
    assert "---" not in art.text and "section" not in art.text


def test_markdown_with_inferred_datetime_and_date_clue():
    [art] = collect([DATA / "inferred.md"], fetch=no_fetch)

    assert art.published == date(2023, 3, 17)  # a YAML datetime, reduced to its date
    assert art.published_how == "inferred"
    assert art.date_clue == "article says the visit starts 'on Monday', three days after the announcement"
    assert art.title == "Kremlin confirms dates of Xi visit"
    assert art.text.startswith("The Kremlin confirmed on Friday")


def test_markdown_heading_becomes_the_title():
    [art] = collect([DATA / "heading.md"], fetch=no_fetch)

    assert art.title == "Zelensky invites Xi to Ukraine"
    assert art.text.startswith("Ukrainian President Volodymyr Zelensky said")
    assert "#" not in art.text


def test_front_matter_date_as_string(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\npublished: '2023-03-19'\ntitle: 2023\n---\nPutin visited Mariupol.\n", encoding="utf-8")

    [art] = collect([path])

    assert (art.published, art.published_how, art.title) == (date(2023, 3, 19), "front matter", "2023")


# --- the dateline rule ---------------------------------------------------------------------


def test_dateline_of_seed_003_becomes_the_date(tmp_path):
    seed = tmp_path / "003.txt"
    shutil.copy(DATA / "seed_003_dateline.txt", seed)
    raw = seed.read_text(encoding="utf-8")
    assert raw.startswith(" date 2023-03-17 China has announced")

    [art] = collect([seed], fetch=no_fetch)

    assert art.published == date(2023, 3, 17)
    assert art.published_how == "dateline in text"
    assert art.text.startswith("China has announced that President Xi Jinping will visit Russia")
    assert "2023-03-17" not in art.text
    assert art.text.endswith(raw.rstrip().rsplit("\n", 1)[-1].rstrip())


@pytest.mark.parametrize(
    ("body", "expected_date", "expected_start"),
    [
        ("2023-03-17 - China has announced a visit.", date(2023, 3, 17), "China has announced"),
        ("2023-03-17: China has announced a visit.", date(2023, 3, 17), "China has announced"),
        ("Date: 2023-03-17\n\nChina has announced a visit.", date(2023, 3, 17), "China has announced"),
        ("DATE 2023-03-17 China has announced a visit.", date(2023, 3, 17), "China has announced"),
        ("2023-03-17T10:00 China has announced a visit.", None, "2023-03-17T10:00"),
        ("date 2023-02-30 China has announced a visit.", None, "date 2023-02-30"),
        ("China announced on 2023-03-17 a visit.", None, "China announced"),
    ],
)
def test_dateline_rule(tmp_path, body, expected_date, expected_start):
    path = tmp_path / "a.txt"
    path.write_text(body, encoding="utf-8")

    [art] = collect([path])

    assert art.published == expected_date
    assert art.published_how == ("dateline in text" if expected_date else None)
    assert art.text.startswith(expected_start)


def test_front_matter_date_wins_over_dateline_which_still_leaves_the_text(tmp_path):
    path = tmp_path / "a.txt"
    text = "---\npublished: 2023-03-18\n---\ndate 2023-03-17 China has announced a visit.\n"
    path.write_text(text, encoding="utf-8")

    [art] = collect([path])

    assert (art.published, art.published_how) == (date(2023, 3, 18), "front matter")
    assert art.text == "China has announced a visit."


# --- JSON and JSON Lines --------------------------------------------------------------------


def test_json_object():
    [art] = collect([DATA / "article.json"], fetch=no_fetch)

    assert art.origin == str(DATA / "article.json")
    assert art.title == "Putin and Xi sign joint statement on economic cooperation"
    assert art.outlet == "Eastern Wire"
    assert art.url == "https://news.example/2023/03/21/joint-statement.html"
    assert (art.published, art.published_how) == (date(2023, 3, 21), "json")
    assert art.text.endswith("calls for more trade in national currencies.")


def test_json_list_with_field_aliases():
    first, second = collect([DATA / "articles.json"], fetch=no_fetch)

    assert first.origin == f"{DATA / 'articles.json'}#1"
    assert first.text.startswith("Xi Jinping left Moscow on Wednesday")  # "body"
    assert first.outlet == "Pacific Wire"  # "source" as {"id", "name"}
    assert first.url == "https://pacific.example/xi-leaves"  # "link"
    assert (first.published, first.published_how) == (date(2023, 3, 22), "json")  # "date"
    assert second.origin == f"{DATA / 'articles.json'}#2"
    assert second.text.startswith("Analysts said")  # "content"
    assert (second.title, second.published) == (None, None)


def test_jsonl_one_bad_line_among_good_ones():
    items = collect([DATA / "articles.jsonl"], fetch=no_fetch)

    origin = str(DATA / "articles.jsonl")
    assert [item.origin for item in items] == [f"{origin}#1", f"{origin}#2", f"{origin}#4"]
    good1, bad, good2 = items
    assert isinstance(good1, RawArticle) and good1.title == "Japan's Kishida visits Kyiv"
    assert good1.published == date(2023, 3, 21)
    assert bad == Rejected(f"{origin}#2", "malformed JSON at line 2: Expecting ',' delimiter")
    assert isinstance(good2, RawArticle) and good2.text.startswith("Kishida laid flowers")


def test_json_objects_without_text_or_with_a_bad_date_are_rejected_one_by_one(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(
        '[{"title": "no text"}, "just a string", {"text": "Putin met Xi.", "published": "last Tuesday"},'
        ' {"text": 42}, {"text": "Xi met Putin.", "date": "Tue, 21 Mar 2023 10:00:00 GMT"}]',
        encoding="utf-8",
    )

    items = collect([path])

    assert [(type(i).__name__, getattr(i, "reason", None)) for i in items] == [
        ("Rejected", "no article text (expected a text, body or content field)"),
        ("Rejected", "not a JSON object (got str)"),
        ("Rejected", "published 'last Tuesday' is not a date (expected YYYY-MM-DD)"),
        ("Rejected", "text is not a string"),
        ("RawArticle", None),
    ]
    assert items[-1].origin == f"{path}#5"
    assert (items[-1].published, items[-1].published_how) == (date(2023, 3, 21), "json")  # RFC 2822 is accepted


# --- directories -----------------------------------------------------------------------------


def test_directory_recursion_in_sorted_order_skipping_hidden_and_unsupported(tmp_path):
    root = tmp_path / "corpus"
    (root / "b" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(DATA / "plain.txt", root / "c.txt")
    shutil.copy(DATA / "heading.md", root / "b" / "deeper" / "z.md")
    shutil.copy(DATA / "articles.json", root / "b" / "a.json")
    shutil.copy(DATA / "plain.txt", root / "a.txt")
    shutil.copy(DATA / "plain.txt", root / ".draft.txt")
    shutil.copy(DATA / "plain.txt", root / ".git" / "x.txt")
    (root / "scan.pdf").write_bytes(b"%PDF-1.4\x00\x01")
    (root / "README").write_text("not an article", encoding="utf-8")

    items = collect([root], fetch=no_fetch)

    assert [i.origin for i in items] == [
        str(root / "a.txt"),
        f"{root / 'b' / 'a.json'}#1",
        f"{root / 'b' / 'a.json'}#2",
        str(root / "b" / "deeper" / "z.md"),
        str(root / "c.txt"),
    ]
    assert all(isinstance(i, RawArticle) for i in items)


def test_empty_directory_is_rejected(tmp_path):
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")

    assert collect([tmp_path]) == [Rejected(str(tmp_path), "no supported files in directory")]


# --- feeds -------------------------------------------------------------------------------------


def test_rss_file_fetches_short_entries_and_falls_back_to_the_summary():
    fetched: list[str] = []

    def fetch(url: str) -> FetchResult:
        fetched.append(url)
        if url.endswith("new-era.html"):
            return FetchResult(url, 200, "text/html; charset=utf-8", PAGE)
        return FetchResult(url, 503, "text/plain", b"")

    long_entry, fetched_entry, fallback_entry = collect([DATA / "feed.rss"], fetch=fetch)

    origin = str(DATA / "feed.rss")
    assert fetched == ["https://news.example/2023/03/21/new-era.html", "https://news.example/2023/03/21/kishida.html"]
    assert long_entry.origin == f"{origin}#1"
    assert long_entry.title == "Xi arrives in Moscow for talks with Putin"
    assert long_entry.outlet == "Eastern Wire: World"
    assert long_entry.url == "https://news.example/2023/03/20/xi-arrives.html"
    assert (long_entry.published, long_entry.published_how) == (date(2023, 3, 20), "feed")
    # content:encoded, turned from HTML into paragraphs with entities resolved
    assert long_entry.text.startswith("Chinese President Xi Jinping arrived in Moscow on Monday")
    assert "<" not in long_entry.text and "to end the war in Ukraine & withdraw its troops." in long_entry.text
    assert long_entry.text.count("\n\n") == 2
    assert fetched_entry.text.startswith("The Kremlin said on Tuesday that talks between Vladimir Putin")
    assert "All rights reserved" not in fetched_entry.text and "Home" not in fetched_entry.text
    assert fetched_entry.title == "Kremlin hails 'new era' in ties with China"
    assert fetched_entry.published == date(2023, 3, 21)
    assert fallback_entry.text == "Japan's prime minister made a surprise visit to Kyiv."


def test_atom_file():
    first, second = collect([DATA / "feed.atom"], fetch=no_fetch)

    assert first.origin == f"{DATA / 'feed.atom'}#1"
    assert first.outlet == second.outlet == "Pacific Wire"
    assert first.url == "https://pacific.example/xi-leaves"
    assert (first.published, first.published_how) == (date(2023, 3, 22), "feed")
    assert second.published == date(2023, 3, 23)  # from <updated>, there being no <published>
    assert first.text.startswith("Xi Jinping left Moscow on Wednesday")
    assert "\n\nThe two leaders signed two joint statements" in first.text


def test_feed_without_entries_and_xml_that_is_no_feed(tmp_path):
    empty = tmp_path / "empty.rss"
    empty.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>')
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text('<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>')

    assert collect([empty, sitemap], fetch=no_fetch) == [
        Rejected(str(empty), "feed has no entries"),
        Rejected(str(sitemap), "not a feed"),
    ]


def test_feed_url_over_loopback(server):
    feed = (DATA / "feed.rss").read_bytes().replace(b"https://news.example", server.base.encode())
    server.routes["/world.rss"] = (200, {"Content-Type": "application/rss+xml"}, feed)
    server.routes["/2023/03/21/new-era.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)

    items = collect([server.url("/world.rss")], limits=LOOPBACK)

    feed_url = server.url("/world.rss")
    assert [i.origin for i in items] == [f"{feed_url}#1", f"{feed_url}#2", f"{feed_url}#3"]
    assert all(isinstance(i, RawArticle) for i in items)
    assert items[0].url == server.url("/2023/03/20/xi-arrives.html")
    assert items[1].text.startswith("The Kremlin said on Tuesday")  # the linked page, fetched
    assert items[2].text == "Japan's prime minister made a surprise visit to Kyiv."  # 404: the summary
    assert server.hits == ["/world.rss", "/2023/03/21/new-era.html", "/2023/03/21/kishida.html"]


def test_feed_url_detected_by_its_root_when_the_content_type_is_vague():
    body = (DATA / "feed.atom").read_bytes()

    def fetch(url: str) -> FetchResult:
        return FetchResult(url, 200, "application/octet-stream", body)

    items = collect(["https://pacific.example/feed"], fetch=fetch)

    assert [i.origin for i in items] == ["https://pacific.example/feed#1", "https://pacific.example/feed#2"]
    assert items[0].outlet == "Pacific Wire"


# --- article URLs ------------------------------------------------------------------------------


def test_article_url_over_loopback_follows_redirects(server):
    server.routes["/story/123"] = (301, {"Location": "/2023/03/21/new-era.html"}, b"")
    server.routes["/2023/03/21/new-era.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)

    [art] = collect([server.url("/story/123")], limits=LOOPBACK)

    assert isinstance(art, RawArticle)
    assert art.origin == server.url("/story/123")
    assert art.url == server.url("/2023/03/21/new-era.html")
    assert art.title == "Kremlin hails 'new era' in ties with China"
    assert art.outlet == "Eastern Wire"
    assert (art.published, art.published_how) == (date(2023, 3, 21), "page metadata")
    paragraphs = art.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The Kremlin said on Tuesday")
    assert paragraphs[2].endswith("President Volodymyr Zelensky.")


def test_default_fetcher_caps_the_body(server):
    server.routes["/big"] = (200, {"Content-Type": "text/html"}, b"x" * 5000)
    result = http_fetch(server.url("/big"), policy=LOOPBACK_POLICY)
    assert (result.status, result.body) == (200, b"x" * 5000)
    with pytest.raises(FetchError, match="response over 1 kB"):
        http_fetch(server.url("/big"), max_body=1000, policy=LOOPBACK_POLICY)
    assert collect([server.url("/big")], max_bytes=1000, limits=LOOPBACK) == [
        Rejected(server.url("/big"), "response over 4 kB (5,000 bytes)")
    ]


def test_user_agent_names_storybot(server):
    agents: list[str] = []
    original = server.httpd.RequestHandlerClass.do_GET

    def do_get(handler):
        agents.append(handler.headers.get("User-Agent", ""))
        original(handler)

    server.httpd.RequestHandlerClass.do_GET = do_get
    server.routes["/p"] = (200, {"Content-Type": "text/html"}, PAGE)

    http_fetch(server.url("/p"), policy=LOOPBACK_POLICY)

    assert agents and agents[0].startswith("storybot/")


# --- bad inputs ----------------------------------------------------------------------------------


def test_each_bad_input_is_rejected_by_name_while_the_others_come_through(tmp_path, server):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.md"
    blank.write_text(" \n\t\n   \n", encoding="utf-8")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\u00e9 talks in Moscow".encode("latin-1"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text("Xi met Putin.", encoding="utf-16")
    big = tmp_path / "big.txt"
    big.write_text("x" * 1_200_000, encoding="utf-8")
    only_front = tmp_path / "only_front.md"
    only_front.write_text("---\ntitle: Nothing below\n---\n\n", encoding="utf-8")
    unclosed = tmp_path / "unclosed.md"
    unclosed.write_text("---\ntitle: never closed\n\nSome text.\n", encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    no_ext = tmp_path / "NOTES"
    no_ext.write_text("Notes.", encoding="utf-8")
    dead_url = f"http://127.0.0.1:{closed_port()}/story"
    spa = b"<html><body><div id='app'></div><script>render()</script></body></html>"
    server.routes["/empty-page"] = (200, {"Content-Type": "text/html"}, spa)
    server.routes["/report.pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n")

    targets = [
        DATA / "plain.txt",
        binary, empty, blank, latin1, utf16, big, only_front, unclosed,
        DATA / "bad_front_matter.md", DATA / "list_front_matter.txt", DATA / "bad.json",
        tmp_path / "missing.txt", pdf, no_ext,
        dead_url, server.url("/gone"), server.url("/empty-page"), server.url("/report.pdf"),
        DATA / "article.json",
    ]
    items = collect(targets, limits=LOOPBACK)

    assert len(items) == len(targets)
    assert isinstance(items[0], RawArticle) and items[0].origin == str(DATA / "plain.txt")
    assert isinstance(items[-1], RawArticle) and items[-1].origin == str(DATA / "article.json")
    reasons = {i.origin: getattr(i, "reason", i) for i in items[1:-1]}
    assert reasons == {
        str(binary): "binary file",
        str(empty): "empty",
        str(blank): "empty",
        str(latin1): "not UTF-8 text (byte 0xe9 at offset 3)",
        str(utf16): "not UTF-8 text (UTF-16 byte order mark)",
        str(big): "text over 1 MB (1,200,000 bytes)",
        str(only_front): "empty",
        str(unclosed): "malformed front matter: no closing --- line",
        str(DATA / "bad_front_matter.md"): "malformed front matter: mapping values are not allowed here at line 2",
        str(DATA / "list_front_matter.txt"): "malformed front matter: not a mapping (got list)",
        str(DATA / "bad.json"): "malformed JSON at line 4: Expecting ',' delimiter",
        str(tmp_path / "missing.txt"): "no such file",
        str(pdf): "unsupported file type .pdf",
        str(no_ext): "unsupported file type (no extension)",
        dead_url: reasons[dead_url],
        server.url("/gone"): "unreachable: HTTP 404",
        server.url("/empty-page"): "no article text found",
        server.url("/report.pdf"): "unsupported content type application/pdf",
    }
    assert reasons[dead_url].startswith("unreachable: ConnectError")
    assert all("\n" not in reason for reason in reasons.values())


def test_file_over_the_read_cap_is_not_read(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"y" * 5000)

    assert collect([path], max_bytes=1000) == [Rejected(str(path), "file over 4 kB (5,000 bytes)")]


def test_max_bytes_counts_encoded_bytes(tmp_path):
    path = tmp_path / "accents.txt"
    path.write_text("\u00e9" * 600, encoding="utf-8")

    assert collect([path], max_bytes=1000) == [Rejected(str(path), "text over 1 kB (1,200 bytes)")]
    assert isinstance(collect([path], max_bytes=1200)[0], RawArticle)


def test_a_failing_fetcher_or_handler_never_raises(tmp_path, monkeypatch):
    def broken_fetch(url: str) -> FetchResult:
        raise RuntimeError("boom")

    assert collect(["https://news.example/a"], fetch=broken_fetch) == [
        Rejected("https://news.example/a", "unreachable: RuntimeError: boom")
    ]

    def broken_handler(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(sources, "_from_text_file", broken_handler)
    items = collect([DATA / "plain.txt", DATA / "article.json"])
    assert items[0] == Rejected(str(DATA / "plain.txt"), "unexpected error: KeyError: 'surprise'")
    assert isinstance(items[1], RawArticle)


def test_bare_string_target_is_one_target():
    items = list(iter_inputs(str(DATA / "plain.txt")))

    assert [i.origin for i in items] == [str(DATA / "plain.txt")]


# --- helpers and cost ------------------------------------------------------------------------------


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    markup = (
        "<div><p>Xi <b>met</b>\n   Putin <!-- note --> in <a href='/m'>Moscow</a>.</p>"
        "<script>track()</script><p>Talks&nbsp;lasted<br>four hours.</p><ul><li>Energy</li><li>Trade</li></ul></div>"
    )

    # A no-break space is whitespace too: it becomes a plain space.
    assert html_to_text(markup) == "Xi met Putin in Moscow.\n\nTalks lasted\nfour hours.\n\nEnergy\n\nTrade"
    assert html_to_text("   ") == ""
    assert html_to_text("plain words, no tags") == "plain words, no tags"


def test_import_stays_cheap():
    code = (
        "import sys, summarizer.sources; "
        "heavy = [m for m in ('feedparser', 'trafilatura', 'httpx', 'lxml', 'yaml') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stdout + done.stderr
