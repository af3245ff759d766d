"""Issue "Grading II": evidence over vocabulary, polarity and order, contradictions, recall, explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.bank.loader import load_bank
from bot.bank.models import KeyPoint, Question
from bot.grading import Contradiction, grade
from bot.grading.grade import explain

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "grading" / "adversarial.yaml"

REDIRECT = Question(
    id="redirect",
    prompt="How do you send the user to a different page from a Flask view?",
    key_points=(
        KeyPoint("return redirect() from the view", ("return redirect(url)",), 3.0),
        KeyPoint("302 Found by default", ("302 status",), 2.0),
        KeyPoint("Location header with the new URL", ("sets the Location header",)),
    ),
)
LEAF = Question(
    id="leaf",
    prompt="What is a leaf in a tree data structure?",
    answer="A leaf is a node with no children; every other node is an internal node.",
    key_points=(KeyPoint("a node with no children", ("a node without children",), 3.0),),
)
INORDER = Question(
    id="inorder",
    prompt="In what order does an inorder traversal of a binary tree visit the nodes?",
    answer="Left subtree, then the root, then the right subtree.",
    key_points=(KeyPoint("left subtree, then root, then right subtree", ("left, root, right",)),),
)


def test_a_different_number_is_a_contradiction_that_costs_more_than_an_omission() -> None:
    said = grade(REDIRECT, "return redirect(url_for('home')); Flask sends a 301 with the Location header by default")
    omitted = grade(REDIRECT, "return redirect(url_for('home')); Flask sets the Location header")
    assert said.contradictions == (Contradiction("302 Found by default", "301", "302"),)
    assert "302 Found by default" in said.misses and not said.passed
    assert said.score < omitted.score


def test_the_right_number_is_no_contradiction() -> None:
    answer = "return redirect(url); it answers 302 with a Location header, pass code=301 to make it permanent"
    g = grade(REDIRECT, answer)
    assert g.contradictions == () and g.passed


def test_a_flipped_negation_fails_and_the_kept_one_passes() -> None:
    assert grade(LEAF, "a node that has no children").passed
    assert grade(LEAF, "it's a node without any child nodes").passed
    flipped = grade(LEAF, "a node that has children")
    assert not flipped.passed and flipped.contradictions


def test_a_sequence_out_of_order_is_contradicted() -> None:
    assert grade(INORDER, "left subtree, then the root, then the right subtree").passed
    for wrong in ("root, then right subtree, then left subtree", "first the root, then the left, then the right"):
        g = grade(INORDER, wrong)
        assert not g.passed and g.contradictions, wrong


def test_one_everyday_word_is_not_evidence() -> None:
    q = Question(
        id="hash",
        prompt="How should passwords be stored?",
        key_points=(KeyPoint("store a slow salted hash", ("keep it stored",)),),
    )
    g = grade(q, "you can keep a list of them")
    assert g.hits == () and g.score <= 0.3 and not g.passed


def test_real_stemmer_finds_derivations() -> None:
    q = Question(
        id="iter",
        prompt="How can you compute a factorial without recursion?",
        key_points=(KeyPoint("an iterative loop multiplying an accumulator", ("loop and multiply",)),),
    )
    assert grade(q, "iteratively, multiplying an accumulator").passed
    assert grade(q, "by iteration: multiply the accumulator").passed


def test_code_tokens_cover_their_prefixes_and_template_syntax_is_seen() -> None:
    log = Question(id="log", prompt="How do you log in a Flask view?", key_points=(KeyPoint("the app.logger object"),))
    assert grade(log, "app.logger.warning('disk low')").passed
    jinja = Question(
        id="j",
        prompt="What syntax does Jinja2 offer?",
        key_points=(KeyPoint("{{ }} outputs expressions"), KeyPoint("{% %} for control statements")),
    )
    assert grade(jinja, "{{ name }} prints a value and {% if %} / {% for %} are statements").passed
    url = Question(id="u", prompt="How do you declare a variable part?", key_points=(KeyPoint("<int:id> converters"),))
    assert grade(url, "@app.route('/user/<int:uid>')").passed


def test_a_generic_stuffing_text_fails() -> None:
    stuffing = (
        "Flask, Werkzeug, Jinja2, WSGI, routing, blueprints, request context, session, cookies, SECRET_KEY, url_for, "
        "redirect, templates, JSON, REST API, CRUD, endpoints, GET, POST, PUT, DELETE, status codes, SQLAlchemy, ORM, "
        "migrations, Alembic, authentication, JWT, tokens, CSRF, XSS, HTTPS, CORS, pytest, fixtures, debug mode, "
        "logging, Gunicorn, Nginx, Docker, Kubernetes, AWS, caching, Redis, Celery, middleware, extensions, ASGI, "
        "async, websockets, OAuth2, WTForms, load balancer, CDN, monitoring, cloud, serverless, lightweight, flexible, "
        "scalable, secure, maintainable, modular, best practices, production ready, easy to learn, very powerful"
    )
    for q in load_bank(ROOT / "data" / "banks" / "flask.yaml").questions:
        assert not grade(q, stuffing).passed, q.id


def test_explain_names_the_words_their_weights_and_the_verdict() -> None:
    g, lines = explain(REDIRECT, "return redirect(url); Flask sends a 301 with the Location header by default")
    text = "\n".join(lines)
    assert "redirect (1.00)" in text
    assert "you said '301'; it is '302'" in text
    assert text.endswith(f"score {g.score:.2f} against pass score 0.6: {g.verdict}")


KINDS_THAT_FAIL = ("salad", "false_claim", "negation_wrong", "order_wrong", "swap")
KINDS_THAT_PASS = ("terse", "negation_right", "order_right", "stem", "swap_right", "typo")


def _adversarial() -> list[tuple[str, Question, str]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    bank = {q.id: q for q in load_bank(ROOT / "data" / "banks" / "flask.yaml").questions}
    for q in raw["questions"]:
        points = tuple(
            KeyPoint(k["point"], tuple(k.get("accept", ())), float(k.get("weight", 1))) for k in q["key_points"]
        )
        bank[q["id"]] = Question(id=q["id"], prompt=q["prompt"], answer=q["answer"], key_points=points)
    return [(a["kind"], bank[a["id"]], a["text"]) for a in raw["answers"]]


ADVERSARIAL = _adversarial()


@pytest.mark.parametrize("kind", KINDS_THAT_FAIL)
def test_adversarial_answers_fail(kind: str) -> None:
    """Floors on the project's own adversarial answers (written before tuning): at most one in ten passes."""
    group = [(q.id, text) for k, q, text in ADVERSARIAL if k == kind]
    passed = [(qid, text) for qid, text in group if grade(next(q for k, q, t in ADVERSARIAL if t == text), text).passed]
    assert group and len(passed) <= max(1, len(group) // 10), passed


@pytest.mark.parametrize("kind", KINDS_THAT_PASS)
def test_correct_answers_in_other_words_pass(kind: str) -> None:
    """Terse paraphrases, kept negations, right orders and stemming variants: at least 75% pass (80% measured)."""
    group = [(q, text) for k, q, text in ADVERSARIAL if k == kind]
    passed = [text for q, text in group if grade(q, text).passed]
    assert group and len(passed) >= 0.75 * len(group), [t for q, t in group if t not in passed]


def test_cli_explain(tmp_path: Path) -> None:
    import io

    from bot.grading.cli import run

    record = {"prompt": REDIRECT.prompt, "key_points": ["302 Found by default"], "response": "a 301 by default"}
    out, err = io.StringIO(), io.StringIO()
    assert run(None, io.StringIO(json.dumps(record) + "\n"), out, err, explain=True) == 0
    assert "you said '301'; it is '302'" in out.getvalue() and "fail" in out.getvalue()


def test_facts_swapped_between_the_contrasted_things_are_contradicted() -> None:
    q = Question(
        id="tu",
        prompt="What is the difference between TCP and UDP?",
        key_points=(
            KeyPoint("TCP guarantees delivery and ordering", weight=2.0),
            KeyPoint("UDP sends datagrams with no handshake", weight=2.0),
        ),
    )
    right = grade(q, "TCP guarantees delivery and ordering, while UDP sends datagrams with no handshake")
    assert right.passed and right.contradictions == ()
    swapped = grade(q, "UDP guarantees delivery and ordering, while TCP sends datagrams with no handshake")
    assert not swapped.passed
    assert {(c.said, c.expected) for c in swapped.contradictions} == {("UDP", "TCP"), ("TCP", "UDP")}


STR_BYTES = Question(
    id="str-bytes",
    prompt="What is the difference between `str` and `bytes` in Python?",
    answer="A str holds text as Unicode code points; bytes holds raw 8-bit values. Encode a str to get bytes.",
    key_points=(
        KeyPoint("str holds text", ("str is text", "str stores characters"), 3.0),
        KeyPoint("bytes holds raw 8-bit values", ("bytes are raw binary",), 3.0),
        KeyPoint("encode str, decode bytes", ("str.encode() and bytes.decode()",), 2.0),
    ),
)


def test_everyday_words_said_of_the_points_own_subject_are_evidence() -> None:
    anchored = grade(STR_BYTES, "str is for text, bytes for raw binary")
    assert "str holds text" in [h.point for h in anchored.hits] and anchored.passed
    bare = grade(STR_BYTES, "it's about text, and raw binary")  # the same everyday word with no subject
    assert "str holds text" not in [h.point for h in bare.hits] and not bare.passed
    swapped = grade(STR_BYTES, "bytes is for text, str for raw binary")  # said of the other thing
    assert not swapped.passed and swapped.contradictions


MEDIA = Question(
    id="media",
    prompt="What does a JSON API send back, and how does the client know it is JSON?",
    key_points=(KeyPoint("Content-Type application/json", ("application/json media type",), 2.0),),
)


def test_a_media_type_is_one_token_the_matcher_can_see() -> None:
    assert grade(MEDIA, "the response carries Content-Type: Application/JSON").passed
    assert not grade(MEDIA, "the response carries Content-Type: text/html").passed
    assert not grade(MEDIA, "it is a json application").passed  # the two words apart are not the media type


GIL = Question(
    id="gil",
    prompt="What is the GIL in CPython, and what does it mean for threads?",
    answer="The global interpreter lock lets one thread run Python bytecode at a time, so CPU-bound threads do "
    "not run in parallel; I/O-bound threads still overlap because the lock is released while waiting. Use "
    "multiprocessing for CPU-bound work.",
    key_points=(
        KeyPoint("one thread runs bytecode at a time", ("a single thread executes bytecode at once",), 3.0),
        KeyPoint("CPU-bound threads gain no parallelism", ("no speedup for CPU-bound code",), 2.0),
        KeyPoint("released during I/O waits", ("I/O-bound threads still overlap",), 2.0),
        KeyPoint("multiprocessing for CPU-bound work", ("use processes instead",), 1.0),
        KeyPoint("a mutex in the interpreter", ("global interpreter lock mutex",), 1.0),
    ),
)


def test_a_concise_answer_about_the_question_needs_less_than_full_credit() -> None:
    concise = "one thread runs bytecode at a time, and I/O-bound threads still overlap"
    padded = concise + ", as my manager explained during standup while drinking coffee in the kitchen yesterday"
    g, trace = explain(GIL, concise)
    assert g.passed and any("concise" in line for line in trace)
    worded_apart = grade(GIL, padded)  # same facts among words about nothing asked: no allowance
    assert worded_apart.score < g.score and not worded_apart.passed


STATUS = Question(
    id="status",
    prompt="How do you check what a Flask test request answered?",
    key_points=(
        KeyPoint("assert on status_code", ("check response.status_code",), 2.0),
        KeyPoint("read the body with get_json()", ("response.get_json()",), 2.0),
    ),
)


def test_a_dotted_name_covers_the_api_name_it_ends_with() -> None:
    g = grade(STATUS, "assert resp.status_code == 200 and resp.get_json() has the id")
    assert {h.point for h in g.hits} == {"assert on status_code", "read the body with get_json()"} and g.passed
    plain = grade(STATUS, "assert resp.code == 200 and resp.json has the id")  # other names: not the API's
    assert not plain.passed


ISO = Question(
    id="iso",
    prompt="How do you convert a datetime to an ISO 8601 string and back?",
    key_points=(
        KeyPoint("dt.isoformat() writes it", ("call dt.isoformat",), 2.0),
        KeyPoint("datetime.fromisoformat() parses it", ("call datetime.fromisoformat",), 2.0),
    ),
)


def test_a_dotted_api_name_said_without_its_object_counts() -> None:
    assert grade(ISO, "isoformat() to write it, fromisoformat to read it back").passed
    assert not grade(ISO, "format it as text and read it back").passed


FETCH_PULL = Question(
    id="fetch-pull",
    prompt="What is the difference between `git fetch` and `git pull`?",
    key_points=(
        KeyPoint("fetch downloads new commits from the remote", ("fetch updates the remote-tracking branches",), 2.0),
        KeyPoint("fetch leaves your working branch unchanged", ("fetch never touches your files",), 1.0),
        KeyPoint("pull downloads new commits and merges them", ("pull is fetch plus merge",), 2.0),
    ),
)


def test_words_said_only_of_the_other_thing_do_not_cover_a_point() -> None:
    half = grade(FETCH_PULL, "git pull downloads new commits from the remote and merges")
    assert [h.point for h in half.hits] == ["pull downloads new commits and merges them"] and not half.passed
    both = grade(FETCH_PULL, "fetch downloads new commits from the remote and leaves your branch alone; pull merges")
    assert len(both.hits) == 3 and both.passed
    typo = grade(FETCH_PULL, "fecth downloads new commits from the remote, pull merges them too")  # still named
    assert "fetch downloads new commits from the remote" in [h.point for h in typo.hits]


def test_a_list_of_terms_spelt_with_function_words_is_still_a_list() -> None:
    from bot.grading.grade import is_keyword_salad
    from bot.grading.normalize import tokenize

    for text in ("GIL, mutex, threads, I/O-bound, CPU-bound", "PRIMARY KEY, NOT NULL, UNIQUE, If-None-Match"):
        assert is_keyword_salad(text, tokenize(text)), text
    for text in (
        "threads wait on the GIL, I/O releases it, CPU-bound code gets no speedup, use processes",
        "GIL: one thread at a time, mutex, threads, I/O",  # a "label: value" claim
    ):
        assert not is_keyword_salad(text, tokenize(text)), text


TWO_PART = Question(
    id="two-part",
    prompt="Which two caches does a CPU have closest to its cores, and what does each hold?",
    key_points=(
        KeyPoint("L1 cache per core", ("level 1 cache",), 2.0),
        KeyPoint("L2 cache", ("level 2 cache",), 2.0),
        KeyPoint("L1 split into instruction and data caches", ("separate instruction and data L1",), 1.0),
    ),
)
NAMING_ONLY = Question(
    id="naming-only",
    prompt="Which two caches does a CPU have closest to its cores?",
    key_points=(KeyPoint("L1 cache per core", ("level 1 cache",), 2.0), KeyPoint("L2 cache", ("level 2 cache",), 2.0)),
)


def test_a_naming_question_with_a_second_part_still_caps_a_bare_list() -> None:
    listing = "L1 cache, L2 cache, instruction, data, registers"
    assert grade(NAMING_ONLY, listing).passed  # naming things is the whole answer
    assert grade(TWO_PART, listing).score <= 0.45  # "and what does each hold?" asks for statements


def test_an_everyday_word_of_the_prompt_is_no_contrasted_thing() -> None:
    q = Question(
        id="poll-push",
        prompt="How do polling and webhooks differ, and which one does a payment provider use?",
        key_points=(
            KeyPoint("one request per check, repeated on a timer", ("asks again on a timer",), 2.0),
            KeyPoint("webhooks push an HTTP callback when something happens", ("webhooks call you back",), 2.0),
            KeyPoint("payment providers send webhooks", ("providers push webhooks",), 1.0),
        ),
    )
    g = grade(q, "webhooks call you back, polling asks again on a timer")
    assert g.passed and "one request per check, repeated on a timer" in [h.point for h in g.hits]


def test_what_before_a_plural_noun_asks_to_name_things() -> None:
    from bot.grading.grade import _names_things

    assert _names_things("What features does SQLite give you out of the box?")
    assert _names_things("What security practices should a web app follow?")
    assert not _names_things("What does HTTPS add to HTTP?") and not _names_things("What is a WAL file?")
    points = (
        KeyPoint("transactions", weight=1.0), KeyPoint("full-text search", weight=1.0),
        KeyPoint("JSON functions", weight=1.0), KeyPoint("write-ahead logging", weight=1.0),
    )
    listing = "transactions, full-text search, JSON functions, write-ahead logging"
    naming = Question(id="n", prompt="What features does SQLite give you out of the box?", key_points=points)
    claims = Question(id="c", prompt="How does SQLite keep readers and writers apart?", key_points=points)
    assert grade(naming, listing).passed
    assert grade(claims, listing).score <= 0.45


STACK_HEAP = Question(
    id="stack-heap",
    prompt="What is `alloca` for, and how is it different from `malloc`?",
    key_points=(
        KeyPoint("freed when the function returns", ("gone at return",), 2.0,
                 ask="When does memory from `alloca` go away?"),
        KeyPoint("lives until free() is called", ("stays until freed",), 2.0,
                 ask="How long does a block from `malloc` last?"),
    ),
)


def test_two_quoted_names_after_different_from_are_contrasted_and_an_ask_names_the_subject() -> None:
    from bot.grading.keypoints import contrasted_things

    assert contrasted_things(STACK_HEAP.prompt) == {"alloca", "malloc"}
    assert not contrasted_things("How do you send the user to a different page from a Flask view?")
    right = grade(STACK_HEAP, "alloca memory is freed when the function returns; malloc lives until free() is called")
    assert right.passed and not right.contradictions
    swapped = grade(STACK_HEAP, "alloca lives until free() is called, while malloc is freed when the function returns")
    assert not swapped.passed and len(swapped.contradictions) == 2


def test_a_dash_or_an_arrow_ends_the_scope_of_a_negation() -> None:
    from bot.grading.normalize import NEGATED, POSITIVE, negated_flags

    for text in ("not the app size — extensions for the rest", "not the app size -> extensions for the rest"):
        tokens, flags = negated_flags(text)
        polarity = {t.base: f for t, f in zip(tokens, flags, strict=True)}
        assert polarity["size"] == NEGATED and polarity["extensions"] == POSITIVE, text


def test_a_negation_reaches_past_or_but_not_past_and() -> None:
    """"no ORM or form validation" denies both; "no ORM and form validation is built in" only the ORM."""
    from bot.grading.normalize import NEGATED, POSITIVE, negated_flags

    tokens, flags = negated_flags("Flask has no ORM or form validation")
    polarity = {t.base: f for t, f in zip(tokens, flags, strict=True)}
    assert polarity["orm"] == NEGATED and polarity["form"] == NEGATED and polarity["validation"] == NEGATED
    tokens, flags = negated_flags("Flask has no ORM and form validation is built in")
    polarity = {t.base: f for t, f in zip(tokens, flags, strict=True)}
    assert polarity["orm"] == NEGATED and polarity["form"] == POSITIVE


RETRY = Question(
    id="retry",
    prompt="How do you make an HTTP call survive a flaky network?",
    key_points=(
        KeyPoint("wrap the call in retry()", ("retry() decorator",), 3.0),
        KeyPoint("retry with exponential backoff", ("backoff between retries",), 2.0),
        KeyPoint("retry only idempotent requests", ("retries must be safe to repeat",), 1.0),
        KeyPoint("cap the number of retries", ("a maximum retry count",), 1.0),
    ),
)


def test_a_topic_word_written_as_a_call_is_still_evidence_of_its_point() -> None:
    g = grade(RETRY, "retry() around it, with exponential backoff")
    assert "wrap the call in retry()" in [h.point for h in g.hits] and g.passed
    assert not grade(RETRY, "it will retry").passed  # the topic word alone still passes nothing


QUEUE_STACK = Question(
    id="queue-stack",
    prompt="How does a queue differ from a stack in the order elements are taken out?",
    answer="A queue is FIFO: the element added earliest is taken out first. A stack is LIFO: the last element added is "
    "taken out first.",
)


def test_the_cue_word_is_not_a_contrasted_thing() -> None:
    from bot.grading.keypoints import contrasted_things

    assert contrasted_things(QUEUE_STACK.prompt) == {"queue", "stack"}
    assert contrasted_things("How is a list different from a tuple?") == {"list", "tupl"}


def test_an_opposite_word_said_of_the_other_thing_is_no_contradiction() -> None:
    """"last" said of the stack does not contradict the queue's "first"; said of the queue, it does."""
    right = grade(QUEUE_STACK, "A stack takes out the last element added (LIFO), a queue takes out the element added "
                               "earliest (FIFO).")
    assert not right.contradictions and right.passed
    wrong = grade(QUEUE_STACK, "A queue takes out the element added earliest last.")
    assert [c.said for c in wrong.contradictions] == ["last"]
