"""Resolve temporal expressions in news text and in user queries to calendar spans.

News text says "on Wednesday" or "last week" and means a date relative to the article's
publication; the grammar here resolves such expressions by hand, because dateparser
neither does ranges nor chooses a weekday by the sentence's tense. dateparser is only
the fallback for fully written dates in unusual formats ("17.03.2023").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from summarizer.vocabulary import MONTHS, WEEKDAYS, alternation

Tense = Literal["past", "future", "unknown"]

MAX_EVENT_DAYS = 92  # a season at most: a year is not the event date of a sentence
SWITCH_PAST_DAYS = 300  # a yearless date this far back ...
SWITCH_FUTURE_DAYS = 62  # ... is read forward when its next occurrence is this close

SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
PARTS = {"early": (1, 10), "beginning of": (1, 10), "start of": (1, 10), "mid": (11, 20),
         "middle of": (11, 20), "late": (21, 31), "end of": (21, 31)}

_WD = alternation(WEEKDAYS)
_MON = alternation(sorted(MONTHS, key=len, reverse=True))  # "sept" before "sep"
_DAYNUM = r"(?:\d{1,2})(?:st|nd|rd|th)?"
_YEAR_TOKEN = re.compile(r"\b(1[89]\d\d|20\d\d|2100)\b")

# --- the span type ---------------------------------------------------------------------


@dataclass(frozen=True)
class DateSpan:
    """A run of calendar days, inclusive at both ends."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"span ends before it starts: {self.start}..{self.end}")

    @classmethod
    def day(cls, d: date) -> DateSpan:
        return cls(d, d)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, d: object) -> bool:
        if isinstance(d, datetime):
            d = d.date()
        return isinstance(d, date) and self.start <= d <= self.end

    def __str__(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


# --- calendar helpers ------------------------------------------------------------------


def _month(year: int, month: int) -> DateSpan:
    return DateSpan(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _year(year: int) -> DateSpan:
    return DateSpan(date(year, 1, 1), date(year, 12, 31))


def _week(d: date) -> DateSpan:
    monday = d - timedelta(days=d.weekday())
    return DateSpan(monday, monday + timedelta(days=6))


def _shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    y, m = divmod(year * 12 + month - 1 + k, 12)
    return y, m + 1


def _season(name: str, year: int) -> DateSpan:
    """Northern meteorological season starting in `year` (winter runs into the next year)."""
    first = SEASONS[name]
    last_year, last_month = _shift_month(year, first, 2)
    return DateSpan(date(year, first, 1), _month(last_year, last_month).end)


def _weekday_near(weekday: int, anchor: date, tense: Tense) -> date:
    """The weekday on or after the anchor for the future, else on or before it."""
    if tense == "future":
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _clip(start: date, end: date) -> DateSpan | None:
    return DateSpan(start, end) if start <= end else None


# --- calendar expressions: "21 March", "late December", "2023-03-17", "2022" -----------


@dataclass(frozen=True)
class _Cal:
    """A calendar expression with the parts it names; a missing year is chosen later."""

    year: int | None
    month: int | None
    day: int | None = None
    part: str | None = None  # early / mid / late, for a month without a day

    def span(self, year: int) -> DateSpan | None:
        try:
            if self.month is None:
                return _year(year)
            if self.day is not None:
                return DateSpan.day(date(year, self.month, self.day))
        except ValueError:
            return None  # 30 February, or 29 February in a common year
        whole = _month(year, self.month)
        if self.part is None:
            return whole
        first, last = PARTS[self.part]
        return DateSpan(whole.start.replace(day=first), whole.start.replace(day=min(last, whole.end.day)))


_CAL_PATTERNS = (
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(rf"(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MON})(?:\s+(?P<year>\d{{4}}))?"),
    re.compile(rf"(?P<month>{_MON})\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?P<year>\d{{4}}))?"),
    re.compile(rf"(?:(?P<part>{'|'.join(PARTS)})[\s-]*)?(?:the\s+)?(?P<month>{_MON})(?:\s+(?:of\s+)?(?P<year>\d{{4}}))?"),
    re.compile(r"(?:the\s+)?(?:year\s+)?(?P<year>\d{4})"),
)


def _parse_cal(t: str) -> _Cal | None:
    """Read a normalized calendar expression, or None."""
    t = re.sub(rf"^{_WD}\s+(?=(?:the\s+)?\d|{_MON}\b)", "", t)  # "friday march 17 2023"
    for pattern in _CAL_PATTERNS:
        m = pattern.fullmatch(t)
        if m is None:
            continue
        g = m.groupdict()
        year = int(g["year"]) if g.get("year") else None
        if year is not None and not 1900 <= year <= 2100:
            return None
        month = int(g["mnum"]) if g.get("mnum") else MONTHS.get(g.get("month") or "")
        day = int(g["day"]) if g.get("day") else None
        if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
            return None
        part = g.get("part")
        return _Cal(year, month, day, part.replace("-", " ") if part else None)
    return None


def _place(cal: _Cal, anchor: date, tense: Tense, switch: bool = True) -> DateSpan | None:
    """Choose the year of a yearless expression by tense; a written year wins."""
    if cal.year is not None:
        return cal.span(cal.year)
    spans = [s for y in range(anchor.year - 8, anchor.year + 9) if (s := cal.span(y)) is not None]
    past = max((s for s in spans if s.start <= anchor), key=lambda s: s.start, default=None)
    future = min((s for s in spans if s.end >= anchor), key=lambda s: s.start, default=None)
    if tense == "future":
        return future
    if switch and past and future and (anchor - past.start).days > SWITCH_PAST_DAYS \
            and (future.start - anchor).days <= SWITCH_FUTURE_DAYS:
        return future  # "March 21" written on 14 March means this March, whatever the verb
    return past


# --- normalizing -----------------------------------------------------------------------

_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " "})
_LEAD = re.compile(r"^(?:on|in|at|by|during|over|since|of|around|about|as early as|as of|the)\s+")


def _normalize(text: str) -> str:
    """Lower-case, plain apostrophes, no possessive, no commas or trailing dots."""
    t = text.translate(_TRANSLATE).lower()
    t = re.sub(r"'s\b", "", t)  # "friday's" -> "friday", "this year's" -> "this year"
    t = re.sub(r"(?<=[a-z])\.", " ", t)  # "mar. 17" -> "mar 17"
    t = re.sub(r"[\"'(),;:!?]", " ", t)
    return " ".join(t.split()).strip(" .")


def _strip_lead(t: str) -> str:
    while (m := _LEAD.match(t)) is not None:
        t = t[m.end():]
    return t


# --- relative expressions --------------------------------------------------------------

_DAY_OFFSETS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "last night": -1, "a day earlier": -1, "a day before": -1, "day before": -1,
    "previous day": -1, "day before yesterday": -2, "tomorrow": 1, "day after tomorrow": 2,
}
_DAY_WORD = re.compile(r"(yesterday|today|tomorrow)(?: (?:morning|afternoon|evening|night))?")
_AGO = re.compile(r"(?P<n>\d+|" + "|".join(NUMBERS) + r") (?P<unit>day|week|month|year)s? ago")
_PERIOD = re.compile(
    r"(?P<mod>last|previous|this|next|coming|upcoming|earlier this|later this) "
    rf"(?P<unit>week|weekend|month|year|{'|'.join(SEASONS)}|{_WD}|{_MON})"
)
_SEASON = re.compile(rf"(?P<name>{'|'.join(SEASONS)})(?: (?:of )?(?P<year>\d{{4}}))?")
_WEEKDAY = re.compile(
    rf"(?:(?:early|late|mid|earlier|later) (?:on )?)?(?P<wd>{_WD})(?: (?:morning|afternoon|evening|night))?"
)
_STEP = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1, "upcoming": 1}


def _relative_day(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    if (m := _DAY_WORD.fullmatch(t)) is not None:
        t = m.group(1)
    offset = _DAY_OFFSETS.get(t)
    return None if offset is None else DateSpan.day(anchor + timedelta(days=offset))


def _ago(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    m = _AGO.fullmatch(t)
    if m is None:
        return None
    n, unit = int(NUMBERS.get(m["n"], m["n"])), m["unit"]
    if unit == "day":
        return DateSpan.day(anchor - timedelta(days=n))
    if unit == "week":
        return _week(anchor - timedelta(weeks=n))
    if unit == "month":
        return _month(*_shift_month(anchor.year, anchor.month, -n))
    return _year(anchor.year - n)


def _unit_span(unit: str, anchor: date, step: int) -> DateSpan:
    """The week, weekend, month or year `step` units from the anchor's own."""
    if unit in ("week", "weekend"):
        week = _week(anchor + timedelta(weeks=step))
        return DateSpan(week.start + timedelta(days=5), week.end) if unit == "weekend" else week
    if unit == "month":
        return _month(*_shift_month(anchor.year, anchor.month, step))
    return _year(anchor.year + step)


def _period(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    """"last week", "earlier this month", "next summer", "last Friday", "last December"."""
    m = _PERIOD.fullmatch(t)
    if m is None:
        return None
    mod, unit = m["mod"], m["unit"]
    if unit in WEEKDAYS:
        return DateSpan.day(_weekday_step(WEEKDAYS[unit], anchor, _STEP.get(mod, 0), tense))
    if unit in SEASONS or unit in MONTHS:
        return _named_step(unit, anchor, _STEP.get(mod, 0))
    this = _unit_span(unit, anchor, 0)
    if mod == "earlier this":
        return _clip(this.start, anchor)
    if mod == "later this":
        return _clip(anchor, this.end)
    return _unit_span(unit, anchor, _STEP[mod])


def _weekday_step(weekday: int, anchor: date, step: int, tense: Tense) -> date:
    """"last Friday" is strictly before the anchor, "next Friday" strictly after."""
    if step < 0:
        return anchor - timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)
    if step > 0:
        return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    return _weekday_near(weekday, anchor, tense)


def _named_step(name: str, anchor: date, step: int) -> DateSpan:
    """The last, this or next occurrence of a season or a month name."""
    if name in SEASONS:
        spans = [_season(name, y) for y in range(anchor.year - 2, anchor.year + 2)]
    else:
        spans = [_month(y, MONTHS[name]) for y in range(anchor.year - 2, anchor.year + 2)]
    if step < 0:
        return max((s for s in spans if s.end < anchor), key=lambda s: s.start)
    if step > 0:
        return min((s for s in spans if s.start > anchor), key=lambda s: s.start)
    return min(spans, key=lambda s: 0 if anchor in s else min(abs((s.start - anchor).days), abs((s.end - anchor).days)))


def _bare_season(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    m = _SEASON.fullmatch(t)
    if m is None:
        return None
    if m["year"]:
        return _season(m["name"], int(m["year"]))
    spans = [_season(m["name"], y) for y in range(anchor.year - 2, anchor.year + 2)]
    if tense == "future":
        return min((s for s in spans if s.end >= anchor), key=lambda s: s.start)
    return max((s for s in spans if s.start <= anchor), key=lambda s: s.start)


def _weekday(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    m = _WEEKDAY.fullmatch(t)
    return DateSpan.day(_weekday_near(WEEKDAYS[m["wd"]], anchor, tense)) if m else None


def _bare_weekend(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    """"the weekend": the one just past (or under way), or the coming one in the future."""
    if t != "weekend":
        return None
    this = _unit_span("weekend", anchor, 0)
    return this if tense == "future" or this.start <= anchor else _unit_span("weekend", anchor, -1)


def _calendar(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    cal = _parse_cal(t)
    return _place(cal, anchor, tense) if cal is not None else None


def _dateparser_day(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    """A fully written day in a format the grammar lacks ("17.03.2023"), by dateparser."""
    years = {int(y) for y in _YEAR_TOKEN.findall(t)}
    if not years:
        return None  # without a written year dateparser reads "80 years" as a day
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime.combine(anchor, datetime.min.time()),
        "PREFER_DATES_FROM": "future" if tense == "future" else "past",
        "STRICT_PARSING": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
    }
    try:
        found = dateparser.parse(t, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    return DateSpan.day(found.date()) if found is not None and found.year in years else None


# --- ranges ----------------------------------------------------------------------------

_COMPACT_DM = re.compile(rf"(?P<d1>\d{{1,2}})\s*-\s*(?P<d2>\d{{1,2}})\s+(?P<rest>{_MON}(?:\s+\d{{4}})?)")
_COMPACT_WD = re.compile(rf"(?P<a>{_WD})\s*-\s*(?P<b>{_WD})")
_COMPACT_MD = re.compile(rf"(?P<mon>{_MON})\s+(?P<d1>\d{{1,2}})\s*-\s*(?P<d2>\d{{1,2}})(?P<year>\s+\d{{4}})?")
_RANGE = re.compile(
    r"(?:from\s+)?(?P<a>.+?)(?:\s+(?:to|through|thru|until|till)\s+|\s*\.\.\s*|\s+-\s+)(?P<b>.+)"
)
_BETWEEN = re.compile(r"between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)")
_RELATIVE_WORD = re.compile(r"\b(?:yesterday|today|tomorrow|tonight|last|this|next|ago)\b")


def _split_range(t: str) -> tuple[str, str] | None:
    """Split "20-22 march 2023" or "monday to wednesday" into its two ends, each complete."""
    if (m := _COMPACT_DM.fullmatch(t)) is not None:
        return f"{m['d1']} {m['rest']}", f"{m['d2']} {m['rest']}"
    if (m := _COMPACT_MD.fullmatch(t)) is not None:
        year = m["year"] or ""
        return f"{m['mon']} {m['d1']}{year}", f"{m['mon']} {m['d2']}{year}"
    if (m := _COMPACT_WD.fullmatch(t)) is not None:
        return m["a"], m["b"]
    m = _BETWEEN.fullmatch(t) or _RANGE.fullmatch(t)
    if m is None:
        return None
    a, b = m["a"].strip(), m["b"].strip()
    if re.fullmatch(_DAYNUM, a) and (rest := re.match(rf"{_DAYNUM}\s+(.+)", b)):
        a = f"{a} {rest[1]}"  # "20 - 22 march 2023"
    if re.fullmatch(_DAYNUM, b) and (mon := re.search(_MON + r"\b", a)):
        year = _YEAR_TOKEN.search(a)
        b = f"{mon[0]} {b}" + (f" {year[0]}" if year else "")  # "march 20 to 22"
    year = _YEAR_TOKEN.search(b)
    if year and not _YEAR_TOKEN.search(a) and re.search(_MON + r"\b", a):
        a = f"{a} {year[0]}"  # "20 march - 22 march 2023"
    return a, b


def _range(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    ends = _split_range(t)
    if ends is None:
        return None
    first = _resolve(ends[0], anchor, tense)
    if first is None:
        return None
    if _RELATIVE_WORD.search(ends[1]):
        last = _resolve(ends[1], anchor, tense)
    else:
        last = _resolve(ends[1], first.start, "future")  # the end follows the start
    return _clip(first.start, last.end) if last is not None else None


# --- anaphora: "that year", "the same day", "days later" -------------------------------

_UNITS = r"(?P<unit>day|night|morning|afternoon|evening|week|month|year)"
_DAY_UNITS = r"(?P<dayunit>day|night|morning|afternoon|evening)"
_SAME = re.compile(rf"(?:(?:later|earlier)(?: on)? )?(?:that|the same|that same) {_UNITS}")
# "the next week" is as often the coming one as the one after a named time: only days count back.
_NEXT = re.compile(rf"(?:the following {_UNITS}|the next {_DAY_UNITS}|(?P<after>the day after|a day later))")
_PREVIOUS = re.compile(rf"(?:the (?:previous|preceding) {_UNITS}|(?P<before>the day before|a day (?:earlier|before)))")
_SHIFT = re.compile(
    r"(?P<n>\d+|" + "|".join(NUMBERS) + r") (?P<unit>day|week|month)s? (?P<dir>later|afterwards|after|earlier|before)"
)
_DAYS_LATER = re.compile(r"(?:a few |several |some )?days later")
_PREPOSITIONS = re.compile(r"^(?:(?:on|in|at|by|during|over|of|around|about)\s+)+")
_DAYLIKE = {"day", "night", "morning", "afternoon", "evening"}
_ANAPHORA = (_SAME, _NEXT, _PREVIOUS, _SHIFT, _DAYS_LATER)


def is_anaphoric(text: str) -> bool:
    """Whether an expression counts from a time the text named before ("that year", "days later")."""
    return _anaphora_form(_normalize(text)) is not None


def _anaphora_form(t: str) -> str | None:
    """The expression without its preposition when it is an anaphor, else None; "the" stays."""
    t = _PREPOSITIONS.sub("", t)
    return t if any(p.fullmatch(t) for p in _ANAPHORA) else None


def _unit_of(span: DateSpan, unit: str) -> DateSpan | None:
    """The day, week, month or year that holds all of `span`, or None when it holds more."""
    if unit in _DAYLIKE:
        return span if span.days == 1 else None
    whole = {"week": _week, "month": lambda d: _month(d.year, d.month), "year": lambda d: _year(d.year)}[unit]
    outer = whole(span.start)
    return outer if span.end <= outer.end else None


def _step_unit(span: DateSpan, unit: str, step: int) -> DateSpan | None:
    """The day, week, month or year after (step 1) or before (step -1) the one holding `span`."""
    own = _unit_of(span, unit)
    if own is None:
        return None
    if unit in _DAYLIKE:
        return DateSpan.day(own.start + timedelta(days=step))
    if unit == "week":
        return _week(own.start + timedelta(weeks=step))
    if unit == "month":
        return _month(*_shift_month(own.start.year, own.start.month, step))
    return _year(own.start.year + step)


def _anaphoric(t: str, reference: DateSpan | None, anchor: date) -> DateSpan | None:
    """Resolve "that year", "the next day", "five days later" against the time named before.

    Without a reference the expression stays unresolved, except "the day before" and its kin,
    which then count back from the anchor as they always did.
    """
    if (m := _PREVIOUS.fullmatch(t)) is not None:
        if reference is None or (m["before"] and reference.days != 1):
            return _resolve(t, anchor, "past") if m["before"] else None
        return _step_unit(reference, m["unit"] or "day", -1)
    if reference is None:
        return None
    if (m := _SAME.fullmatch(t)) is not None:
        return _unit_of(reference, m["unit"])
    if (m := _NEXT.fullmatch(t)) is not None:
        return _step_unit(reference, m["unit"] or m["dayunit"] or "day", 1)
    if (m := _SHIFT.fullmatch(t)) is not None:
        n = int(NUMBERS.get(m["n"], m["n"])) * (1 if m["dir"] in ("later", "afterwards", "after") else -1)
        if m["unit"] == "month":
            return _step_unit(reference, "month", n) if abs(n) == 1 else None
        days = timedelta(days=n * (7 if m["unit"] == "week" else 1))
        return DateSpan(reference.start + days, reference.end + days)
    if _DAYS_LATER.fullmatch(t) is not None:  # a few days: two to six, never past the anchor
        start, end = reference.start + timedelta(days=2), reference.end + timedelta(days=6)
        return _clip(start, min(end, anchor)) if start <= anchor else DateSpan(start, end)
    return None


# --- public: one expression ------------------------------------------------------------

_RULES = (
    _range, _relative_day, _ago, _period, _bare_season, _bare_weekend, _weekday, _calendar, _dateparser_day,
)


def resolve_expression(
    text: str, anchor: date, tense: Tense = "unknown", reference: DateSpan | None = None
) -> DateSpan | None:
    """Resolve one temporal expression against a publication date.

    Args:
        text: the expression as written ("on Wednesday", "late December", "March 21").
        anchor: the article's publication date.
        tense: the tense of the governing verb; "unknown" reads as past, the news default.
        reference: the time the text named last, which anaphora count from ("that year",
            "the same day", "days later"); without one they stay unresolved.

    Returns:
        The day or span meant, or None for durations, vague periods ("recent weeks") and
        times the calendar cannot hold ("7000 years ago").
    """
    try:
        t = _normalize(text)
        if (form := _anaphora_form(t)) is not None:
            return _anaphoric(form, reference, anchor)
        return _resolve(t, anchor, tense)
    except (ValueError, OverflowError, ArithmeticError):
        return None


def _resolve(t: str, anchor: date, tense: Tense) -> DateSpan | None:
    t = _strip_lead(t)
    if not t:
        return None
    for rule in _RULES:
        span = rule(t, anchor, tense)
        if span is not None:
            return span
    return None


# --- public: user queries --------------------------------------------------------------

_QUERY_RELATIVE = re.compile(rf"\b(?:yesterday|today|tomorrow|last|this|next|earlier|ago|{_WD})\b")


def parse_date_query(q: str, today: date, latest: date | None = None) -> DateSpan | None:
    """Read a query that names a date or span, or return None when it is not one.

    Args:
        q: what the user typed ("21 March 2023", "2023-03-20..2023-03-22", "last week").
        today: the date relative words count from.
        latest: the newest date in the store; a yearless "March 21" is the last one on or
            before it (on or before `today` when None).
    """
    try:
        return _parse_query(_strip_lead(_normalize(q)), today, latest)
    except (ValueError, OverflowError, ArithmeticError):
        return None  # a date the calendar cannot hold is no date query


def _parse_query(t: str, today: date, latest: date | None) -> DateSpan | None:
    if not t:
        return None
    if not re.search(r"\d", t):
        # Only relative words: "may" or "march" alone are too ambiguous to be dates.
        return _resolve(t, today, "past") if _QUERY_RELATIVE.search(t) else None
    ref = latest or today
    ends = _split_range(t)
    if ends is None:
        return _query_point(t, ref)
    first = _query_point(ends[0], ref)
    if first is None:
        return None
    last = _query_point(ends[1], ref, after=first.start)
    return _clip(first.start, last.end) if last is not None else None


def _query_point(t: str, ref: date, after: date | None = None) -> DateSpan | None:
    """One end of a query: a yearless day is the last on or before `ref` (or after `after`)."""
    cal = _parse_cal(t)
    if cal is None:
        return _dateparser_day(t, ref, "past")
    if cal.year is None and (cal.day is None or cal.month is None):
        return None  # a month name alone, "late march"
    if after is not None:
        return _place(cal, after, "future")
    return _place(cal, ref, "past", switch=False)
