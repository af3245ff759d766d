"""Red-DiscordBot trivia lists: a YAML mapping of question → list of accepted answers → short-answer questions.

Optional keys ``AUTHOR`` and ``DESCRIPTION`` become the bank's description; ``CONFIG`` (Red's timing and scoring)
and ``$schema`` are ignored. The YAML is composed into nodes and never constructed, so an answer typed as ``1990``,
``False`` or ``no`` comes back exactly as typed, not as a number or a boolean.
"""

from __future__ import annotations

import logging

import yaml

from bot.bank.importers import Draft, ImportFailed, ImportIssue, Parsed, Progress

logger = logging.getLogger(__name__)

META_KEYS = ("AUTHOR", "DESCRIPTION", "CONFIG", "$schema")
_NULL = "tag:yaml.org,2002:null"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node) -> str | None:
    """A scalar's text as typed (None for a list, a mapping or an empty value)."""
    if not isinstance(node, yaml.ScalarNode) or (node.tag == _NULL and node.style is None):
        return None
    return node.value.strip()


def parse_red(text: str, *, topic: str, progress: Progress | None = None) -> Parsed:
    """Read a Red trivia list; each question with at least one answer becomes a short-answer draft."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        raise ImportFailed(f"{where}not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ImportFailed(f"not valid YAML: {exc}") from None
    if not isinstance(root, yaml.MappingNode):
        raise ImportFailed("a Red trivia list is a mapping of 'question: [answers]'; this file is not a mapping")
    out = Parsed()
    author = description = ""
    seen: dict[str, int] = {}
    total = len(root.value)
    for i, (key_node, value_node) in enumerate(root.value, 1):
        if progress is not None:
            progress(i, total)
        line = _line(key_node)
        key = _scalar(key_node)
        if key in META_KEYS:
            if key == "AUTHOR":
                author = _scalar(value_node) or ""
            elif key == "DESCRIPTION":
                description = _scalar(value_node) or ""
            elif key == "CONFIG":
                out.notes.append("CONFIG ignored (Viva sets timing and points per round)")
            continue
        if not key:
            out.issues.append(ImportIssue(line, "the question is not plain text; skipped"))
            continue
        if key in seen:
            out.issues.append(ImportIssue(line, f"the same question as line {seen[key]}; skipped"))
            continue
        seen[key] = line
        if not isinstance(value_node, yaml.SequenceNode):
            out.issues.append(ImportIssue(line, "the answers must be a list ('- answer' lines); skipped"))
            continue
        answers: dict[str, str] = {}
        for item in value_node.value:
            answer = _scalar(item)
            if answer is None:
                out.issues.append(ImportIssue(_line(item), "an answer is empty or not plain text; ignored"))
            elif answer:
                answers.setdefault(answer.casefold(), answer)  # "January" and "january" are one answer
        if not answers:
            out.issues.append(ImportIssue(line, "the question has no answer; skipped"))
            continue
        out.drafts.append(Draft(line=line, prompt=key, short_answers=list(answers.values()), topic=topic))
    out.description = " ".join(p for p in (description, f"By {author}." if author else "") if p)
    return out
