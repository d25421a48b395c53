"""Chat state: schedule parsing, digest slots across daylight-saving changes, claims, follows, posts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from summarizer.actors import name_key
from summarizer.store import chats as chat_store
from summarizer.store.db import Store
from summarizer.store.models import Actor, Alias, Article, Mention, Sentence
from summarizer.chats import ChatService, DigestClaim, Held
from summarizer.schedule import ScheduleError, digest_due, last_occurrence, parse_schedule

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ("08:00", "UTC")),
        (["7:05"], ("07:05", "UTC")),
        (["Europe/London"], ("08:00", "Europe/London")),
        (["23:59", "America/New_York"], ("23:59", "America/New_York")),
        (["Asia/Tokyo", "00:00"], ("00:00", "Asia/Tokyo")),
    ],
)
def test_parse_schedule_fills_defaults(args, expected) -> None:
    assert parse_schedule(args, "08:00", "UTC") == expected


@pytest.mark.parametrize(
    "args",
    [["24:00"], ["12:60"], ["8"], ["Mars/Olympus"], ["../../etc/passwd"], ["08:00", "UTC", "x"], ["'; DROP TABLE x; --"], ["🙂"]],
)
def test_parse_schedule_rejects_bad_input(args) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(args, "08:00", "UTC")


# -- digest slots and daylight saving ----------------------------------------------------------


def test_last_occurrence_on_an_ordinary_day() -> None:
    assert last_occurrence(utc(2024, 6, 1, 9, 0), LONDON, time(8)) == utc(2024, 6, 1, 7, 0)
    assert last_occurrence(utc(2024, 6, 1, 6, 0), LONDON, time(8)) == utc(2024, 5, 31, 7, 0)


def test_spring_forward_moves_the_utc_slot_in_london() -> None:
    served = utc(2024, 3, 30, 8, 0, 5)  # Saturday's 08:00 GMT digest
    assert digest_due(utc(2024, 3, 31, 7, 30), LONDON, time(8), served)  # 08:30 BST: Sunday's passed
    assert not digest_due(utc(2024, 3, 31, 6, 30), LONDON, time(8), served)  # 07:30 BST: not yet


def test_a_skipped_local_time_fires_once_as_the_scheduler_does() -> None:
    # 01:30 does not exist in London on 31 March 2024; it counts at the GMT offset (02:30 BST).
    assert last_occurrence(utc(2024, 3, 31, 3, 0), LONDON, time(1, 30)) == utc(2024, 3, 31, 1, 30)


def test_a_repeated_local_time_is_served_once_in_london() -> None:
    first = utc(2024, 10, 27, 0, 30)  # 01:30 BST; the scheduler fires again at 01:30 GMT
    assert digest_due(first, LONDON, time(1, 30), utc(2024, 10, 26, 0, 30, 2))
    assert not digest_due(utc(2024, 10, 27, 1, 30), LONDON, time(1, 30), first + timedelta(seconds=1))


def test_new_york_across_both_changes() -> None:
    # Spring forward (10 March 2024): 08:00 EDT is 12:00 UTC, an hour earlier than the day before.
    assert digest_due(utc(2024, 3, 10, 12, 30), NEW_YORK, time(8), utc(2024, 3, 9, 13, 0, 5))
    # Fall back (3 November 2024): 08:00 EST is 13:00 UTC; at 12:30 UTC it is only 07:30.
    assert not digest_due(utc(2024, 11, 3, 12, 30), NEW_YORK, time(8), utc(2024, 11, 2, 12, 0, 5))
    assert digest_due(utc(2024, 11, 3, 13, 0), NEW_YORK, time(8), utc(2024, 11, 2, 12, 0, 5))


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK])
@pytest.mark.parametrize("at", [time(1, 30), time(2, 30), time(8, 0)])
@pytest.mark.parametrize("start", [date(2024, 3, 5), date(2024, 10, 22)])
def test_the_scheduler_fires_and_one_digest_goes_out_per_local_day(zone, at, start) -> None:
    """Replay the digest job's fire times over a clock change: exactly one send per local day."""
    trigger = CronTrigger(hour=at.hour, minute=at.minute, second=0, timezone=zone)
    now = datetime.combine(start, time(12), tzinfo=zone)
    served, previous, sent_days = now.astimezone(UTC), None, []
    for _ in range(20):
        fire = trigger.get_next_fire_time(previous, now)
        if digest_due(fire.astimezone(UTC), zone, at, served):
            served = last_occurrence(fire.astimezone(UTC) + timedelta(minutes=1), zone, at)
            sent_days.append(fire.astimezone(zone).date())
        previous = now = fire
    assert len(sent_days) == len(set(sent_days)) >= 19


# -- the service -------------------------------------------------------------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(utc(2024, 6, 1, 10, 0))


@pytest.fixture
def service(store, clock) -> ChatService:
    return ChatService(store, clock=clock)


def add_actor(store: Store, name: str, kind: str = "person", keys: tuple[str, ...] = ()) -> int:
    with store.session() as session:
        actor = Actor(name=name, kind=kind, origin="config")
        session.add(actor)
        session.flush()
        for surface in (name, *keys):
            session.add(Alias(actor_id=actor.id, key=name_key(surface), surface=surface, kind="name"))
        return actor.id


def add_article(store: Store, title: str, at: datetime, mentions: tuple[int, ...] = ()) -> int:
    with store.session() as session:
        article = Article(title=title, origin=title, text=title, content_hash=title, ingested_at=at, url=f"https://x.example/{len(title)}")
        article.sentences.append(Sentence(position=0, text=title))
        session.add(article)
        session.flush()
        for actor_id in mentions:
            session.add(Mention(actor_id=actor_id, sentence_id=article.sentences[0].id, article_id=article.id, surface="x", label="PERSON"))
        return article.id


def test_subscribe_view_and_unsubscribe(service) -> None:
    view = service.subscribe(5, "07:30", "Europe/London")

    assert (view.digest_time, view.timezone, view.quiet) == ("07:30", "Europe/London", False)
    assert service.unsubscribe(5) is True
    assert service.view(5).digest_time is None
    assert service.unsubscribe(5) is False


def test_a_digest_is_claimed_once_per_slot_and_released_on_failure(service, clock) -> None:
    service.subscribe(5, "08:00", "UTC")
    assert service.claim_digest(5) is None  # subscribed at 10:00, after today's slot

    clock.now = utc(2024, 6, 2, 8, 0, 1)
    claim = service.claim_digest(5)
    assert isinstance(claim, DigestClaim) and claim.since == utc(2024, 5, 31, 10, 0)  # the day before subscribing
    assert service.claim_digest(5) == Held(5, 60.0)  # claimed: not claimed twice while the lease lives

    service.release_digest(claim)
    again = service.claim_digest(5)
    assert isinstance(again, DigestClaim) and again.since == claim.since
    service.finish_digest(again)
    assert service.claim_digest(5) is None  # sent: the same slot is never served twice

    clock.now = utc(2024, 6, 3, 8, 0, 1)
    assert service.claim_digest(5).since == utc(2024, 6, 2, 8, 0, 1)  # since the last digest


def test_a_slot_missed_while_down_shows_in_schedules(service, clock) -> None:
    service.subscribe(5, "08:00", "UTC")
    service.subscribe(6, "23:00", "UTC")
    clock.now = utc(2024, 6, 2, 9, 0)

    missed = {s.chat_id: s.missed for s in service.schedules()}
    assert missed == {5: True, 6: True}
    claim = service.claim_digest(5)
    held = {s.chat_id: (s.missed, s.held_for) for s in service.schedules()}
    assert held == {5: (True, 60.0), 6: (True, 0.0)}  # claimed is not served: missed until it is sent
    service.finish_digest(claim)
    assert {s.chat_id: s.missed for s in service.schedules()} == {5: False, 6: True}


def test_follow_resolves_names_aliases_and_near_misses(service, store) -> None:
    add_actor(store, "Volodymyr Zelensky", keys=("zelensky",))
    add_actor(store, "Bakhmut", kind="place")

    assert service.follow(5, "Zelensky").name == "Volodymyr Zelensky"
    assert service.follow(5, "zelenksy").name == "Volodymyr Zelensky"  # a near miss, resolved
    assert service.follow(5, "bakhmut").name == "Bakhmut"  # places can be followed too
    assert service.follow(5, "nobody here").name is None
    assert service.view(5).follows == ("Bakhmut", "Volodymyr Zelensky")
    assert service.unfollow(5, "ZELENSKY") == "Volodymyr Zelensky"
    assert service.unfollow(5, "zelensky") is None


def test_posts_are_claimed_once_filtered_by_follows(service, store, clock) -> None:
    xi = add_actor(store, "Xi Jinping", keys=("xi",))
    add_article(store, "before the link", clock.now - timedelta(hours=1), (xi,))
    service.link(-100, -100, "group")
    service.link(-200, -300, "@channel")
    service.follow(-300, "xi")
    clock.now += timedelta(minutes=5)
    about_xi = add_article(store, "about xi", clock.now - timedelta(minutes=1), (xi,))
    other = add_article(store, "about nobody", clock.now - timedelta(minutes=1))

    posts = service.claim_posts(per_chat=5)
    assert {(p.chat_id, p.article_id) for p in posts} == {(-100, about_xi), (-100, other), (-200, about_xi)}
    assert service.claim_posts(per_chat=5) == []

    service.release_post(posts[0])
    assert service.claim_posts(per_chat=5) == [posts[0]]


@pytest.mark.parametrize(
    "column, value",
    [("cluster_id", "first"), ("language", "ru")],
    ids=["a syndicated copy: its story was posted", "not in English: briefings leave it out"],
)
def test_an_article_briefings_do_not_show_is_not_posted(service, store, clock, column, value) -> None:
    service.link(-100, -100, "group")
    clock.now += timedelta(minutes=5)
    first = add_article(store, "a wire story", clock.now - timedelta(minutes=2))
    other = add_article(store, "a wire story, republished or translated", clock.now - timedelta(minutes=1))
    with store.session() as session:
        setattr(session.get(Article, other), column, first if value == "first" else value)

    assert [p.article_id for p in service.claim_posts(per_chat=5)] == [first]


def test_two_processes_share_a_digest_slot_by_lease(service, store, clock) -> None:
    """Of two processes over one store, one claims the slot; the other takes it over only once the lease ran out."""
    other = ChatService(store, clock=clock)
    service.subscribe(5, "08:00", "UTC")
    clock.now = utc(2024, 6, 2, 8, 0, 1)

    mine = service.claim_digest(5)
    assert isinstance(mine, DigestClaim)
    assert other.claim_digest(5) == Held(5, 60.0)
    clock.now += timedelta(seconds=30)
    assert service.hold_digest(mine) is True  # renewed: live for 60 s from now
    clock.now += timedelta(seconds=45)
    assert other.claim_digest(5) == Held(5, 15.0)

    clock.now += timedelta(seconds=16)  # the claimant stopped renewing (it died): the lease ran out
    theirs = other.claim_digest(5)
    assert isinstance(theirs, DigestClaim) and theirs.slot == mine.slot and theirs.since == mine.since
    assert service.hold_digest(mine) is False  # the first must not send now
    service.release_digest(mine)  # and cannot give back what is no longer its claim
    assert other.claim_digest(5) == Held(5, 60.0)
    other.finish_digest(theirs)
    assert service.claim_digest(5) is None and other.claim_digest(5) is None


def test_a_restart_before_the_slot_misses_nothing_and_claims_nothing_early(service, clock) -> None:
    service.subscribe(5, "08:00", "UTC")
    clock.now = utc(2024, 6, 2, 7, 59, 24)  # 36 s before the slot

    assert [s.missed for s in service.schedules()] == [False]
    assert service.claim_digest(5) is None  # a catch-up or retry never takes the slot early
    assert isinstance(service.claim_digest(5, scheduled=True), DigestClaim)  # the daily job's own fire may


def test_posts_are_held_by_lease_and_taken_over_when_it_runs_out(service, store, clock) -> None:
    other = ChatService(store, clock=clock)
    service.link(-100, -100, "group")
    clock.now += timedelta(minutes=5)
    article = add_article(store, "news", clock.now - timedelta(minutes=1))

    (post,) = service.claim_posts(per_chat=5)
    assert other.claim_posts(per_chat=5) == []  # claimed and live
    clock.now += timedelta(seconds=61)
    assert other.claim_posts(per_chat=5) == [post]  # ran out unsent: taken over
    assert service.hold_post(post) is False
    service.release_post(post)  # not its claim any more: the other's stays
    clock.now += timedelta(seconds=30)
    assert other.hold_post(post) is True
    other.finish_post(post)
    clock.now += timedelta(days=1)
    assert service.claim_posts(per_chat=5) == [] and other.claim_posts(per_chat=5) == []
    assert post.article_id == article


def test_forget_and_migrate_a_chat(service, store) -> None:
    add_actor(store, "Xi Jinping", keys=("xi",))
    service.subscribe(-1, "08:00", "UTC")
    service.follow(-1, "xi")
    service.link(-1, -1, "group")

    service.migrate_chat(-1, -1001)
    view = service.view(-1001)
    assert (view.digest_time, view.follows, [link.chat_id for link in view.links]) == ("08:00", ("Xi Jinping",), [-1001])

    service.forget_chat(-1001)
    view = service.view(-1001)
    assert (view.digest_time, view.follows, view.links) == (None, (), ())


def test_feeds_added_once(service) -> None:
    assert service.add_feed("https://x.example/feed", 1) is True
    assert service.add_feed("https://x.example/feed", 2) is False
    assert service.feeds() == ["https://x.example/feed"]
    assert service.remove_feed("https://x.example/feed") is True
    assert service.feeds() == []


# -- the store's chat functions, where the service cannot show them ---------------------------------


def test_a_stale_slot_claim_is_refused(store, clock) -> None:
    """Two runs read the same last slot; only the first compare-and-set wins it."""
    slot, lease = utc(2024, 6, 2, 8, 0), clock.now + timedelta(minutes=1)
    with store.session() as session:
        chat_store.set_digest(session, 5, "08:00", "UTC", clock.now)
    with store.session() as session:
        assert chat_store.claim_slot(session, 5, None, slot, "a", clock.now, lease) is True
    with store.session() as session:
        assert chat_store.claim_slot(session, 5, None, slot, "b", clock.now, lease) is False  # a's lease is live
        sub = chat_store.subscription(session, 5)
        assert (sub.claimed_by, sub.last_slot) == ("a", None)  # claimed, not yet served
    with store.session() as session:
        chat_store.finish_slot(session, 5, slot, "a", clock.now)
    with store.session() as session:
        later = lease + timedelta(minutes=1)
        assert chat_store.claim_slot(session, 5, None, slot, "b", later, later + timedelta(minutes=1)) is False  # served
        assert chat_store.as_utc(chat_store.subscription(session, 5).last_slot) == slot


def test_a_claim_is_held_finished_and_released_only_by_its_claimant(store, clock) -> None:
    slot, lease = utc(2024, 6, 2, 8, 0), clock.now + timedelta(minutes=1)
    with store.session() as session:
        chat_store.set_digest(session, 5, "08:00", "UTC", clock.now)
        session.flush()
        chat_store.claim_slot(session, 5, None, slot, "a", clock.now, lease)
        assert chat_store.hold_slot(session, 5, slot, "b", lease) is False
        chat_store.release_slot(session, 5, slot, "b")  # not b's: nothing happens
        assert chat_store.subscription(session, 5).claimed_by == "a"
        assert chat_store.hold_slot(session, 5, slot, "a", lease + timedelta(minutes=5)) is True
        chat_store.release_slot(session, 5, slot, "a")
        sub = chat_store.subscription(session, 5)
        session.refresh(sub)
        assert (sub.claimed_by, sub.lease_until, sub.last_slot) == (None, None, None)


def test_relinking_a_chat_moves_it_to_the_new_owner(store, clock) -> None:
    with store.session() as session:
        chat_store.upsert_link(session, -200, -300, "@channel", clock.now)
        session.flush()
        chat_store.upsert_link(session, -200, -400, "@renamed", clock.now)
        session.flush()
        assert chat_store.links_of(session, -300) == []
        assert chat_store.links_of(session, -400) == [(-200, "@renamed")]
        assert chat_store.remove_links(session, -400, chat_id=-999) == []
