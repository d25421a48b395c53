"""Web pages and HTTP for ingestion: fetch a URL, turn HTML into article text.

Imports httpx, trafilatura and lxml only inside the functions that use them.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

USER_AGENT = "storybot/0.1 (news briefing bot)"
FETCH_TIMEOUT_S = 15.0
FETCH_DEADLINE_S = 30.0
MAX_REDIRECTS = 5
# NAT64 embeds an IPv4 address in IPv6: 64:ff9b::7f00:1 reaches 127.0.0.1 through the gateway.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
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


class AddressRefused(FetchError, ValueError):
    """A URL whose scheme or address the policy refuses: not http(s), or not a public address."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which hosts a fetch may connect to: public addresses, plus what the operator allows.

    Loopback, private, link-local (cloud metadata at 169.254.169.254 included), shared,
    reserved, multicast and unspecified addresses are refused: anything not globally
    reachable. `allow` names hosts, addresses or networks (CIDR) allowed all the same
    (the setting fetch_allow_hosts), e.g. an intranet feed server.
    """

    allow: tuple[str, ...] = ()

    @classmethod
    def of(cls, allow: Iterable[str]) -> AddressPolicy:
        return cls(tuple(a.strip().lower().rstrip(".") for a in allow if a.strip()))

    def check_url(self, url: str) -> tuple[str, int]:
        """Check a URL's scheme and host name before any connection; returns (host, port)."""
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https"):
            raise AddressRefused(f"refused: only http(s) URLs are fetched, not {parts.scheme or 'a bare path'}")
        try:
            host, port = parts.hostname, parts.port
        except ValueError:
            raise AddressRefused("refused: malformed host or port") from None
        if not host:
            raise AddressRefused("refused: no host in the URL")
        return host, port or (443 if parts.scheme.lower() == "https" else 80)

    def check(self, url: str, *, unresolved_ok: bool = False) -> None:
        """Check a URL as a fetch would: scheme, then every address its host resolves to.

        With unresolved_ok, a host name that does not resolve now passes (every fetch checks again).
        """
        host, port = self.check_url(url)
        try:
            self.addresses(host, port)
        except _Unresolved:
            if not unresolved_ok:
                raise

    def addresses(self, host: str, port: int) -> list[str]:
        """Resolve host; return its addresses when every one is allowed, else raise AddressRefused.

        A host that resolves to a public and an internal address is refused whole: which one
        a later lookup returns is the DNS server's choice, not ours.
        """
        name = host.strip("[]").lower().rstrip(".")
        try:
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise _Unresolved(f"refused: cannot resolve {name}: {getattr(exc, 'strerror', None) or exc}") from None
        found = list(dict.fromkeys(info[4][0] for info in infos))
        if name in self.allow:
            return found
        for address in found:
            problem = self.problem(address)
            if problem:
                shown = name if name == address else f"{name} ({address})"
                raise AddressRefused(f"refused: {shown} is {problem}; an operator may allow it with fetch_allow_hosts")
        return found

    def problem(self, address: str) -> str | None:
        """Why an address may not be fetched ("a loopback address"), or None when it may."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if self._allowed(ip):
            return None
        inner = ip
        if isinstance(ip, ipaddress.IPv6Address):
            if ip.ipv4_mapped is not None:
                inner = ip.ipv4_mapped
            elif ip in _NAT64:
                inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            elif ip.sixtofour is not None:  # 2002:7f00:1:: is 6to4 for 127.0.0.1
                inner = ip.sixtofour
        if inner is not ip and self._allowed(inner):
            return None
        for kind, test in (
            ("an unspecified address", "is_unspecified"), ("a loopback address", "is_loopback"),
            ("a link-local address", "is_link_local"), ("a private address", "is_private"),
            ("a multicast address", "is_multicast"), ("a reserved address", "is_reserved"),
        ):
            if getattr(inner, test):
                return kind
        return None if inner.is_global else "not a public address"

    def _allowed(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        for entry in self.allow:
            try:
                if ip in ipaddress.ip_network(entry.strip("[]"), strict=False):
                    return True
            except ValueError:
                continue  # a host name: matched by name in addresses()
        return False


class _Unresolved(AddressRefused):
    pass


def http_fetch(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT_S,
    max_body: int = 4_000_000,
    deadline_s: float = FETCH_DEADLINE_S,
    policy: AddressPolicy | None = None,
) -> FetchResult:
    """Fetch one URL with httpx, following redirects, within a deadline and a size cap.

    Every connection, the first and each redirect's, goes through the address policy: the
    host is resolved, every address checked, and the socket connects to a checked address
    (so a DNS answer that changes between check and connect gains nothing). Proxies from the
    environment are not used: through a proxy the policy could not see where a request goes.

    Args:
        url: an http(s) URL.
        timeout: seconds for connecting and for each read.
        max_body: the largest body accepted; a larger one raises FetchError.
        deadline_s: seconds for the whole fetch: connections, redirects, headers and body.
            A server that drips a byte every few seconds never trips the read timeout;
            this gives up on it.
        policy: the addresses allowed; by default public ones only.

    Returns:
        The response; a non-2xx one comes back with an empty body.

    Raises:
        AddressRefused: the URL or a redirect leads to a refused scheme or address.
        FetchError: the body is over max_body, or the deadline passed.
        httpx.HTTPError: the connection failed.
    """
    import httpx

    policy = policy or AddressPolicy()
    policy.check_url(url)
    started = time.monotonic()
    deadline = started + deadline_s
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "application/xml;q=0.9,*/*;q=0.5",
        "Accept-Encoding": "gzip, deflate",  # what _decoder decodes within the cap
    }
    size = 0
    client = httpx.Client(
        timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS, headers=headers,
        transport=_guarded_transport(policy, deadline), trust_env=False,
    )
    try:
        with client, client.stream("GET", url) as resp:
            ctype = resp.headers.get("content-type", "")
            if not resp.is_success:
                return FetchResult(str(resp.url), resp.status_code, ctype, b"")
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_body:
                raise FetchError(f"response over {describe_size(max_body)} ({int(declared):,} bytes)")
            decode = _decoder(resp.headers.get("content-encoding", ""))
            chunks = []
            for raw in resp.iter_raw():
                # Decoded at most one byte past the cap: a 1 MB gzip of 1 GB of zeros costs no more.
                chunk = decode(raw, max_body + 1 - size)
                size += len(chunk)
                if size > max_body:
                    raise FetchError(f"response over {describe_size(max_body)}")
                if time.monotonic() > deadline:
                    raise _DeadlinePassed
                chunks.append(chunk)
            return FetchResult(str(resp.url), resp.status_code, ctype, b"".join(chunks))
    except (httpx.TimeoutException, _DeadlinePassed):
        if time.monotonic() < deadline:
            raise  # an ordinary timeout, reported as such
        raise FetchError(f"gave up after the {deadline_s:g} s fetch deadline ({size:,} bytes read)") from None


class _DeadlinePassed(Exception):
    pass


def _decoder(content_encoding: str) -> Callable[[bytes, int], bytes]:
    """A function (raw bytes, most bytes wanted) -> decoded bytes for a Content-Encoding.

    httpx's own decoders inflate a whole network chunk at once (a 64 kB gzip chunk can
    become 64 MB); zlib's max_length keeps the output within the cap.
    """
    import zlib

    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip().lower() not in ("", "identity")]
    if not codings:
        return lambda raw, _: raw
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported content encoding {content_encoding.strip()}")
    # deflate is zlib-wrapped by the standard and raw in practice now and then: zlib's
    # automatic header detection (wbits 47) takes gzip and zlib; raw deflate is tried after.
    state = {"d": zlib.decompressobj(zlib.MAX_WBITS | 32), "started": False}

    def decode(raw: bytes, limit: int) -> bytes:
        try:
            out = state["d"].decompress(raw, max(1, limit))
        except zlib.error:
            if state["started"] or codings[0] != "deflate":
                raise FetchError(f"malformed {codings[0]} body") from None
            state["d"] = zlib.decompressobj(-zlib.MAX_WBITS)
            out = state["d"].decompress(raw, max(1, limit))
        state["started"] = True
        return out

    return decode


def _guarded_transport(policy: AddressPolicy, deadline: float) -> Any:
    """An httpx transport whose connections go through the address policy and the deadline."""
    import httpcore
    import httpx

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self.inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.inner.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, _within(timeout, httpcore.WriteTimeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Stream:
            return Stream(self.inner.start_tls(ssl_context, server_hostname, _within(timeout, httpcore.ConnectTimeout)))

        def get_extra_info(self, info: str) -> Any:
            return self.inner.get_extra_info(info)

    class Backend(httpcore.NetworkBackend):
        def __init__(self) -> None:
            self.inner = httpcore.SyncBackend()

        def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                        socket_options: Any = None) -> Stream:
            error: Exception | None = None
            for address in policy.addresses(host, port):  # connect to what was checked, not a new lookup
                try:
                    inner = self.inner.connect_tcp(address, port, _within(timeout, httpcore.ConnectTimeout),
                                                   local_address, socket_options)
                except httpcore.ConnectError as exc:
                    error = exc
                    continue
                return Stream(inner)
            raise error or httpcore.ConnectError(f"no address for {host}")

        def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Stream:
            raise AddressRefused("refused: unix sockets")

        def sleep(self, seconds: float) -> None:
            time.sleep(seconds)

    def _within(timeout: float | None, error: type[Exception]) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise error("fetch deadline passed")
        return left if timeout is None else min(timeout, left)

    transport = httpx.HTTPTransport(retries=0)
    # httpx has no public hook for the network backend; httpcore's pool has one. The pool is
    # built the way HTTPTransport builds its own (TLS verified, HTTP/1.1).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=Backend(), retries=0,
    )
    return transport


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
