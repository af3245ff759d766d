"""Importers: Red trivia lists, CSV and Anki exports become bank YAML that `check` accepts; bad rows by line."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.__main__ import main
from bot.bank.importers import Draft, ImportFailed, parse
from bot.bank.importers.anki import strip_html
from bot.bank.importers.progress import ProgressBar
from bot.bank.importers.writer import build_bank, dump_yaml, question_id, write_atomic
from bot.bank.loader import ID_RE, load_bank, parse_bank
from bot.grading import grade

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def _import(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, fmt: str,
            *extra: str) -> tuple[int, Path, str, str]:
    out = tmp_path / f"{fmt}.yaml"
    code = main(["import", str(DATA / name), "--format", fmt, "--name", f"imp-{fmt}", "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, out, captured.out, captured.err


def _lines(err: str) -> list[int]:
    return [int(line.split(":line ")[1].split(":")[0]) for line in err.splitlines() if ":line " in line]


def test_red_list_becomes_short_answer_bank_that_check_accepts(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, stdout, err = _import(tmp_path, capsys, "red_programming.yaml", "red")
    assert code == 0
    assert "Imported 7 question(s)" in stdout
    bank = load_bank(out)
    by_prompt = {q.prompt: q for q in bank.questions}
    # Answers YAML would read as numbers or booleans come back exactly as typed.
    assert by_prompt["How many heading tags are in HTML?"].short_answers == ("6", "Six")
    assert by_prompt["MPEG-4 is a set standard with no possibility for growth. True or false?"].short_answers == (
        "False", "No")
    assert by_prompt["In what year did Symantec first release Norton Antivirus?"].short_answers == ("1990",)
    assert by_prompt["Is 0.10 the same as 0.1?"].short_answers == ("yes", "on", "0.10")
    # Case variants of one answer are one answer.
    assert by_prompt["Which SQL command would you use to retrieve records from the database?"].short_answers == (
        "SELECT",)
    assert all(q.topic == "imp-red" and not q.key_points and not q.answer for q in bank.questions)
    assert bank.description == "A few programming questions in Red-DiscordBot's trivia list format. By Viva tests."
    assert by_prompt['Which indefinite article goes before "cat"?'].short_answers == ("A",)
    # Bad entries by line: no answers, answers not a list, a repeated question.
    assert _lines(err) == [21, 22, 23]
    assert "the same question as line 8" in err and "CONFIG ignored" in err
    assert main(["check", str(out)]) == 0


def test_imported_short_answers_grade_like_any_question(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _, _ = _import(tmp_path, capsys, "red_programming.yaml", "red")
    bank = load_bank(out)
    q = next(q for q in bank.questions if q.prompt.startswith("How many heading"))
    assert grade(q, "there are six of them").verdict == "pass"
    assert grade(q, "6").score == 1.0
    assert grade(q, "seven").verdict == "fail"
    assert grade(q, "seven").misses == ("6",)


def test_csv_bad_rows_are_reported_by_line_and_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, stdout, err = _import(tmp_path, capsys, "questions.csv", "csv")
    assert code == 0 and "Imported 3 question(s)" in stdout
    assert _lines(err) == [4, 5, 8, 9]
    assert "line 4: the prompt is empty" in err
    assert "line 5: difficulty 'hardest' is not one of easy, medium, hard (did you mean 'hard'?); skipped" in err
    assert "line 8: 6 cells but the header has 5" in err
    bank = load_bank(out)
    wsgi, blueprint, debug = bank.questions
    assert [kp.text for kp in wsgi.key_points] == ["Web Server Gateway Interface", "interface between servers and apps"]
    assert (wsgi.topic, wsgi.difficulty) == ("deployment", "easy")
    assert blueprint.prompt == "What is a blueprint, in Flask?"
    assert debug.answer == "The reloader and the interactive debugger.\nNever enable it in production."
    assert len(debug.key_points) == 3
    assert main(["check", str(out)]) == 0


def test_anki_export_strips_html_and_drops_metadata_columns(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _, err = _import(tmp_path, capsys, "notes.txt", "anki")
    assert code == 0
    assert _lines(err) == [9, 11]
    port, url_for, jinja = load_bank(out).questions
    assert port.prompt == "Which port does the Flask dev server use?"
    assert port.short_answers == ("5000",) and port.topic == "basics"
    assert url_for.prompt == "What does url_for do?"
    assert [kp.text for kp in url_for.key_points] == [
        "Builds a URL for an endpoint", "from its name and arguments", "so links survive route changes"]
    assert jinja.prompt == "What is Jinja2?" and jinja.answer == "The template engine & sandbox"
    assert not jinja.short_answers and not jinja.key_points  # points derived from the answer when graded
    assert main(["check", str(out)]) == 0


def test_anki_separator_header_and_html_off() -> None:
    text = "#separator:Semicolon\n#html:false\nWhat is <b>bold</b>?;the <b> tag\n"
    parsed = parse("anki", text, topic="t")
    assert parsed.drafts[0].prompt == "What is <b>bold</b>?"
    assert parsed.drafts[0].short_answers == ["the <b> tag"]


@pytest.mark.parametrize(("html", "text"), [
    ("a<br>b<br/>c", "a\nb\nc"),
    ("<div>one</div><div>two</div>", "one\ntwo"),
    ("<ul><li>x</li><li>y</li></ul>", "x\ny"),
    ("Tom &amp; Jerry&nbsp;&lt;3", "Tom & Jerry <3"),
    ("[sound:a.mp3]hello <img src='x.png'>", "hello"),
    ("{{c1::Paris::capital}} is in {{c2::France}}", "Paris is in France"),
    ("<style>.x{}</style>text", "text"),
])
def test_strip_html(html: str, text: str) -> None:
    assert strip_html(html) == text


def test_existing_output_is_kept_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "red.yaml"
    out.write_text("keep me", encoding="utf-8")
    code, _, _, err = _import(tmp_path, capsys, "red_programming.yaml", "red")
    assert code == 1 and "already exists; pass --force" in err
    assert out.read_text(encoding="utf-8") == "keep me"
    code, _, _, _ = _import(tmp_path, capsys, "red_programming.yaml", "red", "--force")
    assert code == 0 and load_bank(out).name == "imp-red"


def test_a_file_with_no_usable_row_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "empty.csv"
    src.write_text("prompt,answer\n,only an answer\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.write_text("old", encoding="utf-8")
    code = main(["import", str(src), "--format", "csv", "--name", "x", "--out", str(out), "--force"])
    assert code == 1
    assert "no question could be imported (1 row(s) skipped); nothing was written" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv", "out.yaml"]


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "csv", "--name", "custom"], "'custom' is reserved"),
    (["--format", "csv", "--name", "Bad Name"], "bank name 'Bad Name' must be lowercase"),
])
def test_refused_names(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["import", str(DATA / "questions.csv"), *args, "--out", str(tmp_path / "o.yaml")]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.yaml").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("question,answer\nq,a\n", "line 1: unknown column 'question' (allowed: prompt, answer"),
    ("prompt,topic\nq,t\n", "the header must name the columns answer"),
])
def test_csv_header_errors(text: str, message: str) -> None:
    with pytest.raises(ImportFailed) as info:
        parse("csv", text, topic="t")
    assert message in str(info.value)


def test_red_file_that_is_not_a_mapping() -> None:
    with pytest.raises(ImportFailed, match="not a mapping"):
        parse("red", "- a\n- b\n", topic="t")
    with pytest.raises(ImportFailed, match=r"line \d: not valid YAML"):
        parse("red", "q?:\n  - [a\n", topic="t")


def test_write_atomic_leaves_the_old_file_when_the_rename_fails(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bank.yaml"
    out.write_text("old", encoding="utf-8")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(out, "new")
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["bank.yaml"]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal() -> None:
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = ProgressBar(stream, "reading")
        bar(1, 4)
        bar(4, 4)
        bar.close()
    assert pipe.getvalue() == ""
    assert tty.getvalue().startswith("\rreading [") and "100% 4/4 lines\n" in tty.getvalue()


def test_large_csv_shows_progress_on_a_tty(tmp_path: Path) -> None:
    text = "prompt,answer\n" + "".join(f"Question number {i}?,Answer {i} is right\n" for i in range(3000))
    tty = _Tty()
    bar = ProgressBar(tty, "reading")
    parsed = parse("csv", text, topic="t", progress=bar)
    built = build_bank("big", "Big", "", parsed.drafts)
    assert len(built.bank.questions) == 3000
    assert tty.getvalue().endswith("100% 3001/3001 lines")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip()))
def test_question_ids_are_valid_and_stable(prompt: str) -> None:
    qid = question_id(prompt)
    assert ID_RE.match(qid)
    assert question_id(prompt) == qid


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).map(str.strip).filter(
    lambda s: any(c.isalnum() for c in s))


@settings(max_examples=60, deadline=None)
@given(prompt=_TEXT, answers=st.lists(_TEXT, min_size=1, max_size=4, unique=True))
def test_rendered_text_reads_back_exactly(prompt: str, answers: list[str]) -> None:
    try:
        built = build_bank("prop", "Prop", "", [Draft(line=1, prompt=prompt, short_answers=answers)])
    except ImportFailed:  # every answer made only of words or characters the matcher ignores ("a", "%")
        return
    q = parse_bank(built.text).questions[0]
    assert q.prompt == prompt
    assert q.short_answers == tuple(answers)


_ANY = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).map(str.strip).filter(bool)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ANY, min_size=1, max_size=6))
def test_dump_yaml_reads_back_exactly(texts: list[str]) -> None:
    doc = {"name": "x", "questions": [{"id": "q", "prompt": texts[0], "key_points": texts,
                                       "nested": {"accept": texts[::-1]}}]}
    assert yaml.safe_load(dump_yaml(doc)) == doc


@pytest.mark.parametrize("text", ["yes", "No", "on", "null", "~", "5000", "0.10", "1e3", "a: b", "x #y", "- item",
                                  "'quoted'", '"dq"', "ends with colon:", "tab\there", "line\nbreak", "  lead",
                                  "trail \nx", "x\n\ny\n", "\x85next", "a\u2028b", "[list]", "{map}", "&anchor",
                                  "*alias", "!tag", "%dir", "@at", "`tick`", "|pipe", ">fold", "C:\\path"])
def test_dump_yaml_awkward_text(text: str) -> None:
    doc = {"k": text, "l": [text, {"point": text}]}
    assert yaml.safe_load(dump_yaml(doc)) == doc


def test_an_unreadable_row_is_reported_on_its_line_and_ends_the_file() -> None:
    from bot.bank.importers.anki import parse_anki
    from bot.bank.importers.csv import parse_csv

    seen: list[tuple[int, int]] = []
    csv_text = 'prompt,answer\nWhat port?,5000\n"Which host?,127.0.0.1\nnever read,x\n'  # quote never closed
    parsed = parse_csv(csv_text, topic="t", progress=lambda done, total: seen.append((done, total)))
    assert [d.prompt for d in parsed.drafts] == ["What port?"]
    ((line, message),) = [(i.line, i.message) for i in parsed.issues]
    assert line == 3 and message.startswith("not valid CSV") and "rest of the file was not read" in message
    assert seen[0] == (2, 4)  # (lines read, lines in the file) after the first row

    anki_text = '#separator:tab\n#html:false\nWhat port?\t5000\n"Which host?\t127.0.0.1\n'
    parsed = parse_anki(anki_text, topic="t")
    assert [d.prompt for d in parsed.drafts] == ["What port?"]
    assert [i.line for i in parsed.issues] == [4]
