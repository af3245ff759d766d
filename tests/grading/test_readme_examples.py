"""The grading examples README shows (on the Flask bank's `redirect` question) are what the grader says."""

from __future__ import annotations

import re
from pathlib import Path

from bot.bank.loader import load_bank
from bot.grading import grade

ROOT = Path(__file__).resolve().parents[2]
_ROW = re.compile(r"^\| `(?P<answer>.+)` \| (?P<verdict>pass|partial|fail)\b(?P<rest>.*)\|$")


def _examples() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("On the Flask bank's `redirect` question:", 1)[1].split("\n\n", 2)[1]
    rows = [m for line in section.splitlines() if (m := _ROW.match(line))]
    return [(m["answer"], m["verdict"], m["rest"]) for m in rows]


def test_readme_grading_examples_match_the_grader() -> None:
    examples = _examples()
    assert len(examples) >= 4
    question = load_bank(ROOT / "data" / "banks" / "flask.yaml").get("redirect")
    assert question is not None
    for answer, verdict, rest in examples:
        g = grade(question, answer)
        assert g.verdict == verdict, (answer, g.score)
        for said in re.findall(r'you said ([^;"]+)', rest):
            assert any(said.strip() in c.said for c in g.contradictions), (answer, said, g.contradictions)
