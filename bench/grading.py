"""Benchmark of the grading hot path: grade() against the bare rapidfuzz calls it is built on.

Generates, with a seeded random, questions with 3–6 key points (plus a model answer) and a few thousand
realistic responses of 30–120 words (key-point words with typos, inflections and reordering, filler, other
topics' words), then prints answers/second and p50/p99 latency per answer for ``grade()`` and for the same
rapidfuzz primitive calls over the same strings with nothing around them (recorded from the matcher, replayed
bare), and their ratio. Every figure is the median of several repetitions.

Then the same timing on the real Flask bank (``data/banks/flask.yaml``) with the project's own labelled Flask
answers (``tests/data/grading``), against the same bank with its ``wrong:`` lists removed, measured in the same
run: the cost of checking the bank's false claims.

    python bench/grading.py [--answers 3000] [--repeat 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import process

from bot.bank.loader import load_bank
from bot.bank.models import KeyPoint, Question
from bot.grading import grade

keypoints_module = sys.modules["bot.grading.keypoints"]

TOPICS = {
    "flask": "route view blueprint template request response session cookie extension endpoint decorator "
    "context application server debug jinja redirect url_for config instance werkzeug wsgi",
    "python": "list tuple dictionary generator iterator decorator closure lambda exception module package "
    "mutable immutable hashable interpreter bytecode thread process memory garbage reference",
    "sql": "index table column row join transaction commit rollback query primary foreign key constraint "
    "isolation lock schema normalization aggregate select insert update delete",
    "http": "request response header status method body cache cookie session idempotent stateless server "
    "client proxy redirect protocol connection handshake certificate encryption",
    "git": "commit branch merge rebase stash remote push pull fetch history conflict staging index checkout "
    "reset revert tag hook working tree",
    "structures": "array linked list stack queue heap tree graph hash table bucket collision pointer node "
    "traversal recursion sorting searching complexity constant logarithmic linear",
}
_FILLER_TEXT = (
    "well I think that basically it is something like this and in my experience you would usually say "
    "that the main idea is pretty simple but there are a few details to keep in mind when you use it in "
    "practice for example in a real project at work"
)
FILLER = _FILLER_TEXT.split()
INFLECT = ("s", "es", "ing", "ed", "")


def _typo(word: str, rng: random.Random) -> str:
    """A plausible typo: swap, drop or double a letter (only in longer words)."""
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def make_questions(rng: random.Random, count: int) -> list[Question]:
    """Questions with 3–6 key points of 3–7 topic words each, a model answer and some accept phrasings."""
    questions: list[Question] = []
    topics = list(TOPICS)
    for n in range(count):
        topic = topics[n % len(topics)]
        vocab = TOPICS[topic].split()
        points = []
        for _ in range(rng.randint(3, 6)):
            words = rng.sample(vocab, rng.randint(3, 7))
            accept = (" ".join(rng.sample(vocab, 2)),) if rng.random() < 0.5 else ()
            points.append(KeyPoint(" the ".join(words), accept))
        answer = ". ".join(f"It {kp.text}" for kp in points) + "."
        prompt = f"Explain the {rng.choice(vocab)} and the {rng.choice(vocab)} in {topic}?"
        questions.append(Question(id=f"q{n}", prompt=prompt, answer=answer, topic=topic, key_points=tuple(points)))
    return questions


def make_response(question: Question, rng: random.Random) -> str:
    """A 30–120 word response: some key-point words (inflected, typo'd, reordered) among filler."""
    target = rng.randint(30, 120)
    other = TOPICS[rng.choice(list(TOPICS))].split()
    words: list[str] = []
    points = list(question.key_points)
    rng.shuffle(points)
    for kp in points:
        if rng.random() < 0.35:
            continue
        chunk = kp.text.split()
        if rng.random() < 0.3:
            rng.shuffle(chunk)
        for w in chunk:
            w = w + rng.choice(INFLECT) if w.isalpha() and rng.random() < 0.3 else w
            words.append(_typo(w, rng) if rng.random() < 0.15 else w)
        words.extend(rng.sample(FILLER, rng.randint(2, 8)))
    while len(words) < target:
        words.append(rng.choice(other) if rng.random() < 0.3 else rng.choice(FILLER))
    text = " ".join(words[:target])
    return text[0].upper() + text[1:] + "."


Call = tuple[str, list[str], float, Any]


def record_primitives(pairs: list[tuple[Question, str]]) -> list[list[Call]]:
    """For each response, the rapidfuzz calls grade() makes: (query, choices, score_cutoff, scorer)."""
    calls: list[Call] = []
    real = process.extract

    def recorder(query: str, choices: Any, **kwargs: Any) -> Any:
        calls.append((query, list(choices), kwargs["score_cutoff"], kwargs["scorer"]))
        return real(query, choices, **kwargs)

    per_response: list[list[Call]] = []
    keypoints_module.process.extract = recorder
    try:
        for question, response in pairs:
            calls = []
            grade(question, response)
            per_response.append(calls)
    finally:
        keypoints_module.process.extract = real
    return per_response


def _time_each(items: list[Any], fn: Callable[[Any], object]) -> tuple[float, list[float]]:
    """Total seconds and per-item latencies (seconds) of fn over items."""
    latencies: list[float] = []
    clock = time.perf_counter
    gc.disable()
    try:
        start = clock()
        for item in items:
            t0 = clock()
            fn(item)
            latencies.append(clock() - t0)
        total = clock() - start
    finally:
        gc.enable()
    return total, latencies


def _bare(calls: list[Call]) -> None:
    """The recorded rapidfuzz calls, with nothing around them."""
    extract = process.extract
    for query, choices, cutoff, scorer in calls:
        extract(query, choices, scorer=scorer, score_cutoff=cutoff, limit=None)


def _pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


ROOT = Path(__file__).resolve().parents[1]


def flask_pairs() -> tuple[list[tuple[Question, str]], list[tuple[Question, str]]]:
    """(question, answer) pairs of the Flask bank and the project's labelled Flask answers: as shipped, and with
    every key point's ``wrong:`` list removed."""
    bank = {q.id: q for q in load_bank(ROOT / "data" / "banks" / "flask.yaml").questions}
    bare = {
        qid: dataclasses.replace(q, key_points=tuple(dataclasses.replace(kp, wrong=()) for kp in q.key_points))
        for qid, q in bank.items()
    }
    rows = []
    for name in ("holdout.jsonl", "dev2.jsonl", "flask_calibration.jsonl"):
        path = ROOT / "tests" / "data" / "grading" / name
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("id") in bank and isinstance(r.get("response"), str)]
    return [(bank[r["id"]], r["response"]) for r in rows], [(bare[r["id"]], r["response"]) for r in rows]


def time_flask(repeat: int) -> None:
    """grade() on the Flask bank with and without its false-claim lists, interleaved, per-answer best of runs."""
    shipped, bare = flask_pairs()
    if not shipped:
        print("flask bank: no labelled Flask answers found, skipped")
        return
    for q, r in shipped + bare:
        grade(q, r)
    best = {"shipped": [float("inf")] * len(shipped), "bare": [float("inf")] * len(bare)}
    totals: dict[str, list[float]] = {"shipped": [], "bare": []}
    for _ in range(repeat):
        for name, pairs in (("bare", bare), ("shipped", shipped)):
            total, lat = _time_each(pairs, lambda p: grade(p[0], p[1]))
            totals[name].append(total)
            best[name] = [min(a, b) for a, b in zip(best[name], lat, strict=True)]
    n = len(shipped)
    claims = sum(len(kp.wrong) for q in {q.id: q for q, _ in shipped}.values() for kp in q.key_points)
    print(f"flask bank: {n} labelled answers, {claims} false-claim phrasings; per-answer best of {repeat}:")
    for name in ("bare", "shipped"):
        label = "without wrong: lists" if name == "bare" else "with wrong: lists   "
        print(f"  {label} p50 {_pct(best[name], 0.5) * 1e6:7.1f} us   p99 {_pct(best[name], 0.99) * 1e6:7.1f} us   "
              f"{n / statistics.median(totals[name]):7.0f} answers/s")
    p50 = _pct(best["shipped"], 0.5) / _pct(best["bare"], 0.5)
    p99 = _pct(best["shipped"], 0.99) / _pct(best["bare"], 0.99)
    print(f"  ratio with/without (per-answer best): p50 {p50:.3f}x   p99 {p99:.3f}x")


def main() -> None:
    """Generate, warm up, time grade() and the bare primitives, and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    questions = make_questions(rng, args.questions)
    pairs = [(q, make_response(q, rng)) for q in (rng.choice(questions) for _ in range(args.answers))]
    words = [len(r.split()) for _, r in pairs]
    points = [len(q.key_points) for q in questions]
    for question, response in pairs:  # warm up: per-question preparation is cached, as in the bot
        grade(question, response)
    calls = record_primitives(pairs)
    n_calls = sum(len(c) for c in calls)

    runs: list[tuple[float, float, float, float, float, float]] = []
    g_min = [float("inf")] * len(pairs)
    b_min = [float("inf")] * len(calls)
    for _ in range(args.repeat):
        g_total, g_lat = _time_each(pairs, lambda p: grade(p[0], p[1]))
        b_total, b_lat = _time_each(calls, _bare)
        runs.append((g_total, _pct(g_lat, 0.5), _pct(g_lat, 0.99), b_total, _pct(b_lat, 0.5), _pct(b_lat, 0.99)))
        g_min = [min(a, b) for a, b in zip(g_min, g_lat, strict=True)]
        b_min = [min(a, b) for a, b in zip(b_min, b_lat, strict=True)]

    def med(i: int) -> float:
        return statistics.median(r[i] for r in runs)

    n = len(pairs)
    print(
        f"responses: {n} ({min(words)}-{max(words)} words, mean {statistics.fmean(words):.0f}); "
        f"questions: {len(questions)} ({min(points)}-{max(points)} key points); repetitions: {args.repeat}"
    )
    print(f"rapidfuzz primitive calls: {n_calls} ({n_calls / n:.1f} per answer, process.extract with OSA)")
    print(f"grade():        {n / med(0):9.0f} answers/s   p50 {med(1) * 1e6:7.1f} us   p99 {med(2) * 1e6:7.1f} us")
    print(f"bare rapidfuzz: {n / med(3):9.0f} answers/s   p50 {med(4) * 1e6:7.1f} us   p99 {med(5) * 1e6:7.1f} us")
    print(f"ratio grade/bare: total {med(0) / med(3):.2f}x   p50 {med(1) / med(4):.2f}x   p99 {med(2) / med(5):.2f}x")
    # Each answer's fastest run: robust to a loaded machine (a preempted call is slow in one run, not in all).
    gp50, gp99, bp50, bp99 = _pct(g_min, 0.5), _pct(g_min, 0.99), _pct(b_min, 0.5), _pct(b_min, 0.99)
    print(f"per-answer best of {args.repeat}: grade() p50 {gp50 * 1e6:7.1f} us   p99 {gp99 * 1e6:7.1f} us;   "
          f"bare p50 {bp50 * 1e6:6.1f} us   p99 {bp99 * 1e6:6.1f} us;   ratio p99 {gp99 / bp99:.2f}x")
    time_flask(args.repeat)


if __name__ == "__main__":
    main()
