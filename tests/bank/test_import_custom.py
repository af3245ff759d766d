"""Custom questions (/question add) checked by the loader's rules, the per-server catalog view, the accepted-
phrasing overlay, and the export that `check` accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.bank.catalog import Catalog, pick_questions
from bot.bank.importers.custom import (
    CustomQuestion,
    QuestionRejected,
    check_question,
    custom_bank,
    export_yaml,
    from_form,
)
from bot.bank.loader import parse_bank
from bot.bank.models import Bank, KeyPoint, Question
from bot.bank.overlay import CUSTOM_BANK, SHORT_ANSWER, GuildContent, apply_overlay
from bot.errors import BankError
from bot.grading import grade

CORE = Question(id="core", prompt="Why is Flask called a microframework?", answer="Small core, extensions.",
                topic="basics", key_points=(KeyPoint("a small core", ("minimal core",)), KeyPoint("extensions")),
                bank="flask")
PORT = Question(id="port", prompt="Default port?", short_answers=("5000",), bank="flask")
FLASK = Bank("flask", "Flask", (CORE, PORT))


def test_form_text_becomes_a_question_like_a_bank_one() -> None:
    q = check_question(from_form(" What is a blueprint? ", "A group of routes.", "group of routes\n\n- reusable\n",
                                 "Structure", ""))
    assert (q.prompt, q.topic, q.difficulty, q.bank) == ("What is a blueprint?", "structure", "medium", CUSTOM_BANK)
    assert [kp.text for kp in q.key_points] == ["group of routes", "reusable"]


@pytest.mark.parametrize(("form", "problem"), [
    (("Q?", "A", "", "t", "hardd"), "Difficulty 'hardd' is not one of easy, medium, hard (did you mean 'hard'?)."),
    (("Q?", "", "", "t", "easy"), "Nothing to grade against: give key points or a model answer."),
    (("", "A", "", "t", "easy"), "The question is empty."),
])
def test_refused_with_the_loaders_reasons_in_plain_words(form: tuple[str, ...], problem: str) -> None:
    with pytest.raises(QuestionRejected) as info:
        check_question(from_form(*form))
    assert problem in info.value.problems
    assert isinstance(info.value, BankError)  # shown to the moderator as their error, ephemerally


def test_custom_bank_skips_nothing_valid_and_is_none_when_empty() -> None:
    assert custom_bank([]) is None
    bank = custom_bank([CustomQuestion("One?", "Yes.", (), "t", "easy"), CustomQuestion("Two?", "No.", (), "t", "x")])
    assert bank is not None and [q.prompt for q in bank.questions] == ["One?"]


def test_catalog_serves_each_server_its_own_custom_bank_and_phrasings() -> None:
    mine = custom_bank([CustomQuestion("What is WSGI?", "A server interface.", ("server interface",), "t", "easy")])
    guilds = {1: GuildContent(mine, {("flask", "core"): {"a small core": ("tiny kernel",)}})}
    catalog = Catalog({"flask": FLASK}, guilds)
    assert catalog.for_guild(2) is catalog and catalog.for_guild(None) is catalog
    view = catalog.for_guild(1)
    assert view.names() == ["custom", "flask"]
    assert view.bank(None).name == "flask"  # the only shared bank stays the default
    assert pick_questions(view.bank("custom"))[0].prompt == "What is WSGI?"
    core = view.question("flask", "core")
    assert core is not None and core.key_points[0].accept == ("minimal core", "tiny kernel")
    assert catalog.question("flask", "core") == CORE  # other servers grade against the bank as written
    assert catalog.for_guild(1) is view  # cached until the server's content changes
    guilds[1] = GuildContent(None, {})
    assert catalog.for_guild(1).names() == ["flask"]
    with pytest.raises(BankError, match="no bank called 'custom'"):
        catalog.for_guild(2).bank("custom")


def test_overlay_phrasing_makes_the_grader_accept_it() -> None:
    answer = "Flask ships only a skeleton and you add extensions"
    assert "a small core" in grade(CORE, answer).misses
    taught = apply_overlay(CORE, {"a small core": ["only a skeleton"]})
    assert taught.key_points[0].accept == ("minimal core", "only a skeleton")
    assert grade(taught, answer).misses == () and grade(taught, answer).score == 1.0
    assert apply_overlay(CORE, {"a point it no longer has": ["x"]}) is CORE
    port = apply_overlay(PORT, {SHORT_ANSWER: ["five thousand"]})
    assert port.short_answers == ("5000", "five thousand")
    assert grade(port, "five thousand").verdict == "pass"


def test_export_holds_custom_questions_and_phrasings_and_passes_check(tmp_path: Path) -> None:
    mine = custom_bank([CustomQuestion("What is WSGI?", "A server interface.", ("server interface",), "t", "easy")])
    assert mine is not None
    wsgi = mine.questions[0].id
    overlay = {("flask", "core"): {"a small core": ("tiny kernel",)}, ("flask", "port"): {SHORT_ANSWER: ("5k",)},
               (CUSTOM_BANK, wsgi): {"server interface": ("gateway",)}, ("gone", "x"): {"p": ("q",)}}
    text = export_yaml("my-server", "My server", mine, overlay, {"flask": FLASK})
    bank = parse_bank(text)
    assert [q.id for q in bank.questions] == [wsgi, "flask.core", "flask.port"]
    assert bank.questions[0].key_points[0].accept == ("gateway",)
    assert bank.questions[1].key_points[0].accept == ("minimal core", "tiny kernel")
    assert bank.questions[2].short_answers == ("5000", "5k")
    out = tmp_path / "export.yaml"
    out.write_text(text, encoding="utf-8")
    assert main(["check", str(out)]) == 0
    with pytest.raises(BankError, match="no custom questions"):
        export_yaml("x", "X", None, {}, {"flask": FLASK})
