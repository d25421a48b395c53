"""Actor resolution rules on hand-made analyses: no model needed."""

from __future__ import annotations

import pytest

from summarizer.actors import ActorConfig, ActorIndex, NewActor, name_key, resolve, title_key
from summarizer.analysis import Analysis, EntityHit, SentenceInfo, TitleHit

CONFIG = ActorConfig(
    countries={"chinese": "china", "china": "china", "russian": "russia", "kremlin": "russia", "ukrainian": "ukraine", "ukraine": "ukraine"},
    roles={"president": "head", "leader": "head", "spokesman": "spokesperson", "spokeswoman": "spokesperson"},
)


def analysis(sentences: list[str], entities: list[EntityHit], titles: list[TitleHit] = (), runs=None) -> Analysis:
    infos = tuple(
        SentenceInfo(text=s, proper_runs=tuple((runs or {}).get(i, ()))) for i, s in enumerate(sentences)
    )
    return Analysis(infos, tuple(entities), tuple(titles))


def stored(index: ActorIndex, resolution, start_id: int = 100) -> None:
    """Pretend the store flushed the new actors, then record the resolution."""
    for offset, actor in enumerate(resolution.new_actors):
        actor.id = start_id + offset
    index.apply(resolution)


def names(resolution, index: ActorIndex) -> dict[int, set[str]]:
    """Sentence position -> names of the actors mentioned there."""
    out: dict[int, set[str]] = {}
    for (position, _), (ref, _surface, _label) in resolution.mentions.items():
        name = ref.name if isinstance(ref, NewActor) else index.names[ref]
        out.setdefault(position, set()).add(name)
    return out


@pytest.mark.parametrize(
    "a, b",
    [
        ("Zelensky", "Zelenskyy"),
        ("Zelensky", "Zelenskiy"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelensky"),
        ("Bakhmut", "Bahmut"),
        ("U.S.", "US"),
        ("Xi’s", "Xi"),
        ("Peskov", "PESKOV"),
    ],
)
def test_name_key_folds_spelling_variants(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [("Putin", "Peskov"), ("Xi", "Kim"), ("Mao Ning", "Ning")])
def test_name_key_keeps_different_names_apart(a, b):
    assert name_key(a) != name_key(b)


def test_title_key_treats_leader_and_president_of_one_country_alike():
    assert title_key("the Chinese leader", CONFIG) == title_key("Chinese President", CONFIG)
    assert title_key("China's president", CONFIG) == title_key("Chinese President", CONFIG)
    assert title_key("Chinese President", CONFIG) != title_key("Russian President", CONFIG)
    assert title_key("Kremlin spokesman", CONFIG) != title_key("Chinese foreign ministry spokesman", CONFIG)
    assert title_key("president", CONFIG) is None  # names no office in particular


def test_surname_resolves_to_the_full_name_in_the_same_article():
    index = ActorIndex()
    result = resolve(
        analysis(
            ["Kremlin spokesman Dmitry Peskov said Wednesday.", "Peskov added more."],
            [EntityHit(0, "Dmitry Peskov", "PERSON", True, "Kremlin spokesman"), EntityHit(1, "Peskov", "PERSON", True)],
        ),
        index,
        CONFIG,
    )
    assert names(result, index) == {0: {"Dmitry Peskov"}, 1: {"Dmitry Peskov"}}
    assert [a.name for a in result.new_actors] == ["Dmitry Peskov"]


def test_spelling_variants_across_articles_are_one_actor_even_when_ner_mislabels():
    index = ActorIndex()
    first = resolve(analysis(["Ukrainian President Volodymyr Zelensky spoke."], [EntityHit(0, "Volodymyr Zelensky", "PERSON", True)]), index, CONFIG)
    stored(index, first)
    zelensky = first.new_actors[0].id
    # The small model tags "Zelenskyy" as a place; the known person key overrules it.
    second = resolve(
        analysis(
            ["Xi and Zelenskyy should talk.", "Zelenskiy said so."],
            [EntityHit(0, "Zelenskyy", "GPE", False), EntityHit(1, "Zelenskiy", "ORG", True)],
        ),
        index,
        CONFIG,
    )
    assert not second.new_actors
    assert {ref for ref, _s, _l in second.mentions.values()} == {zelensky}


def test_a_lone_surname_seen_first_is_renamed_when_the_full_name_arrives():
    index = ActorIndex()
    first = resolve(analysis(["Sullivan spoke."], [EntityHit(0, "Sullivan", "PERSON", True)]), index, CONFIG)
    stored(index, first)
    lone = first.new_actors[0].id
    second = resolve(analysis(["Jake Sullivan said more."], [EntityHit(0, "Jake Sullivan", "PERSON", True)]), index, CONFIG)
    assert second.renames == {lone: "Jake Sullivan"}
    assert not second.new_actors


def test_a_speaker_ner_missed_is_a_person_and_its_later_mentions_resolve():
    index = ActorIndex()
    result = resolve(
        analysis(
            ["Volodymyr Zelenskyy told the AP.", "He met Zelenskyy aides."],
            [EntityHit(0, "Volodymyr Zelenskyy", "WORK_OF_ART", True)],
            runs={1: ["Zelenskyy"]},
        ),
        index,
        CONFIG,
    )
    assert [(a.name, a.kind) for a in result.new_actors] == [("Volodymyr Zelenskyy", "person")]
    assert names(result, index) == {0: {"Volodymyr Zelenskyy"}, 1: {"Volodymyr Zelenskyy"}}


def test_places_that_speak_stay_places():
    index = ActorIndex()
    result = resolve(analysis(["Ukraine said so."], [EntityHit(0, "Ukraine", "GPE", True)]), index, CONFIG)
    assert [(a.name, a.kind) for a in result.new_actors] == [("Ukraine", "place")]


def test_a_title_resolves_to_the_one_named_actor_holding_it():
    index = ActorIndex()
    result = resolve(
        analysis(
            ["Chinese President Xi Jinping met Russian President Vladimir Putin.", "The Chinese leader left."],
            [
                EntityHit(0, "Xi Jinping", "PERSON", False, "Chinese President"),
                EntityHit(0, "Vladimir Putin", "PERSON", False, "Russian President"),
            ],
            [TitleHit(1, "The Chinese leader")],
        ),
        index,
        CONFIG,
    )
    assert names(result, index)[1] == {"Xi Jinping"}
    assert list(result.mentions.values())[-1][2] == "title"


def test_a_title_with_no_holder_named_in_the_article_resolves_to_nobody():
    index = ActorIndex()
    first = resolve(analysis(["Chinese President Xi Jinping spoke."], [EntityHit(0, "Xi Jinping", "PERSON", True, "Chinese President")]), index, CONFIG)
    stored(index, first)
    # A later article says "the Chinese president" without naming anyone: no guess.
    second = resolve(analysis(["The Chinese president spoke."], [], [TitleHit(0, "The Chinese president")]), index, CONFIG)
    assert second.mentions == {}


def test_two_actors_sharing_a_surname_in_one_article_leave_the_surname_unresolved():
    index = ActorIndex()
    result = resolve(
        analysis(
            ["Kim Jong Un and Kim Yo Jong spoke.", "Kim said more."],
            [EntityHit(0, "Kim Jong Un", "PERSON", False), EntityHit(0, "Kim Yo Jong", "PERSON", False), EntityHit(1, "Kim", "PERSON", True)],
        ),
        index,
        CONFIG,
    )
    assert 1 not in names(result, index)


def test_a_full_name_known_under_another_kind_is_that_actor_not_a_rename():
    index = ActorIndex()
    index.add_actor(1, "Leyen", "person", learned=True)
    index.add_alias(1, "leyen", "name")
    index.add_actor(2, "Leyen Jinping", "organisation", learned=True)
    index.add_alias(2, "leyen jinping", "name")
    result = resolve(analysis(["Leyen Jinping spoke."], [EntityHit(0, "Leyen Jinping", "PERSON", True)]), index, CONFIG)
    assert result.renames == {} and not result.new_actors
    assert [ref for ref, _s, _l in result.mentions.values()] == [2]
