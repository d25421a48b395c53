"""Fetching under abuse: slow, huge, redirecting and internal servers, all on 127.0.0.1.

The address policy refuses loopback, so the tests that must reach these servers allow
127.0.0.1 as an operator would (fetch_allow_hosts); the tests beside them show the same
URLs refused without that. Every server here stops by itself: its loops are bounded.
"""

from __future__ import annotations

import functools
import gzip
import logging
import socket
import threading
import zlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from summarizer import sources
from summarizer.sources import (
    AddressPolicy,
    FetchError,
    FetchLimits,
    RawArticle,
    Rejected,
    http_fetch,
    iter_inputs,
)
from summarizer.store import models
from summarizer.web import AddressRefused

LOOPBACK = ("127.0.0.1",)
ALLOW_LOOPBACK = AddressPolicy.of(LOOPBACK)
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
PAGE = (Path(__file__).resolve().parents[1] / "data" / "sources" / "page.html").read_bytes()


@functools.cache
def bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * 1_000_000
    return b"".join(packer.compress(zeros) for _ in range(100)) + packer.flush()



class AbusiveServer:
    """A raw-socket HTTP server on 127.0.0.1; each path is an abuse. Bounded: drips end, sends end."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[str] = []
        self.sent: dict[str, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = conn.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1]
                self.hits.append(path)
                self._respond(conn, path)
            except OSError:
                pass  # the client gave up: what it is meant to do

    def _respond(self, conn: socket.socket, path: str) -> None:
        sent = 0
        if path == "/drip":  # headers at once, then one byte every 0.2 s: 60 s to finish
            conn.sendall(HEAD + b"Content-Length: 300\r\n\r\n")
            for _ in range(300):
                if self.stop.wait(0.2):
                    break
                conn.sendall(b"x")
                sent += 1
                self.sent[path] = sent
        elif path == "/drip-headers":  # never finishes its headers
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(300):
                if self.stop.wait(0.2):
                    break
                conn.sendall(b"X-Slow: 1\r\n")
        elif path == "/huge":  # 50 MB with no Content-Length, sent until the client hangs up
            conn.sendall(HEAD + b"\r\n")
            chunk = b"y" * 65536
            for _ in range(800):
                conn.sendall(chunk)
                sent += len(chunk)
                self.sent[path] = sent
        elif path.startswith("/redirect-to/"):
            target = path.removeprefix("/redirect-to/")
            conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {self.url('/secret', target)}\r\nContent-Length: 0\r\n\r\n".encode())
        elif path == "/secret":
            body = b"<html><body><p>" + b"Internal admin page with secrets. " * 20 + b"</p></body></html>"
            conn.sendall(HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        elif path in ("/gzip-page", "/deflate-page", "/raw-deflate-page", "/brotli-page"):
            encoding, body = {
                "/gzip-page": ("gzip", gzip.compress(PAGE)),
                "/deflate-page": ("deflate", zlib.compress(PAGE)),
                "/raw-deflate-page": ("deflate", zlib.compress(PAGE, wbits=-15)),
                "/brotli-page": ("br", b"\x1b\x00\x00"),
            }[path]
            conn.sendall(HEAD + f"Content-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        elif path == "/gzip-bomb":  # 100 MB of zeros in about 100 kB of gzip
            conn.sendall(HEAD + f"Content-Encoding: gzip\r\nContent-Length: {len(bomb())}\r\n\r\n".encode() + bomb())
            self.sent[path] = len(bomb())
        elif path == "/page":
            conn.sendall(HEAD + f"Content-Length: {len(PAGE)}\r\n\r\n".encode() + PAGE)
        else:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def server():
    srv = AbusiveServer()
    yield srv
    srv.close()


def feed_file(tmp_path: Path, links: list[str]) -> Path:
    items = "".join(
        f"<item><title>Entry {n}</title><link>{link}</link><pubDate>Tue, 21 Mar 2023 09:00:00 GMT</pubDate>"
        f"<description>Summary {n} of a short entry.</description></item>"
        for n, link in enumerate(links, 1)
    )
    path = tmp_path / "feed.rss"
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>')
    return path


# --- the address policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://[::1]:22/", "loopback"),
        ("http://localhost:8080/admin", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[64:ff9b::7f00:1]/", "loopback"),
        ("http://[2002:a00:1::]/", "private"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.100.100.200/", "not a public address"),
        ("http://[fd00:ec2::254]/", "private"),
    ],
)
def test_internal_addresses_are_refused_before_any_connection(url, problem):
    with pytest.raises(AddressRefused, match=problem):
        AddressPolicy().check(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://[::1]:9/", "http://localhost:9/admin", "http://[::ffff:127.0.0.1]:9/"])
def test_http_fetch_refuses_them_too(url):
    # Loopback only: were the policy broken, this test must send nothing beyond this machine.
    with pytest.raises(AddressRefused, match="is a loopback address; an operator may allow it with fetch_allow_hosts"):
        http_fetch(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1/", "javascript:alert(1)"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(AddressRefused, match="only http"):
        AddressPolicy().check(url)


def test_public_addresses_pass_and_the_allow_list_admits_hosts_and_networks():
    assert AddressPolicy().problem("93.184.216.34") is None
    assert AddressPolicy().problem("2606:2800:220:1:248:1893:25c8:1946") is None
    allowing = AddressPolicy.of(["10.0.0.0/8", "127.0.0.1", " Intranet.Example. "])
    assert allowing.problem("10.9.8.7") is None and allowing.problem("127.0.0.1") is None
    assert allowing.problem("192.168.1.1") == "a private address"
    assert allowing.allow[-1] == "intranet.example"


def test_a_server_on_loopback_is_refused_without_the_allow_list_and_reached_with_it(server):
    with pytest.raises(AddressRefused, match="127.0.0.1 is a loopback address"):
        http_fetch(server.url("/page"))
    assert server.hits == []  # refused before connecting
    assert http_fetch(server.url("/page"), policy=ALLOW_LOOPBACK).body == PAGE


def test_a_redirect_to_an_internal_address_is_refused(server):
    # "localhost" allowed by name; its redirect to 127.0.0.1 (not allowed) is checked on its own.
    by_name = AddressPolicy.of(["localhost"])
    with pytest.raises(AddressRefused, match="127.0.0.1 is a loopback address"):
        http_fetch(server.url("/redirect-to/127.0.0.1", host="localhost"), policy=by_name)
    assert server.hits == ["/redirect-to/127.0.0.1"]  # the secret page was never asked for


def test_the_connection_goes_to_the_address_checked(server, monkeypatch):
    """DNS rebinding: the name is looked up once, and the socket connects to that answer."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host, *args, **kwargs):
        if host == "feed.test":
            lookups.append(host)
            if len(lookups) > 1:  # a second lookup would get another answer
                raise AssertionError("feed.test looked up twice")
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    result = http_fetch(f"http://feed.test:{server.port}/page", policy=AddressPolicy.of(["feed.test"]))
    assert result.body == PAGE and lookups == ["feed.test"]


def test_a_feed_entry_linking_to_an_internal_page_keeps_its_summary(tmp_path, server):
    """Issue 11, defect 4: the entry's link to 127.0.0.1 was fetched and its text stored."""
    path = feed_file(tmp_path, [server.url("/secret")])

    [entry] = iter_inputs([str(path)])

    assert isinstance(entry, RawArticle)
    assert entry.text == "Summary 1 of a short entry."
    assert "secret" not in entry.text.lower() and server.hits == []


def test_a_url_target_on_an_internal_address_is_rejected_in_one_line(server):
    [item] = iter_inputs([server.url("/secret")])
    assert item == Rejected(server.url("/secret"), "refused: 127.0.0.1 is a loopback address; an operator may allow it with fetch_allow_hosts")
    assert server.hits == []


# --- deadlines and size caps ------------------------------------------------------------------


def test_a_slow_drip_gives_up_at_the_deadline(server):
    """Issue 11, defect 3: a byte every 0.2 s never trips a read timeout; the deadline ends it."""
    with pytest.raises(FetchError, match=r"gave up after the 1 s fetch deadline \(\d+ bytes read\)"):
        http_fetch(server.url("/drip"), deadline_s=1.0, timeout=5.0, policy=ALLOW_LOOPBACK)
    assert server.sent["/drip"] < 300


def test_headers_that_never_end_give_up_at_the_deadline(server):
    with pytest.raises(FetchError, match="gave up after the 1 s fetch deadline"):
        http_fetch(server.url("/drip-headers"), deadline_s=1.0, timeout=5.0, policy=ALLOW_LOOPBACK)


def test_a_huge_body_stops_at_the_cap(server):
    with pytest.raises(FetchError, match="response over 100 kB"):
        http_fetch(server.url("/huge"), max_body=100_000, policy=ALLOW_LOOPBACK)


@pytest.mark.parametrize("path", ["/gzip-page", "/deflate-page", "/raw-deflate-page"])
def test_compressed_pages_are_decoded(server, path):
    assert http_fetch(server.url(path), policy=ALLOW_LOOPBACK).body == PAGE


def test_a_gzip_bomb_stops_at_the_cap_of_decoded_bytes(server):
    with pytest.raises(FetchError, match="response over 1 MB"):
        http_fetch(server.url("/gzip-bomb"), max_body=1_000_000, policy=ALLOW_LOOPBACK)


def test_an_encoding_that_cannot_be_bounded_is_refused(server):
    with pytest.raises(FetchError, match="unsupported content encoding br"):
        http_fetch(server.url("/brotli-page"), policy=ALLOW_LOOPBACK)


def test_a_feed_stops_fetching_its_entries_pages_when_its_own_deadline_passes(tmp_path, server):
    path = feed_file(tmp_path, [server.url("/drip")] * 6)
    limits = FetchLimits(allow_hosts=LOOPBACK, page_seconds=0.5, feed_seconds=1.2)

    entries = list(iter_inputs([str(path)], limits=limits))

    assert [e.text for e in entries] == [f"Summary {n} of a short entry." for n in range(1, 7)]
    assert 1 <= server.hits.count("/drip") < 6  # the later entries were not even tried


def test_a_feed_reads_at_most_its_byte_budget(tmp_path, server):
    path = feed_file(tmp_path, [server.url("/page")] * 4)
    limits = FetchLimits(allow_hosts=LOOPBACK, feed_bytes=2 * len(PAGE) + 10)

    entries = list(iter_inputs([str(path)], limits=limits))

    fetched = [e for e in entries if e.text.startswith("The Kremlin said")]
    assert len(fetched) == 2  # two pages fit the budget; the rest keep their summaries
    assert [e.text for e in entries[2:]] == ["Summary 3 of a short entry.", "Summary 4 of a short entry."]


# --- input rules that are the same on every database ----------------------------------------------


def write_json(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_date_in_the_future_is_rejected_by_name(tmp_path):
    """Issue 11, defect 5: an article dated in the year 3000 was stored silently."""
    far = write_json(tmp_path, "far.json", '{"text": "Talks were held.", "published": "3000-01-01"}')
    tomorrow = write_json(tmp_path, "tomorrow.json", '{"text": "Talks were held.", "published": "2026-11-25"}')
    later = write_json(tmp_path, "later.md", "2026-11-27 Talks were held.")

    items = list(iter_inputs([str(far), str(tomorrow), str(later)], today=date(2026, 11, 24)))

    assert items[0] == Rejected(str(far), "published 3000-01-01 is in the future")
    assert isinstance(items[1], RawArticle) and items[1].published == date(2026, 11, 25)  # a time zone away
    assert items[2] == Rejected(str(later), "published 2026-11-27 is in the future")


def test_nul_and_control_characters_are_removed_and_lengths_bounded(tmp_path):
    """Issue 11, defect 6: PostgreSQL refuses NUL and titles over 500 characters that SQLite keeps."""
    title = "T\\u0000" + "x" * 700
    path = write_json(
        tmp_path, "nul.json",
        f'{{"text": "Xi\\u0000 met\\u0007 Putin.\\nAgain\\ttoday.\\ud800", "title": "{title}", '
        f'"outlet": "{"o" * 300}", "url": "https://news.example/{"u" * 2100}"}}',
    )

    [art] = iter_inputs([str(path)])

    assert art.text == "Xi met Putin.\nAgain\ttoday."
    assert len(art.title) == 500 and "\x00" not in art.title and art.title.endswith("\u2026")
    assert len(art.outlet) == 200
    assert art.url is None  # a cut URL would point elsewhere


def test_the_limits_are_the_columns_sizes():
    columns = models.Article.__table__.c
    assert sources.TITLE_CHARS == columns.title.type.length
    assert sources.OUTLET_CHARS == columns.outlet.type.length
    assert sources.URL_CHARS == columns.url.type.length
    assert sources.ORIGIN_CHARS == columns.origin.type.length


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1, max_size=300), title=st.text(max_size=800), outlet=st.text(max_size=400))
def test_every_article_fits_the_columns_and_holds_no_control_character(text, title, outlet):
    item = sources._article("x", text, sources._Context(None, 1_000_000, 4_000_000, FetchLimits(), date(2026, 1, 1)),
                            title=title, outlet=outlet)
    if isinstance(item, Rejected):
        assert item.reason == "empty"
        return
    for value, limit in ((item.text, None), (item.title, 500), (item.outlet, 200)):
        if value is None:
            continue
        assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF for c in value)
        assert limit is None or len(value) <= limit
        value.encode("utf-8")  # no lone surrogate: every database can store it


# --- quiet logs ------------------------------------------------------------------------------------


def test_symlink_loops_and_dangling_links_are_one_line_each(tmp_path, caplog):
    """Issue 11, defect 9: a symlink loop printed a traceback beside its rejection."""
    (tmp_path / "good.txt").write_text("Xi met Putin in Moscow.", encoding="utf-8")
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")
    (tmp_path / "loopdir").symlink_to(tmp_path)

    with caplog.at_level(logging.DEBUG):
        items = list(iter_inputs([str(tmp_path), str(tmp_path / "a.txt"), str(tmp_path / "dangling.md")]))

    reasons = [(Path(i.origin).name, i.reason) for i in items if isinstance(i, Rejected)]
    assert reasons == [
        ("a.txt", "symbolic link loop"),
        ("b.txt", "symbolic link loop"),
        ("dangling.md", f"broken symbolic link (to {tmp_path / 'missing.md'})"),
        ("a.txt", "symbolic link loop"),
        ("dangling.md", f"broken symbolic link (to {tmp_path / 'missing.md'})"),
    ]
    assert [i.origin for i in items if isinstance(i, RawArticle)] == [str(tmp_path / "good.txt")]
    assert not [r for r in caplog.records if r.exc_info], "no traceback in the log"


# --- the policy's invariants and settings ------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=0, max_value=2**32 - 1))
def test_an_ipv4_address_gets_one_verdict_in_every_spelling(n):
    """Mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::) spellings never slip past."""
    import ipaddress

    v4 = ipaddress.IPv4Address(n)
    verdict = AddressPolicy().problem(str(v4))
    assert (verdict is None) == (v4.is_global and not v4.is_multicast)
    assert AddressPolicy().problem(f"::ffff:{v4}") == verdict
    assert AddressPolicy().problem(str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) + n))) == verdict
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (n << 80))
    assert AddressPolicy().problem(str(sixtofour)) == verdict


def test_the_fetch_settings_reach_the_reader(tmp_path, server):
    from summarizer.settings import Settings, SettingsError

    settings = Settings.load(env={"STORYBOT_FETCH_ALLOW_HOSTS": "127.0.0.1 intranet.example", "STORYBOT_FETCH_DEADLINE_SECONDS": "1"})
    assert settings.fetch_allow_hosts == ["127.0.0.1", "intranet.example"]
    with pytest.raises(SettingsError, match="setting fetch_deadline_seconds: Input should be greater than 0"):
        Settings.load(env={"STORYBOT_FETCH_DEADLINE_SECONDS": "0"})

    from summarizer.ingest import Ingestor

    ingestor = Ingestor.__new__(Ingestor)  # read() needs the settings alone: no store, no model
    ingestor.settings = settings
    [item] = ingestor.read([server.url("/drip")])
    assert item == Rejected(server.url("/drip"), item.reason) and item.reason.startswith("gave up after the 1 s fetch deadline")
