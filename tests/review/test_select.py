"""Selection: due cards first, then new questions from the weakest topic."""

from __future__ import annotations

import random

from bot.review import Pick, QuestionRef, TopicRecord, pick_next, weakest_topics

POOL = {
    ("flask", "basics"): ["b1", "b2"],
    ("flask", "routing"): ["r1", "r2"],
    ("django", "orm"): ["o1"],
}


def ref(bank: str, qid: str) -> QuestionRef:
    return QuestionRef(bank, qid)


def test_weakest_topic_is_the_lowest_pass_rate_then_most_answers() -> None:
    records = [TopicRecord("flask", "basics", 4, 3), TopicRecord("flask", "routing", 2, 0),
               TopicRecord("django", "orm", 6, 0), TopicRecord("flask", "empty", 0, 0)]
    assert weakest_topics(records) == [("django", "orm"), ("flask", "routing"), ("flask", "basics")]


def test_due_cards_come_first_in_the_given_order() -> None:
    pick = pick_next(due=[ref("flask", "r2"), ref("flask", "b1")], records=[], pool=POOL,
                     known={ref("flask", "r2"), ref("flask", "b1")})
    assert pick == Pick(ref("flask", "r2"), "due", "routing")


def test_a_due_card_whose_question_left_the_bank_is_skipped() -> None:
    pick = pick_next(due=[ref("flask", "gone"), ref("flask", "b1")], records=[], pool=POOL,
                     known={ref("flask", "gone"), ref("flask", "b1")})
    assert pick is not None and pick.ref == ref("flask", "b1")


def test_new_questions_come_from_the_weakest_topic() -> None:
    records = [TopicRecord("flask", "basics", 2, 2), TopicRecord("flask", "routing", 2, 0)]
    known = {ref("flask", "b1"), ref("flask", "r1")}
    pick = pick_next(due=[], records=records, pool=POOL, known=known, rng=random.Random(1))
    assert pick == Pick(ref("flask", "r2"), "new", "routing")


def test_an_exhausted_weak_topic_gives_way_to_the_next() -> None:
    records = [TopicRecord("flask", "basics", 2, 2), TopicRecord("flask", "routing", 2, 0)]
    known = {ref("flask", "b1"), ref("flask", "r1"), ref("flask", "r2")}
    pick = pick_next(due=[], records=records, pool=POOL, known=known)
    assert pick == Pick(ref("flask", "b2"), "new", "basics")


def test_without_history_the_preferred_bank_comes_first() -> None:
    pick = pick_next(due=[], records=[], pool=POOL, known=set(), preferred_bank="django")
    assert pick == Pick(ref("django", "o1"), "new", "orm")
    pick = pick_next(due=[], records=[], pool=POOL, known=set(), preferred_bank="flask", rng=random.Random(3))
    assert pick is not None and pick.ref.bank == "flask" and pick.topic == "basics"


def test_excluded_questions_are_not_asked_again() -> None:
    pick = pick_next(due=[ref("flask", "b1")], records=[], pool={("flask", "basics"): ["b1"]},
                     known={ref("flask", "b1")}, exclude={ref("flask", "b1")})
    assert pick is None


def test_nothing_left_gives_none() -> None:
    known = {ref(b, q) for (b, _), ids in POOL.items() for q in ids}
    assert pick_next(due=[], records=[], pool=POOL, known=known) is None
