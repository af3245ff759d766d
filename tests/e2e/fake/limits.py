"""Discord's documented limits, checked the way Discord checks them.

Every ``check_*`` function is pure: it takes a JSON body (or part of one) and returns a list of
:class:`FieldError`; :func:`invalid_form_body` turns that list into the 400 body Discord answers
(code 50035 "Invalid Form Body" with an ``errors`` tree such as
``{"embeds": {"0": {"title": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", ...}]}}}}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Messages
CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000
# Components
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_PLACEHOLDER_MAX = 150
SELECT_OPTION_TEXT_MAX = 100
V2_COMPONENTS_MAX = 40
V2_TEXT_MAX = 4000
# Modals
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
LABEL_DESCRIPTION_MAX = 100
# Application commands
COMMAND_NAME_RE = re.compile(r"^[-_\w]{1,32}$")
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
CHAT_INPUT_COMMANDS_MAX = 100
CONTEXT_MENU_COMMANDS_MAX = 5
# Threads
THREAD_NAME_MAX = 100
ALLOWED_MENTIONS_MAX = 100

FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One rejected field: where it is in the body, Discord's error code and message."""

    path: Path
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "<body>"
        return f"{where}: {self.code} {self.message}"


def errors_tree(errors: Iterable[FieldError]) -> dict[str, Any]:
    """Nest field errors the way Discord does: list indexes become string keys, leaves hold ``_errors``."""
    tree: dict[str, Any] = {}
    for error in errors:
        node = tree
        for part in error.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return tree


def invalid_form_body(errors: Iterable[FieldError]) -> dict[str, Any]:
    """The JSON body of Discord's 400 answer for a request that breaks its limits."""
    return {"message": "Invalid Form Body", "code": 50035, "errors": errors_tree(errors)}


def _max_length(path: Path, value: Any, limit: int) -> Iterator[FieldError]:
    if isinstance(value, str) and len(value) > limit:
        yield FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _bad_length(path: Path, value: Any, low: int, high: int) -> Iterator[FieldError]:
    if not isinstance(value, str | list) or not low <= len(value) <= high:
        yield FieldError(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def _required(path: Path) -> FieldError:
    return FieldError(path, "BASE_TYPE_REQUIRED", "This field is required")


def _max_items(path: Path, items: Any, limit: int) -> Iterator[FieldError]:
    if isinstance(items, list) and len(items) > limit:
        yield FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


# ---------------------------------------------------------------------------------------------- messages


def embed_size(embed: dict[str, Any]) -> int:
    """Characters that count towards the 6000 limit: title, description, field names/values, footer, author."""
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        size += len(field.get("name") or "") + len(field.get("value") or "")
    return size


def check_embeds(embeds: Any, path: Path = ("embeds",)) -> list[FieldError]:
    """Embed count, per-field lengths and the 6000-character total across all embeds of a message."""
    if not isinstance(embeds, list):
        return []
    errors: list[FieldError] = list(_max_items(path, embeds, EMBEDS_MAX))
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        at = (*path, i)
        errors += _max_length((*at, "title"), embed.get("title"), EMBED_TITLE_MAX)
        errors += _max_length((*at, "description"), embed.get("description"), EMBED_DESCRIPTION_MAX)
        errors += _max_length(
            (*at, "footer", "text"), (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX
        )
        errors += _max_length(
            (*at, "author", "name"), (embed.get("author") or {}).get("name"), EMBED_AUTHOR_NAME_MAX
        )
        fields = embed.get("fields") or []
        errors += _max_items((*at, "fields"), fields, EMBED_FIELDS_MAX)
        for j, field in enumerate(fields):
            where = (*at, "fields", j)
            for key, limit in (("name", EMBED_FIELD_NAME_MAX), ("value", EMBED_FIELD_VALUE_MAX)):
                value = field.get(key)
                if not value:
                    errors.append(_required((*where, key)))
                else:
                    errors += _max_length((*where, key), value, limit)
        total += embed_size(embed)
    if total > EMBED_TOTAL_MAX:
        errors.append(
            FieldError(path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")
        )
    return errors


def _walk_components(components: Any) -> Iterator[dict[str, Any]]:
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk_components(component.get("components"))
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from _walk_components([child])


def _check_custom_id(path: Path, component: dict[str, Any]) -> Iterator[FieldError]:
    custom_id = component.get("custom_id")
    if custom_id is None:
        yield _required((*path, "custom_id"))
    else:
        yield from _bad_length((*path, "custom_id"), custom_id, 1, CUSTOM_ID_MAX)


def _check_button(path: Path, button: dict[str, Any]) -> Iterator[FieldError]:
    style = button.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        yield FieldError((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
    if style == 5:
        if not button.get("url"):
            yield FieldError((*path, "url"), "BUTTON_COMPONENT_URL_REQUIRED", "A URL is required")
        if "custom_id" in button:
            yield FieldError(
                (*path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id is not allowed"
            )
    elif style != 6:
        yield from _check_custom_id(path, button)
    if style != 6 and not button.get("label") and not button.get("emoji"):
        yield FieldError(path, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A label or an emoji is required")
    yield from _max_length((*path, "label"), button.get("label"), BUTTON_LABEL_MAX)


def _check_select(path: Path, select: dict[str, Any]) -> Iterator[FieldError]:
    yield from _check_custom_id(path, select)
    yield from _max_length((*path, "placeholder"), select.get("placeholder"), SELECT_PLACEHOLDER_MAX)
    for key in ("min_values", "max_values"):
        value = select.get(key)
        low = 0 if key == "min_values" else 1
        if value is not None and not (isinstance(value, int) and low <= value <= SELECT_OPTIONS_MAX):
            yield FieldError(
                (*path, key), "NUMBER_TYPE_OUT_OF_RANGE", f"Int value should be between {low} and 25."
            )
    if select.get("type") == 3:
        options = select.get("options")
        if not isinstance(options, list) or not options:
            yield from _bad_length((*path, "options"), options, 1, SELECT_OPTIONS_MAX)
            return
        yield from _max_items((*path, "options"), options, SELECT_OPTIONS_MAX)
        for i, option in enumerate(options):
            for key in ("label", "value"):
                yield from _bad_length((*path, "options", i, key), option.get(key), 1, SELECT_OPTION_TEXT_MAX)
            yield from _max_length(
                (*path, "options", i, "description"), option.get("description"), SELECT_OPTION_TEXT_MAX
            )


def _check_action_row(path: Path, row: dict[str, Any]) -> Iterator[FieldError]:
    children = row.get("components")
    if not isinstance(children, list) or not children:
        yield from _bad_length((*path, "components"), children, 1, ROW_BUTTONS_MAX)
        return
    yield from _max_items((*path, "components"), children, ROW_BUTTONS_MAX)
    selects = [c for c in children if isinstance(c, dict) and c.get("type") in (3, 5, 6, 7, 8)]
    if selects and len(children) > 1:
        yield FieldError(
            (*path, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for i, child in enumerate(children):
        if not isinstance(child, dict):
            continue
        kind = child.get("type")
        if kind == 2:
            yield from _check_button((*path, "components", i), child)
        elif kind in (3, 5, 6, 7, 8):
            yield from _check_select((*path, "components", i), child)
        else:
            yield FieldError(
                (*path, "components", i, "type"),
                "UNION_TYPE_CHOICES",
                f"Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8); got {kind!r}.",
            )


def check_components(components: Any, flags: int = 0, path: Path = ("components",)) -> list[FieldError]:
    """Action rows (≤ 5, ≤ 5 buttons each, a select alone), custom_id ≤ 100 and unique, label ≤ 80."""
    if not isinstance(components, list):
        return []
    errors: list[FieldError] = []
    v2 = bool(flags & FLAG_COMPONENTS_V2)
    if v2:
        everything = list(_walk_components(components))
        if len(everything) > V2_COMPONENTS_MAX:
            errors.append(
                FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {V2_COMPONENTS_MAX} or fewer in length.")
            )
        text = sum(len(c.get("content") or "") for c in everything if c.get("type") == 10)
        if text > V2_TEXT_MAX:
            errors.append(
                FieldError(path, "MAX_TEXT_LENGTH_EXCEEDED", f"Text displays exceed {V2_TEXT_MAX} characters")
            )
    else:
        errors += _max_items(path, components, ACTION_ROWS_MAX)
    for i, component in enumerate(components):
        if not isinstance(component, dict):
            continue
        if component.get("type") == 1:
            errors += _check_action_row((*path, i), component)
        elif not v2:
            errors.append(
                FieldError(
                    (*path, i, "type"),
                    "UNION_TYPE_CHOICES",
                    "Value of field \"type\" must be one of (1,) without the IS_COMPONENTS_V2 flag.",
                )
            )
    seen: set[str] = set()
    for component in _walk_components(components):
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors.append(
                    FieldError(path, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
                )
            seen.add(custom_id)
    return errors


def check_allowed_mentions(allowed: Any, path: Path = ("allowed_mentions",)) -> list[FieldError]:
    """``parse: ["users"]`` excludes a ``users`` list (and the same for roles); each list holds ≤ 100 ids."""
    if not isinstance(allowed, dict):
        return []
    errors: list[FieldError] = []
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            errors.append(
                FieldError(
                    (*path, "parse"),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f"parse:[\"{kind}\"] and {kind}: [ids] are mutually exclusive.",
                )
            )
        errors += _max_items((*path, kind), allowed.get(kind), ALLOWED_MENTIONS_MAX)
    return errors


def check_message(body: Any, path: Path = ()) -> list[FieldError]:
    """Content ≤ 2000, the embed limits and the component limits of a message create/edit body."""
    if not isinstance(body, dict):
        return []
    errors: list[FieldError] = check_allowed_mentions(body.get("allowed_mentions"), (*path, "allowed_mentions"))
    flags = body.get("flags") or 0
    content = body.get("content")
    errors += _max_length((*path, "content"), content, CONTENT_MAX)
    errors += check_embeds(body.get("embeds"), (*path, "embeds"))
    errors += check_components(body.get("components"), flags, (*path, "components"))
    if flags & FLAG_COMPONENTS_V2:
        for key in ("content", "embeds"):
            if body.get(key):
                errors.append(
                    FieldError(
                        (*path, key),
                        "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                        "The 'content' and 'embeds' fields cannot be used when using IS_COMPONENTS_V2",
                    )
                )
    return errors


def is_empty_message(body: dict[str, Any], attachments: int = 0) -> bool:
    """Whether Discord would answer 50006 "Cannot send an empty message"."""
    return not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or attachments
    )


# ---------------------------------------------------------------------------------------------- modals


def _check_text_input(path: Path, text_input: dict[str, Any], *, label_required: bool) -> Iterator[FieldError]:
    yield from _check_custom_id(path, text_input)
    if text_input.get("style") not in (1, 2):
        yield FieldError((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    label = text_input.get("label")
    if label_required and not label:
        yield _required((*path, "label"))
    yield from _max_length((*path, "label"), label, TEXT_INPUT_LABEL_MAX)
    yield from _max_length((*path, "value"), text_input.get("value"), TEXT_INPUT_VALUE_MAX)
    yield from _max_length((*path, "placeholder"), text_input.get("placeholder"), TEXT_INPUT_PLACEHOLDER_MAX)
    for key, low in (("min_length", 0), ("max_length", 1)):
        value = text_input.get(key)
        if value is not None and not (isinstance(value, int) and low <= value <= TEXT_INPUT_VALUE_MAX):
            yield FieldError(
                (*path, key), "NUMBER_TYPE_OUT_OF_RANGE", f"Int value should be between {low} and 4000."
            )


def check_modal(data: Any, path: Path = ("data",)) -> list[FieldError]:
    """A modal callback's data: title ≤ 45, 1-5 rows, text input label ≤ 45, value ≤ 4000, placeholder ≤ 100.

    Both layouts discord.py 2.7 sends are understood: an action row (type 1) holding one text input (type 4),
    and a label (type 18) holding a text input or a select; text displays (type 10) are allowed too.
    """
    if not isinstance(data, dict):
        return [_required(path)]
    errors: list[FieldError] = []
    title = data.get("title")
    if not title:
        errors.append(_required((*path, "title")))
    errors += _max_length((*path, "title"), title, MODAL_TITLE_MAX)
    errors += _check_custom_id(path, data)
    components = data.get("components")
    if not isinstance(components, list) or not components:
        errors += _bad_length((*path, "components"), components, 1, MODAL_COMPONENTS_MAX)
        return errors
    errors += _max_items((*path, "components"), components, MODAL_COMPONENTS_MAX)
    seen: set[str] = set()
    for i, component in enumerate(components):
        at = (*path, "components", i)
        kind = component.get("type") if isinstance(component, dict) else None
        if kind == 1:
            children = component.get("components") or []
            if len(children) != 1:
                errors += _bad_length((*at, "components"), children, 1, 1)
            for j, child in enumerate(children):
                if child.get("type") == 4:
                    errors += _check_text_input((*at, "components", j), child, label_required=True)
                else:
                    errors += _check_select((*at, "components", j), child)
        elif kind == 18:
            label = component.get("label")
            if not label:
                errors.append(_required((*at, "label")))
            errors += _max_length((*at, "label"), label, TEXT_INPUT_LABEL_MAX)
            errors += _max_length((*at, "description"), component.get("description"), LABEL_DESCRIPTION_MAX)
            child = component.get("component")
            if not isinstance(child, dict):
                errors.append(_required((*at, "component")))
            elif child.get("type") == 4:
                errors += _check_text_input((*at, "component"), child, label_required=False)
            else:
                errors += _check_select((*at, "component"), child)
        elif kind == 10:
            errors += _max_length((*at, "content"), component.get("content"), V2_TEXT_MAX)
        else:
            errors.append(
                FieldError(
                    (*at, "type"),
                    "UNION_TYPE_CHOICES",
                    f"Value of field \"type\" must be one of (1, 10, 18); got {kind!r}.",
                )
            )
    for component in _walk_components(components):
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors.append(
                    FieldError(
                        (*path, "components"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                )
            seen.add(custom_id)
    return errors


# ---------------------------------------------------------------------------------------------- commands


def _check_name(path: Path, name: Any, *, chat_input: bool) -> Iterator[FieldError]:
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_MAX:
        yield from _bad_length(path, name, 1, COMMAND_NAME_MAX)
    elif chat_input and (not COMMAND_NAME_RE.match(name) or name != name.lower()):
        yield FieldError(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_choices(path: Path, choices: Any, option_type: Any) -> Iterator[FieldError]:
    if not isinstance(choices, list):
        return
    yield from _max_items(path, choices, CHOICES_MAX)
    for i, choice in enumerate(choices):
        yield from _bad_length((*path, i, "name"), choice.get("name"), 1, CHOICE_NAME_MAX)
        value = choice.get("value")
        if option_type == 3 or isinstance(value, str):
            yield from _bad_length((*path, i, "value"), value, 1, CHOICE_STRING_VALUE_MAX)


def _check_options(path: Path, options: Any, parent: int) -> Iterator[FieldError]:
    """Options of a command (parent 0), of a subcommand group (parent 2) or of a subcommand (parent 1)."""
    if not isinstance(options, list):
        return
    yield from _max_items(path, options, COMMAND_OPTIONS_MAX)
    names: set[str] = set()
    optional_seen = False
    kinds = {option.get("type") for option in options}
    if kinds & {1, 2} and kinds - {1, 2}:
        yield FieldError(
            path, "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Subcommands cannot be mixed with other options"
        )
    for i, option in enumerate(options):
        at = (*path, i)
        kind = option.get("type")
        yield from _check_name((*at, "name"), option.get("name"), chat_input=True)
        yield from _bad_length((*at, "description"), option.get("description"), 1, COMMAND_DESCRIPTION_MAX)
        if option.get("name") in names:
            yield FieldError(
                (*at, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"
            )
        names.add(option.get("name"))
        allowed = (
            (kind == 2 and parent == 0) or (kind == 1 and parent in (0, 2)) or (kind not in (1, 2) and parent != 2)
        )
        if not allowed:
            yield FieldError((*at, "type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Invalid option nesting")
        if kind in (1, 2):
            yield from _check_options((*at, "options"), option.get("options") or [], kind)
            continue
        if option.get("required"):
            if optional_seen:
                yield FieldError(
                    (*at, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        if option.get("choices") and option.get("autocomplete"):
            yield FieldError(
                (*at, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_AND_CHOICES",
                "Autocomplete cannot be set with choices",
            )
        yield from _check_choices((*at, "choices"), option.get("choices"), kind)


def check_commands(commands: Any) -> list[FieldError]:
    """A bulk overwrite: names 1-32 lowercase ``^[-_\\w]{1,32}$``, descriptions 1-100, ≤ 25 options/choices."""
    if not isinstance(commands, list):
        return [FieldError((), "BASE_TYPE_ARRAY", "Must be an array.")]
    errors: list[FieldError] = []
    by_type: dict[int, set[str]] = {}
    for i, command in enumerate(commands):
        kind = command.get("type", 1)
        chat_input = kind == 1
        errors += _check_name((i, "name"), command.get("name"), chat_input=chat_input)
        description = command.get("description")
        if chat_input:
            errors += _bad_length((i, "description"), description, 1, COMMAND_DESCRIPTION_MAX)
        elif description:
            errors.append(
                FieldError((i, "description"), "BASE_TYPE_MAX_LENGTH", "Context menus have no description.")
            )
        names = by_type.setdefault(kind, set())
        if command.get("name") in names:
            errors.append(
                FieldError(
                    (i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"
                )
            )
        names.add(command.get("name"))
        errors += _check_options((i, "options"), command.get("options"), 0)
    for kind, names in by_type.items():
        limit = CHAT_INPUT_COMMANDS_MAX if kind == 1 else CONTEXT_MENU_COMMANDS_MAX
        if len(names) > limit:
            errors.append(FieldError((), "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."))
    return errors


def check_autocomplete(data: Any, path: Path = ("data",)) -> list[FieldError]:
    """Autocomplete results: ≤ 25 choices, each name 1-100 and string value ≤ 100."""
    if not isinstance(data, dict):
        return [_required(path)]
    choices = data.get("choices")
    if not isinstance(choices, list):
        return [_required((*path, "choices"))]
    return list(_check_choices((*path, "choices"), choices, None))


def check_thread(body: Any) -> list[FieldError]:
    """A thread's name is 1-100 characters."""
    if not isinstance(body, dict):
        return []
    return list(_bad_length(("name",), body.get("name"), 1, THREAD_NAME_MAX))
