"""The grade CLI: JSON lines in, JSON lines with a grade out; bad lines named on stderr, the run goes on."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.grading.cli import run

PORT = {"prompt": "Default port of the Flask dev server?", "short_answers": ["5000"]}


def grade_lines(*lines: str) -> tuple[int, list[dict[str, object]], str]:
    """Run the CLI on stdin lines; return the exit code, the decoded output lines and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(None, io.StringIO("\n".join(lines) + "\n"), stdout, stderr)
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()], stderr.getvalue()


def test_short_answer_examples_from_the_issue() -> None:
    """'it is 5000' passes, '8080' fails."""
    code, out, err = grade_lines(
        json.dumps({**PORT, "response": "it is 5000"}), json.dumps({**PORT, "response": "8080"})
    )
    assert code == 0 and err == ""
    assert out[0]["grade"] == {
        "score": 1.0, "verdict": "pass", "passed": True, "hits": [{"point": "5000", "matched": "5000", "credit": 1.0}],
        "misses": [], "contradictions": [],
    }  # fmt: skip
    assert out[1]["grade"]["verdict"] == "fail" and out[1]["grade"]["score"] == 0.0
    assert out[1]["response"] == "8080" and out[1]["short_answers"] == ["5000"]


def test_key_points_in_both_bank_forms_and_extra_fields_pass_through() -> None:
    """Strings and {point, accept, weight} mappings; ids and labels are echoed untouched."""
    record = {
        "id": "q1",
        "label": 1,
        "prompt": "Why is Flask called a microframework?",
        "key_points": ["a small core", {"point": "features come from extensions", "accept": ["plugins"], "weight": 2}],
        "response": "It has a small core; plugins do the rest.",
        "pass_score": 0.7,
    }
    code, (out,), _ = grade_lines(json.dumps(record))
    assert code == 0
    assert {k: v for k, v in out.items() if k != "grade"} == record
    grade = out["grade"]
    assert grade["verdict"] == "pass" and grade["score"] == 1.0 and grade["misses"] == []
    assert [h["point"] for h in grade["hits"]] == ["a small core", "features come from extensions"]
    assert grade["hits"][1]["matched"] == "plugins"


def test_model_answer_only_grades_on_derived_points() -> None:
    """A record with only a model answer is graded; a wrong answer fails and a right one passes."""
    base = {
        "prompt": "What does git stash do?",
        "model_answer": "It saves your uncommitted changes and cleans the working directory; pop brings them back.",
    }
    code, out, _ = grade_lines(
        json.dumps({**base, "response": "saves uncommitted changes, cleans the working directory, pop restores them"}),
        json.dumps({**base, "response": "it deletes the repository"}),
    )
    assert code == 0
    assert out[0]["grade"]["verdict"] == "pass" and out[1]["grade"]["verdict"] == "fail"


def test_bad_lines_are_reported_with_their_number_and_the_run_goes_on() -> None:
    """Invalid JSON, missing fields and wrong types each name their line; blank lines are skipped."""
    good = json.dumps({**PORT, "response": "5000"})
    code, out, err = grade_lines(
        good,
        "",
        "{not json",
        json.dumps({"prompt": "p", "response": "r"}),
        json.dumps({**PORT}),
        json.dumps([1, 2]),
        json.dumps({**PORT, "response": 5000}),
        json.dumps({"prompt": "p", "response": "r", "key_points": [{"point": "x", "acept": ["y"]}]}),
        json.dumps({**PORT, "response": "5000", "pass_score": 2}),
        "   ",
        good,
    )
    assert code == 1
    assert len(out) == 2
    lines = err.splitlines()
    assert lines[0].startswith("line 3: invalid JSON")
    assert lines[1] == 'line 4: needs at least one of "model_answer", "key_points", "short_answers"'
    assert lines[2] == 'line 5: missing "response"'
    assert lines[3] == "line 6: a line must be a JSON object"
    assert lines[4] == 'line 7: "response" must be a string, not int'
    assert lines[5] == "line 8: key_points[0]: unknown key 'acept' in a key point (did you mean 'accept'?)"
    assert lines[6] == 'line 9: "pass_score" must be a number from 0 to 1'
    assert lines[7] == "7 bad line(s)"


def test_reads_a_file_and_reports_an_unreadable_one(tmp_path: Path) -> None:
    """A path is read as UTF-8 JSON lines; a missing file exits 2 with a message."""
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps({**PORT, "response": "Port 5000 ✓"}, ensure_ascii=False) + "\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(str(path), io.StringIO(), stdout, stderr) == 0
    assert json.loads(stdout.getvalue())["grade"]["verdict"] == "pass"
    assert "✓" in stdout.getvalue()
    stderr = io.StringIO()
    assert run(str(tmp_path / "missing.jsonl"), io.StringIO(), io.StringIO(), stderr) == 2
    assert "missing.jsonl" in stderr.getvalue()


def test_empty_input_is_fine() -> None:
    """No lines, no output, exit 0."""
    assert grade_lines("") == (0, [], "")


def test_key_points_follow_the_bank_rules_of_check() -> None:
    """The CLI parses key points with the bank loader: a weight ``check`` refuses is refused here too."""
    base = {"prompt": "Why is Flask called a microframework?", "response": "a small core"}
    code, out, err = grade_lines(
        json.dumps({**base, "key_points": [{"point": "a small core", "weight": 0.01}]}),
        json.dumps({**base, "key_points": [{"point": "a small core", "ask": "How big is the core"}]}),
        json.dumps({**base, "key_points": [{"point": "a small core", "weight": 2, "ask": "How big is the core?"}]}),
    )
    assert code == 1 and len(out) == 1
    lines = err.splitlines()
    assert lines[0] == "line 1: key_points[0]: weight must be a number from 0.1 to 100, got '0.01'"
    assert lines[1] == "line 2: key_points[0]: ask must be a question (end it with '?')"
    assert out[0]["grade"]["passed"] is True
