"""Name a source: its outlet from the URL's domain when none is given, its first words when untitled.

Pure. Pretty names for known publishers come from config/outlets.toml (`[outlets]`, domain =
name); any other domain is shown as it is, without "www.".
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

LEAD_WORDS = 10  # an untitled article is named by this many of its first words


def load_names(path: Path) -> dict[str, str]:
    """The domain -> outlet table of `path` (missing file: none)."""
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        table = tomllib.load(f).get("outlets", {})
    return {str(domain).lower().strip("."): str(name) for domain, name in table.items()}


def domain(url: str | None) -> str | None:
    """The URL's host without "www." and port, lower-cased; None when it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def outlet_for(url: str | None, names: dict[str, str]) -> str | None:
    """The outlet of an article at `url`: the configured name of its domain or of a parent
    domain ("edition.cnn.com" -> "cnn.com"), else the domain itself."""
    host = domain(url)
    if host is None:
        return None
    parts = host.split(".")
    for k in range(len(parts) - 1):
        name = names.get(".".join(parts[k:]))
        if name:
            return name
    return host


def lead_title(text: str, words: int = LEAD_WORDS) -> str | None:
    """The first `words` words of an untitled article, with "…" when there are more."""
    found = text.split()
    if not found:
        return None
    return " ".join(found[:words]) + ("…" if len(found) > words else "")
