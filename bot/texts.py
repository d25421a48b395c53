"""What the bot says in its own words: commands, help, usage lines and replies, as Telegram HTML.

Every string here is valid Telegram HTML as it stands. A `{name}` is filled by
`bot.render.fill`, which escapes the value (NO_COVERAGE_TITLE alone is plain text).
"""

from __future__ import annotations

MAX_QUERY = 300  # characters of a query or a name; longer text gets TOO_LONG, not a search

COMMANDS = [
    ("brief", "Briefing on an actor, a date or a topic"),
    ("timeline", "The story's most important days, or an actor's"),
    ("actors", "Who and where: the story's actors"),
    ("sources", "The stored articles"),
    ("subscribe", "Daily digest: /subscribe [HH:MM] [Area/City]"),
    ("unsubscribe", "Stop the daily digest"),
    ("follow", "Put an actor first in digests and posts"),
    ("unfollow", "Stop following an actor"),
    ("settings", "This chat's digest, follows and links"),
    ("channel", "Post new articles here or to a channel"),
    ("feeds", "The feeds polled for new articles"),
    ("help", "What I do, with examples"),
]

HELP = """<b>I follow one news story and brief you on it</b>, from the articles I have stored. Every point cites its sources by number.

<b>Ask</b>
/brief xi — an actor
/brief 21 March 2023 — a date or a span (2023-03-20..2023-03-22)
/brief peace plan — a topic
/timeline [putin] — the most important days of the story (or of an actor, a span, a topic)
/actors, /sources — who is in the story, and the stored articles
Under a briefing, “9 more points” sends the long one.
In any chat, type <code>@{bot} xi</code> to share a briefing inline.

<b>Daily digest</b>
/subscribe 08:00 Europe/London — what was stored since the last digest, at your local time
/follow zelensky, /unfollow zelensky — followed actors come first
/settings — this chat's digest and follows; /settings quiet on — no message when nothing is new
/unsubscribe — stop

<b>Groups and channels</b> (administrators)
/channel link — post each new article here; /channel link @name — to a channel where I am an administrator
/channel unlink — stop posting"""

# -- asking -----------------------------------------------------------------------------------

BRIEF_USAGE = (
    "Ask about an actor, a date or a topic, for example:\n"
    "/brief xi\n/brief 21 March 2023\n/brief peace plan"
)
TIMELINE_USAGE = "A timeline of the whole story: /timeline; of one actor, span or topic: /timeline putin"
TOO_LONG = f"That is too long for a query: ask in under {MAX_QUERY} characters, for example /brief xi."
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."
SORRY = "Sorry, something went wrong with that request. Please try again."
NO_COVERAGE_TITLE = "No coverage of {query}"  # an inline result's title: plain text, filled with str.format
NOTHING_NEW = "Nothing new since your last digest."
# Under a short briefing whose long version adds points; the button's label and its answers are plain text.
MORE_EXPIRED = "That button has expired: ask again, for example /brief xi."
NOTHING_MORE = "Nothing more is stored on that."


def stale_note(stale: int, stored: int, background: int = 0) -> str:
    """For the operator: stored articles whose analysis another version of storybot made, and
    what analyses them again (the bot itself, `background` at a time, or the command)."""
    how = (
        f"the bot analyses them again in the background, {background:,} at a time" if background
        else "`storybot reanalyse` analyses them again"
    )
    return f"note: {stale:,} of {stored:,} stored articles were analysed by another version of storybot; {how}"


def kept_analysis(origin: str, reason: str) -> str:
    """For the operator: a stored article whose text no longer analyses keeps its earlier rows."""
    return f"kept the earlier analysis of {origin}: {reason}"


def more_points(n: int) -> str:
    """A "More" button's label: "9 more points"."""
    return f"{n} more point{'' if n == 1 else 's'}"

# -- a chat's settings ------------------------------------------------------------------------

ADMINS_ONLY = "Only this chat's administrators can change its settings."
SUBSCRIBE_USAGE = (
    "Usage: /subscribe [HH:MM] [Area/City], for example /subscribe 08:00 Europe/London "
    "(the time from 00:00 to 23:59, the zone an IANA name)."
)
BAD_SCHEDULE = "{error}. " + SUBSCRIBE_USAGE
SUBSCRIBED = (
    "Daily digest at <b>{at}</b> {zone}: what was stored since the last one. "
    "/follow an actor to put it first; /unsubscribe to stop."
)
UNSUBSCRIBED = "Daily digest stopped."
NOT_SUBSCRIBED = "This chat has no daily digest."
SETTINGS_USAGE = "Usage: /settings — show; /settings quiet on|off — no message when nothing is new."
FOLLOW_USAGE = "Name an actor to follow, for example: /follow zelensky"
FOLLOWING = (
    "Following <b>{name}</b>: first in digests, and new articles posted here are about the actors you follow."
)
UNFOLLOW_USAGE = "Name an actor to stop following, for example: /unfollow zelensky"
UNFOLLOWED = "No longer following <b>{name}</b>."
NOT_FOLLOWED = "This chat does not follow “{name}”."
NO_ACTOR = "No stored actor is called “{name}”."
DID_YOU_MEAN = " Did you mean: {names}?"
ACTORS_HINT = " /actors lists them."

CHANNEL_USAGE = (
    "Usage: /channel link — post new articles here; /channel link @name — post them to a channel "
    "where I am an administrator; /channel unlink [@name] — stop."
)
LINKED_HERE = "New articles will be posted here (about the actors this chat follows, if any)."
LINKED = "New articles will be posted to {title}, filtered by what this chat follows."
CANNOT_SEE_TO_LINK = "I cannot see {target}. Add me to it as an administrator first."
CANNOT_SEE = "I cannot see {target}."
NOT_ADMIN_THERE = "I am not an administrator of {target}; make me one so I can post there."
ONLY_ADMIN_THERE = "Only an administrator of {target} can link it."
UNLINKED = "No longer posting new articles to {names}."
NOTHING_LINKED = "Nothing was linked."

FEEDS_USAGE = "Usage: /feeds — list; /feeds add|remove https://example.com/feed.xml"
NO_FEEDS = "No feeds are polled yet."
OPERATORS_ONLY = "Only the bot's operators can change the feeds."
FEED_ADDED = "Feed added; it is polled from now on."
FEED_KNOWN = "That feed is already polled."
FEED_REMOVED = "Feed removed."
FEED_NOT_ADDED = "That feed was not added with /feeds add."
FEED_REFUSED = "Not added: {reason}."
