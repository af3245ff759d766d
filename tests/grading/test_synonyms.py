"""The synonym table: its shape, and how a synonym in a response counts for a key point's word."""

from __future__ import annotations

import pytest

from bot.bank.models import KeyPoint, Question
from bot.grading import grade
from bot.grading.normalize import NEGATIONS, key_of
from bot.grading.synonyms import GROUPS, group_of

# Pairs a technical course tells apart: never in one group.
DISTINCT = [
    ("list", "tuple"), ("get", "post"), ("mutable", "immutable"), ("stack", "queue"), ("tcp", "udp"),
    ("append", "insert"), ("drop", "delete"), ("alter", "update"), ("avoid", "prevent"), ("verify", "validate"),
    ("equal", "identical"), ("pointer", "reference"), ("full", "complete"), ("function", "method"),
    ("error", "exception"), ("fetch", "pull"), ("join", "merge"),
]  # fmt: skip


def test_groups_are_disjoint_after_stemming() -> None:
    """No matching key belongs to two groups, and every group has at least two distinct keys."""
    owner: dict[str, int] = {}
    for n, words in enumerate(GROUPS):
        keys = {key_of(w)[1] for w in words}
        assert len(keys) >= 2, words
        for key in keys:
            assert owner.setdefault(key, n) == n, (key, words, GROUPS[owner[key]])


def test_no_stopword_or_negation_in_the_table() -> None:
    """Stopwords never reach the matcher and negations must never be merged."""
    for words in GROUPS:
        for w in words:
            _, key, stop = key_of(w)
            assert not stop, w
            assert key != "not" and w not in NEGATIONS, w


@pytest.mark.parametrize(("a", "b"), DISTINCT)
def test_domain_pairs_stay_apart(a: str, b: str) -> None:
    """Words with different technical meanings are never synonyms."""
    assert key_of(b)[1] not in group_of(key_of(a)[1])


def test_group_of() -> None:
    """Inflected members meet through the stemmer; a word outside the table is its own group."""
    build = group_of(key_of("builds")[1])
    assert {key_of(w)[1] for w in ("create", "generated", "made", "built")} <= build
    assert group_of("zebra") == frozenset({"zebra"})
    for words in GROUPS:
        keys = {key_of(w)[1] for w in words}
        assert all(group_of(k) == keys for k in keys)


SESSION = Question(
    id="session",
    prompt="What happens to the session when the user logs out?",
    answer="The server deletes the session record and the cookie is removed from the browser.",
    key_points=(KeyPoint("the server deletes the session record"), KeyPoint("the cookie is removed")),
)


def _credit(question: Question, response: str, point: str) -> float:
    """Credit of one key point (0 when missed)."""
    return next((h.credit for h in grade(question, response).hits if h.point == point), 0.0)


def _counts_as(question: Question, said: str, written: str, point: str) -> bool:
    """True when the response ``said`` earns the point exactly the credit of ``written``."""
    return _credit(question, said, point) == pytest.approx(_credit(question, written, point))


def test_a_synonym_counts_as_the_key_points_word() -> None:
    """'erases' counts as 'deletes': the response covers the point it missed before."""
    point = "the server deletes the session record"
    assert _counts_as(SESSION, "The server erases the session record.", "The server deletes the session record.", point)
    assert _credit(SESSION, "The server keeps the session record.", point) < _credit(
        SESSION, "The server erases the session record.", point
    )


def test_a_typo_of_a_synonym_does_not_count() -> None:
    """Typo tolerance applies to the material's own words only, never through a synonym."""
    point = "the server deletes the session record"
    assert _credit(SESSION, "The server eraises the session record.", point) < _credit(
        SESSION, "The server erases the session record.", point
    )
    assert _credit(SESSION, "The server deleets the session record.", point) == pytest.approx(
        _credit(SESSION, "The server deletes the session record.", point)
    )


CONTRAST = Question(
    id="contrast",
    prompt="How do a cache and a database treat data?",
    answer="A database stores data durably; a cache only keeps a copy for a while.",
    key_points=(KeyPoint("a database stores data durably"), KeyPoint("a cache keeps a temporary copy")),
)


def test_no_synonym_when_the_material_uses_both_words() -> None:
    """When the material itself writes 'stores' and 'keeps', the response's 'keeps' is not its 'stores'."""
    point = "a database stores data durably"
    assert _credit(CONTRAST, "A database keeps data durably.", point) < _credit(
        CONTRAST, "A database stores data durably.", point
    )


CHAT = Question(
    id="chat",
    prompt="How do you exercise a web app in tests?",
    answer="A test client sends requests to the application without a running server.",
    key_points=(KeyPoint("the client sends requests without a running server", weight=2),
                KeyPoint("assert on the response")),
)  # fmt: skip


def test_chat_shorthand_counts_as_the_words_it_stands_for() -> None:
    """'reqs' and 'resp' are requests and response; 'w/o' is 'without', with its negation."""
    point = "the client sends requests without a running server"
    assert _counts_as(CHAT, "client sends reqs w/o a running server", "client sends requests without a running server",
                      point)
    assert _credit(CHAT, "client sends reqs w/ a running server", point) < _credit(
        CHAT, "client sends reqs w/o a running server", point
    )
    assert _counts_as(CHAT, "then assert on resp", "then assert on the response", "assert on the response")


PARAPHRASE = Question(
    id="paraphrase",
    prompt="How does a tree's search find a value?",
    answer="It walks down from the root, comparing at each node, and stops when the value is absent.",
    key_points=(KeyPoint("walks down from the root comparing at each node"),
                KeyPoint("stops when the value is absent")),
)  # fmt: skip


def test_everyday_paraphrases_of_the_wider_table_count() -> None:
    """Words students swap for the textbook's: traverse/walk, vertex/node, missing/absent, greater/larger."""
    walk = "walks down from the root comparing at each node"
    assert _counts_as(PARAPHRASE, "it traverses down from the root comparing at each vertex", f"it {walk}", walk)
    assert _counts_as(PARAPHRASE, "stops once the value is missing", "stops once the value is absent",
                      "stops when the value is absent")
    bst = Question(id="bst", prompt="State the search tree rule.",
                   key_points=(KeyPoint("left keys are smaller than the node's"),))
    point = "left keys are smaller than the node's"
    assert _credit(bst, "left keys are smaller than the node's", point) > 0.5
    assert _counts_as(bst, "left keys are less than the node's", "left keys are smaller than the node's", point)
