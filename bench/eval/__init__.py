"""`make eval`: storybot's timelines and date briefings scored on Timeline17, beside a baseline.

The pieces, bottom to top: `gold` (the gold timelines and the protocol's T and K), `stores`
(one cached store per topic), `systems` (the timeline and briefing makers under test, one
signature each), `scoring` (tilse's Date-F1 and AR-F, and fact coverage), `__main__` (the run
and its table).
"""
