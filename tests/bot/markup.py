"""What Telegram's HTML parse mode accepts, as checks for the tests: allowed tags, balanced, entities."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# The tags the bot uses; anything else in a message is a markup bug.
ALLOWED_TAGS = re.compile(r"</?(?:b|i|code|a)(?: href=\"[^\"<>]*\")?>")
ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot);)")


def markup_is_safe(html: str) -> bool:
    """Every < opens an allowed tag and every & starts an entity."""
    stripped = ALLOWED_TAGS.sub("", html)
    return "<" not in stripped and ">" not in stripped and not ENTITY.search(stripped)


class TagChecker(HTMLParser):
    """Fails on any tag Telegram's HTML mode does not allow, and on unbalanced tags."""

    allowed = {"b", "i", "a", "code", "pre", "u", "s"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in self.allowed, tag
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, tag


def well_formed(message: str) -> bool:
    """Allowed tags only, each closed in the same message, and no stray < > or &."""
    checker = TagChecker()
    checker.feed(message)
    checker.close()
    return checker.stack == [] and markup_is_safe(message)


def visible_text(message: str) -> str:
    """What the user reads: the message without its tags, entities decoded."""
    import html

    return html.unescape(ALLOWED_TAGS.sub("", message))
