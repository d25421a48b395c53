"""Resolve each name, surname, spelling variant and title in an article to one canonical actor.

Pure logic over an in-memory `ActorIndex`; the ingestion service loads the index from the
store, applies the returned `Resolution` in the article's transaction, and only then
updates the index, so a rolled-back article leaves no trace.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from summarizer import abbreviations
from summarizer.analysis import ACTOR_LABELS, CONTINUED, PRONOUN, QUOTES as QUOTE_CHARS, Analysis, EntityHit
from summarizer.vocabulary import HONORIFICS, MONTHS, ROLE_WORDS, WEEKDAYS

PERSONISH_LABELS = {"PERSON", "SPEAKER"}
# A speaker tagged as one of these is a person the small model mislabelled; GPE and ORG
# speak too ("Ukraine said", "the Kremlin said"), so they need other evidence. NORP is a
# people ("Peruvians said"), not a person.
SPEAKER_OVERRULES = {"WORK_OF_ART", "PRODUCT", "EVENT", "LOC"}
TITLE_NOISE = {"the", "a", "an", "his", "her", "its", "their", "powerful", "former", "new", "top", "s"}
# An acronym ("BBC", "U.S.") is an organisation or a place, never part of a person's name.
ACRONYM = re.compile(r"^(?:[A-Z]{2,}s?|(?:[A-Z]\.){2,})$")
# "Wagner Group" is also called "Wagner": the head of a name before one of these words.
ORG_SUFFIXES = {"group", "company", "corporation", "corp", "inc", "ltd", "plc", "llc"}
# Words that are never a person's name on their own: offices, forms of address, calendar words.
HONORIFIC_WORDS = {h for h in HONORIFICS if " " not in h}
NOT_NAMES = ROLE_WORDS | HONORIFIC_WORDS | set(MONTHS) | set(WEEKDAYS)
# Words left out of an organisation's initials: "Organization of the Petroleum ..." -> OPEC.
INITIALS_SKIP = {"of", "the", "and", "for", "in", "on", "to", "a", "an"}
# Of several actors sharing a key, one named this often and twice as often as any other is meant.
MIN_DOMINANT = 3
# A romanised syllable string (pinyin, Korean, Vietnamese): "jinping", "jong", "xuan".
_SYLLABLE = r"(?:[bcdfghjklmnpqrstvwxyz]{0,3}[aeiou]{1,3}(?:ng|nh|ch|n|r|l|m|k|p|t|c|h)?)"
SYLLABLES = re.compile(rf"{_SYLLABLE}{{1,3}}")


@dataclass(frozen=True)
class ActorSpec:
    """One actor from config/actors.toml."""

    name: str
    kind: str = "person"
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorConfig:
    actors: tuple[ActorSpec, ...] = ()
    countries: dict[str, str] = field(default_factory=dict)  # word -> country
    roles: dict[str, str] = field(default_factory=dict)  # word -> role class
    # name key -> (canonical name, kind): variants of one country or organisation.
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)
    surfaces: dict[str, str] = field(default_factory=dict)  # variant key -> as written
    # A variant as written, only case, accents, full stops and "the" folded -> its key: a
    # spelling fold would take "Cameron" for "Cameroon".
    plain: dict[str, str] = field(default_factory=dict)
    family_names: frozenset[str] = frozenset()  # family names written first (Chinese, Korean, ...)
    never: frozenset[str] = frozenset()  # names as written that are never an actor (time zones)

    def variant(self, key: str) -> tuple[str, str] | None:
        """The canonical (name, kind) a country or organisation variant stands for, if any."""
        return self.variants.get(key)

    def variant_of(self, text: str) -> tuple[str, str] | None:
        """The canonical (name, kind) a name as written stands for: an acronym variant ("UN")
        matches only in capitals, so "Un" of "Kim Jong Un" is no United Nations."""
        key = self.plain.get(plain_name(text))
        found = self.variants.get(key) if key else None
        if found is None:
            return None
        surface = self.surfaces.get(key, "")
        if surface.replace(".", "").isupper() and not text.replace(".", "").isupper():
            return None
        return found

    def variant_keys(self, canonical: str) -> list[tuple[str, str]]:
        """Every (key, surface) that names the same country or organisation as `canonical`."""
        target = self.variants.get(name_key(canonical))
        if target is None:
            return []
        return [(k, self.surfaces[k]) for k, owner in self.variants.items() if owner == target]

    def family_first(self, name: str) -> bool:
        """Whether `name` is written family name first: "Qin Gang", "Kim Jong Un", not "Lee Smith"."""
        words = name.split()
        if len(words) < 2 or name_key(words[0]) not in self.family_names:
            return False
        rest = [re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", w.lower())) for w in words[1:]]
        return all(len(w) <= 8 and SYLLABLES.fullmatch(w) for w in rest)

    @classmethod
    def load(cls, path: Path) -> ActorConfig:
        """Read actors.toml; a missing file means no extra knowledge."""
        if not path.exists():
            return cls()
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        actors = tuple(
            ActorSpec(
                name=entry["name"],
                kind=entry.get("kind", "person"),
                aliases=tuple(entry.get("aliases", ())),
                titles=tuple(entry.get("titles", ())),
            )
            for entry in data.get("actor", [])
        )
        countries = {w.lower(): c for c, words in data.get("countries", {}).items() for w in words}
        roles = {w.lower(): r for r, words in data.get("roles", {}).items() for w in words}
        config = cls(actors, countries, roles, family_names=frozenset(
            name_key(w) for words in data.get("family_names", {}).values() for w in words
        ), never=frozenset(w for words in data.get("not_actors", {}).values() for w in words))
        _load_variants(config, data.get("variants", {}))
        return config


def _load_variants(config: ActorConfig, extra: dict[str, dict[str, list[str]]]) -> None:
    """Fill config.variants from ISO 3166 country names (pycountry) and actors.toml's [variants]."""
    import pycountry

    groups: list[tuple[str, str, list[str]]] = []  # canonical, kind, variants
    for country in pycountry.countries:
        names = [getattr(country, a, None) for a in ("common_name", "name", "official_name")]
        # ISO's inverted forms ("Korea, Republic of") are not how anyone writes a name.
        names = [n for n in names if n and "," not in n]
        if names:
            groups.append((names[0], "place", names))
    for kind, entries in extra.items():
        for canonical, names in entries.items():
            groups.append((canonical, kind, [canonical, *names]))
    # The config's actors own their names and aliases (United States and its aliases).
    groups += [(spec.name, spec.kind, [spec.name, *spec.aliases]) for spec in config.actors if spec.kind != "person"]
    # A later group that shares a name with an earlier one takes it over, canonical name and all:
    # actors.toml's [variants] override ISO ("Russia" for "Russian Federation"), its actors both.
    for canonical, kind, names in groups:
        keys = [name_key(n) for n in names]
        owners = {config.variants[k] for k in keys if k in config.variants}
        target = (canonical, kind)
        for k, owner in list(config.variants.items()):
            if owner in owners:
                config.variants[k] = target
        for name, k in zip(names, keys, strict=True):
            if k:
                config.variants[k] = target
                config.surfaces.setdefault(k, name)
                config.plain[plain_name(name)] = k


def plain_name(text: str) -> str:
    """A name with only case, accents, full stops, possessives and a leading "the" folded."""
    text = re.sub(r"['’]s\b", "", text.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace(".", "")
    text = re.sub(r"^the\s+", "", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def name_key(text: str) -> str:
    """Fold a name to a lookup key: accents, case, possessives, punctuation and spelling variants.

    "Zelenskyy", "Zelenskiy" and "Zelensky" share a key, as do "Bakhmut" and "Bahmut".
    """
    text = re.sub(r"['’]s\b", "", text.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.replace(".", "")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(_fold_word(w) for w in words)


def _fold_word(word: str) -> str:
    word = word.replace("kh", "h")
    word = re.sub(r"(?:iy|yy|yi|ij|ii)$", "y", word)
    return re.sub(r"(.)\1+", r"\1", word)


def title_key(text: str, config: ActorConfig) -> str | None:
    """Fold a role phrase to country|office|role: "Chinese leader" == "China's president"."""
    lowered = re.sub(r"['’]s\b", "", text.lower())
    for phrase in sorted((w for w in config.countries if " " in w), key=len, reverse=True):
        lowered = lowered.replace(phrase, phrase.replace(" ", "_"))
    for phrase in sorted((w for w in config.roles if " " in w), key=len, reverse=True):
        lowered = lowered.replace(phrase, phrase.replace(" ", "_"))
    words = [w.replace("_", " ") for w in re.findall(r"[a-z_.]+", lowered)]
    words = [w.strip(".") if w not in config.countries else w for w in words]
    words = [w for w in words if w and w not in TITLE_NOISE]
    if not words:
        return None
    role = config.roles.get(words[-1], words[-1])
    country = next((config.countries[w] for w in words[:-1] if w in config.countries), None)
    office = [w for w in words[:-1] if w not in config.countries]
    if country is None and not office:
        return None
    return f"{country or ''}|{' '.join(office)}|{role}"


@dataclass
class NewActor:
    """An actor this article introduces; it gets an id when the store flushes it."""

    name: str
    kind: str
    id: int | None = None


ActorRef = int | NewActor


@dataclass
class Resolution:
    """What one article adds: actors, renames, aliases and mentions (sentence index, actor)."""

    new_actors: list[NewActor] = field(default_factory=list)
    renames: dict[int, str] = field(default_factory=dict)
    aliases: list[tuple[ActorRef, str, str, str]] = field(default_factory=list)  # ref, key, surface, kind
    mentions: dict[tuple[int, int], tuple[ActorRef, str, str]] = field(default_factory=dict)
    speakers: dict[int, ActorRef] = field(default_factory=dict)  # sentence index -> who says it

    def mention(self, sentence: int, ref: ActorRef, surface: str, label: str) -> None:
        self.mentions.setdefault((sentence, id(ref) if isinstance(ref, NewActor) else ref), (ref, surface, label))


@dataclass
class ActorIndex:
    """Every known key -> actor id, kept in memory for fast resolution during ingestion."""

    names: dict[int, str] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    learned: set[int] = field(default_factory=set)
    by_key: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_title: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    mentions: Counter[int] = field(default_factory=Counter)  # actor id -> sentences naming it
    # A person's given name (first word of a full name) -> people; the initials of an
    # organisation's name ("nrc" for Norwegian Refugee Council) -> organisations. Consulted only for a
    # name that is otherwise unknown.
    by_first: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_initials: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add_actor(self, actor_id: int, name: str, kind: str, learned: bool) -> None:
        self.names[actor_id] = name
        self.kinds[actor_id] = kind
        (self.learned.add if learned else self.learned.discard)(actor_id)
        key = name_key(name).split()
        if len(key) > 1:
            self.by_first[key[0]].add(actor_id)
        if kind != "person" and len(key) > 1:
            initials = "".join(w[0] for w in key if w not in INITIALS_SKIP)
            if len(initials) > 1:
                self.by_initials[initials].add(actor_id)

    def first_word(self, key: str, *, person: bool) -> set[int]:
        """Actors (people, or else the others) whose multi-word name begins with the word `key`."""
        return {i for i in self.by_first.get(key, ()) if (self.kinds.get(i) == "person") == person}

    def dominant(self, ids: set[int]) -> int | None:
        """The one of `ids`, or the one named at least twice as often as any other."""
        if not ids:
            return None
        if len(ids) == 1:
            return next(iter(ids))
        ranked = sorted(ids, key=lambda i: -self.mentions.get(i, 0))
        if len(ranked) > 1 and self.mentions.get(ranked[0], 0) >= max(MIN_DOMINANT, 2 * self.mentions.get(ranked[1], 0)):
            return ranked[0]
        return None

    def add_alias(self, actor_id: int, key: str, kind: str) -> None:
        (self.by_title if kind == "title" else self.by_key)[key].add(actor_id)

    def lookup(self, key: str, *, kind: str | None = None) -> int | None:
        """The one actor with this key (of this kind), or None when unknown or ambiguous.

        Of several with one key, the one named at least twice as often as every other is meant
        ("Ruiz" is the minister Ana Ruiz, not her brother); otherwise the key is ambiguous.
        """
        ids = [i for i in self.by_key.get(key, ()) if kind is None or self.kinds.get(i) == kind]
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            ranked = sorted(ids, key=lambda i: -self.mentions.get(i, 0))
            best, second = self.mentions.get(ranked[0], 0), self.mentions.get(ranked[1], 0)
            if best >= MIN_DOMINANT and best >= 2 * second:
                return ranked[0]
        return None

    def is_person(self, key: str) -> bool:
        return any(self.kinds.get(i) == "person" for i in self.by_key.get(key, ()))

    def apply(self, resolution: Resolution) -> None:
        """Record a stored resolution; call only after its transaction committed."""
        for actor in resolution.new_actors:
            assert actor.id is not None, "apply() before the store gave the actor an id"
            self.add_actor(actor.id, actor.name, actor.kind, learned=True)
        for actor_id, name in resolution.renames.items():
            self.add_actor(actor_id, name, "person", learned=actor_id in self.learned)
        for ref, key, _surface, kind in resolution.aliases:
            self.add_alias(ref.id if isinstance(ref, NewActor) else ref, key, kind)
        for ref, _surface, _label in resolution.mentions.values():
            self.mentions[ref.id if isinstance(ref, NewActor) else ref] += 1


def resolve(analysis: Analysis, index: ActorIndex, config: ActorConfig) -> Resolution:
    """Resolve every actor mention of one analysed article."""
    return _ArticleResolver(analysis, index, config).run()


class _ArticleResolver:
    def __init__(self, analysis: Analysis, index: ActorIndex, config: ActorConfig) -> None:
        self.analysis = analysis
        self.index = index
        self.config = config
        self.out = Resolution()
        self.local: dict[str, ActorRef | None] = {}  # None: ambiguous inside this article
        self.named: list[ActorRef] = []
        self.local_titles: dict[str, list[ActorRef]] = defaultdict(list)

    def run(self) -> Resolution:
        self._count_words()
        # "Health Protection Agency (HPA)": the short form names what its long form names;
        # "blowout preventer (BOP)": a common noun's short form names no actor.
        self.defined: dict[str, str] = {}
        for sentence in self.analysis.sentences:
            for short, long in abbreviations.definitions(sentence.text).items():
                self.defined.setdefault(short, long)
        entities = [hit for hit in map(self._cleaned, self.analysis.entities) if hit is not None]
        self.entities = entities
        variants = [e for e in entities if self.config.variant_of(e.text)]
        people = [e for e in entities if e not in variants and self._is_person(e)]
        full = [e for e in people if 2 <= len(e.text.split()) <= 4]
        for hit in full:
            self._mention(hit, self._full_name(hit), hit.label)
        # Longer names first, so that "Bay" finds "Bay of Bengal" written later in the article.
        for hit in sorted(entities, key=lambda e: len(e.text.split()) == 1):
            if hit in full:
                continue
            ref = self._variant(hit) if hit in variants else self._other(hit, hit in people)
            if ref is not None:
                self._mention(hit, ref, hit.label)
        self._proper_runs()
        self._titles()
        self._speakers()
        return self.out

    def _speakers(self) -> None:
        """Who says each quotation or reported statement: the actor named as its speaker, or for
        "he said" the speaker (else the one person named) of the sentence before."""
        named: dict[int, list[tuple[str, ActorRef]]] = defaultdict(list)
        for (position, _), (ref, surface, _label) in self.out.mentions.items():
            named[position].append((surface, ref))
        previous: ActorRef | None = None
        for position, sentence in enumerate(self.analysis.sentences):
            said = sentence.speaker
            ref: ActorRef | None = None
            if said == PRONOUN:
                people = {_ident(r): r for _s, r in named.get(position - 1, ()) if self._kind(r) == "person"}
                # Else the one person the sentence before names, or the one it has speaking
                # ("Mao Ning was asked ...", then "She told reporters ...").
                talking = {_ident(r): r for r in self._speaking(position - 1) if self._kind(r) == "person"}
                choices = people if len(people) == 1 else talking
                ref = previous or (next(iter(choices.values())) if len(choices) == 1 else None)
            elif said == CONTINUED:
                ref = previous  # the quotation goes on: the same speaker, if the one before had one
            elif said:
                ref = self._speaker_ref(said, named.get(position, ()))
            if ref is not None:
                self.out.speakers[position] = ref
            previous = ref

    def _defined_ref(self, short: str) -> ActorRef | None:
        """The actor the long form of a short form this article defines names, if known."""
        long = self.defined[short]
        for text in (long, re.sub(r"^(?:the|a|an)\s+", "", long, flags=re.I)):
            lkey = name_key(text)
            ref = self.local.get(lkey) or self.index.lookup(lkey)
            if ref is not None:
                return ref
        return None

    def _local_first(self, key: str, kind: str | None = None, *, headed: bool = False) -> ActorRef | None:
        """The one actor named in this article, not a person (of `kind` when given), whose
        longer name begins with `key` (as "key of ..." when `headed`) and is not a branch in a
        place ("Oxfam Scotland")."""
        found = {
            _ident(ref): ref for name, ref in self.local.items()
            if ref is not None and len(name.split()) > 1 and name.split()[0] == key
            and self._kind(ref) != "person" and (kind is None or self._kind(ref) == kind)
            and not self._branch(self._name(ref)) and (not headed or _headed(self._name(ref)))
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def _headed_place(self, key: str) -> int | None:
        """The stored "X of Y" place (the one, or far best known) whose first word is `key`."""
        found = {i for i in self._begun(key) if _headed(self.index.names[i]) and self.index.kinds.get(i) == "place"}
        return self.index.dominant(found)

    def _begun(self, key: str) -> set[int]:
        """Stored places and organisations whose longer name begins with the word `key`, branches left out."""
        return {i for i in self.index.first_word(key, person=False) if not self._branch(self.index.names[i])}

    def _branch(self, name: str) -> bool:
        """Whether a name is an organisation's branch in a place: "Oxfam Scotland", "BBC Wales";
        "Oxfam" alone is the organisation, not its branch."""
        rest = " ".join(name.split()[1:])
        found = self.config.variant_of(rest)
        if found is not None:
            return found[1] == "place"
        return bool(rest) and self.index.lookup(name_key(rest), kind="place") is not None

    def _name(self, ref: ActorRef) -> str:
        return ref.name if isinstance(ref, NewActor) else self.index.names.get(ref, "")

    def _speaking(self, position: int) -> list[ActorRef]:
        """Actors the parse shows as the subject of a speech verb in one sentence."""
        refs = (self.local.get(name_key(h.text)) for h in self.entities if h.sentence == position and h.speaker)
        return [r for r in refs if r is not None]

    def _speaker_ref(self, said: str, named: list[tuple[str, ActorRef]]) -> ActorRef | None:
        key = name_key(said)
        ref = self.local.get(key)
        if ref is not None:
            return ref
        # The actor named inside the subject: "Kremlin spokesman Dmitry Peskov", "the ministry".
        inside = [(s, r) for s, r in named if name_key(s) and f" {name_key(s)} " in f" {key} "]
        inside.sort(key=lambda p: (self._kind(p[1]) != "person", -len(p[0])))
        if inside:
            return inside[0][1]
        tkey = title_key(said, self.config)
        holders = {_ident(r): r for r in self.local_titles.get(tkey, ())} if tkey else {}
        return next(iter(holders.values())) if len(holders) == 1 else None

    def _kind(self, ref: ActorRef) -> str | None:
        return ref.kind if isinstance(ref, NewActor) else self.index.kinds.get(ref)

    def _count_words(self) -> None:
        """How often the article writes each word in lower case, and capitalised mid-sentence."""
        self.lower: Counter[str] = Counter()
        self.capital: Counter[str] = Counter()
        for sentence in self.analysis.sentences:
            for i, word in enumerate(re.findall(r"[A-Za-z][A-Za-z]*", sentence.text)):
                if word[0].islower():
                    self.lower[word] += 1
                elif i > 0:
                    self.capital[word.lower()] += 1

    def _common(self, word: str, *, strict: bool) -> bool:
        """Whether the article uses `word` as a common word: written in lower case too
        (strict: at all; else at least as often as capitalised mid-sentence)."""
        lowered = word.lower()
        count = self.lower[lowered]
        return count > 0 and (strict or count >= self.capital[lowered])

    def _known_other(self, text: str) -> bool:
        """Whether `text` names a known place or organisation and no person."""
        if self.config.variant_of(text):
            return True
        key = name_key(text)
        return self.index.lookup(key) is not None and not self.index.is_person(key)

    def _cleaned(self, hit: EntityHit) -> EntityHit | None:
        """The hit with what cannot be part of a name trimmed off, or None when nothing is left.

        NER misreads runs such as "Lopez IBM", "Maria Silva UN", "Orban Poland" or "Chile
        Hey" as one person: an acronym, a known place or organisation, an office, a month, or
        a word the article also writes in lower case is not part of a person's name. A single
        word the article writes in lower case ("staff", "ibuprofen") is a common noun.
        """
        text = hit.text
        if "/" in text or ".com" in text.lower():
            return None  # a credit line ("Producer/Henry ...") or a web address
        if text in self.config.never:
            return None  # "All times GMT": a time zone
        if text in self.defined and abbreviations.is_common(self.defined[text], INITIALS_SKIP):
            return None  # "blowout preventer (BOP)": a thing's short form, not a name
        key = name_key(text)
        if not key or self.config.variant_of(text):
            return hit
        person = hit.label in PERSONISH_LABELS or (hit.speaker and hit.label in SPEAKER_OVERRULES)
        words = text.split()
        if person and any("-" in w and any(ACRONYM.match(p) or self._known_other(p) for p in w.split("-") if p)
                          for w in words):
            return None  # "U.S.-Russia": a compound of places, not a name
        trimmed = False
        if person and len(words) > 1:
            initial = self.analysis.sentences[hit.sentence].text.lstrip(QUOTE_CHARS).startswith(text)
            while words and self._junk(words[0], strict=initial):
                words.pop(0)
                initial = False
            while words and self._junk(words[-1], strict=False):
                words.pop()
            words = [w for w in words if name_key(w) not in HONORIFIC_WORDS]
            words = [w for i, w in enumerate(words) if i == 0 or name_key(w) != name_key(words[i - 1])]
            trimmed = len(words) == 1
        if not words:
            return None
        if trimmed and not self._known_person_word(words[0], hit):
            return None  # "General Staff", "Operator Acme": what is left is no known name
        if len(words) == 1:
            word = words[0]
            wkey = name_key(word)
            if wkey in NOT_NAMES and not self.index.lookup(wkey):
                return None
            # A word the article also writes in lower case is a common word, whatever NER says
            # ("Staff", "Ibuprofen", "Health"), in capitals too ("FLOOD" beside "flood").
            if self.index.lookup(wkey) is None and self._common(word, strict=True):
                return None
        cleaned = " ".join(words)
        return hit if cleaned == text else replace(hit, text=cleaned)

    def _known_person_word(self, word: str, hit: EntityHit) -> bool:
        """Whether a word is known as a person's name: stored, or part of another full name here."""
        key = name_key(word)
        if self.index.is_person(key):
            return True
        return any(
            other.text != hit.text and len(other.text.split()) > 1 and key in name_key(other.text).split()
            for other in self.analysis.entities
            if other.label in PERSONISH_LABELS
        )

    def _junk(self, word: str, *, strict: bool) -> bool:
        """Whether a word at the edge of a person's name is not part of it."""
        key = name_key(word)
        return (
            not key
            or bool(ACRONYM.match(word))
            or key in NOT_NAMES
            or self._known_other(word)
            or self._common(word, strict=strict)
        )

    def _is_person(self, hit: EntityHit) -> bool:
        key = name_key(hit.text)
        if len(key.split()) == 1 and self._known_other(hit.text) and not self.index.is_person(key):
            return False  # "Peru said": a known place, whatever NER calls it
        if len(key.split()) == 1 and self._headed_place(key) is not None:
            return False  # "Bay said" of a headline: the first word of the stored "Bay of Bengal"
        if hit.label in PERSONISH_LABELS:
            return True
        if hit.speaker and hit.label in SPEAKER_OVERRULES:
            return True
        local = self.local.get(key)
        return self.index.is_person(key) or (isinstance(local, NewActor) and local.kind == "person")

    def _variant(self, hit: EntityHit) -> ActorRef | None:
        """A country or organisation under any of its names: one actor, canonically named."""
        key = name_key(hit.text)
        canonical, kind = self.config.variant_of(hit.text)
        ckey = name_key(canonical)
        ref: ActorRef | None = self.local.get(ckey) or self.index.lookup(ckey, kind=kind) or self.index.lookup(ckey)
        if ref is None:
            ref = self._new(canonical, kind)
        for alias_key, surface in self.config.variant_keys(canonical):
            self._alias(ref, alias_key, surface)
        self._local(key, ref)
        self._local(ckey, ref)
        return ref

    def _full_name(self, hit: EntityHit) -> ActorRef:
        key = name_key(hit.text)
        family_first = self.config.family_first(hit.text)
        # The short form: the family name, written last, or first in Chinese, Korean, ... names.
        surname = key.split()[0] if family_first else key.split()[-1]
        # The same name under another kind is the same actor the model mislabelled once.
        ref: ActorRef | None = self.local.get(key) or self.index.lookup(key, kind="person") or self.index.lookup(key)
        first = key.split()[-1] if family_first else key.split()[0]
        for short in (surname, first):
            if ref is not None:
                break
            single = self.index.lookup(short)
            if single is not None and single in self.index.learned and len(self.index.names[single].split()) == 1:
                # A name seen alone before ("Peskov") meets its full name: same actor, full name.
                self.out.renames[single] = hit.text
                ref = single
        if ref is None:
            ref = self._new(hit.text, "person")
        self._alias(ref, key, hit.text)
        if not (isinstance(ref, int) and self.index.lookup(first) == ref):
            # The surname stands for the person elsewhere, unless the short form is known
            # to be the other word (family name first: "Xi").
            words = hit.text.split()
            self._alias(ref, surname, words[0] if family_first else words[-1])
        self._local(key, ref)
        self._local(surname, ref)
        # Inside one article the given name stands for the person too: "Jinping" after "Xi Jinping".
        self._local(first, ref)
        return ref

    def _other(self, hit: EntityHit, person: bool) -> ActorRef | None:
        key = name_key(hit.text)
        if not key:
            return None
        if key not in self.local and hit.text in self.defined:
            long = self._defined_ref(hit.text)
            if long is not None:
                self._alias(long, key, hit.text)
                self._local(key, long)
        words = key.split()
        # Only a name tagged as a place or organisation begins a longer one: "French" (a people)
        # is not the "French Mission ..." that a misread run of words made an actor.
        begins = not person and len(words) == 1 and hit.label in ACTOR_LABELS
        if key not in self.local and begins and ACTOR_LABELS[hit.label] == "place":
            # "Bay" beside "Bay of Bengal" in the same article: the "X of Y" place it heads.
            longer = self._local_first(key, "place", headed=True)
            if longer is not None:
                self._local(key, longer)
        if key in self.local:
            return self.local[key]
        ref = self.index.lookup(key, kind="person" if person else None) or self.index.lookup(key)
        if ref is not None and begins and ref in self.index.learned and len(self.index.names[ref].split()) == 1:
            # A one-word place stored before the "X of Y" place it heads was known, now named more
            # often than itself, gives way to it: "Bay" is the Bay of Bengal.
            longer = self._headed_place(key)
            if longer is not None and self.index.mentions.get(longer, 0) > self.index.mentions.get(ref, 0):
                ref = longer
        head = " ".join(words[:-1]) if not person and len(words) > 1 and words[-1] in ORG_SUFFIXES else None
        if ref is None and person and len(words) == 1:
            # "Angela" alone, after "Angela Merkel": the one (or far best known) person so named.
            ref = self.index.dominant(self.index.first_word(key, person=True))
        if ref is None and not person and ACRONYM.match(hit.text):
            # "NRC" after "Norwegian Refugee Council": the organisation with those initials.
            ref = self.index.dominant(self.index.by_initials.get(key.replace(" ", ""), set()))
            if ref is not None:
                self._alias(ref, key, hit.text)
        if ref is None and begins:
            # "Port" or "Bay" alone beside "Port Moresby", "Bay of Bengal": the one (or far
            # best known) place or organisation whose name it begins.
            ref = self.index.dominant(self._begun(key)) or self._local_first(key)
        if ref is None and not person and len(words) > 1:
            # "International Business Machines" after "IBM": the organisation its initials name.
            initials = "".join(w[0] for w in words if w not in INITIALS_SKIP)
            known = self.index.lookup(initials) if len(initials) > 1 else None
            if known is not None and ACRONYM.match(self.index.names.get(known, "")):
                ref = known
                self._alias(ref, key, hit.text)
        if ref is None and head:
            # "Wagner Group" after "Wagner": the same organisation.
            ref = self.local.get(head) or self.index.lookup(head)
            if ref is not None:
                self._alias(ref, key, hit.text)
        if ref is None:
            kind = "person" if person else ACTOR_LABELS.get(hit.label)
            if kind is None:
                return None
            if person and len(words) == 1 and not (hit.speaker or hit.title):
                # One unknown word makes a new person only when it speaks or has a role:
                # NER takes companies, drugs and places for people ("Twitter", "Ibuprofen").
                return None
            ref = self._new(hit.text, kind)
            self._alias(ref, key, hit.text)
            if head:
                self._alias(ref, head, " ".join(hit.text.split()[:-1]))
        self._local(key, ref)
        if head:
            self._local(head, ref)
        return ref

    def _proper_runs(self) -> None:
        """Names the model missed: a proper-noun run (or one of its words) already known."""
        named: dict[int, list[str]] = defaultdict(list)
        for (position, _), (_ref, surface, _label) in self.out.mentions.items():
            named[position].append(f" {name_key(surface)} ")
        for position, sentence in enumerate(self.analysis.sentences):
            runs = list(sentence.proper_runs)
            for i, run in enumerate(runs):
                # "Bay" and "Bengal" of "Bay of Bengal": runs split by "of" are one name.
                joined = f"{run} of {runs[i + 1]}" if i + 1 < len(runs) else ""
                whole = name_key(joined) if joined and joined in sentence.text else ""
                ref = (self.local.get(whole) or self.index.lookup(whole)) if whole else None
                if ref is not None:
                    self.out.mention(position, ref, joined, "alias")
                    named[position].append(f" {whole} ")
                key = name_key(run)
                if any(f" {key} " in longer and longer != f" {key} " for longer in named.get(position, ())):
                    continue  # part of a longer name this sentence already mentions
                for surface in [run, *run.split()]:
                    key = name_key(surface)
                    ref = self.local.get(key)
                    if ref is None and surface == run:
                        ref = self.index.lookup(key)
                    elif ref is None and self.index.is_person(key):
                        ref = self.index.lookup(key, kind="person")
                    if ref is not None:
                        self.out.mention(position, ref, surface, "alias")
                        break

    def _titles(self) -> None:
        for hit in self.entities:
            ref = self.local.get(name_key(hit.text))
            key = title_key(hit.title, self.config) if hit.title else None
            if ref is not None and key:
                self.local_titles[key].append(ref)
                self._alias(ref, key, hit.title, kind="title")
        for hit in self.analysis.titles:
            key = title_key(hit.text, self.config)
            if not key:
                continue
            holders = {_ident(r) for r in self.local_titles.get(key, ())}
            holders |= {i for i in self.index.by_title.get(key, ())}
            named = {_ident(r): r for r in self.named}
            matches = [named[h] for h in holders if h in named]
            if len(matches) == 1:
                self.out.mention(hit.sentence, matches[0], hit.text, "title")

    def _mention(self, hit: EntityHit, ref: ActorRef, label: str) -> None:
        if ref is None:
            return
        self.out.mention(hit.sentence, ref, hit.text, label)
        if all(_ident(r) != _ident(ref) for r in self.named):
            self.named.append(ref)

    def _new(self, name: str, kind: str) -> NewActor:
        actor = NewActor(name, kind)
        self.out.new_actors.append(actor)
        return actor

    def _alias(self, ref: ActorRef, key: str, surface: str, kind: str = "name") -> None:
        self.out.aliases.append((ref, key, surface, kind))

    def _local(self, key: str, ref: ActorRef) -> None:
        """Remember a key for this article; two different actors under one key make it ambiguous."""
        if key not in self.local:
            self.local[key] = ref
        elif self.local[key] is not None and _ident(self.local[key]) != _ident(ref):
            self.local[key] = None


def _headed(name: str) -> bool:
    """Whether a name is "X of Y", its first word the generic part: "Bay of Bengal", "Gulf of Aden"."""
    words = name.split()
    return len(words) > 2 and words[1].lower() == "of"


def _ident(ref: ActorRef) -> int:
    return id(ref) if isinstance(ref, NewActor) else ref


def config_resolution(config: ActorConfig, index: ActorIndex) -> tuple[Resolution, list[NewActor | int]]:
    """What actors.toml adds: its actors, canonical names, aliases and titles; and each spec's actor."""
    out = Resolution()
    owned: list[NewActor | int] = []
    for spec in config.actors:
        key = name_key(spec.name)
        ref: NewActor | int | None = index.lookup(key)
        if ref is None:
            ref = NewActor(spec.name, spec.kind)
            out.new_actors.append(ref)
        elif index.names[ref] != spec.name:
            out.renames[ref] = spec.name
        owned.append(ref)
        keys = [(key, spec.name)] + [(name_key(a), a) for a in spec.aliases]
        # The surname stands for a person across articles, unless the config names the short
        # form itself (family name first: "Xi" for Xi Jinping).
        family_first = config.family_first(spec.name)
        short, other = (0, -1) if family_first else (-1, 0)
        if spec.kind == "person" and len(key.split()) > 1 and all(k != key.split()[other] for k, _ in keys[1:]):
            keys.append((key.split()[short], spec.name.split()[short]))
        for alias_key, surface in keys:
            out.aliases.append((ref, alias_key, surface, "name"))
        for title in spec.titles:
            tkey = title_key(title, config)
            if tkey:
                out.aliases.append((ref, tkey, title, "title"))
    return out, owned
