"""Rules that keep non-actors and duplicates out of the actor list: time zones, abbreviations a
text defines (Schwartz & Hearst), ministries with their country."""

from __future__ import annotations

from hypothesis import given, strategies as st

from summarizer.abbreviations import best_long_form, definitions, is_common
from summarizer.actors import ActorIndex
from summarizer.analysis import EntityHit, analyse_doc
from tests.summarizer.test_actor_rules import article, ingest, mentioned


def test_a_time_zone_is_never_an_actor():
    index = ActorIndex()
    result = ingest(index, article(["All times GMT.", "Haiti was hit at 2153 GMT."],
                                   [EntityHit(0, "GMT", "ORG", False), EntityHit(1, "Haiti", "GPE", False),
                                    EntityHit(1, "GMT", "ORG", False)]))
    assert mentioned(result, index) == {1: {"Haiti"}}


def test_an_abbreviation_the_article_defines_is_its_long_form_in_later_articles_too():
    index = ActorIndex()
    first = ingest(index, article(
        ["The Health Protection Agency (HPA) said two were tested.", "Dr Fey, from the HPA, said so."],
        [EntityHit(0, "Health Protection Agency", "ORG", False), EntityHit(0, "HPA", "ORG", False),
         EntityHit(1, "HPA", "ORG", False)],
    ))
    assert [a.name for a in first.new_actors] == ["Health Protection Agency"]
    assert mentioned(first, index) == {0: {"Health Protection Agency"}, 1: {"Health Protection Agency"}}
    later = ingest(index, article(["The HPA said more."], [EntityHit(0, "HPA", "ORG", False)]))
    assert not later.new_actors
    assert mentioned(later, index) == {0: {"Health Protection Agency"}}


def test_an_undefined_abbreviation_stays_its_own_actor():
    index = ActorIndex()
    result = ingest(index, article(["The Health Protection Agency said so.", "The HPA agreed."],
                                   [EntityHit(0, "Health Protection Agency", "ORG", False),
                                    EntityHit(1, "HPA", "ORG", False)]))
    assert sorted(a.name for a in result.new_actors) == ["HPA", "Health Protection Agency"]


def test_the_abbreviation_of_a_common_noun_is_no_actor():
    index = ActorIndex()
    result = ingest(index, article(
        ["Experts examined the blowout preventer (BOP) on the rig.", "The BOP had failed, BP said."],
        [EntityHit(0, "BOP", "ORG", False), EntityHit(1, "BOP", "ORG", False), EntityHit(1, "BP", "ORG", True)],
    ))
    assert mentioned(result, index) == {1: {"BP"}}


def test_schwartz_hearst_long_forms():
    assert definitions("The Health Protection Agency (HPA) has said so.") == {"HPA": "Health Protection Agency"}
    assert definitions("the blow-out preventer (BOP) must") == {"BOP": "blow-out preventer"}
    assert definitions("the Free Syrian Army (FSA), rebels") == {"FSA": "Free Syrian Army"}
    # The letters must all be there, the first at the start of a word.
    assert best_long_form("XYZ", "Health Protection Agency") is None
    assert definitions("He said (OK) twice.") == {}
    assert is_common("blow-out preventer", {"of"}) and not is_common("Health Protection Agency", {"of"})


@given(st.text(alphabet=st.sampled_from("ABCDE abcde()-,.'"), max_size=80))
def test_a_long_form_is_always_written_before_its_short_form(text):
    for short, long in definitions(text).items():
        assert long in text
        assert text.index(long) < text.index(f"({short}") or text.index(long) < text.index(short)
        assert long[0].lower() == short[0].lower()


def test_a_ministry_keeps_the_country_it_was_written_with(nlp):
    doc = nlp("In Beijing, Chinese Foreign Ministry spokeswoman Mao Ning was asked about it. "
              "Ukraine's Foreign Ministry urged nations to stay away.")
    names = {e.text for e in analyse_doc(doc, None).entities if e.label == "ORG"}
    assert names == {"Chinese Foreign Ministry", "Ukraine Foreign Ministry"}


def test_a_word_that_begins_a_longer_place_in_the_article_is_that_place():
    index = ActorIndex()
    result = ingest(index, article(
        ["Oil reached the Gulf coast.", "The well in the Gulf of Mexico leaks."],
        [EntityHit(0, "Gulf", "LOC", False), EntityHit(1, "Gulf of Mexico", "LOC", False)],
    ))
    assert mentioned(result, index) == {0: {"Gulf of Mexico"}, 1: {"Gulf of Mexico"}}


def test_a_one_word_place_stored_first_gives_way_to_the_longer_place_named_more_often():
    index = ActorIndex()
    ingest(index, article(["Oil reached the Gulf."], [EntityHit(0, "Gulf", "LOC", False)]))
    for _ in range(4):
        ingest(index, article(["The Gulf of Mexico is polluted."], [EntityHit(0, "Gulf of Mexico", "LOC", False)]))
    later = ingest(index, article(["Fishing in the Gulf stopped."], [EntityHit(0, "Gulf", "LOC", False)]))
    assert mentioned(later, index) == {0: {"Gulf of Mexico"}}


def test_an_organisation_is_not_its_branch_in_a_place():
    index = ActorIndex()
    ingest(index, article(["Scotland was cold."], [EntityHit(0, "Scotland", "GPE", False)]))
    result = ingest(index, article(
        ["Oxfam Scotland launched an appeal.", "Oxfam said it would help."],
        [EntityHit(0, "Oxfam Scotland", "ORG", False), EntityHit(1, "Oxfam", "ORG", True)],
    ))
    assert mentioned(result, index) == {0: {"Oxfam Scotland"}, 1: {"Oxfam"}}


def test_a_people_is_not_the_longer_name_it_begins():
    index = ActorIndex()
    ingest(index, article(["Minustah, from the French Mission Nations Unies, has 9,000 troops."],
                          [EntityHit(0, "French Mission Nations Unies", "ORG", False)]))
    result = ingest(index, article(["That has infuriated the French."], [EntityHit(0, "French", "NORP", False)]))
    assert mentioned(result, index) == {}


def test_a_name_set_beside_an_organisation_noun_is_an_organisation(nlp):
    doc = nlp("The rig was leased to drilling firm Transocean. Halliburton, the oil services company, "
              "denied it. A Texas company and the city of Houston sent aid.")
    labels = {e.text: e.label for e in analyse_doc(doc, None).entities}
    assert labels["Transocean"] == labels["Halliburton"] == "ORG_NOUN"
    assert labels["Texas"] != "ORG_NOUN" and labels["Houston"] != "ORG_NOUN"
    kinds = {a.name: a.kind for a in ingest(ActorIndex(), analyse_doc(doc, None)).new_actors}
    assert kinds["Transocean"] == kinds["Halliburton"] == "organisation"


def test_a_place_the_words_beside_it_call_an_organisation_again_and_again_becomes_one(tmp_path):
    from sqlalchemy import text

    from summarizer import writes
    from summarizer.store.db import Store
    from tests.summarizer.test_actor_rules import CONFIG

    store = Store(f"sqlite:///{tmp_path / 'kinds.db'}")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO actors (id, name, kind, origin) VALUES (1, 'Transocean', 'place', 'learned'), "
                          "(2, 'Louisiana', 'place', 'learned'), "
                          "(3, 'Baba Amr', 'person', 'learned')"))
        conn.execute(text("INSERT INTO articles (id, origin, text, content_hash, ingested_at) VALUES (1, 'a', 't', 'h', '2024-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO sentences (id, article_id, position, text) VALUES " + ", ".join(f"({i}, 1, {i}, 's')" for i in range(1, 40))))
        # Transocean: mostly GPE, three times beside "firm"/"company"; Louisiana: once (a "Louisiana firm").
        # Baba Amr: mostly PERSON, three times "the Baba Amr district".
        labels = [(1, "GPE")] * 10 + [(1, "ORG_NOUN")] * 3 + [(2, "GPE")] * 5 + [(2, "ORG_NOUN")]
        labels += [(3, "PERSON")] * 10 + [(3, "PLACE_NOUN")] * 3
        for i, (actor, label) in enumerate(labels, 1):
            conn.execute(text(f"INSERT INTO mentions (actor_id, sentence_id, article_id, surface, label) VALUES ({actor}, {i}, 1, 'x', '{label}')"))
    with store.session() as session:
        index = writes.load_index(session)
        changed = writes.vote_kinds(session, index, CONFIG)
    assert changed == {1: "organisation", 3: "place"}
    store.close()


def test_a_name_that_modifies_a_place_noun_is_a_place(nlp):
    doc = nlp("Government forces shelled the Baba Amr district again on Monday, activists said. "
              "Kofi Annan said the shelling must stop.")
    labels = {e.text: e.label for e in analyse_doc(doc, None).entities}
    assert labels["Baba Amr"] == "PLACE_NOUN" and labels["Kofi Annan"] == "PERSON"


def test_a_known_name_keeps_its_mentions_beside_a_longer_name_it_begins_that_is_no_x_of_y():
    index = ActorIndex()
    ingest(index, article(["BP said so.", "Oaxaca is a state."],
                          [EntityHit(0, "BP", "ORG", True), EntityHit(1, "Oaxaca", "GPE", False)]))
    result = ingest(index, article(
        ["BP Execs met.", "BP said more.", "Oaxaca City is its capital.", "Oaxaca was hit."],
        [EntityHit(0, "BP Execs", "ORG", False), EntityHit(1, "BP", "ORG", True),
         EntityHit(2, "Oaxaca City", "GPE", False), EntityHit(3, "Oaxaca", "GPE", False)],
    ))
    assert mentioned(result, index)[1] == {"BP"} and mentioned(result, index)[3] == {"Oaxaca"}


def test_a_proper_run_inside_a_longer_name_is_that_name_not_its_first_word():
    from summarizer.analysis import Analysis, SentenceInfo

    index = ActorIndex()
    ingest(index, article(["Oil reached the Gulf."], [EntityHit(0, "Gulf", "LOC", False)]))
    ingest(index, article(["The Gulf of Mexico is polluted."], [EntityHit(0, "Gulf of Mexico", "LOC", False)]))
    # NER missed the name: only the proper-noun runs "Gulf" and "Mexico" remain.
    sentence = "The spill in the Gulf of Mexico grew."
    result = ingest(index, Analysis((SentenceInfo(text=sentence, proper_runs=("Gulf", "Mexico")),), (), ()))
    assert mentioned(result, index) == {0: {"Gulf of Mexico"}}


def test_the_first_word_of_a_stored_x_of_y_place_is_never_a_person():
    index = ActorIndex()
    ingest(index, article(["The Gulf of Mexico is polluted."], [EntityHit(0, "Gulf of Mexico", "LOC", False)]))
    # A headline run into a sentence: the parse has "Gulf" speaking.
    result = ingest(index, article(["Gulf claims to be paid quickly, the man running the fund said."],
                                   [EntityHit(0, "Gulf", "SPEAKER", True)]))
    assert not result.new_actors
