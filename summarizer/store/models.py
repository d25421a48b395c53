"""The story store's tables, as SQLAlchemy 2 typed models."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One stored article; its text is kept whole, its analysis in the tables below."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(500))
    outlet: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    published: Mapped[date | None] = mapped_column(Date, index=True)
    # How the publication date was found: front matter, feed, page metadata, dateline in text, inferred.
    published_how: Mapped[str | None] = mapped_column(String(40))
    date_clue: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(2000))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Syndication: the first stored article of the story this one copies (None: it copies none,
    # or it was stored before copies were looked for), and its MinHash signature (summarizer/syndication.py).
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # ISO 639 code of the article's language; only English ("en", or None from before it was
    # detected) is analysed: an article in another language is stored without sentences.
    language: Mapped[str | None] = mapped_column(String(12), nullable=True)
    # The stamp of the analysis that made its sentences and mentions (ingest.analysis_stamp):
    # another stamp, or None from before stamps, means `storybot reanalyse` would redo them.
    analysis: Mapped[str | None] = mapped_column(String(16), nullable=True)

    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Sentence.position"
    )


class Sentence(Base):
    """One sentence of an article, with its event date and its embedding, computed at ingestion."""

    __tablename__ = "sentences"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        # Date briefings: sentences whose event span overlaps the asked range.
        Index("ix_sentences_event", "event_start", "event_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    event_start: Mapped[date | None] = mapped_column(Date)
    event_end: Mapped[date | None] = mapped_column(Date)
    date_expression: Mapped[str | None] = mapped_column(String(200))
    # A prediction or plan ("will", "is set to"): its event date, if any, is when it is expected.
    expected: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Every single day the sentence names, in any clause, as ISO dates joined by spaces: what a
    # timeline counts to weigh a day (the event date above is only the main clause's).
    mentioned_days: Mapped[str | None] = mapped_column(String(400), nullable=True)
    # float32 little-endian, L2-normalised; the vector "index" is a matrix built from these in memory.
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Ranking signals computed once at ingestion (summarizer/scoring.py), so a query does no text work:
    # how well the sentence stands alone, and how many people and organisations it names.
    quality: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    named: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The same text is already stored in an earlier article of its story (a syndicated copy): it is
    # never a candidate; the earlier one is, and cites every copy.
    copied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Who says it (an actor id): the speaker of a quotation or reported statement, else None.
    # No foreign key: a plain column added in place (migration 0008); actors are never deleted.
    speaker_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # What the sentence is on its page (summarizer/story_text.py): "story", or a heading, caption,
    # byline, credit, dateline, link or boilerplate, which no briefing, timeline or digest shows.
    kind: Mapped[str] = mapped_column(String(12), default="story", server_default="story")

    article: Mapped[Article] = relationship(back_populates="sentences")


class ArticleBand(Base):
    """One band key of an article's MinHash signature: articles sharing a key may copy each other."""

    __tablename__ = "article_bands"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    band: Mapped[int] = mapped_column(BigInteger, index=True)


class Actor(Base):
    """A canonical person, organisation or place."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # person | organisation | place
    # "config" when actors.toml names it, "learned" when ingestion found it.
    origin: Mapped[str] = mapped_column(String(20), default="learned")

    aliases: Mapped[list[Alias]] = relationship(back_populates="actor", cascade="all, delete-orphan")


class Alias(Base):
    """A normalised key that resolves to an actor: a name variant or a title."""

    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    surface: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="name")  # name | title

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Mention(Base):
    """An actor named (or titled) in a sentence."""

    __tablename__ = "mentions"
    # One row per actor and sentence; its index (actor first) serves actor briefings.
    __table_args__ = (UniqueConstraint("actor_id", "sentence_id", name="uq_mentions_actor_sentence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    surface: Mapped[str] = mapped_column(String(200))
    # How it was found: the NER label, "alias" (a known name NER missed) or "title".
    label: Mapped[str] = mapped_column(String(20))
    # How early the actor is named (1: first words), and whether they are the one speaking.
    prominence: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    speaker: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


# -- bot state: digest subscriptions, follows, linked chats, feeds, deliveries ------------------


class ChatSubscription(Base):
    """A chat's digest settings; digest_time None means not subscribed."""

    __tablename__ = "chat_subscriptions"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local to timezone
    timezone: Mapped[str] = mapped_column(String(64))
    quiet: Mapped[bool | None]  # None: the configured default for an empty digest
    subscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The scheduled occurrence last served: a digest is due when a later one has passed.
    last_slot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the last digest was built: the next one covers articles stored after it.
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A slot being sent: claimed by one process at claimed_at, held until lease_until; recorded in
    # last_slot only once Telegram accepted it, and taken over by another run once the lease ran out.
    claimed_slot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Follow(Base):
    """An actor a chat follows: it leads the chat's digests and filters its new-article posts."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("chat_id", "actor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    followed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChatLink(Base):
    """A chat (a group, or a channel linked from one) that gets a post for each new article."""

    __tablename__ = "chat_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    # The chat whose follows filter the posts and whose admins manage the link.
    owner_chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Feed(Base):
    """A feed added by an admin, polled beside the ones in the configuration."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Delivery(Base):
    """An article posted to a chat; the unique pair means never posting it there twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("chat_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set while the post is claimed and not yet sent; None once Telegram accepted it.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StoreState(Base):
    """Store-wide counters by name: "generation" rises whenever stored rows are rewritten in place."""

    __tablename__ = "store_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
