"""Questions a server adds from Discord (/question add): checked by the bank loader's own rules, gathered into
the server's ``custom`` bank, and exported with its accepted phrasings as one bank YAML that ``check`` accepts."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.bank.importers import Draft
from bot.bank.importers.writer import draft_mapping, question_id, question_mapping, render
from bot.bank.loader import BankLoadError, parse_bank
from bot.bank.models import Bank, Question
from bot.bank.overlay import CUSTOM_BANK, SHORT_ANSWER, Overlay, apply_overlay
from bot.errors import BankError

logger = logging.getLogger(__name__)

CUSTOM_TITLE = "This server's questions"
# Words a moderator reads for the loader's field names.
_FIELD_WORDS = (("prompt", "the question"), ("a key point", "a key point"), ("answer", "the model answer"),
                ("topic", "the topic"))


@dataclass(frozen=True, slots=True)
class CustomQuestion:
    """A question as a moderator typed it (key points one per line in the form)."""

    prompt: str
    answer: str
    key_points: tuple[str, ...]
    topic: str
    difficulty: str
    stored_id: str = ""  # the id it was stored under (kept even if the id rule changes)

    @property
    def id(self) -> str:
        """Its stable id: the one it was stored under, else a slug of the prompt and a short hash."""
        return self.stored_id or question_id(self.prompt)

    def draft(self) -> Draft:
        """As an importer draft."""
        return Draft(line=1, prompt=self.prompt, answer=self.answer, key_points=list(self.key_points),
                     topic=self.topic, difficulty=self.difficulty)


class QuestionRejected(BankError):
    """A custom question the bank loader refuses; ``problems`` are the reasons, in plain words."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("This question can't be added:\n" + "\n".join(f"• {p}" for p in self.problems))


def from_form(prompt: str, answer: str, key_points: str, topic: str, difficulty: str) -> CustomQuestion:
    """The form's text as a CustomQuestion: trimmed, key points one per line (blank lines dropped)."""
    points = tuple(p.strip().lstrip("-•*").strip() for p in key_points.splitlines())
    return CustomQuestion(prompt.strip(), answer.strip(), tuple(p for p in points if p),
                          topic.strip().lower() or "general", difficulty.strip().lower() or "medium")


def _plain(message: str) -> str:
    out = message
    for word, plain in _FIELD_WORDS:
        if out.startswith(word):
            out = plain + out[len(word):]
            break
    out = out.replace("give key_points, an answer or short_answers", "give key points or a model answer")
    return out[:1].upper() + out[1:] + "."


def check_question(q: CustomQuestion) -> Question:
    """The question as the bank loader reads it; QuestionRejected (every problem) when it refuses it."""
    text = render(CUSTOM_BANK, CUSTOM_TITLE, "", [draft_mapping(q.draft(), q.id)])
    try:
        return parse_bank(text, f"{CUSTOM_BANK}.yaml").questions[0]
    except BankLoadError as exc:
        raise QuestionRejected([_plain(i.message) for i in exc.issues]) from None


def custom_bank(questions: Iterable[CustomQuestion]) -> Bank | None:
    """A server's questions as its ``custom`` bank (None when it has none); a question the loader now refuses
    is logged and left out rather than hiding all the others."""
    keep: list[Question] = []
    for q in questions:
        try:
            keep.append(check_question(q))
        except QuestionRejected as exc:
            logger.warning("custom question %s left out: %s", q.id, "; ".join(exc.problems))
    if not keep:
        return None
    return Bank(name=CUSTOM_BANK, title=CUSTOM_TITLE, questions=tuple(keep))


def export_yaml(name: str, title: str, custom: Bank | None, overlay: Overlay,
                banks: Mapping[str, Bank]) -> str:
    """One bank YAML: the server's custom questions and, for questions of other banks that have accepted
    phrasings, a copy (id ``BANK.ID``) with those phrasings added. Validated by the loader before it is returned."""
    questions: list[dict[str, Any]] = []
    if custom is not None:
        questions += [question_mapping(q, extra_accept=overlay.get((CUSTOM_BANK, q.id), {}))
                      for q in custom.questions]
    for (bank_name, qid), extra in sorted(overlay.items()):
        if bank_name == CUSTOM_BANK or bank_name not in banks:
            continue
        q = banks[bank_name].get(qid)
        if q is None:
            continue
        q = apply_overlay(q, {SHORT_ANSWER: extra.get(SHORT_ANSWER, ())})
        questions.append(question_mapping(q, qid=f"{bank_name}.{qid}"[:64], extra_accept=extra))
    if not questions:
        raise BankError("This server has no custom questions and no accepted phrasings to export yet.")
    header = (f"Exported by Viva: {name}'s custom questions and the phrasings its moderators accepted on appeal.\n"
              "Check it with `python -m bot check FILE`.")
    text = render(name, title, "", questions, header=header)
    parse_bank(text, f"{name}.yaml")  # never hand out a file `check` would refuse
    return text
