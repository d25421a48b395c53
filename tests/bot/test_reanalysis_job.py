"""The bot analyses again, in the background and in passes, the articles an older storybot analysed."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, update

from summarizer import ingest as ingest_module
from summarizer.store.models import Article, Sentence

pytestmark = pytest.mark.slow

PASSES = 20  # more than any test needs: a sweep that never ends fails instead of hanging


def age(services, origins: set[str] | None = None) -> None:
    """Make stored articles (all, or those of `origins`) look analysed by an older storybot."""
    with services.store.session() as session:
        query = update(Article).values(analysis=None)
        session.execute(query if origins is None else query.where(Article.origin.in_(origins)))


def rows(services) -> list[tuple]:
    """What analysis stored, without the ids it gives: each article's sentences in order."""
    with services.store.session() as session:
        return list(session.execute(
            select(Article.origin, Sentence.position, Sentence.text, Sentence.event_start, Sentence.kind)
            .join(Sentence, Sentence.article_id == Article.id)
            .order_by(Article.origin, Sentence.position)
        ).all())


async def sweep(bot) -> int:
    """Run the reanalysis passes as the scheduler would, each when the one before asks for it; how many ran."""
    for passes in range(PASSES + 1):
        jobs = bot.app.job_queue.get_jobs_by_name("reanalyse")
        if not jobs:
            return passes
        (job,) = jobs  # one pass at a time: each schedules the next
        job.schedule_removal()  # as a run-once job is removed once it has run
        await job.run(bot.app)
    raise AssertionError(f"the reanalysis did not end within {PASSES} passes")


async def test_stale_articles_are_analysed_again_a_batch_at_a_time(start_bot, make_services, bot_settings, caplog):
    services = make_services()
    before = rows(services)
    age(services)
    assert services.ingest.stale() == (6, 6)
    bot = await start_bot(services, bot_settings=bot_settings.replace(reanalyse_batch=2))

    with caplog.at_level(logging.INFO, logger="bot.jobs"):
        passes = await sweep(bot)

    assert passes == 4  # three passes of two articles, and one that finds none left
    assert services.ingest.stale() == (0, 6)
    assert rows(services) == before  # the same rows again, none twice
    assert "reanalysis done: 6 articles analysed again, 0 kept their earlier analysis" in caplog.text
    replies = await bot.send("/brief xi")
    assert "Xi Jinping" in replies[0]


async def test_an_article_that_no_longer_analyses_does_not_hold_up_the_sweep(
    start_bot, make_services, bot_settings, caplog, monkeypatch
):
    services = make_services()
    with services.store.session() as session:
        origins = sorted(session.scalars(select(Article.origin)))
        broken_text = session.scalar(select(Article.text).where(Article.origin == origins[1]))
    age(services)
    real = ingest_module.analyse_doc

    def analyse_doc(doc, published, seconds=None):
        if doc.text.startswith(broken_text[:200]):
            raise ValueError("year -4989 is out of range")
        return real(doc, published, seconds)

    monkeypatch.setattr(ingest_module, "analyse_doc", analyse_doc)
    bot = await start_bot(services, bot_settings=bot_settings.replace(reanalyse_batch=4))

    with caplog.at_level(logging.INFO, logger="bot.jobs"):
        passes = await sweep(bot)

    assert passes == 3  # one sweep over the store: the broken article is not tried again and again
    assert services.ingest.stale() == (1, 6)  # left for `storybot reanalyse`, which names it too
    assert f"kept the earlier analysis of {origins[1]}: analysis failed: year -4989 is out of range" in caplog.text
    assert "reanalysis done: 5 articles analysed again, 1 kept their earlier analysis" in caplog.text


async def test_a_store_analysed_by_this_version_takes_one_quiet_pass(start_bot, bot_settings, caplog):
    bot = await start_bot(bot_settings=bot_settings.replace(reanalyse_batch=50))
    with caplog.at_level(logging.INFO, logger="bot.jobs"):
        assert await sweep(bot) == 1
    assert "reanalysis" not in caplog.text


async def test_a_batch_of_zero_leaves_reanalysis_to_the_command(start_bot, make_services, bot_settings):
    services = make_services()
    age(services)
    bot = await start_bot(services, bot_settings=bot_settings.replace(reanalyse_batch=0))
    assert "reanalyse" not in bot.job_names()
    assert services.ingest.stale() == (6, 6)
