"""Actors a reader would recognise: misread names trimmed, variants merged, family names first.

Hand-made analyses (no model), resolved with the shipped config/actors.toml, so the variant
lists and family names under test are the ones the product uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.actors import ActorConfig, ActorIndex, NewActor, resolve
from summarizer.analysis import CONTINUED, PRONOUN, Analysis, EntityHit, SentenceInfo

CONFIG = ActorConfig.load(Path(__file__).parents[2] / "config" / "actors.toml")


def article(sentences: list[str], entities: list[EntityHit], speakers: dict[int, str] | None = None) -> Analysis:
    infos = tuple(SentenceInfo(text=s, speaker=(speakers or {}).get(i)) for i, s in enumerate(sentences))
    return Analysis(infos, tuple(entities), ())


def ingest(index: ActorIndex, analysis: Analysis):
    """Resolve one article and record it in the index as the store would."""
    result = resolve(analysis, index, CONFIG)
    for offset, actor in enumerate(result.new_actors):
        actor.id = 1000 + len(index.names) + offset
    index.apply(result)
    return result


def mentioned(result, index: ActorIndex) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for (position, _), (ref, _surface, _label) in result.mentions.items():
        out.setdefault(position, set()).add(ref.name if isinstance(ref, NewActor) else index.names[ref])
    return out


def keys_of(result, name: str) -> set[str]:
    return {key for ref, key, _s, kind in result.aliases if kind == "name" and getattr(ref, "name", None) == name}


def test_an_acronym_is_never_absorbed_into_a_misread_person():
    index = ActorIndex()
    result = ingest(index, article(
        ["Salazar BP said the well was capped.", "BP shares rose."],
        [EntityHit(0, "Salazar BP", "PERSON", True), EntityHit(1, "BP", "ORG", False)],
    ))
    # "Salazar" alone is no known name, so the misread run makes no person at all.
    assert mentioned(result, index) == {1: {"BP"}}
    assert index.kinds[index.lookup("bp")] == "organisation"


def test_a_known_place_at_the_end_of_a_person_name_is_trimmed_and_keeps_its_mentions():
    index = ActorIndex()
    ingest(index, article(["Bashar al-Assad spoke.", "Syria is at war."],
                          [EntityHit(0, "Bashar al-Assad", "PERSON", True), EntityHit(1, "Syria", "GPE", False)]))
    result = ingest(index, article(["Assad Russia talks went on."], [EntityHit(0, "Assad Russia", "PERSON", False)]))
    assert mentioned(result, index) == {0: {"Bashar al-Assad"}}
    assert index.lookup("syria") is not None and not index.is_person("syria")


def test_a_credit_line_makes_no_actor():
    index = ActorIndex()
    result = ingest(index, article(["Producer/Henry Lopez Real BBC Radio 6 Music"],
                                   [EntityHit(0, "Producer/Henry Lopez Real BBC", "PERSON", False)]))
    assert not result.new_actors


@pytest.mark.parametrize("word, text", [
    ("Staff", "Staff were told that staff numbers will fall."),
    ("Propofol", "Propofol was found; propofol is an anaesthetic."),
])
def test_a_word_the_article_writes_in_lower_case_is_no_person(word, text):
    result = ingest(ActorIndex(), article([text], [EntityHit(0, word, "PERSON", False)]))
    assert not result.new_actors


@pytest.mark.parametrize("text", ["President", "Minister", "January"])
def test_an_office_or_a_month_alone_is_no_person(text):
    result = ingest(ActorIndex(), article([f"{text} spoke."], [EntityHit(0, text, "PERSON", True)]))
    assert not result.new_actors


def test_a_hyphenated_compound_of_places_is_no_person():
    result = ingest(ActorIndex(), article(["U.S.-Russia ties are poor."], [EntityHit(0, "U.S.-Russia", "PERSON", False)]))
    assert not result.new_actors


def test_a_known_place_tagged_as_a_person_stays_the_place():
    index = ActorIndex()
    ingest(index, article(["Haiti was hit."], [EntityHit(0, "Haiti", "GPE", False)]))
    result = ingest(index, article(["Haiti said it needs help."], [EntityHit(0, "Haiti", "PERSON", True)]))
    assert mentioned(result, index) == {0: {"Haiti"}}
    assert not index.is_person("haiti")


@pytest.mark.parametrize("variants, canonical", [
    (["PRC", "China", "People's Republic of China"], "China"),
    (["U.S.", "United States of America", "US"], "United States"),
    (["UK", "Britain", "United Kingdom"], "United Kingdom"),
    (["Russian Federation", "Russia"], "Russia"),
    (["UN", "United Nations", "U.N."], "United Nations"),
])
def test_variants_of_one_country_or_organisation_are_one_actor(variants, canonical):
    index = ActorIndex()
    for name in variants:
        result = ingest(index, article([f"{name} spoke."], [EntityHit(0, name, "GPE", False)]))
        assert mentioned(result, index) == {0: {canonical}}, name
    assert len(index.names) == 1


@pytest.mark.parametrize("order", [["Wagner Group", "Wagner"], ["Wagner", "Wagner Group"]])
def test_an_organisation_and_its_name_before_group_are_one_actor(order):
    index = ActorIndex()
    for name in order:
        ingest(index, article([f"{name} fighters moved."], [EntityHit(0, name, "ORG", False)]))
    assert len(index.names) == 1
    assert index.lookup("wagner") == index.lookup("wagner group") is not None


@pytest.mark.parametrize("name, short, not_short", [
    ("Qin Gang", "qin", "gang"),
    ("Mao Ning", "mao", "ning"),
    ("Kim Jong Un", "kim", "un"),
    ("Nguyen Xuan Phuc", "nguyen", "phuc"),
    ("Dmitry Peskov", "peskov", "dmitry"),
    ("Lee Harvey Oswald", "oswald", "lee"),  # a listed family name, but not a romanised given name
])
def test_the_family_name_is_the_short_alias(name, short, not_short):
    result = ingest(ActorIndex(), article([f"{name} spoke."], [EntityHit(0, name, "PERSON", True)]))
    keys = keys_of(result, name)
    assert short in keys and not_short not in keys


def test_each_statement_gets_its_speaker_and_he_said_the_one_before():
    index = ActorIndex()
    result = ingest(index, article(
        ["Kremlin spokesman Dmitry Peskov said talks were useful.", "“We are ready,” he said.", "“We wait.”",
         "The weather was fine.", "“Unattributed.”"],
        [EntityHit(0, "Dmitry Peskov", "PERSON", True, "Kremlin spokesman")],
        speakers={0: "Dmitry Peskov", 1: PRONOUN, 2: CONTINUED, 4: CONTINUED},
    ))
    speakers = {p: (r.name if isinstance(r, NewActor) else index.names[r]) for p, r in result.speakers.items()}
    # A quotation that goes on keeps its speaker; one after a sentence nobody says has none.
    assert speakers == {0: "Dmitry Peskov", 1: "Dmitry Peskov", 2: "Dmitry Peskov"}


def test_a_speaker_written_with_a_title_is_the_named_actor_inside_it():
    index = ActorIndex()
    result = ingest(index, article(
        ["Ukraine's foreign minister Dmytro Kuleba said no.", "He said so, according to the ministry."],
        [EntityHit(0, "Dmytro Kuleba", "PERSON", True), EntityHit(0, "Ukraine", "GPE", False)],
        speakers={0: "Ukraine's foreign minister Dmytro Kuleba"},
    ))
    assert [r.name for r in result.speakers.values()] == ["Dmytro Kuleba"]


def test_a_shared_surname_means_the_far_better_known_person():
    index = ActorIndex()
    for _ in range(3):
        ingest(index, article(["Barack Obama spoke."], [EntityHit(0, "Barack Obama", "PERSON", True)]))
    ingest(index, article(["Michelle Obama spoke."], [EntityHit(0, "Michelle Obama", "PERSON", True)]))
    result = ingest(index, article(["Obama spoke again."], [EntityHit(0, "Obama", "PERSON", True)]))
    assert mentioned(result, index) == {0: {"Barack Obama"}}
    # Two equally known namesakes stay ambiguous: the surname alone makes a new actor.
    ingest(index, article(["Michelle Obama spoke."] * 1, [EntityHit(0, "Michelle Obama", "PERSON", True)]))
    ingest(index, article(["Michelle Obama spoke."], [EntityHit(0, "Michelle Obama", "PERSON", True)]))
    assert index.lookup("obama") is None


def test_a_form_of_address_inside_a_misread_name_is_dropped():
    index = ActorIndex()
    ingest(index, article(["Barack Obama spoke."], [EntityHit(0, "Barack Obama", "PERSON", True)]))
    result = ingest(index, article(["Obama Mr Obama spoke."], [EntityHit(0, "Obama Mr Obama", "PERSON", True)]))
    assert mentioned(result, index) == {0: {"Barack Obama"}}


def voted_store(path, actors: str, labels: list[tuple[int, str]]):
    """A store of one article whose sentence i (from 1) mentions `labels[i - 1]`'s actor with
    that entity label; `actors` is the VALUES list of the actors table."""
    from sqlalchemy import text

    from summarizer.store.db import Store

    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO actors (id, name, kind, origin) VALUES {actors}"))
        conn.execute(text("INSERT INTO articles (id, origin, text, content_hash, ingested_at) VALUES (1, 'a', 't', 'h', '2024-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO sentences (id, article_id, position, text) VALUES " + ", ".join(f"({i}, 1, {i}, 's')" for i in range(1, len(labels) + 1))))
        for i, (actor, label) in enumerate(labels, 1):
            conn.execute(text(f"INSERT INTO mentions (actor_id, sentence_id, article_id, surface, label) VALUES ({actor}, {i}, 1, 'x', '{label}')"))
    return store


def test_an_actor_takes_the_kind_most_of_its_mentions_say(tmp_path):
    from summarizer import writes

    labels = [(1, "ORG")] * 4 + [(1, "PERSON")] + [(2, "PERSON")] * 4 + [(3, "ORG")] * 2 + [(3, "PERSON")]
    store = voted_store(tmp_path / "kinds.db", "(1, 'Twitter', 'person', 'learned'), (2, 'Haiti', 'place', 'learned'), "
                        "(3, 'Ann Lee', 'person', 'learned')", labels)
    with store.session() as session:
        index = writes.load_index(session)
        changed = writes.vote_kinds(session, index, CONFIG)
    # Twitter: 4 ORG to 1 PERSON; Haiti is a country (the config's kind stays); Ann Lee: too few votes.
    assert changed == {1: "organisation"} and index.kinds[1] == "organisation"
    store.close()


def test_an_acronym_taken_for_a_person_takes_the_kind_its_other_mentions_say(tmp_path):
    """"Unicef" in title case reads as a person to the small model, most of the time; a name in
    capitals is no person's, so enough votes for another kind settle it, though fewer than the
    person's, and no number of votes makes one a person. A person outvoted the same way keeps
    their kind."""
    from summarizer import writes

    labels = [(actor, "PERSON") for actor in (1, 2, 3) for _ in range(6)] + [(actor, "ORG") for actor in (1, 2) for _ in range(4)]
    store = voted_store(tmp_path / "kinds.db", "(1, 'UNIDO', 'person', 'learned'), (2, 'Ann Lee', 'person', 'learned'), "
                        "(3, 'UNOPS', 'organisation', 'learned')", labels)
    with store.session() as session:
        assert writes.vote_kinds(session, writes.load_index(session), CONFIG) == {1: "organisation"}
    store.close()


def test_after_a_run_only_the_actors_its_articles_name_are_counted_again(tmp_path):
    from sqlalchemy import text

    from summarizer import writes
    from summarizer.store.db import Store

    store = Store(f"sqlite:///{tmp_path / 'kinds.db'}")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO actors (id, name, kind, origin) VALUES (1, 'Twitter', 'person', 'learned'), "
                          "(2, 'Oxfam', 'person', 'learned')"))
        conn.execute(text("INSERT INTO articles (id, origin, text, content_hash, ingested_at) VALUES "
                          "(1, 'a', 't', 'h1', '2024-01-01 00:00:00'), (2, 'b', 't', 'h2', '2024-01-02 00:00:00')"))
        conn.execute(text("INSERT INTO sentences (id, article_id, position, text) VALUES "
                          + ", ".join(f"({i}, {1 if i <= 4 else 2}, {i}, 's')" for i in range(1, 9))))
        # Twitter named as an organisation in article 1 (and once in 2); Oxfam only in article 1
        rows = [(1, 1, 1), (1, 2, 1), (1, 3, 1), (2, 4, 1), (2, 1, 1), (2, 2, 1), (1, 5, 2)]
        for actor, sentence, article_id in rows:
            conn.execute(text(f"INSERT INTO mentions (actor_id, sentence_id, article_id, surface, label) "
                              f"VALUES ({actor}, {sentence}, {article_id}, 'x', 'ORG')"))
    with store.session() as session:
        # a run that stored article 2: Twitter, named there, is counted over all its mentions; Oxfam is not
        assert writes.vote_kinds(session, writes.load_index(session), CONFIG, articles=[2]) == {1: "organisation"}
    with store.session() as session:
        assert writes.vote_kinds(session, writes.load_index(session), CONFIG) == {2: "organisation"}
    store.close()


def test_an_acronym_is_the_organisation_with_those_initials():
    index = ActorIndex()
    ingest(index, article(["The Free Syrian Army attacked."], [EntityHit(0, "Free Syrian Army", "ORG", False)]))
    result = ingest(index, article(["The FSA attacked again."], [EntityHit(0, "FSA", "ORG", False)]))
    assert mentioned(result, index) == {0: {"Free Syrian Army"}}


def test_a_given_name_alone_is_the_one_person_so_named():
    index = ActorIndex()
    ingest(index, article(["Bashar al-Assad spoke."], [EntityHit(0, "Bashar al-Assad", "PERSON", True)]))
    result = ingest(index, article(["Bashar spoke again."], [EntityHit(0, "Bashar", "PERSON", True)]))
    assert mentioned(result, index) == {0: {"Bashar al-Assad"}}


def test_a_bracketed_abbreviation_is_cut_from_the_name():
    from summarizer.analysis import clean_name

    assert clean_name("World Health Organization (WHO", "ORG") == "World Health Organization"


def test_a_fragment_of_a_known_place_is_that_place_and_a_long_name_its_acronym():
    index = ActorIndex()
    ingest(index, article(["Port-au-Prince was hit.", "BP shares fell."],
                          [EntityHit(0, "Port-au-Prince", "GPE", False), EntityHit(1, "BP", "ORG", False)]))
    result = ingest(index, article(["Aid reached Port au Prince.", "British Petroleum paid."],
                                   [EntityHit(0, "Port", "GPE", False), EntityHit(1, "British Petroleum", "ORG", False)]))
    assert mentioned(result, index) == {0: {"Port-au-Prince"}, 1: {"BP"}}


def test_one_unknown_word_is_a_new_person_only_when_it_speaks_or_has_a_role():
    assert not ingest(ActorIndex(), article(["Twitter was busy."], [EntityHit(0, "Twitter", "PERSON", False)])).new_actors
    spoke = ingest(ActorIndex(), article(["Grossi said so."], [EntityHit(0, "Grossi", "PERSON", True)]))
    assert [a.name for a in spoke.new_actors] == ["Grossi"]


def test_a_spelling_fold_never_makes_a_name_a_country():
    assert CONFIG.variant_of("Cameroon") == ("Cameroon", "place")
    assert CONFIG.variant_of("Cameron") is None
    assert CONFIG.variant_of("the United States") == ("United States", "place")
