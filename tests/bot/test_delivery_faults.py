"""Fault injection: the bot killed at random moments around digest slots loses no digest and no post.

A simulated process (the real Application, jobs, delivery and chat service over one store) is
killed, again and again, at seeded random moments: at a step of its work (before or after a
claim, a lease renewal, a record or a release commits; before Telegram gets a message, or after
Telegram accepted it but before the bot heard back), or while idle around the slots. A new
process then starts over the same store after a random downtime, restores the digests as the bot
does at start, and runs the jobs that fall due. Simulated time drives everything: the daily jobs
fire at their slots, catch-ups when restore_digests or a held claim asks, the feed poll every ten
minutes, posting the articles stored meanwhile to the linked channels.

The kill is simulated: an exception that no code catches (a BaseException, as a dying process
leaves its work) is raised at the chosen point, the process's application is stopped without
its shutdown hook, and everything it held in memory is dropped. What it wrote stays in the store.

Counted per chat and slot (and per channel and article): every part of the digest, every post,
accepted at least once (lost: 0), and each duplicate explained by a kill in the one window the
design allows, between Telegram accepting a message and the record of it as sent.
"""

from __future__ import annotations

import heapq
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_services
from bot.context import DigestJobs
from summarizer.chats import DigestClaim
from summarizer.results import Briefing, Item
from summarizer.schedule import last_occurrence
from summarizer.settings import Settings
from summarizer.store.models import Article
from tests.bot.recording import RecordingRequest
from tests.fakes import FakeEncoder

pytestmark = pytest.mark.slow

ZONES = ("UTC", "Europe/London", "Asia/Tokyo", "America/New_York")
CHATS = 24
CHANNELS = 6
POLL = timedelta(minutes=10)
MIN_KILLS = 60
MAX_DAYS = 30  # bounded: the loop stops here whether or not it reached MIN_KILLS


ARTICLE = re.compile(r"article (\d+)")


class Killed(BaseException):
    """The process dies here: nothing in the bot catches it, as nothing runs after a SIGKILL."""


@dataclass
class Fuse:
    """Counts the steps of the running process and kills it at step `at`; tracks the duplicate window."""

    clock: object
    at: int | None = None
    steps: int = 0
    kills: Counter = field(default_factory=Counter)  # where the kills happened
    window: set = field(default_factory=set)  # (chat, slot) or (channel, article): accepted, not yet recorded
    explained: Counter = field(default_factory=Counter)  # those keys -> kills inside the window
    claimed: dict[int, datetime] = field(default_factory=dict)  # chat -> the slot its live claim is for

    def step(self, where: str) -> None:
        self.steps += 1
        if self.at is not None and self.steps >= self.at:
            self.kill(where)

    def kill(self, where: str) -> None:
        self.at = None
        self.kills[where] += 1
        for key in self.window:
            self.explained[key] += 1
        self.window.clear()
        self.claimed.clear()
        raise Killed(where)


class FaultyTelegram(RecordingRequest):
    """Recorded Telegram whose sendMessage can be the moment the process dies, before or after acceptance."""

    def __init__(self, fuse: Fuse, clock) -> None:
        super().__init__()
        self.fuse, self.clock = fuse, clock
        self.accepted: list[tuple[int, datetime, str]] = []  # (chat, sim time, text)

    async def do_request(self, url, method, request_data=None, **timeouts):
        if url.endswith("/sendMessage"):
            self.fuse.step("before Telegram got the message")
            answer = await super().do_request(url, method, request_data, **timeouts)
            chat, text = int(request_data.parameters["chat_id"]), request_data.parameters["text"]
            self.accepted.append((chat, self.clock(), text))
            post = ARTICLE.search(text)
            self.fuse.window.add((chat, int(post.group(1))) if post else (chat, self.fuse.claimed.get(chat)))
            self.fuse.step("after Telegram accepted, before the bot heard back")
            return answer
        return await super().do_request(url, method, request_data, **timeouts)


class Digests:
    """A briefing service whose digests are one or two messages, the same for every retry of a slot."""

    def warm(self) -> None:
        pass

    def digest(self, since, *, follow=(), long=False) -> Briefing:
        parts = 2 if since.minute % 3 == 0 else 1  # `since` is fixed per chat and slot: so is the size
        items = tuple(Item(f"Part {k} " + "word " * 700, None, None, ()) for k in range(1, parts + 1))
        return Briefing("digest", "digest", "x", items=items)


def wrap_chats(chats, fuse: Fuse) -> None:
    """Make every claim, renewal, record and release a step where the process may die, before or after it commits."""

    def steps(name: str):
        inner = getattr(chats, name)

        def call(*args, **kwargs):
            fuse.step(f"before {name}")
            result = inner(*args, **kwargs)
            if name == "claim_digest" and isinstance(result, DigestClaim):
                fuse.claimed[result.chat_id] = result.slot
            if name == "finish_digest":
                fuse.window.discard((args[0].chat_id, args[0].slot))
            if name == "finish_post":
                fuse.window.discard((args[0].chat_id, int(ARTICLE.search(args[0].title).group(1))))
            fuse.step(f"after {name}")
            return result

        setattr(chats, name, call)

    for name in ("claim_digest", "hold_digest", "finish_digest", "release_digest", "claim_posts", "hold_post", "finish_post", "release_post"):
        steps(name)


@dataclass
class Subscriber:
    chat_id: int
    at: time
    zone: str

    def slot(self, when: datetime) -> datetime:
        return last_occurrence(when, ZoneInfo(self.zone), self.at)


def store_article(store, number: int, at: datetime) -> None:
    """An article as a feed poll would have stored it at `at` (the poll's own ingestion is not under test)."""
    with store.session() as session:
        title = f"article {number}"
        session.add(Article(title=title, origin=title, text=title, content_hash=title, ingested_at=at, url=f"https://x.example/{number}"))


async def simulate(seed: int, database_url: str, start_bot, bot_settings, clock, monkeypatch) -> dict:
    """Run the killing simulation; return the figures. Deterministic for a seed (simulated time only)."""
    rng = random.Random(seed)
    fuse = Fuse(clock)
    telegram = FaultyTelegram(fuse, clock)
    settings = Settings.load().replace(database_url=database_url)
    bot_settings = bot_settings.replace(feed_poll_seconds=int(POLL.total_seconds()))
    events: list[tuple[datetime, int, str, int]] = []  # (sim time, seq, kind, chat or article)
    seq = iter(range(10**9))
    latest_catch_up: dict[int, int] = {}
    made = []

    original_catch_up = DigestJobs.catch_up

    def catch_up(self, chat_id: int, delay: float) -> None:  # the job queue is paused: simulated time runs it
        original_catch_up(self, chat_id, delay)
        n = next(seq)
        latest_catch_up[chat_id] = n
        heapq.heappush(events, (clock.now + timedelta(seconds=delay), n, "catch-up", chat_id))

    monkeypatch.setattr(DigestJobs, "catch_up", catch_up)

    def push(when: datetime, kind: str, what: int = 0) -> None:
        heapq.heappush(events, (when, next(seq), kind, what))

    async def start():
        services = build_services(settings, bot_settings, encoder=FakeEncoder(), clock=clock)
        services.briefings = Digests()
        wrap_chats(services.chats, fuse)
        made.append(services)
        harness = await start_bot(services, telegram, bot_settings=bot_settings)
        push(clock.now + timedelta(seconds=30), "poll")  # the poll job's first run after start (FEED_FIRST_S)
        return harness

    start_at = clock.now = datetime(2026, 3, 20, 5, 0, tzinfo=UTC)  # a week before Europe's clock change
    first = await start()
    subscribers = []
    for n in range(CHATS):
        zone = ZONES[n % len(ZONES)]
        at = time(7, (2 * n) % 60) if zone == "UTC" else time(7 + (n % 3), (7 * n) % 60)
        await first.send(f"/subscribe {at:%H:%M} {zone}", chat_id=1000 + n)
        subscribers.append(Subscriber(1000 + n, at, zone))
    channels = [-2000 - n for n in range(CHANNELS)]
    for n, channel in enumerate(channels):
        first.services.chats.link(channel, 1000 + n, f"channel {n}")
    telegram.calls.clear()
    telegram.accepted.clear()
    fuse.window.clear()  # the replies to /subscribe are no digests
    clock.now += timedelta(minutes=1)  # articles come after the links

    def push_day(day_start: datetime) -> None:
        for s in subscribers:
            slot = s.slot(day_start + timedelta(days=1))
            if slot > day_start:
                jitter = timedelta(seconds=rng.choice([0, 0, 0.3, 1.5]))  # the scheduler fires at or just after
                push(slot + jitter, "daily", s.chat_id)
        for minutes in sorted(rng.uniform(0, 24 * 60) for _ in range(12)):  # a dozen articles a day, more round the slots
            push(day_start + timedelta(minutes=minutes), "article")
        for minutes in sorted(rng.uniform(120, 300) for _ in range(6)):
            push(day_start + timedelta(minutes=minutes), "article")
        poll = day_start
        while poll < day_start + timedelta(days=1):
            push(poll, "poll")
            poll += POLL

    bot = first
    day, days, kills, restarts, articles = start_at, 0, 0, 0, []
    ending, end = False, None
    push_day(day)
    fuse.at = fuse.steps + rng.randint(1, 70)
    idle_kill = day + timedelta(hours=rng.uniform(1.9, 4.5))
    while events:
        when, n, kind, what = heapq.heappop(events)
        if ending and kind == "poll" and when > end + timedelta(hours=3):
            continue  # the last posts went out long ago: stop polling
        if not ending and idle_kill <= when:  # killed while idle, between two jobs
            heapq.heappush(events, (when, n, kind, what))
            clock.now = max(clock.now, idle_kill)
            fuse.kills["idle, between jobs"] += 1
            killed = True
        elif kind == "article":
            clock.now = max(clock.now, when)
            articles.append((len(articles) + 1, clock.now))
            store_article(bot.services.store, len(articles), clock.now)
            continue
        else:
            if kind == "catch-up" and latest_catch_up.get(what) != n:
                continue  # replaced by a later catch_up of the same chat, or of a dead process
            clock.now = max(clock.now, when)
            job = {"daily": f"digest:{what}", "catch-up": f"digest-catch-up:{what}", "poll": "feeds"}[kind]
            try:
                await bot.run_job(job)
                killed = False
            except Killed:
                killed = True
        if killed:
            kills += 1
            await bot.stop()  # the application goes; its shutdown hook does not run
            bot.services.store.close()  # and its connections with it
            latest_catch_up.clear()  # the dead process's pending catch-ups die with it
            clock.now += timedelta(seconds=rng.choice([1, 5, 20, 45, 61, 90, 150, 400, 1800]))
            # What fell due while it was down never ran: the daily jobs and polls of that time.
            events[:] = [e for e in events if not (e[2] in ("daily", "poll") and e[0] < clock.now)]
            heapq.heapify(events)
            bot = await start()
            restarts += 1
            if not ending:
                fuse.at = fuse.steps + rng.randint(1, 70)
                idle_kill = clock.now + timedelta(minutes=rng.uniform(2, 240))
        if not ending and not any(e[2] == "daily" for e in events):
            days += 1
            day += timedelta(days=1)
            if (kills >= MIN_KILLS and days >= 3) or days >= MAX_DAYS:
                ending = True  # no more kills: let every pending catch-up, retry and poll run out
                fuse.at = None
                end = clock.now
                events[:] = [e for e in events if e[2] != "article"]
                heapq.heapify(events)
                poll = clock.now
                while poll < end + timedelta(hours=3):
                    push(poll, "poll")
                    poll += POLL
            else:
                push_day(day)
    await bot.stop()
    for services in made:
        services.close()
    return {
        "telegram": telegram,
        "fuse": fuse,
        "subscribers": subscribers,
        "channels": channels,
        "articles": articles,
        "start": start_at,
        "end": end,
        "kills": kills,
        "restarts": restarts,
        "days": days,
    }


PART = re.compile(r"Part (\d)")


def tally(result: dict) -> dict:
    """Per chat and slot, and per channel and article: how often each message was accepted, and the figures."""
    by_chat = {s.chat_id: s for s in result["subscribers"]}
    channels = set(result["channels"])
    sent: dict[tuple[int, datetime], Counter] = {}
    posts: Counter = Counter()
    for chat, when, text in result["telegram"].accepted:
        if chat in channels:
            posts[(chat, int(ARTICLE.search(text).group(1)))] += 1
            continue
        slot = by_chat[chat].slot(when)  # sent before its slot would count against the day before
        sent.setdefault((chat, slot), Counter())[int(PART.search(text).group(1))] += 1
    expected = set()
    for s in result["subscribers"]:
        day = result["start"]
        while (slot := s.slot(day + timedelta(days=1))) <= result["end"]:
            if slot > result["start"]:
                expected.add((s.chat_id, slot))
            day += timedelta(days=1)
    explained = result["fuse"].explained
    lost, duplicates, duplicate_messages, unexplained = [], 0, 0, []
    for key in sorted(expected | set(sent)):
        parts = sent.get(key, Counter())
        wanted = 2 if 2 in parts else 1
        if key not in expected or any(parts[k] == 0 for k in range(1, wanted + 1)):
            lost.append((key, dict(parts)))
            continue
        extra = max(parts[k] - 1 for k in range(1, wanted + 1))
        duplicates += extra
        duplicate_messages += sum(parts[k] - 1 for k in range(1, wanted + 1))
        if extra != explained[key]:
            unexplained.append((key, dict(parts), explained[key]))
    expected_posts = {(c, number) for c in channels for number, _ in result["articles"]}
    lost_posts = sorted(expected_posts - set(posts)) + sorted(set(posts) - expected_posts)
    post_duplicates = sum(n - 1 for n in posts.values())
    unexplained += [(key, n, explained[key]) for key, n in posts.items() if n - 1 != explained[key]]
    return {
        "slots": len(expected),
        "lost": lost,
        "duplicates": duplicates,
        "duplicate_messages": duplicate_messages,
        "posts": len(expected_posts),
        "lost_posts": lost_posts,
        "post_duplicates": post_duplicates,
        "unexplained": unexplained,
    }


async def test_killed_at_random_moments_around_the_slots_no_digest_or_post_is_lost(
    database_url, start_bot, bot_settings, clock, monkeypatch, capsys
) -> None:
    result = await simulate(20261124, database_url, start_bot, bot_settings, clock, monkeypatch)
    figures = tally(result)

    assert result["kills"] >= MIN_KILLS and len(result["subscribers"]) >= 20
    assert figures["lost"] == [] and figures["lost_posts"] == []  # every digest part and post reached its chat
    assert figures["unexplained"] == []  # each duplicate: a kill between Telegram's acceptance and the record
    window_kills = sum(result["fuse"].explained.values())
    assert figures["duplicates"] + figures["post_duplicates"] == window_kills
    with capsys.disabled():
        print(
            f"\nfault injection ({database_url.split(':')[0]}): {result['kills']} kills over {len(result['subscribers'])} chats"
            f" and {len(result['channels'])} channels, {result['days']} days: {figures['slots']} digest slots,"
            f" lost {len(figures['lost'])}, duplicate digests {figures['duplicates']} ({figures['duplicate_messages']} messages);"
            f" {figures['posts']} posts, lost {len(figures['lost_posts'])}, duplicates {figures['post_duplicates']};"
            f" every duplicate after Telegram accepted and before the record ({window_kills} kills there);"
            f" kills by moment: {dict(sorted(result['fuse'].kills.items()))}"
        )
