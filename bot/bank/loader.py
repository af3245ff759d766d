"""Load and validate YAML question banks, with errors that name file, line and question id.

The YAML is composed into a node tree (never constructed with PyYAML's resolvers), so every scalar is read back as
the text the author typed: ``yes`` stays ``"yes"``, ``5000`` stays ``"5000"``. Numbers are parsed only where the
format expects one (``weight``, ``pass_score``). Each node keeps its line, so errors point at the right place.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.bank.models import DEFAULT_PASS_SCORE, DIFFICULTIES, Bank, KeyPoint, Question
from bot.errors import BankError

logger = logging.getLogger(__name__)

BANK_KEYS = ("name", "title", "description", "sources", "pass_score", "questions")
QUESTION_KEYS = ("id", "topic", "difficulty", "prompt", "answer", "key_points", "short_answers", "source")
KEY_POINT_KEYS = ("point", "accept", "weight", "ask", "wrong")
MAX_ASK_CHARS = 200
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
SOURCE_RE = re.compile(r"^(?P<key>[A-Za-z0-9_-]+)(?:#(?P<ref>\S+))?$")
NULL_TAG = "tag:yaml.org,2002:null"
# libyaml's parser when PyYAML was built with it (8x faster on the Flask bank); same nodes, same marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class BankIssue:
    """One problem found in a bank file."""

    path: str
    line: int
    message: str
    question_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        if self.question_id:
            return f"{where}: question '{self.question_id}': {self.message}"
        return f"{where}: {self.message}"


class BankLoadError(BankError):
    """A bank file could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[BankIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Banks that loaded, and the errors of those that did not."""

    banks: dict[str, Bank]
    errors: tuple[BankLoadError, ...]


def _hint(key: str, allowed: Iterable[str], *, list_allowed: bool = True) -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (allowed: {', '.join(allowed)})" if list_allowed else ""


class _Reader:
    """Walks a composed YAML node tree, collecting issues instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.issues: list[BankIssue] = []

    def issue(self, node: yaml.Node | None, message: str, qid: str | None = None) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.issues.append(BankIssue(str(self.path), line, message, qid))

    def mapping(
        self, node: yaml.Node, allowed: Sequence[str], what: str, qid: str | None = None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.issue(node, f"{what} must be a mapping of keys to values", qid)
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.issue(key_node, f"{what} has a key that is not plain text", qid)
                continue
            key = key_node.value
            if key not in allowed:
                self.issue(key_node, f"unknown key '{key}' in {what}{_hint(key, allowed)}", qid)
                continue
            if key in out:
                self.issue(key_node, f"key '{key}' appears twice in {what}", qid)
                continue
            out[key] = (key_node, value_node)
        return out

    def text(
        self, node: yaml.Node, what: str, qid: str | None = None, *, required: bool = True
    ) -> str | None:
        if isinstance(node, yaml.ScalarNode):
            value = "" if node.tag == NULL_TAG and node.style is None else node.value
            value = value.strip()
            if not value and required:
                self.issue(node, f"{what} is empty", qid)
                return None
            return value
        self.issue(node, f"{what} must be text, not a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}",
                   qid)
        return None

    def texts(self, node: yaml.Node, what: str, qid: str | None = None) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.issue(node, f"{what} must be a list", qid)
            return ()
        out = []
        for item in node.value:
            value = self.text(item, f"an entry of {what}", qid)
            if value:
                out.append(value)
        return tuple(out)

    def number(self, node: yaml.Node, what: str, lo: float, hi: float, qid: str | None = None) -> float | None:
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        try:
            value = float(raw) if raw is not None else None
        except ValueError:
            value = None
        if value is None or not (lo <= value <= hi) or value != value:
            self.issue(node, f"{what} must be a number from {lo:g} to {hi:g}, got {raw!r}", qid)
            return None
        return value


def _parse_key_point(r: _Reader, node: yaml.Node, qid: str) -> KeyPoint | None:
    if isinstance(node, yaml.ScalarNode):
        text = r.text(node, "a key point", qid)
        return KeyPoint(text) if text else None
    fields = r.mapping(node, KEY_POINT_KEYS, "a key point", qid)
    if fields is None:
        return None
    if "point" not in fields:
        r.issue(node, "a key point mapping needs 'point' (the text of the point)", qid)
        return None
    text = r.text(fields["point"][1], "a key point", qid)
    accept = r.texts(fields["accept"][1], "accept", qid) if "accept" in fields else ()
    wrong = r.texts(fields["wrong"][1], "wrong", qid) if "wrong" in fields else ()
    weight = 1.0
    if "weight" in fields:
        parsed = r.number(fields["weight"][1], "weight", 0.1, 100.0, qid)
        if parsed is None:
            return None
        weight = parsed
    ask = ""
    if "ask" in fields:
        ask = r.text(fields["ask"][1], "ask", qid) or ""
        if ask and not ask.endswith("?"):
            r.issue(fields["ask"][1], "ask must be a question (end it with '?')", qid)
        elif len(ask) > MAX_ASK_CHARS:
            r.issue(fields["ask"][1], f"ask is {len(ask)} characters; keep it to {MAX_ASK_CHARS} or fewer", qid)
    return KeyPoint(text, accept, weight, ask, wrong) if text else None


def parse_key_points(raw: object, qid: str = "cli") -> tuple[tuple[KeyPoint, ...], tuple[BankIssue, ...]]:
    """Key points from decoded data (strings or ``{point, accept, weight, ask, wrong}`` mappings), by the bank's rules.

    The data goes through the same parser as a bank file (as JSON text, which YAML reads), so ``grade`` and
    ``check`` accept and refuse the same key points with the same messages. Returns the points and the issues.
    """
    r = _Reader(Path("<key_points>"))
    node = yaml.compose(json.dumps(raw, ensure_ascii=False), Loader=_YAML_LOADER)
    if not isinstance(node, yaml.SequenceNode):
        r.issue(node, "key_points must be a list", qid)
        return (), tuple(r.issues)
    points: list[KeyPoint] = []
    issues: list[BankIssue] = []
    for index, item in enumerate(node.value):
        kp = _parse_key_point(r, item, qid)
        if kp is not None:
            points.append(kp)
        issues.extend(BankIssue(i.path, i.line, f"key_points[{index}]: {i.message}", qid) for i in r.issues)
        r.issues.clear()
    return tuple(points), tuple(issues)


def key_points_or_raise(raw: object, qid: str = "cli") -> tuple[KeyPoint, ...]:
    """Key points from decoded data by the bank's rules; BankLoadError lists every problem."""
    points, issues = parse_key_points(raw, qid)
    if issues:
        raise BankLoadError(issues)
    return points


def _peek_id(node: yaml.Node) -> str | None:
    """The question's id as typed, read before validation so every issue can name it."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode):
                return v.value.strip() or None
    return None


def _parse_question(
    r: _Reader, node: yaml.Node, index: int, bank_name: str, sources: dict[str, str], pass_score: float
) -> Question | None:
    peeked = _peek_id(node)
    label = peeked or f"#{index + 1}"
    fields = r.mapping(node, QUESTION_KEYS, "the question", label)
    if fields is None:
        return None
    before = len(r.issues)
    qid: str | None = None
    if "id" not in fields:
        r.issue(node, "has no 'id'", label)
    else:
        qid = r.text(fields["id"][1], "id", label)
        if qid and not ID_RE.match(qid):
            r.issue(fields["id"][1], "the id must be lowercase letters, digits, '-', '_' or '.'", qid)
    prompt = None
    if "prompt" not in fields:
        r.issue(node, "has no 'prompt'", label)
    else:
        prompt = r.text(fields["prompt"][1], "prompt", label)
    answer = r.text(fields["answer"][1], "answer", label, required=False) if "answer" in fields else ""
    topic = r.text(fields["topic"][1], "topic", label) if "topic" in fields else "general"
    difficulty = "medium"
    if "difficulty" in fields:
        difficulty = r.text(fields["difficulty"][1], "difficulty", label) or "medium"
        if difficulty not in DIFFICULTIES:
            hint = _hint(difficulty, DIFFICULTIES, list_allowed=False)
            r.issue(fields["difficulty"][1],
                    f"difficulty '{difficulty}' is not one of {', '.join(DIFFICULTIES)}{hint}", label)
    key_points: list[KeyPoint] = []
    if "key_points" in fields:
        kp_node = fields["key_points"][1]
        if not isinstance(kp_node, yaml.SequenceNode):
            r.issue(kp_node, "key_points must be a list", label)
        elif not kp_node.value:
            r.issue(kp_node, "key_points is an empty list (remove it to derive points from the answer)", label)
        else:
            for item in kp_node.value:
                kp = _parse_key_point(r, item, label)
                if kp is not None:
                    key_points.append(kp)
    short = r.texts(fields["short_answers"][1], "short_answers", label) if "short_answers" in fields else ()
    source: tuple[str, ...] = ()
    if "source" in fields:
        s_node = fields["source"][1]
        source = (r.text(s_node, "source", label) or "",) if isinstance(s_node, yaml.ScalarNode) else r.texts(
            s_node, "source", label)
        for ref in source:
            m = SOURCE_RE.match(ref)
            if not m:
                r.issue(s_node, f"source '{ref}' must look like KEY or KEY#REF", label)
            elif m["key"] not in sources:
                known = ", ".join(sources) or "none declared under 'sources'"
                hint = _hint(m["key"], sources, list_allowed=False)
                r.issue(s_node, f"source '{ref}' cites unknown source key '{m['key']}' (known: {known}){hint}", label)
    if "key_points" not in fields and not answer and not short:
        r.issue(node, "nothing to grade against: give key_points, an answer or short_answers", label)
    if len(r.issues) > before or not qid or not prompt or not fields:
        return None
    return Question(
        id=qid,
        prompt=prompt,
        answer=answer or "",
        topic=topic or "general",
        difficulty=difficulty,  # type: ignore[arg-type]
        key_points=tuple(key_points),
        short_answers=short,
        source=source,
        pass_score=pass_score,
        bank=bank_name,
        line=node.start_mark.line + 1,
    )


def parse_bank(text: str, path: Path | str = "<bank>") -> Bank:
    """Parse and validate bank YAML text; raise BankLoadError listing every problem."""
    path = Path(path)
    r = _Reader(path)
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        if exc.context and exc.problem_mark:
            problem = f"{exc.context} (started here), {problem} on line {exc.problem_mark.line + 1}"
        raise BankLoadError([BankIssue(str(path), line, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise BankLoadError([BankIssue(str(path), 1, f"YAML error: {exc}")]) from None
    if root is None:
        raise BankLoadError([BankIssue(str(path), 1, "the file is empty")])
    fields = r.mapping(root, BANK_KEYS, "the bank")
    if fields is None:
        raise BankLoadError(r.issues)
    name = None
    if "name" not in fields:
        r.issue(root, "the bank has no 'name'")
    else:
        name = r.text(fields["name"][1], "name")
        if name and not NAME_RE.match(name):
            r.issue(fields["name"][1], f"bank name '{name}' must be lowercase letters, digits, '-' or '_' (≤ 32)")
    title = r.text(fields["title"][1], "title") if "title" in fields else None
    description = r.text(fields["description"][1], "description", required=False) if "description" in fields else ""
    sources: dict[str, str] = {}
    if "sources" in fields:
        s_node = fields["sources"][1]
        if isinstance(s_node, yaml.MappingNode):
            for k, v in s_node.value:
                key = r.text(k, "a source key")
                value = r.text(v, f"source '{key}'")
                if key and value:
                    sources[key] = value
        else:
            r.issue(s_node, "sources must be a mapping of key to description")
    pass_score = DEFAULT_PASS_SCORE
    if "pass_score" in fields:
        parsed_pass = r.number(fields["pass_score"][1], "pass_score", 0.0, 1.0)
        pass_score = DEFAULT_PASS_SCORE if parsed_pass is None else parsed_pass
    questions: list[Question] = []
    if "questions" not in fields:
        r.issue(root, "the bank has no 'questions'")
    else:
        q_node = fields["questions"][1]
        if not isinstance(q_node, yaml.SequenceNode) or not q_node.value:
            r.issue(q_node, "questions must be a non-empty list")
        else:
            seen: dict[str, int] = {}
            for i, item in enumerate(q_node.value):
                qid = _peek_id(item)
                if qid is not None:
                    if qid in seen:
                        r.issue(item, f"duplicate id (first used on line {seen[qid]})", qid)
                        continue
                    seen[qid] = item.start_mark.line + 1
                q = _parse_question(r, item, i, name or path.stem, sources, pass_score)
                if q is not None:
                    questions.append(q)
    cited: dict[str, Question] = {}
    for q in questions:
        for ref in q.source:
            if "#" not in ref:
                continue
            if ref in cited:
                first = cited[ref]
                message = f"source '{ref}' is already cited by question '{first.id}' (line {first.line})"
                r.issues.append(BankIssue(str(path), q.line, message, q.id))
            else:
                cited[ref] = q
    if r.issues:
        raise BankLoadError(sorted(r.issues, key=lambda i: i.line))
    assert name is not None
    return Bank(
        name=name,
        title=title or name,
        questions=tuple(questions),
        description=description or "",
        sources=sources,
        pass_score=pass_score,
        path=path,
    )


def load_bank(path: Path | str) -> Bank:
    """Load and validate one bank file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankLoadError([BankIssue(str(path), 1, f"cannot read the file: {exc}")]) from None
    return parse_bank(text, path)


def bank_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand directories to their ``*.yaml``/``*.yml`` files, sorted; keep files as given."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted([*p.glob("*.yaml"), *p.glob("*.yml")]))
        else:
            out.append(p)
    return out


def load_banks(paths: Iterable[Path | str]) -> LoadResult:
    """Load every bank under the given files/directories; broken ones are reported, not fatal."""
    banks: dict[str, Bank] = {}
    errors: list[BankLoadError] = []
    for file in bank_files(paths):
        if not file.exists():
            errors.append(BankLoadError([BankIssue(str(file), 1, "no such file or directory")]))
            continue
        try:
            bank = load_bank(file)
        except BankLoadError as exc:
            errors.append(exc)
            continue
        if bank.name in banks:
            message = f"bank name '{bank.name}' is already used by {banks[bank.name].path}"
            errors.append(BankLoadError([BankIssue(str(file), 1, message)]))
            continue
        banks[bank.name] = bank
    return LoadResult(banks, tuple(errors))
