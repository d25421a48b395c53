"""The story store, at the bottom of the domain: engine and sessions, models, migrations, reads, writes.

Nothing here imports the rest of `summarizer`: the analysis computes what is stored and hands
it over as plain rows (`rows.py`).
"""

from summarizer.store.db import Store

__all__ = ["Store"]
