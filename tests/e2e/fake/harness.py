"""The story-like test API over a :class:`FakeDiscord`, and :func:`start_client`.

A scenario reads like what members do::

    r = await discord.slash(alice, "quiz start", bank="flask", count=3)
    question = await discord.next_message(channel)
    r = await discord.click(bob, question, "Answer")
    r = await discord.submit_modal(bob, response="Flask is a microframework ...")
    assert r.ephemeral and "scored" in r.content

Each helper refuses (with :class:`HarnessError`) what a real member could not do in Discord's client: use a
command hidden by its default permissions, fill a required option badly, click a disabled button or someone
else's ephemeral message, submit a modal that was never shown, post where they cannot post.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import discord as dpy

from . import limits
from .interactions import (
    APPLICATION_COMMAND,
    ATTACHMENT_SIZE_LIMIT,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    ApiError,
    Interaction,
)
from .server import FakeDiscord, HarnessTimeout
from .world import (
    ALL_PERMISSIONS,
    Channel,
    Guild,
    Member,
    Message,
    Perm,
    Role,
    User,
    base_permissions,
    can_post,
    channel_permissions,
)

logger = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=dpy.Client)
Who = Member | User

DEFAULT_TIMEOUT = 5.0


class HarnessError(AssertionError):
    """A test asked for something a Discord user could not do."""


def _user(who: Who) -> User:
    return who.user if isinstance(who, Member) else who


class InteractionResult:
    """What the bot answered to one interaction (the state is live: edits show up)."""

    def __init__(self, discord: Discord, interaction: Interaction) -> None:
        self._discord = discord
        self.interaction = interaction
        self._edits_seen = interaction.edits_at_answer

    def __repr__(self) -> str:
        return f"<InteractionResult {self.interaction.name} type={self.type} content={self.content!r}>"

    @property
    def type(self) -> int | None:
        """The accepted callback type (4 message, 5 deferred, 6 deferred update, 7 update, 8 choices, 9 modal)."""
        return self.interaction.response_type

    @property
    def message(self) -> Message | None:
        """The message the response created or updated (for 6/7: the message the component is on)."""
        return self.interaction.response

    @property
    def content(self) -> str:
        """The response message's current content ("" when there is none)."""
        return self.message.content if self.message is not None else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The response message's current embeds."""
        return self.message.embeds if self.message is not None else []

    @property
    def embed(self) -> dict[str, Any] | None:
        """The first embed, if any."""
        return self.embeds[0] if self.embeds else None

    @property
    def components(self) -> list[dict[str, Any]]:
        """The response message's current components."""
        return self.message.components if self.message is not None else []

    @property
    def flags(self) -> int:
        """The response message's flags."""
        return self.message.flags if self.message is not None else 0

    @property
    def ephemeral(self) -> bool:
        """Whether only the member sees the response."""
        return self.message is not None and self.message.ephemeral

    @property
    def followups(self) -> list[Message]:
        """Follow-up messages so far (the first after a deferral is the original message, filled in)."""
        return self.interaction.followups

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot showed (callback type 9)."""
        return self.interaction.modal

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete choices (callback type 8)."""
        return self.interaction.choices

    @property
    def error(self) -> ApiError | None:
        """Why the fake refused the bot's callback (late, repeated, over a limit), or None."""
        return self.interaction.error

    async def wait_followup(self, n: int = 1) -> Message:
        """The ``n``-th follow-up (1-based), waiting for it if needed."""
        ix = self.interaction
        await self._discord.fake.wait_until(
            lambda: len(ix.followups) >= n, self._discord.timeout, f"follow-up #{n} to {ix.name}"
        )
        message = ix.followups[n - 1]
        self._discord.handed.add(message.id)
        return message

    async def wait_edit(
        self, until: Callable[[Message], bool] | None = None
    ) -> Message:
        """The response message after an edit newer than the last one seen (and satisfying ``until``).

        Edits made by the callback itself (type 7) are already in the result; edits the bot makes later
        (PATCH @original, a follow-up filling a deferred reply) are what this waits for.
        """
        ix = self.interaction

        def edited() -> Message | None:
            message = ix.response
            if message is None or message.edits <= self._edits_seen:
                return None
            return message if until is None or until(message) else None

        what = f"an edit of the response to {ix.name}"
        message = await self._discord.fake.wait_until(edited, self._discord.timeout, what)
        self._edits_seen = message.edits
        return message


class Discord:
    """What members do, and what they see, against a :class:`FakeDiscord`."""

    def __init__(self, fake: FakeDiscord, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.fake = fake
        self.timeout = timeout
        self.handed: set[int] = set()
        self._modals: dict[int, Interaction] = {}

    # ------------------------------------------------------------------------------------------- reading

    def messages_in(self, channel: Channel) -> list[Message]:
        """The channel's messages as they are now (after edits and deletes), oldest first; no ephemerals."""
        return self.fake.world.messages_in(channel)

    # ``timeout=`` is part of the harness API the scenarios are written against, hence the noqa.
    async def next_message(self, channel: Channel, timeout: float | None = None) -> Message:  # noqa: ASYNC109
        """The oldest message the bot posted in ``channel`` that no helper has handed to the test yet.

        Messages returned as an interaction's response or follow-up count as handed, so after
        ``r = await discord.slash(...)`` this returns what the bot posts next rather than ``r.message``.
        """
        bot = self.fake.bot_user

        def pick() -> Message | None:
            for message in self.fake.world.messages_in(channel):
                if message.author is bot and message.id not in self.handed:
                    return message
            return None

        where = f"#{channel.name}" if channel.name else f"channel {channel.id}"
        message = await self.fake.wait_until(pick, timeout or self.timeout, f"the bot to post in {where}")
        self.handed.add(message.id)
        return message

    def ephemerals(self, member: Who) -> list[Message]:
        """Ephemeral messages the member saw, oldest first (live: edits show)."""
        user = _user(member)
        return [m for m in self.fake.world.messages.values() if m.visible_to == user.id and not m.deleted]

    def dm_channel(self, member: Who) -> Channel | None:
        """The DM channel the bot opened with the member, if any."""
        user = _user(member)
        return next((c for c in self.fake.world.channels.values() if c.is_dm and c.recipient is user), None)

    def open_dm(self, member: Who) -> Channel:
        """The member opens a DM with the bot (or finds the existing one), to ``say`` something there."""
        return self.fake.open_dm(_user(member))

    def threads_in(self, channel: Channel) -> list[Channel]:
        """Threads created in (or from a message of) ``channel``."""
        if channel.guild is None:
            return []
        return [t for t in channel.guild.threads if t.parent is channel]

    def last_modal(self, member: Who) -> dict[str, Any] | None:
        """The modal currently open for the member (shown and not yet submitted)."""
        ix = self._modals.get(_user(member).id)
        return ix.modal if ix is not None else None

    # ------------------------------------------------------------------------------------------- acting

    async def say(self, member: Who, channel: Channel, content: str) -> Message:
        """The member posts a message; MESSAGE_CREATE is dispatched (guild channels, threads and DMs)."""
        user = _user(member)
        guild = channel.guild
        if channel.deleted:
            raise HarnessError(f"channel {channel.name!r} was deleted")
        if guild is not None:
            gm = self._guild_member(guild, user)
            if not can_post(gm, channel):
                raise HarnessError(f"{user.name} cannot post in {channel.name!r}")
        elif channel.recipient is not user:
            raise HarnessError(f"{user.name} is not in this DM")
        if not content or len(content) > limits.CONTENT_MAX:
            raise HarnessError(f"Discord's client sends 1 to {limits.CONTENT_MAX} characters, not {len(content)}")
        world = self.fake.world
        message = Message(
            id=world.ids.next(), channel=channel, author=user, content=content, mentions=world.mentioned(content)
        )
        world.messages[message.id] = message
        self.fake.gateway.dispatch_message("MESSAGE_CREATE", message)
        await self.fake.gateway.flush()
        self.fake.notify()
        return message

    async def react(self, member: Who, message: Message, emoji: str) -> None:
        """The member reacts to a message (MESSAGE_REACTION_ADD)."""
        self.fake.rest.react(message, emoji, _user(member).id)
        await self.fake.gateway.flush()
        self.fake.notify()

    async def slash(
        self, member: Who, command: str, *, channel: Channel | None = None,
        options: dict[str, Any] | None = None, **named: Any,
    ) -> InteractionResult:
        """Run ``/command`` ("quiz start" for a subcommand) with options, as the member would in the client.

        ``channel`` is where the command is used (default: the guild's first text channel). Options are keyword
        arguments; one whose name clashes with a parameter (an option called ``channel``) goes in ``options``.
        Users, members, channels and roles are passed as world objects and arrive with ``resolved`` data.
        """
        where = self._default_channel(member, channel)
        data = self._command_data(member, where, command, named | (options or {}), focused=None)
        ix = self._dispatch(APPLICATION_COMMAND, member, where, data)
        return await self._result(ix)

    async def autocomplete(
        self, member: Who, command: str, option: str, typed: str, *, channel: Channel | None = None,
        options: dict[str, Any] | None = None, **named: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot suggests for ``option`` while the member has typed ``typed``."""
        where = self._default_channel(member, channel)
        data = self._command_data(member, where, command, named | (options or {}), focused=(option, typed))
        ix = self._dispatch(AUTOCOMPLETE, member, where, data)
        result = await self._result(ix)
        if result.error is not None:
            raise HarnessError(f"the fake refused the bot's autocomplete answer: {result.error}")
        return list(result.choices or [])

    async def click(
        self, member: Who, message: Message, label: str | None = None, *, custom_id: str | None = None
    ) -> InteractionResult:
        """Click a button of a message, found by its label (or ``custom_id=``)."""
        button = self._component(member, message, 2, label, custom_id)
        if button.get("style") == 5:
            raise HarnessError("a link button opens a URL; it sends no interaction")
        data: dict[str, Any] = {"custom_id": button["custom_id"], "component_type": 2}
        if "id" in button:
            data["id"] = button["id"]
        ix = self._dispatch(MESSAGE_COMPONENT, member, message.channel, data, source=message)
        return await self._result(ix)

    async def select(
        self, member: Who, message: Message, values: list[str], *, custom_id: str | None = None
    ) -> InteractionResult:
        """Pick ``values`` in a string select menu of a message (the only one, or the one with ``custom_id``)."""
        menu = self._component(member, message, 3, None, custom_id)
        allowed = [o.get("value") for o in menu.get("options") or []]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise HarnessError(f"{unknown} are not options of the select (options: {allowed})")
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(values) <= high:
            raise HarnessError(f"the select takes {low} to {high} values, not {len(values)}")
        data = {"custom_id": menu["custom_id"], "component_type": 3, "values": list(values)}
        ix = self._dispatch(MESSAGE_COMPONENT, member, message.channel, data, source=message)
        return await self._result(ix)

    async def submit_modal(self, member: Who, **values: Any) -> InteractionResult:
        """Submit the modal last shown to the member; ``values`` are keyed by text-input custom_id.

        An input left out keeps its pre-filled value (or stays empty, which a required input refuses).
        """
        user = _user(member)
        shown = self._modals.pop(user.id, None)
        if shown is None or shown.modal is None:
            raise HarnessError(f"no modal is open for {user.name}")
        remaining = dict(values)
        components = [self._submitted(c, remaining) for c in shown.modal.get("components") or []]
        if remaining:
            raise HarnessError(f"the modal has no inputs {sorted(remaining)}")
        data = {"custom_id": shown.modal["custom_id"], "components": components}
        ix = self._dispatch(MODAL_SUBMIT, member, shown.channel, data, source=shown.source)
        return await self._result(ix)

    # ------------------------------------------------------------------------------------------- internals

    def _guild_member(self, guild: Guild, user: User) -> Member:
        member = guild.members.get(user.id)
        if member is None:
            raise HarnessError(f"{user.name} is not a member of {guild.name!r}")
        return member

    def _default_channel(self, member: Who, channel: Channel | None) -> Channel:
        if channel is not None:
            return channel
        if isinstance(member, Member) and member.guild.text_channels:
            return member.guild.text_channels[0]
        raise HarnessError("say in which channel: pass channel=")

    def _component(self, member: Who, message: Message, kind: int, label: str | None,
                   custom_id: str | None) -> dict[str, Any]:
        user = _user(member)
        if message.deleted:
            raise HarnessError("the message was deleted")
        if message.visible_to is not None and message.visible_to != user.id:
            raise HarnessError(f"only the member it was sent to sees this ephemeral message, not {user.name}")
        candidates = [c for c in message.walk_components() if c.get("type") == kind]
        if custom_id is not None:
            matches = [c for c in candidates if c.get("custom_id") == custom_id]
        elif label is not None:
            matches = [c for c in candidates if c.get("label") == label]
        else:
            matches = candidates
        if len(matches) != 1:
            seen = [c.get("label") or c.get("placeholder") or c.get("custom_id") for c in candidates]
            wanted = label if label is not None else custom_id
            problem = "no" if not matches else "more than one"
            raise HarnessError(f"{problem} component matches {wanted!r} on the message (it has {seen})")
        component = matches[0]
        if component.get("disabled"):
            raise HarnessError(f"{component.get('label') or component.get('custom_id')!r} is disabled")
        return component

    def _submitted(self, component: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        kind = component.get("type")
        out: dict[str, Any] = {"type": kind}
        if "id" in component:
            out["id"] = component["id"]
        if kind == 1:
            out["components"] = [self._submitted(c, values) for c in component.get("components") or []]
        elif kind == 18:
            out["component"] = self._submitted(component["component"], values)
        elif kind == 4:
            custom_id = component["custom_id"]
            value = values.pop(custom_id, component.get("value") or "")
            if not isinstance(value, str):
                raise HarnessError(f"a text input holds text, not {value!r}")
            required = component.get("required", True)
            if required and not value:
                raise HarnessError(f"the modal requires {custom_id!r}")
            low, high = component.get("min_length") or 0, component.get("max_length") or 4000
            if value and not low <= len(value) <= high:
                raise HarnessError(f"{custom_id!r} takes {low} to {high} characters, not {len(value)}")
            out |= {"custom_id": custom_id, "value": value}
        elif kind == 3:
            out |= {"custom_id": component["custom_id"], "values": list(values.pop(component["custom_id"], []))}
        return out

    def _command_data(
        self, member: Who, channel: Channel, command: str, options: dict[str, Any],
        focused: tuple[str, str] | None,
    ) -> dict[str, Any]:
        user = _user(member)
        guild = channel.guild
        root_name, *path = command.strip().lstrip("/").split()
        definition, scope = self._find_command(guild, root_name)
        self._check_command_visible(user, channel, definition)
        level = definition
        nested: list[dict[str, Any]] = []
        for name in path:
            sub = next(
                (o for o in level.get("options") or [] if o.get("name") == name and o.get("type") in (1, 2)),
                None,
            )
            if sub is None:
                subs = [o["name"] for o in level.get("options") or [] if o.get("type") in (1, 2)]
                raise HarnessError(f"/{root_name} has no subcommand {name!r} (has {subs})")
            nested.append(sub)
            level = sub
        if any(o.get("type") in (1, 2) for o in level.get("options") or []):
            subs = [o["name"] for o in level.get("options") or []]
            raise HarnessError(f"/{command} needs a subcommand: one of {subs}")
        resolved: dict[str, dict[str, Any]] = {}
        values = self._options(user, channel, level.get("options") or [], options, resolved, focused)
        for sub in reversed(nested):
            values = [{"type": sub["type"], "name": sub["name"], "options": values}]
        data: dict[str, Any] = {
            "id": definition["id"],
            "name": definition["name"],
            "type": 1,
            "options": values,
        }
        if resolved:
            data["resolved"] = resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        return data

    def _find_command(self, guild: Guild | None, name: str) -> tuple[dict[str, Any], int | None]:
        """A synced chat-input command by name: the guild's own first, then the global one (as Discord merges)."""
        scopes: list[Guild | None] = [guild, None] if guild is not None else [None]
        for scope in scopes:
            for definition in self.fake.commands(scope):
                if definition.get("type", 1) == 1 and definition["name"] == name:
                    return definition, scope.id if scope is not None else None
        synced = sorted({d["name"] for scope in scopes for d in self.fake.commands(scope)})
        raise HarnessError(f"no slash command /{name} is synced here (synced: {synced})")

    def _check_command_visible(self, user: User, channel: Channel, definition: dict[str, Any]) -> None:
        name = definition["name"]
        contexts = definition.get("contexts")
        if channel.guild is None:
            if definition.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
                raise HarnessError(f"/{name} cannot be used in DMs")
            return
        if contexts is not None and 0 not in contexts:
            raise HarnessError(f"/{name} cannot be used in servers")
        member = self._guild_member(channel.guild, user)
        bits = channel_permissions(member, channel)
        if not bits & Perm.VIEW_CHANNEL or not bits & Perm.USE_APPLICATION_COMMANDS:
            raise HarnessError(f"{user.name} cannot use application commands in {channel.name!r}")
        required = definition.get("default_member_permissions")
        if required is not None:
            needed = int(required)
            has = base_permissions(member)
            if has != ALL_PERMISSIONS and (needed == 0 or needed & ~has):
                raise HarnessError(
                    f"{user.name} cannot see /{name}: it requires permissions {needed:#x} "
                    f"(default_member_permissions) and they have {has:#x}"
                )

    def _options(
        self, user: User, channel: Channel, definitions: list[dict[str, Any]], given: dict[str, Any],
        resolved: dict[str, dict[str, Any]], focused: tuple[str, str] | None,
    ) -> list[dict[str, Any]]:
        by_name = {d["name"]: d for d in definitions}
        unknown = set(given) - set(by_name)
        if focused is not None and focused[0] not in by_name:
            unknown.add(focused[0])
        if unknown:
            raise HarnessError(f"unknown option(s) {sorted(unknown)}; the command has {sorted(by_name)}")
        out = []
        for definition in definitions:
            name = definition["name"]
            if focused is not None and name == focused[0]:
                if not definition.get("autocomplete"):
                    raise HarnessError(f"option {name!r} has no autocomplete")
                out.append({"type": definition["type"], "name": name, "value": focused[1], "focused": True})
                continue
            if name not in given:
                if definition.get("required") and focused is None:
                    raise HarnessError(f"option {name!r} is required")
                continue
            value = self._option_value(user, channel, definition, given[name], resolved)
            out.append({"type": definition["type"], "name": name, "value": value})
        return out

    def _option_value(
        self, user: User, channel: Channel, definition: dict[str, Any], value: Any,
        resolved: dict[str, dict[str, Any]],
    ) -> Any:
        kind, name = definition["type"], definition["name"]
        choices = definition.get("choices")
        if kind in (3, 4, 10):
            if kind == 3 and not isinstance(value, str):
                raise HarnessError(f"option {name!r} takes a string, not {value!r}")
            if kind == 4 and (isinstance(value, bool) or not isinstance(value, int)):
                raise HarnessError(f"option {name!r} takes an integer, not {value!r}")
            if kind == 10 and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise HarnessError(f"option {name!r} takes a number, not {value!r}")
            if choices and value not in [c["value"] for c in choices]:
                raise HarnessError(f"option {name!r} must be one of {[c['value'] for c in choices]}")
            low, high = definition.get("min_value"), definition.get("max_value")
            if kind != 3 and ((low is not None and value < low) or (high is not None and value > high)):
                raise HarnessError(f"option {name!r} must be between {low} and {high}")
            low, high = definition.get("min_length"), definition.get("max_length")
            if kind == 3 and ((low is not None and len(value) < low) or (high is not None and len(value) > high)):
                raise HarnessError(f"option {name!r} takes {low} to {high} characters")
            return value
        if kind == 5:
            if not isinstance(value, bool):
                raise HarnessError(f"option {name!r} takes a boolean, not {value!r}")
            return value
        if kind in (6, 9) and isinstance(value, Member | User):
            target = _user(value)
            resolved.setdefault("users", {})[str(target.id)] = target.payload()
            guild = channel.guild
            if guild is not None and target.id in guild.members:
                gm = guild.members[target.id]
                perms = channel_permissions(gm, channel)
                resolved.setdefault("members", {})[str(target.id)] = gm.payload(with_user=False) | {
                    "permissions": str(perms)
                }
            return str(target.id)
        if kind in (8, 9) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if kind == 7 and isinstance(value, Channel):
            allowed = definition.get("channel_types")
            if allowed and value.type not in allowed:
                raise HarnessError(f"option {name!r} takes channels of types {allowed}, not {value.type}")
            guild = channel.guild
            perms = 0
            if guild is not None and user.id in guild.members:
                perms = channel_permissions(guild.members[user.id], value)
            resolved.setdefault("channels", {})[str(value.id)] = value.payload(permissions=perms)
            return str(value.id)
        raise HarnessError(f"option {name!r} (type {kind}) cannot take {value!r}")

    def _interaction_payload(self, ix: Interaction) -> dict[str, Any]:
        fake = self.fake
        channel = ix.channel
        guild = ix.guild
        member_perms = channel_permissions(ix.member, channel) if ix.member is not None else 0
        if guild is not None:
            app_perms = fake.permissions_in(fake.bot_user, channel)
        else:
            app_perms = int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.READ_MESSAGE_HISTORY)
        payload: dict[str, Any] = {
            "id": str(ix.id),
            "application_id": str(fake.application_id),
            "type": ix.type,
            "data": ix.data,
            "token": ix.token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "app_permissions": str(app_perms),
            "channel_id": str(channel.id),
            "channel": channel.payload(permissions=member_perms if guild is not None else None),
            "authorizing_integration_owners": {"0": str(guild.id) if guild is not None else "0"},
            "context": 0 if guild is not None else 1,
        }
        if guild is not None and ix.member is not None:
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = ix.member.payload() | {"permissions": str(member_perms)}
        else:
            payload["user"] = ix.user.payload()
        if ix.source is not None:
            payload["message"] = ix.source.payload()
        return payload

    def _dispatch(self, kind: int, member: Who, channel: Channel, data: dict[str, Any],
                  source: Message | None = None) -> Interaction:
        fake = self.fake
        user = _user(member)
        if channel.deleted:
            raise HarnessError(f"channel {channel.name!r} was deleted")
        guild = channel.guild
        gm = None
        if guild is not None:
            gm = self._guild_member(guild, user)
            if not channel_permissions(gm, channel) & Perm.VIEW_CHANNEL:
                raise HarnessError(f"{user.name} cannot see {channel.name!r}")
        elif channel.recipient is not user:
            raise HarnessError(f"{user.name} is not in this DM")
        ix = Interaction(
            id=fake.world.ids.next(),
            token="aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
            type=kind,
            user=user,
            channel=channel,
            guild=guild,
            member=gm,
            data=data,
            created_at=fake.clock.now(),
            source=source,
        )
        fake.interactions[ix.id] = ix
        if not fake.gateway.dispatch("INTERACTION_CREATE", self._interaction_payload(ix)):
            raise HarnessError("no bot is connected to the fake gateway")
        return ix

    async def _result(self, ix: Interaction) -> InteractionResult:
        limit = self.timeout
        try:
            await asyncio.wait_for(ix.answered.wait(), limit)
        except TimeoutError:
            raise HarnessTimeout(
                f"the bot did not answer {ix.name} from {ix.user.name} within {limit} s"
            ) from None
        result = InteractionResult(self, ix)
        if ix.response_type == MODAL:
            self._modals[ix.user.id] = ix
        if ix.response is not None and ix.response.visible_to is None:
            self.handed.add(ix.response.id)
        return result


def _has_commands(client: dpy.Client, fake: FakeDiscord) -> bool:
    tree = getattr(client, "tree", None)
    if not isinstance(tree, dpy.app_commands.CommandTree):
        return False
    if tree.get_commands():
        return True
    return any(tree.get_commands(guild=dpy.Object(gid)) for gid in fake.world.guilds)


async def _race(waiter: Awaitable[Any], runner: asyncio.Task[None], within: float, what: str) -> None:
    waiting = asyncio.ensure_future(waiter)
    done, _ = await asyncio.wait({waiting, runner}, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    if waiting in done:
        waiting.result()
        return
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await waiting
    if runner in done:
        error = runner.exception()
        if error is not None:
            raise error
        raise RuntimeError(f"the client stopped before {what}")
    raise HarnessTimeout(f"timed out after {within} s waiting for {what}")


@contextlib.asynccontextmanager
async def start_client(
    fake: FakeDiscord,
    make_client: Callable[[aiohttp.BaseConnector], ClientT],
    *,
    within: float = DEFAULT_TIMEOUT,
    sync: bool | None = None,
    guild_ready_timeout: float | None = 0.05,
) -> AsyncIterator[ClientT]:
    """Run the client ``make_client(connector)`` against the fake until ready (and synced), close it on exit.

    Each step (login, READY, ``on_ready``, sync) must happen ``within`` seconds.
    ``sync=None`` waits for a command PUT when the client's tree has commands; pass False for a bot that
    does not sync on start. ``guild_ready_timeout`` lowers discord.py's wait for more GUILD_CREATEs (2 s by
    default) so that ``on_ready`` fires promptly; None keeps what the client was built with.
    """
    client = make_client(fake.connector())
    state = client._connection
    if guild_ready_timeout is not None and state.guild_ready_timeout > guild_ready_timeout:
        state.guild_ready_timeout = guild_ready_timeout
    logins = fake.logins
    runner = asyncio.create_task(client.start(fake.token), name=f"fake-discord-client-{id(client)}")
    try:
        await _race(
            fake.wait_until(lambda: fake.logins > logins, within, "the client to log in"), runner, within, "login"
        )
        await _race(fake.wait_bot_ready(within, sync=False), runner, within, "READY")
        await _race(client.wait_until_ready(), runner, within, "on_ready")
        if sync if sync is not None else _has_commands(client, fake):
            await _race(fake.wait_bot_ready(within, sync=True), runner, within, "the command sync")
        yield client
    finally:
        await client.close()
        try:
            await asyncio.wait_for(runner, within)
        except Exception:
            logger.debug("client task ended with an error after close", exc_info=True)
        if not runner.done():
            runner.cancel()
