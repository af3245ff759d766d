"""Grading quality: per-kind pass rates, AUC and Pearson on labelled answers, stuffing and cross-question checks.

Sets measured (each printed separately):

- the project's own labelled data in ``tests/data/grading`` (``labelled.yaml``, ``flask_calibration.jsonl``,
  ``adversarial.yaml``, ``dev2.jsonl``, ``holdout.jsonl``, ``shortref.jsonl`` and ``short_answers.yaml``);
- each set with its own questions again with the key points removed ("model answer only"): the points are then
  derived from the model answer's clauses, as for a corpus that gives only a reference answer; beside it, in the
  same run, the Pearson of plain rapidfuzz similarity to the model answer (the unsupervised baseline);
- the independent development set ``../shared/grading-dev`` next to the project (``flask.jsonl`` graded against
  ``data/banks/flask.yaml``, ``general.jsonl`` with its own questions, ``stuffing.txt``). It is skipped with a
  message when absent; ``--dev PATH`` points elsewhere.

Per kind: n, mean label, mean score, pass rate (score at or above the question's pass score), share labelled a
pass, and recall (passes among the answers labelled a pass: "terse correct pass" is its terse_correct row). Over
a set: AUC (label >= 0.6 is a pass), Pearson and Spearman with the labels, and how many answers labelled >= 0.3
score exactly 0 (a block of zeros the grader cannot rank). Stuffing: how many (question, text)
pairs pass.
Cross: each correct answer graded against every other question of its set (a pass there is a false accept).

    python bench/grading_quality.py [--dev ../shared/grading-dev] [--worst 0]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from rapidfuzz import fuzz, utils  # noqa: E402

from bot.bank.loader import key_points_or_raise, load_bank  # noqa: E402
from bot.bank.models import Question  # noqa: E402
from bot.grading import grade  # noqa: E402
from tests.support.ranking import pearson, roc_auc, spearman  # noqa: E402

PASS = 0.6
ZERO_LABEL = 0.3  # an answer labelled at least this has something right: scoring it exactly 0 is a miss
OWN = ROOT / "tests" / "data" / "grading"
CORRECT_KINDS = frozenset({"terse_correct", "full_correct", "para", "typo", "good", "terse", "full"})


@dataclass(frozen=True)
class Item:
    """One labelled answer with its question."""

    question: Question
    kind: str
    label: float
    text: str



def own_labelled() -> list[Item]:
    """tests/data/grading/labelled.yaml."""
    raw = yaml.safe_load((OWN / "labelled.yaml").read_text(encoding="utf-8"))
    items = []
    for q in raw["questions"]:
        question = Question(
            id=q["id"], prompt=q["prompt"], answer=" ".join(q["answer"].split()), topic=q["topic"],
            key_points=key_points_or_raise(q.get("key_points", []), q["id"]),
        )  # fmt: skip
        items.extend(Item(question, r["kind"], float(r["label"]), r["text"]) for r in q["responses"])
    return items


def flask_questions() -> dict[str, Question]:
    """The Flask bank's questions by id."""
    return {q.id: q for q in load_bank(ROOT / "data" / "banks" / "flask.yaml").questions}


def own_calibration(bank: dict[str, Question]) -> list[Item]:
    """tests/data/grading/flask_calibration.jsonl (good 1.0, partial 0.4, wrong 0)."""
    labels = {"good": 1.0, "partial": 0.4, "wrong": 0.0}
    out = []
    for line in (OWN / "flask_calibration.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(Item(bank[r["id"]], r["kind"], labels[r["kind"]], r["response"]))
    return out


def own_holdout(bank: dict[str, Question], name: str = "holdout.jsonl") -> list[Item]:
    """tests/data/grading/holdout.jsonl: answers to the 34 Flask questions the development set leaves out, written
    by someone blind to the grader and to the key points (see HOLDOUT.md); never used to tune. With ``name``
    "dev2.jsonl": a second development set on the other 40 questions (see DEV2.md)."""
    path = OWN / name
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(Item(bank[r["id"]], r["kind"], float(r["label"]), r["response"]))
    return out


def own_adversarial(bank: dict[str, Question]) -> list[Item]:
    """tests/data/grading/adversarial.yaml: answers of the new classes, labelled before tuning."""
    path = OWN / "adversarial.yaml"
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    inline = {
        q["id"]: Question(
            id=q["id"], prompt=q["prompt"], answer=q["answer"],
            key_points=key_points_or_raise(q.get("key_points", []), q["id"]),
        )
        for q in raw.get("questions", ())
    }
    questions = {**bank, **inline}
    return [Item(questions[e["id"]], e["kind"], float(e["label"]), e["text"]) for e in raw["answers"]]


def own_shortref() -> list[Item]:
    """tests/data/grading/shortref.jsonl: student-style answers to questions with only a short reference answer,
    graded 0-5 by a person (label = grade / 5; kind by grade: high >= 4, mid 2-3.5, low <= 1.5)."""
    path = OWN / "shortref.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        question = Question(id=q["id"], prompt=q["prompt"], answer=" ".join(q["model_answer"].split()))
        for a in q["answers"]:
            grade_5 = float(a["grade"])
            kind = "high" if grade_5 >= 4 else "mid" if grade_5 >= 2 else "low"
            out.append(Item(question, kind, grade_5 / 5, a["response"]))
    return out


def own_short() -> list[Item]:
    """tests/data/grading/short_answers.yaml: exact, in a sentence, one typo, and false accepts."""
    path = OWN / "short_answers.yaml"
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for n, q in enumerate(raw["questions"]):
        question = Question(id=f"s{n}", prompt=q["prompt"], short_answers=tuple(q["answers"]))
        for kind in ("exact", "sentence", "typo", "wrong"):
            for text in q.get(kind, ()):
                out.append(Item(question, f"short_{kind}", 0.0 if kind == "wrong" else 1.0, str(text)))
    return out


def dev_flask(dev: Path, bank: dict[str, Question]) -> list[Item]:
    """grading-dev/flask.jsonl against the Flask bank."""
    out = []
    for line in (dev / "flask.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(Item(bank[r["id"]], r["kind"], float(r["label"]), r["response"]))
    return out


def dev_general(dev: Path) -> list[Item]:
    """grading-dev/general.jsonl with its own questions."""
    out = []
    for line in (dev / "general.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        question = Question(
            id=q["id"], prompt=q["prompt"], answer=q["model_answer"],
            key_points=key_points_or_raise(q["key_points"], q["id"]),
        )  # fmt: skip
        out.extend(Item(question, a["kind"], float(a["label"]), a["response"]) for a in q["answers"])
    return out


def model_answer_only(items: list[Item]) -> list[Item]:
    """The items with their questions' key points removed, so points are derived from the model answer alone
    (as for an external corpus that gives only a reference answer)."""
    return [Item(replace(i.question, key_points=()), i.kind, i.label, i.text) for i in items if i.question.answer]


def stuffing(dev: Path) -> dict[str, str]:
    """grading-dev/stuffing.txt: name → text."""
    blocks = (dev / "stuffing.txt").read_text(encoding="utf-8").split("\n---\n")
    out = {}
    for b in blocks:
        head, body = b.strip().split("\n", 1)
        out[head[2:].split(":")[0]] = body.strip()
    return out


def report(title: str, items: list[Item], worst: int) -> list[tuple[Item, float]]:
    """Print per-kind figures and the set's AUC / Pearson; return (item, score) pairs."""
    graded = [(i, grade(i.question, i.text)) for i in items]
    scored = [(i, g.score) for i, g in graded]
    print(f"\n== {title}: {len(items)} answers, {len({i.question.id for i in items})} questions")
    kinds: dict[str, list[tuple[Item, float, bool]]] = defaultdict(list)
    for i, g in graded:
        kinds[i.kind].append((i, g.score, (g.verdict == "pass")))
    print(f"  {'kind':16} {'n':>4} {'label':>6} {'score':>6} {'pass%':>6} {'label-pass%':>11} {'recall':>9}")
    for kind, rows in sorted(kinds.items()):
        n = len(rows)
        good = [r for r in rows if r[0].label >= PASS]  # recall: passes among the answers labelled a pass
        recall = f"{sum(r[2] for r in good)}/{len(good)}" if good else "-"
        print(
            f"  {kind:16} {n:4d} {statistics.fmean(r[0].label for r in rows):6.2f} "
            f"{statistics.fmean(r[1] for r in rows):6.2f} {100 * sum(r[2] for r in rows) / n:6.1f} "
            f"{100 * sum(r[0].label >= PASS for r in rows) / n:11.1f} {recall:>9}"
        )
    scores = [s for _, s in scored]
    labels = [i.label for i, _ in scored]
    if len(set(labels)) > 1:
        auc = roc_auc(scores, [lab >= PASS for lab in labels])
        agree = statistics.fmean(((g.verdict == "pass")) == (i.label >= PASS) for i, g in graded)
        print(
            f"  AUC {auc:.3f}  Pearson {pearson(scores, labels):.3f}  Spearman "
            f"{spearman(scores, labels):.3f}  pass agreement {100 * agree:.1f}%  "
            f"MAE {statistics.fmean(abs(s - lab) for s, lab in zip(scores, labels, strict=True)):.3f}"
        )
        credited = [s for i, s in scored if i.label >= ZERO_LABEL]
        if credited:  # the "block of zeros": answers a human gives real credit that the grader cannot rank
            zeros = sum(s == 0.0 for s in credited)
            print(f"  zeros: {zeros}/{len(credited)} answers labelled >= {ZERO_LABEL} score exactly 0")
    for i, s in sorted(scored, key=lambda p: -abs(p[1] - p[0].label))[:worst]:
        print(f"    {i.label:4.2f} {s:4.2f} {i.kind:14} {i.question.id:24} {i.text[:100]!r}")
    return scored


def baselines(items: list[Item]) -> None:
    """Pearson with the labels of plain rapidfuzz similarity to the model answer (no key points, no rules), in
    the same run: the unsupervised recipe the grader must beat."""
    labels = [i.label for i in items]
    for name, scorer in (("token_set_ratio", fuzz.token_set_ratio), ("WRatio", fuzz.WRatio)):
        scores = [scorer(i.text, i.question.answer, processor=utils.default_process) / 100 for i in items]
        print(f"  baseline rapidfuzz {name} to the model answer: Pearson {pearson(scores, labels):.3f}  "
              f"Spearman {spearman(scores, labels):.3f}")


def cross(title: str, items: Iterable[Item]) -> None:
    """Correct answers graded against every other question of the set: the false-accept rate."""
    correct = [i for i in items if i.kind in CORRECT_KINDS and i.label >= PASS]
    questions = {i.question.id: i.question for i in correct}
    total = passed = 0
    for i in correct:
        for qid, q in questions.items():
            if qid != i.question.id:
                total += 1
                passed += (grade(q, i.text).verdict == "pass")
    if total:
        rate = 100 * passed / total
        print(f"  cross ({title}): {passed}/{total} correct answers pass another question ({rate:.2f}%)")


def stuffing_report(texts: dict[str, str], questions: list[Question]) -> None:
    """How many questions each stuffing text passes, and its best score."""
    for name, text in texts.items():
        graded = [grade(q, text) for q in questions]
        passed = sum((g.verdict == "pass") for g in graded)
        best = max(g.score for g in graded)
        print(f"  stuffing {name:14} passes {passed}/{len(questions)} questions, max score {best:.2f}")


def main() -> None:
    """Grade every set and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "grading-dev")
    parser.add_argument("--worst", type=int, default=0, help="print the N largest disagreements per set")
    args = parser.parse_args()
    bank = flask_questions()
    labelled = own_labelled()
    report("own: labelled.yaml", labelled, args.worst)
    cross("labelled", labelled)
    report("own: labelled.yaml, model answer only (key points derived)", model_answer_only(labelled), 0)
    baselines(model_answer_only(labelled))
    report("own: flask_calibration.jsonl", own_calibration(bank), args.worst)
    adversarial = own_adversarial(bank)
    if adversarial:
        report("own: adversarial.yaml", adversarial, args.worst)
    dev2 = own_holdout(bank, "dev2.jsonl")
    if dev2:
        report("own: dev2.jsonl", dev2, args.worst)
    holdout = own_holdout(bank)
    if holdout:
        report("own: holdout.jsonl", holdout, args.worst)
        cross("holdout", holdout)
    shortref = own_shortref()
    if shortref:
        report("own: shortref.jsonl (short reference answers only, human grades 0-5)", shortref, args.worst)
        baselines(shortref)
    short = own_short()
    if short:
        report("own: short_answers.yaml", short, args.worst)
    if not (args.dev / "flask.jsonl").exists():
        print(f"\n(skipped the development set: {args.dev} is absent)")
        return
    flask = dev_flask(args.dev, bank)
    general = dev_general(args.dev)
    report("grading-dev: flask.jsonl", flask, args.worst)
    cross("flask", flask)
    report("grading-dev: general.jsonl", general, args.worst)
    cross("general", general)
    report("grading-dev: general.jsonl, model answer only (key points derived)", model_answer_only(general), 0)
    baselines(model_answer_only(general))
    report("grading-dev: both", flask + general, 0)
    texts = stuffing(args.dev)
    print("\n== stuffing")
    stuffing_report(texts, list(bank.values()))
    stuffing_report(texts, list({i.question.id: i.question for i in general}.values()))


if __name__ == "__main__":
    main()
