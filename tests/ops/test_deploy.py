"""Deployment files parse and agree with the project: Dockerfile, compose.yaml and the lock file."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTIONS = {"FROM", "ENV", "WORKDIR", "COPY", "RUN", "USER", "VOLUME", "CMD", "ARG", "LABEL", "EXPOSE",
                "ENTRYPOINT", "HEALTHCHECK", "ADD", "SHELL", "STOPSIGNAL", "ONBUILD"}


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(instruction, arguments) of a Dockerfile, with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        word, _, rest = line.partition(" ")
        out.append((word, rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return out


def _requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def test_dockerfile_parses_and_copies_only_what_exists() -> None:
    steps = dockerfile_instructions((ROOT / "Dockerfile").read_text())
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11")
    assert {word for word, _ in steps} <= INSTRUCTIONS
    for word, args in steps:
        if word == "COPY":
            *sources, _dest = args.split()
            for src in sources:
                assert (ROOT / src).exists(), f"COPY {src}: not in the project"
    runs = " ".join(args for word, args in steps if word == "RUN")
    assert "-c requirements.lock" in runs, "the image installs from the lock file"
    cmd = [args for word, args in steps if word == "CMD"][-1]
    assert json.loads(cmd) == ["python", "-m", "bot"]
    assert any(word == "USER" and args != "root" for word, args in steps), "the bot does not run as root"


def test_compose_runs_the_bot_against_postgres() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"bot", "db"}
    assert services["db"]["image"].startswith("postgres:")
    bot = services["bot"]
    assert bot["build"] == "."
    assert bot["environment"]["VIVA_DB"].startswith("postgresql://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in services["db"]
    for volume in services["db"].get("volumes", []):
        assert volume.split(":")[0] in compose["volumes"]


def test_lock_pins_every_dependency_of_the_project() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_requirement_name(d) for d in project["dependencies"]}
    wanted |= {_requirement_name(d) for d in project["optional-dependencies"]["dev"]}
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, sep, version = line.partition("==")
            assert sep, f"requirements.lock: {line!r} is not pinned with =="
            pinned[_requirement_name(name)] = version.split(";")[0].strip()
    missing = sorted(wanted - set(pinned))
    assert not missing, f"not in requirements.lock (regenerate it, see README): {missing}"
