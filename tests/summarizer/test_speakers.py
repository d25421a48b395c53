"""Who says what: speakers found at ingestion, and the questions they answer."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from summarizer.analysis import CONTINUED, PRONOUN, sentence_speaker
from summarizer.briefings import BriefingService
from summarizer.store.models import Actor, Sentence
from tests.fakes import FakeEncoder


@pytest.mark.parametrize("text, speaker", [
    ("“We are ready to see him here,” Zelensky said.", "Zelensky"),
    ("Kremlin spokesman Dmitry Peskov said on Wednesday that talks were useful.", "Dmitry Peskov"),
    ("“I want to speak with him,” Volodymyr Zelenskyy told The Associated Press.", "Volodymyr Zelenskyy"),
    ("“We would like to have a meeting,” he told reporters.", PRONOUN),
    ("Zelensky's spokesman, Sergii Nikoforov, said nothing was planned.", "Sergii Nikoforov"),
    ("The talks ended early, according to the ministry.", "the ministry"),
    ("Russian troops captured the town in January.", None),
    ("“It’s in Ukraine’s current interests.”", CONTINUED),
])
def test_the_speaker_of_a_sentence_is_the_subject_of_its_reporting_verb(nlp, text, speaker):
    assert sentence_speaker(next(iter(nlp(text).sents))) == speaker


@pytest.fixture(scope="module")
def service(seeded_store):
    return BriefingService(seeded_store, FakeEncoder(), today=lambda: date(2026, 11, 22))


@pytest.mark.slow
class TestQuestions:
    @staticmethod
    def speakers(store, ids) -> set[str]:
        with store.session() as session:
            rows = session.execute(
                select(Actor.name).join(Sentence, Sentence.speaker_id == Actor.id).where(Sentence.id.in_(ids))
            ).scalars()
            return set(rows)

    def test_what_did_x_say_answers_with_x_s_own_words(self, service, seeded_store):
        b = service.brief("What did Zelensky say about Xi?")
        assert (b.kind, b.subject) == ("said", "Volodymyr Zelensky")
        assert b.items
        leads = [item.sentence_ids[0] for item in b.items]
        assert self.speakers(seeded_store, leads) == {"Volodymyr Zelensky"}

    def test_what_did_xi_say_holds_none_of_the_others_words(self, service, seeded_store):
        b = service.brief("What did Xi say?")
        assert b.kind == "said" and b.items
        assert self.speakers(seeded_store, [i.sentence_ids[0] for i in b.items]) == {"Xi Jinping"}

    def test_who_is_x_answers_a_card_with_the_roles_the_articles_give(self, service):
        b = service.brief("who is Peskov")
        assert (b.kind, b.subject) == ("who", "Dmitry Peskov")
        card = b.card
        assert card is not None and card.name == "Dmitry Peskov" and card.kind == "person"
        assert any("spokesman" in role.lower() for role in card.roles)
        assert card.mentions >= card.articles >= 1 and card.first <= card.last
        assert card.statements >= 1

    def test_a_stored_place_is_an_actor_query(self, service):
        b = service.brief("bakhmut")
        assert (b.kind, b.subject) == ("actor", "Bakhmut")

    def test_a_question_about_an_unknown_name_is_a_topic_search(self, service):
        assert service.brief("who is Zorblax Quimby").kind in {"topic", "none"}


@pytest.mark.parametrize("text, absent", [
    ("The quake hit at 1653 (2153 GMT) on Tuesday, officials said.", "GMT"),
    ("Health Secretary Alan Johnson said public health came first.", "Health"),
    ("Fighting went on in Rostov-on-Don overnight.", "Rostov"),
])
def test_units_office_fields_and_hyphen_halves_are_no_entities(nlp, text, absent):
    from summarizer.analysis import analyse_doc

    assert absent in {e.text for e in nlp(text).ents}  # the model does tag it
    assert absent not in {hit.text for hit in analyse_doc(nlp(text), None).entities}
