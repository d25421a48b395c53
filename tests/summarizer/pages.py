"""Random page texts for the property tests of the page-furniture splits (test_page_prefixes.py,
test_glued_headings.py): pieces of real furniture and story and random words, joined by spaces
and line breaks as pages that lost their layout join them."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

WORDS = st.text(alphabet="abcXYZ019 :|,.'\"-", min_size=1, max_size=12)


def page_texts(pieces: Sequence[str], max_parts: int, separators: Sequence[str]) -> st.SearchStrategy[str]:
    """Texts of 1 to `max_parts` parts (a piece or random words), each followed by a separator."""
    return st.lists(st.one_of(st.sampled_from(pieces), WORDS), min_size=1, max_size=max_parts).flatmap(
        lambda parts: st.lists(st.sampled_from(separators), min_size=len(parts), max_size=len(parts)).map(
            lambda seps: "".join(p + s for p, s in zip(parts, seps))
        )
    )


def squeezed(text: str) -> str:
    """The text without whitespace: what splitting must keep, in order."""
    return "".join(text.split())
