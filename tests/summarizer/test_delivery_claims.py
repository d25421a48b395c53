"""Claims shared by several processes over one store: each digest slot and each post is won exactly once.

Each "process" is a ChatService over its own Store (its own engine and connections), as two bot
processes sharing one database have; they race in threads for the same slots and posts.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from summarizer.chats import ChatService, DigestClaim
from summarizer.store.db import Store
from tests.summarizer.test_chats import add_article

PROCESSES, CHATS, DAYS = 4, 12, 3


def race(services, work) -> list[str]:
    """Run `work(service)` in one thread per service at once; the errors raised, if any."""
    errors: list[str] = []
    barrier = threading.Barrier(len(services))

    def run(service) -> None:
        barrier.wait(timeout=30)
        try:
            work(service)
        except Exception as exc:  # reported, not swallowed: the test asserts there are none
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(s,)) for s in services]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_processes_racing_for_digest_slots_and_posts_win_each_once(database_url) -> None:
    now = [datetime(2026, 1, 1, 6, 0, tzinfo=UTC)]
    stores = [Store(database_url) for _ in range(PROCESSES)]
    services = [ChatService(store, clock=lambda: now[0]) for store in stores]
    try:
        for chat in range(CHATS):
            services[0].subscribe(chat, "07:20", "UTC")
            services[0].link(-1000 - chat, chat, None)
        won: list[tuple[str, int, datetime]] = []
        posted: list[tuple[str, int, int]] = []

        def digests(service: ChatService) -> None:
            for chat in range(CHATS):
                claim = service.claim_digest(chat, scheduled=True)
                if isinstance(claim, DigestClaim):
                    won.append((service.claimant, chat, claim.slot))
                    service.finish_digest(claim)

        def posts(service: ChatService) -> None:
            for post in service.claim_posts(per_chat=10):
                posted.append((service.claimant, post.chat_id, post.article_id))
                service.finish_post(post)

        for day in range(1, DAYS + 1):
            now[0] = datetime(2026, 1, 1, 7, 20, tzinfo=UTC) + timedelta(days=day)
            add_article(stores[0], "article" + "!" * day, now[0] - timedelta(minutes=1))
            assert race(services, digests) == []
            assert race(services, posts) == []

        per_slot = Counter((chat, slot) for _, chat, slot in won)
        assert len(per_slot) == CHATS * DAYS and set(per_slot.values()) == {1}
        per_post = Counter((chat, article) for _, chat, article in posted)
        assert len(per_post) == CHATS * DAYS and set(per_post.values()) == {1}
    finally:
        for store in stores:
            store.close()


def test_a_post_claimed_or_sent_is_never_claimed_again(database_url) -> None:
    """The INSERT that does nothing on conflict says so, on every database (PostgreSQL's rowcount does not)."""
    from summarizer.store import chats as chat_store

    store = Store(database_url)
    try:
        now = datetime(2026, 1, 2, 7, 20, tzinfo=UTC)
        article = add_article(store, "a post", now)
        with store.session() as session:
            assert chat_store.claim_delivery(session, -5, article, "a", now, now + timedelta(minutes=1)) is True
        with store.session() as session:
            assert chat_store.claim_delivery(session, -5, article, "b", now, now + timedelta(minutes=1)) is False
            chat_store.finish_delivery(session, -5, article, now)
        with store.session() as session:
            later = now + timedelta(days=1)
            assert chat_store.claim_delivery(session, -5, article, "b", later, later) is False
            assert chat_store.take_delivery(session, -5, article, "b", later, later) is False  # sent: no lease to take
    finally:
        store.close()
