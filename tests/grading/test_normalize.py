"""Normalisation: code tokens stay whole, case/Unicode/punctuation fold, inflections meet on one stem."""

from __future__ import annotations

import pytest

from bot.grading.normalize import is_number, join_key, max_edits, stem, tokenize


def keys(text: str) -> list[str]:
    """Content keys of a text."""
    return [t.key for t in tokenize(text) if not t.stop]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("url_for", "url_for"),
        ("@app.route('/')", "@app.route"),
        ("app.run()", "app.run()"),
        ("__name__", "__name__"),
        ("127.0.0.1", "127.0.0.1"),
        ("port 5000.", "5000"),
    ],
)
def test_code_tokens_stay_whole(text: str, expected: str) -> None:
    """Identifiers, decorators, calls, dunders, IPs and numbers are single tokens."""
    assert expected in [t.surface for t in tokenize(text)]


def test_adverbs_in_ily_meet_their_adjective_only_when_it_is_a_word() -> None:
    """ "lazily" is "lazy", but "family" is not an adverb of "famy" (no such word) and "families" stays with it."""
    assert stem("family") == stem("families") != stem("famy")


@pytest.mark.parametrize("op", ["==", "!=", "<=", ">=", "==="])
def test_comparison_operators_are_tokens(op: str) -> None:
    """`a == b` and `a != b` say different things: the operator is a token the matcher can see."""
    assert op in [t.key for t in tokenize(f"a {op} b")]
    assert op in [t.key for t in tokenize(f"x{op}None")]


def test_surface_keeps_casing_and_key_folds_it() -> None:
    """The surface is what the person typed; the key is casefolded and stemmed."""
    (token,) = tokenize("Routes")
    assert token.surface == "Routes"
    assert token.key == stem("routes") == "rout"


def test_punctuation_becomes_token_breaks() -> None:
    """Punctuation separates words instead of gluing them."""
    assert keys("lists,tuples;sets!") == keys("lists tuples sets")


def test_unicode_is_nfkc_folded_and_smart_quotes_work() -> None:
    """Full-width letters, ligatures and curly apostrophes fold to plain text."""
    assert keys("ＦＬＡＳＫ ﬁle") == keys("flask file")
    assert keys("don’t") == keys("don't") == ["not"]


@pytest.mark.parametrize("word", ["dont", "doesn't", "isnt", "can't", "cannot", "won't", "no"])
def test_negations_all_become_not(word: str) -> None:
    """Every spelling of a negation is the key "not" (and it is never a stopword)."""
    assert keys(word) == ["not"]


@pytest.mark.parametrize(
    "group",
    [
        ("route", "routes", "routing", "routed"),
        ("query", "queries"),
        ("simulate", "simulates", "simulated", "simulating", "simulation"),
        ("process", "processes", "processing"),
        ("hash", "hashes", "hashed", "hashing"),
        ("run", "running"),
        ("lazy", "lazily"),
        ("easy", "easily"),
        ("temporary", "temporarily"),
    ],
)
def test_inflections_share_a_stem(group: tuple[str, ...]) -> None:
    """Plural/singular and -ing/-ed/-ation forms meet on one key."""
    assert len({stem(w) for w in group}) == 1


def test_thousands_separators_are_removed() -> None:
    """5,000 and 5000 are the same number; a list of numbers is not merged."""
    assert keys("5,000") == ["5000"]
    assert keys("1, 2") == ["1", "2"]


def test_compound_joins_match_closed_and_code_forms() -> None:
    """A joined pair of words meets the closed compound and the underscore identifier."""
    multi, threading = tokenize("multi threading")
    (closed,) = tokenize("multithreading")
    assert join_key(multi.base, threading.base) == closed.key
    url, for_ = tokenize("url for")
    (code,) = tokenize("url_for")
    assert join_key(url.base, for_.base) == code.key


def test_stopwords_keep_negations_and_quantifiers() -> None:
    """not, only, all, first, before, after stay content words; the, is, of do not."""
    assert keys("not only all first before after the is of") == [
        "not", stem("only"), "all", "first", stem("before"), "after",
    ]  # fmt: skip


def test_typo_budget_grows_with_length_and_numbers_are_exact() -> None:
    """No typos under 5 characters or in numbers; 1 up to 7 characters; 2 from 8."""
    assert [max_edits(k) for k in ("tree", "index", "mutable", "database", "5000", "http2")] == [0, 1, 1, 2, 0, 0]
    assert is_number("127.0.0.1") and is_number("5000") and not is_number("v2")


def test_empty_and_whitespace_give_no_tokens() -> None:
    """Nothing in, nothing out."""
    assert tokenize("") == [] and tokenize(" \n\t ") == [] and tokenize("?!…") == []
