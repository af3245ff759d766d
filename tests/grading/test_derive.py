"""Key points derived from a model answer: clauses, with short fragments glued to a neighbour."""

from __future__ import annotations

from bot.grading import derive_key_points


def texts(answer: str, prompt: str = "") -> list[str]:
    """Texts of the derived key points."""
    return [kp.text for kp in derive_key_points(answer, prompt)]


def test_sentences_and_clauses_become_points() -> None:
    """Sentences split at commas, semicolons and joining words."""
    points = texts(
        "A list is mutable while a tuple is immutable. Tuples are hashable, so they can be dictionary keys; "
        "lists cannot be keys."
    )
    assert points == [
        "A list is mutable",
        "a tuple is immutable",
        "Tuples are hashable",
        "so they can be dictionary keys",
        "lists cannot be keys",
    ]


def test_fragments_with_fewer_than_two_content_words_are_glued() -> None:
    """A one-word list item joins its neighbour instead of becoming a point on its own."""
    points = texts("Its core only does routing, request handling and templating.")
    assert points == ["Its core only does routing", "request handling and templating"]


def test_code_and_complexity_notation_stay_whole() -> None:
    """O(1), app.run() and 127.0.0.1 are not split by the clause rules."""
    points = texts("Lookups are O(1) on average, and app.run() binds to 127.0.0.1 by default.")
    assert points == ["Lookups are O(1) on average", "app.run() binds to 127.0.0.1 by default"]


def test_parenthesised_asides_are_their_own_clause() -> None:
    """An aside opened after a space is split off as a clause of its own."""
    points = texts("An index is an extra data structure (usually a B-tree) on the indexed columns of a table.")
    assert points == [
        "An index is an extra data structure",
        "(usually a B-tree)",
        "on the indexed columns of a table",
    ]


def test_prompt_words_do_not_count_as_content_when_gluing() -> None:
    """'A deadlock is when two' has one content word once 'deadlock' (from the prompt) is ignored."""
    answer = "A deadlock is when two or more threads each hold a resource."
    assert texts(answer, "What is a deadlock?") == ["A deadlock is when two or more threads each hold a resource"]


def test_empty_and_trivial_answers() -> None:
    """Nothing gives no points; a one-word answer is one point."""
    assert derive_key_points("") == ()
    assert derive_key_points("   ") == ()
    assert texts("5000.") == ["5000"]


def test_weights_grow_with_clause_content_and_results_are_cached() -> None:
    """Longer clauses weigh more; the same answer returns the very same tuple (cached)."""
    answer = "Merge keeps both histories with a merge commit, but rebase replays commits."
    points = derive_key_points(answer)
    assert points[0].weight > points[1].weight > 0
    assert derive_key_points(answer) is points
