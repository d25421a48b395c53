"""Store-wide state: the generation, which rises whenever stored rows are rewritten in place.

New articles change a store's count and highest id; reanalysis and rescoring rewrite rows and
change neither. Caches (briefings, the catalog, the vector index) key on the generation too.
Callers own the session: nothing here commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from summarizer.store.models import StoreState

GENERATION = "generation"
GENERATION_VALUE = select(StoreState.value).where(StoreState.key == GENERATION)  # no row before the first rewrite


def generation(session: Session) -> int:
    """How many times stored rows were rewritten in place (reanalysis, rescoring); 0 at first."""
    return session.scalar(GENERATION_VALUE) or 0


def next_generation(session: Session) -> int:
    """Count one more rewrite of stored rows, so that caches keyed by `corpus_version` let go."""
    value = generation(session) + 1
    state = session.get(StoreState, GENERATION)
    if state is None:
        session.add(StoreState(key=GENERATION, value=value))
    else:
        state.value = value
    session.flush()
    return value
