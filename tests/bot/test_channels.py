"""Group and channel updates: /channel, /feeds, the feed poll job, posts never repeated."""

from __future__ import annotations

import pytest

from bot import texts
from tests.bot.conftest import FEED
from tests.bot.recording import BOT, RecordingRequest

pytestmark = pytest.mark.slow

GROUP, OTHER_GROUP, CHANNEL, ADMIN, MEMBER = -500, -600, -1001234, 8, 7
CHANNEL_CHAT = {
    "id": CHANNEL, "type": "channel", "title": "Story channel", "username": "storychan",
    "accent_color_id": 0, "max_reaction_count": 11,
}


def telegram() -> RecordingRequest:
    """Two groups with an administrator each, and a channel where the bot and that admin are admins."""
    request = RecordingRequest()
    for chat in (GROUP, OTHER_GROUP, CHANNEL):
        request.set_member(chat, ADMIN, "administrator")
    request.set_member(CHANNEL, BOT["id"], "administrator")
    request.chats["@storychan"] = request.chats[str(CHANNEL)] = CHANNEL_CHAT
    return request


@pytest.fixture
async def feed_bot(start_bot, bot_settings):
    return await start_bot(request=telegram(), bot_settings=bot_settings.replace(feeds=[str(FEED)], feed_poll_seconds=3600))


async def link_both(bot) -> None:
    """GROUP gets every new article; CHANNEL, linked from OTHER_GROUP, only those about Zelensky."""
    await bot.send("/channel link", chat_id=GROUP, chat_type="group", user_id=ADMIN)
    await bot.send("/follow zelensky", chat_id=OTHER_GROUP, chat_type="supergroup", user_id=ADMIN)
    replies = await bot.send("/channel link @storychan", chat_id=OTHER_GROUP, chat_type="supergroup", user_id=ADMIN)
    assert "posted to @storychan" in replies[0]


async def test_feed_poll_posts_each_new_article_once_per_chat(feed_bot, make_services, start_bot) -> None:
    await link_both(feed_bot)

    await feed_bot.run_job("feeds")
    await feed_bot.run_job("feeds")

    group = feed_bot.request.texts(GROUP)[1:]  # after the /channel reply
    assert sorted(t.split("</b>")[0] for t in group) == ["New: <b>Xi to host leaders in Beijing", "New: <b>Zelensky visits front-line towns"]
    assert all('<a href="https://wire.example/' in t and "(Test Wire)" in t for t in group)
    assert all(p["parse_mode"] == "HTML" and p["link_preview_options"] == {"is_disabled": True} for p in feed_bot.request.sent(GROUP))
    assert [t.split("</b>")[0] for t in feed_bot.request.texts(CHANNEL)] == ["New: <b>Zelensky visits front-line towns"]

    await feed_bot.stop()  # a restart: the same articles are still never posted again
    again = await start_bot(make_services(settings=feed_bot.services.settings), telegram(), bot_settings=feed_bot.bot_settings)
    await again.run_job("feeds")
    assert again.request.texts(GROUP) == [] and again.request.texts(CHANNEL) == []


async def test_the_poll_job_is_scheduled_from_the_configuration(start_bot, make_services, bot_settings) -> None:
    bot = await start_bot(bot_settings=bot_settings.replace(feed_poll_seconds=600))
    (job,) = bot.app.job_queue.get_jobs_by_name("feeds")
    assert job.job.trigger.interval.total_seconds() == 600


async def test_a_channel_that_removed_the_bot_is_unlinked(feed_bot) -> None:
    await link_both(feed_bot)
    feed_bot.request.fail("sendMessage", 403, "Forbidden: bot is not a member of the channel chat", chat_id=CHANNEL)

    await feed_bot.run_job("feeds")

    view = feed_bot.services.chats.view(OTHER_GROUP)
    assert view.links == ()
    assert view.follows == ("Volodymyr Zelensky",)  # the group that linked it keeps its settings


async def test_only_admins_link_and_unlink(feed_bot) -> None:
    group = {"chat_id": GROUP, "chat_type": "group"}

    assert await feed_bot.send("/channel link", user_id=MEMBER, **group) == [texts.ADMINS_ONLY]
    await feed_bot.send("/channel link", user_id=ADMIN, **group)
    assert "this chat" in (await feed_bot.send("/settings", user_id=MEMBER, **group))[0]
    assert await feed_bot.send("/channel unlink", user_id=MEMBER, **group) == [texts.ADMINS_ONLY]
    assert await feed_bot.send("/channel unlink", user_id=ADMIN, **group) == ["No longer posting new articles to this chat."]


async def test_linking_a_channel_needs_the_bot_and_the_user_as_its_admins(feed_bot) -> None:
    group = {"chat_id": GROUP, "chat_type": "group", "user_id": ADMIN}
    feed_bot.request.set_member(CHANNEL, BOT["id"], "member")
    assert "I am not an administrator of @storychan" in (await feed_bot.send("/channel link @storychan", **group))[0]

    feed_bot.request.set_member(CHANNEL, BOT["id"], "administrator")
    feed_bot.request.set_member(CHANNEL, ADMIN, "member")
    assert "Only an administrator of @storychan" in (await feed_bot.send("/channel link @storychan", **group))[0]

    assert "I cannot see @nochannel" in (await feed_bot.send("/channel link @nochannel", **group))[0]
    assert "Usage: /channel" in (await feed_bot.send("/channel link <b>x</b>", **group))[0]
    assert feed_bot.services.chats.view(GROUP).links == ()


async def test_feeds_are_listed_and_only_operators_add_them(start_bot, make_services, bot_settings) -> None:
    bot = await start_bot(bot_settings=bot_settings.replace(feeds=[str(FEED)], bot_admins=[99]))

    assert str(FEED) in (await bot.send("/feeds"))[0]
    assert "Only the bot's operators" in (await bot.send("/feeds add https://x.example/rss"))[0]
    assert "Usage" in (await bot.send("/feeds add /etc/passwd", chat_id=99))[0]
    assert (await bot.send("/feeds add https://x.example/rss", chat_id=99)) == ["Feed added; it is polled from now on."]
    assert "https://x.example/rss" in (await bot.send("/feeds"))[0]
    assert (await bot.send("/feeds remove https://x.example/rss", chat_id=99)) == ["Feed removed."]


def test_a_feed_poll_logs_its_ingestion_progress(make_services, bot_settings, caplog) -> None:
    from bot.jobs import store_items

    polling = bot_settings.replace(feeds=[str(FEED)])
    services = make_services(bot_settings=polling)
    with caplog.at_level("INFO", logger="bot.jobs"):
        store_items(services, str(FEED), services.ingest.read([str(FEED)]))
        store_items(services, str(FEED), services.ingest.read([str(FEED)]))  # nothing new the second time: no progress lines
    progress = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ingest:")]
    assert progress[0] == "ingest: 2 new articles to analyse"
    assert progress[1].startswith("ingest: 2/2 articles,") and "done in" in progress[1]
    assert len(progress) == 2


def test_a_feed_poll_that_stores_articles_refreshes_the_briefings(make_services, bot_settings, monkeypatch) -> None:
    """The catalog and vectors are read after the poll, in its worker thread, not in the next reader's query."""
    from bot.jobs import store_items

    services = make_services(bot_settings=bot_settings.replace(feeds=[str(FEED)]))
    calls: list[None] = []
    monkeypatch.setattr(services.briefings, "refresh", lambda: calls.append(None))
    store_items(services, str(FEED), services.ingest.read([str(FEED)]))
    assert len(calls) == 1
    store_items(services, str(FEED), services.ingest.read([str(FEED)]))  # nothing new: nothing to read
    assert len(calls) == 1


async def test_feeds_add_refuses_internal_addresses(start_bot, bot_settings) -> None:
    """Issue 11, defect 4: /feeds add accepted loopback and private addresses."""
    bot = await start_bot(bot_settings=bot_settings.replace(bot_admins=[99]))

    for url, problem in (
        ("http://[::1]:22/", "::1 is a loopback address"),
        ("http://127.0.0.1/feed", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.7/rss", "10.0.0.7 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ):
        assert await bot.send(f"/feeds add {url}", chat_id=99) == [
            f"Not added: {problem}; an operator may allow it with fetch_allow_hosts."
        ]
    assert bot.services.chats.feeds() == []


async def test_an_operator_may_allow_an_internal_feed_host(start_bot, make_services, settings, bot_settings) -> None:
    allowing = make_services(settings=settings.replace(fetch_allow_hosts=["10.0.0.0/8"]))
    bot = await start_bot(allowing, bot_settings=bot_settings.replace(bot_admins=[99]))

    assert await bot.send("/feeds add http://10.0.0.7/rss", chat_id=99) == [texts.FEED_ADDED]
    assert (await bot.send("/feeds add http://192.168.1.1/rss", chat_id=99))[0].startswith("Not added: 192.168.1.1 is a private")


async def test_one_slow_feed_never_holds_up_the_others(start_bot, make_services, settings, bot_settings) -> None:
    """Issue 11, defect 3: a feed dripping a byte at a time stopped every feed's poll."""
    import asyncio

    from tests.summarizer.test_fetch_guard import AbusiveServer

    server = AbusiveServer()
    try:
        slow = server.url("/drip")
        fast_settings = settings.replace(fetch_allow_hosts=["127.0.0.1"], fetch_deadline_seconds=30.0)
        bot = await start_bot(
            make_services(settings=fast_settings), telegram(),
            bot_settings=bot_settings.replace(feeds=[slow, str(FEED)], feed_poll_seconds=3600),
        )
        await link_both(bot)
        poll = asyncio.create_task(bot.run_job("feeds"))
        for _ in range(200):  # at most 20 s for the quick feed's posts (the drip takes 60 s)
            if len(bot.request.texts(GROUP)) == 3:
                break
            await asyncio.sleep(0.1)
        posted = sorted(t.split("</b>")[0] for t in bot.request.texts(GROUP)[1:])
        assert posted == ["New: <b>Xi to host leaders in Beijing", "New: <b>Zelensky visits front-line towns"]
        assert slow in bot.app.bot_data.feeds_in_flight and not poll.done()  # the slow feed is still being read

        await bot.run_job("feeds")  # a second poll meanwhile skips the feed in flight
        assert server.hits.count("/drip") == 1
        server.stop.set()  # the drip ends; the first poll finishes
        await asyncio.wait_for(poll, 30)
        assert slow not in bot.app.bot_data.feeds_in_flight
    finally:
        server.close()
