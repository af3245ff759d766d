"""Review buttons and modals carry their question in a custom id of at most 100 characters, and find it again."""

from __future__ import annotations

import pytest

from bot.bank.catalog import Catalog
from bot.bank.models import Bank, Question
from bot.errors import SessionError
from bot.review import QuestionRef
from bot.ui.review import CUSTOM_ID, ReviewAnswerButton, ReviewModal, find_ref, next_mode, ref_token

LONG = QuestionRef("b" * 32, "q" * 64)  # the longest bank name and question id the loader accepts
CATALOG = Catalog({LONG.bank: Bank(LONG.bank, "Long", (Question(LONG.question_id, "Why?", bank=LONG.bank),))})


def test_a_short_reference_is_kept_readable() -> None:
    ref = QuestionRef("trivia", "t-port")
    assert ref_token(ref, 50) == "trivia:t-port"
    assert find_ref(CATALOG, "trivia:t-port") == ref


async def test_the_longest_reference_is_hashed_to_fit_and_found_again() -> None:
    button = ReviewAnswerButton("m12", LONG)
    modal = ReviewModal(2**63 - 1, "m12", LONG, "Why?")
    for custom_id in (button.custom_id, modal.custom_id):
        assert len(custom_id) <= CUSTOM_ID
        token = custom_id.rsplit(":", 1)[1]
        assert token.startswith("#")
        assert find_ref(CATALOG, token) == LONG
    with pytest.raises(SessionError, match="removed"):
        find_ref(CATALOG, "#0000000000000000")


def test_next_mode_moves_along_the_replay_and_stays_on_cards() -> None:
    assert next_mode("c") == "c"
    assert next_mode("m0") == "m1"
    assert next_mode("m9") == "m10"
