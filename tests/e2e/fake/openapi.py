"""Validation of recorded request bodies against Discord's official OpenAPI description, when it is present.

The description (``openapi.json``, about 1.2 MB) is looked for at ``<repo>/../shared/discord-api-spec/`` or at
the path in ``$DISCORD_OPENAPI_SPEC``. It is parsed once per process and validators are built lazily per
operation, so validating a request costs about a millisecond. When the file is absent, :func:`spec_validator`
returns None and :func:`missing_reason` says why; the fake's own limit checks run either way.

Known gaps of the description itself: no schema forbids unknown properties; message content may be 4000
characters although bots are limited to 2000; the 6000-character embed total is not expressed. One place
where it is stricter than Discord is relaxed here: snowflakes are typed as strings, but Discord accepts them as
integers in request bodies (discord.py sends ``recipient_id``, ``message_id`` and others as ints).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

logger = logging.getLogger(__name__)

SPEC_ENV = "DISCORD_OPENAPI_SPEC"
SPEC_URI = "urn:discord:openapi"
_REPO = Path(__file__).resolve().parents[3]
DEFAULT_SPEC = _REPO.parent / "shared" / "discord-api-spec" / "openapi.json"
_MAX_ERRORS = 5


def spec_path() -> Path:
    """Where the OpenAPI description is expected."""
    override = os.environ.get(SPEC_ENV)
    return Path(override) if override else DEFAULT_SPEC


def missing_reason() -> str | None:
    """Why spec validation is skipped, or None when the description is available."""
    path = spec_path()
    if path.is_file():
        return None
    return (
        f"Discord's OpenAPI description is not at {path} (set ${SPEC_ENV} to point elsewhere); "
        "request bodies are checked against the fake's own limits only"
    )


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class SpecValidator:
    """Validates request bodies by HTTP method and API path (the part after ``/api/v10``)."""

    spec: dict[str, Any]
    _registry: Registry = field(init=False)
    _paths: list[tuple[re.Pattern[str], str]] = field(init=False)
    _validators: dict[tuple[str, str], jsonschema.protocols.Validator | None] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self._registry = Registry().with_resource(SPEC_URI, resource)
        templates = sorted(self.spec.get("paths", {}), key=lambda t: (t.count("{"), -len(t)))
        self._paths = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t)) + "$"), t) for t in templates
        ]

    def operation(self, path: str) -> str | None:
        """The OpenAPI path template that matches a concrete path (literal segments win)."""
        for pattern, template in self._paths:
            if pattern.match(path):
                return template
        return None

    def _validator(self, method: str, template: str) -> jsonschema.protocols.Validator | None:
        key = (method, template)
        if key not in self._validators:
            operation = self.spec["paths"][template].get(method.lower(), {})
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                self._validators[key] = None
            else:
                pointer = _pointer(
                    "paths", template, method.lower(), "requestBody", "content", "application/json", "schema"
                )
                schema = {"$ref": f"{SPEC_URI}#/{pointer}"}
                self._validators[key] = jsonschema.Draft202012Validator(schema, registry=self._registry)
        return self._validators[key]

    def validate(self, method: str, path: str, body: Any) -> list[str]:
        """Readable problems with ``body`` for ``method path``; empty when valid or when no schema applies."""
        template = self.operation(path)
        if template is None:
            return []
        validator = self._validator(method, template)
        if validator is None:
            return []
        problems = []
        for error in validator.iter_errors(body):
            best = jsonschema.exceptions.best_match([error]) or error
            where = best.json_path
            message = best.message if len(best.message) <= 200 else best.message[:200] + "…"
            problems.append(f"{where}: {message}")
            if len(problems) >= _MAX_ERRORS:
                break
        return problems


@functools.cache
def _load(path: str) -> SpecValidator:
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    schemas = spec.get("components", {}).get("schemas", {})
    if "SnowflakeType" in schemas:
        schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    logger.debug("loaded Discord's OpenAPI description from %s (%d paths)", path, len(spec.get("paths", {})))
    return SpecValidator(spec)


def spec_validator() -> SpecValidator | None:
    """The process-wide validator, or None when the description is absent."""
    if missing_reason() is not None:
        return None
    return _load(str(spec_path()))
