"""Resolve each name, surname, spelling variant and title in an article to one canonical actor.

Pure logic over an in-memory `ActorIndex`; the ingestion service loads the index from the
store, applies the returned `Resolution` in the article's transaction, and only then
updates the index, so a rolled-back article leaves no trace.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.analysis import ACTOR_LABELS, Analysis, EntityHit

PERSONISH_LABELS = {"PERSON", "SPEAKER"}
# A speaker tagged as one of these is a person the small model mislabelled; GPE and ORG
# speak too ("Ukraine said", "the Kremlin said"), so they need other evidence.
SPEAKER_OVERRULES = {"WORK_OF_ART", "PRODUCT", "EVENT", "NORP", "LOC"}
TITLE_NOISE = {"the", "a", "an", "his", "her", "its", "their", "powerful", "former", "new", "top", "s"}


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
        return cls(actors, countries, roles)


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

    def add_actor(self, actor_id: int, name: str, kind: str, learned: bool) -> None:
        self.names[actor_id] = name
        self.kinds[actor_id] = kind
        (self.learned.add if learned else self.learned.discard)(actor_id)

    def add_alias(self, actor_id: int, key: str, kind: str) -> None:
        (self.by_title if kind == "title" else self.by_key)[key].add(actor_id)

    def lookup(self, key: str, *, kind: str | None = None) -> int | None:
        """The one actor with this key (of this kind), or None when unknown or ambiguous."""
        ids = [i for i in self.by_key.get(key, ()) if kind is None or self.kinds.get(i) == kind]
        return ids[0] if len(ids) == 1 else None

    def is_person(self, key: str) -> bool:
        return any(self.kinds.get(i) == "person" for i in self.by_key.get(key, ()))

    def apply(self, resolution: Resolution) -> None:
        """Record a stored resolution; call only after its transaction committed."""
        for actor in resolution.new_actors:
            assert actor.id is not None, "apply() before the store gave the actor an id"
            self.add_actor(actor.id, actor.name, actor.kind, learned=True)
        for actor_id, name in resolution.renames.items():
            self.names[actor_id] = name
            self.kinds[actor_id] = "person"
        for ref, key, _surface, kind in resolution.aliases:
            self.add_alias(ref.id if isinstance(ref, NewActor) else ref, key, kind)


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
        entities = self.analysis.entities
        people = [e for e in entities if self._is_person(e)]
        full = [e for e in people if 2 <= len(e.text.split()) <= 4]
        for hit in full:
            self._mention(hit, self._full_name(hit), hit.label)
        for hit in entities:
            if hit in full:
                continue
            ref = self._other(hit, hit in people)
            if ref is not None:
                self._mention(hit, ref, hit.label)
        self._proper_runs()
        self._titles()
        return self.out

    def _is_person(self, hit: EntityHit) -> bool:
        key = name_key(hit.text)
        if hit.label in PERSONISH_LABELS:
            return True
        if hit.speaker and hit.label in SPEAKER_OVERRULES:
            return True
        local = self.local.get(key)
        return self.index.is_person(key) or (isinstance(local, NewActor) and local.kind == "person")

    def _full_name(self, hit: EntityHit) -> ActorRef:
        key = name_key(hit.text)
        surname = key.split()[-1]
        # The same name under another kind is the same actor the model mislabelled once.
        ref: ActorRef | None = self.local.get(key) or self.index.lookup(key, kind="person") or self.index.lookup(key)
        first = key.split()[0]
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
            # to be the first word (family name first: "Xi").
            self._alias(ref, surname, hit.text.split()[-1])
        self._local(key, ref)
        self._local(surname, ref)
        # Inside one article the first name stands for the person too: "Xi" after "Xi Jinping".
        self._local(first, ref)
        return ref

    def _other(self, hit: EntityHit, person: bool) -> ActorRef | None:
        key = name_key(hit.text)
        if not key:
            return None
        if key in self.local:
            return self.local[key]
        ref = self.index.lookup(key, kind="person" if person else None) or self.index.lookup(key)
        if ref is None:
            kind = "person" if person else ACTOR_LABELS.get(hit.label)
            if kind is None:
                return None
            ref = self._new(hit.text, kind)
            self._alias(ref, key, hit.text)
        self._local(key, ref)
        return ref

    def _proper_runs(self) -> None:
        """Names the model missed: a proper-noun run (or one of its words) already known."""
        for position, sentence in enumerate(self.analysis.sentences):
            for run in sentence.proper_runs:
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
        for hit in self.analysis.entities:
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
        first = key.split()[0]
        if spec.kind == "person" and len(key.split()) > 1 and all(k != first for k, _ in keys[1:]):
            keys.append((key.split()[-1], spec.name.split()[-1]))
        for alias_key, surface in keys:
            out.aliases.append((ref, alias_key, surface, "name"))
        for title in spec.titles:
            tkey = title_key(title, config)
            if tkey:
                out.aliases.append((ref, tkey, title, "title"))
    return out, owned
