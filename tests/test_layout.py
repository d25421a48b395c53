"""The layout's promises, checked on the import statements: which package may import which."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_the_store_imports_nothing_above_it():
    for path in files("summarizer/store"):
        above = {m for m in imported_modules(path) if m.startswith("summarizer") and not m.startswith("summarizer.store")}
        assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"


def test_the_domain_never_imports_telegram_or_the_bot():
    for path in files("summarizer"):
        outside = {m for m in imported_modules(path) if m.split(".")[0] in ("telegram", "bot")}
        assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"


def test_migrations_import_no_live_code():
    for path in files("summarizer/store/migrations/versions"):
        live = {m for m in imported_modules(path) if m.startswith("summarizer")}
        assert not live, f"{path.relative_to(ROOT)} imports {sorted(live)}"
