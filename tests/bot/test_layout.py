"""The bot's two floors: handlers on top, never importing one another; render, texts, delivery
and context below, never importing a handler; the domain reached only through its services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
HANDLERS = {"handlers", "chat_settings", "jobs"}
BELOW = {"render", "texts", "delivery", "context", "settings", "outage"}
# The composition root and what it hands out, the result and value types, settings, the pure
# time rules and progress events; never the store, its models or its queries.
DOMAIN = {
    "summarizer.services", "summarizer.results", "summarizer.settings", "summarizer.schedule",
    "summarizer.progress", "summarizer.chats", "summarizer.briefings", "summarizer.ingest",
}


def imports(module: str) -> set[str]:
    """Every module `bot/<module>.py` imports, at the top, in functions or for type checking."""
    tree = ast.parse((BOT / f"{module}.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from bot import render`
    return found


def bot_imports(module: str) -> set[str]:
    return {name.split(".")[1] for name in imports(module) if name.startswith("bot.")}


def test_the_floors_are_the_ones_described() -> None:
    modules = {p.stem for p in BOT.glob("*.py")} - {"__init__"}
    assert modules == HANDLERS | BELOW | {"app", "cli", "ingest_progress"}


@pytest.mark.parametrize("module", sorted(HANDLERS))
def test_no_handler_module_imports_another(module) -> None:
    assert bot_imports(module) <= BELOW


@pytest.mark.parametrize("module", sorted(BELOW))
def test_nothing_below_imports_a_handler_or_the_wiring(module) -> None:
    assert bot_imports(module) <= BELOW - {module}


@pytest.mark.parametrize("module", sorted({p.stem for p in BOT.glob("*.py")} - {"__init__"}))
def test_the_domain_is_reached_only_through_its_services(module) -> None:
    domain = {name for name in imports(module) if name.startswith("summarizer.")}
    assert {name for name in domain if not any(name == d or name.startswith(f"{d}.") for d in DOMAIN)} == set()
