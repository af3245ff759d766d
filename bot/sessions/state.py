"""What quiz and interview states share: a JSON form for the session row and a cursor over question ids."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Self


class QuestionCursor:
    """Mixin for dataclasses with ``question_ids`` and ``index``, stored as JSON."""

    question_ids: list[str]
    index: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from the JSON form, ignoring keys this version does not know."""
        fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
        return cls(**{k: data[k] for k in fields if k in data})

    @property
    def current_id(self) -> str | None:
        """The id of the question being asked, or None when all are done."""
        return self.question_ids[self.index] if self.index < len(self.question_ids) else None

    @property
    def finished(self) -> bool:
        """True once every question is done."""
        return self.index >= len(self.question_ids)
