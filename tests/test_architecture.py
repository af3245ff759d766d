"""The layering DESIGN.md asks for: domain code never imports discord; SQL lives only in bot/store."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
PURE = ["bank", "grading", "sessions", "schedule", "store", "answering.py", "clock.py", "practice.py", "errors.py"]
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I | re.S)


def _modules(*parts: str) -> list[Path]:
    out: list[Path] = []
    for part in parts:
        path = BOT / part
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", _modules(*PURE), ids=lambda p: str(p.relative_to(BOT)))
def test_domain_code_does_not_import_discord(path: Path) -> None:
    assert not {"discord", "aiohttp"} & _imports(path)


@pytest.mark.parametrize("path", [p for p in _modules(".") if "store" not in p.parts],
                         ids=lambda p: str(p.relative_to(BOT)))
def test_sql_lives_only_in_the_store(path: Path) -> None:
    strings = [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [s for s in strings if SQL.search(s)], path
