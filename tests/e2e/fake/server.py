"""FakeDiscord: a Discord (REST v10 + Gateway) on 127.0.0.1 that the unmodified discord.py client logs in to.

It owns the world (guilds, channels, members, messages), serves REST and the Gateway over TLS on one ephemeral
port, records every REST request, and records every *violation*: a request Discord would reject because the
bot got it wrong (a broken limit, a body the OpenAPI description rejects, a late or repeated interaction
callback, an expired token, a route the fake does not know). Answers that follow from the world a test set up
(403 for a channel the bot may not post in, 404 for a deleted channel, a 429 the test asked for) are not
violations: they are what the test is about.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from . import openapi
from .clock import Clock, FakeClock
from .gateway import GUILD_MEMBERS, GUILDS, Gateway, Session
from .interactions import ApiError, Interaction
from .records import HarnessTimeout, RecordedRequest, Violation
from .rest import Rest
from .tls import FakeResolver, certificates
from .world import (
    BOT_DEFAULT,
    DM,
    EVERYONE_DEFAULT,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    TEXT,
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    User,
    World,
    as_bits,
    channel_permissions,
    iso,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
POLL_INTERVAL = 0.02


@dataclass
class _RateLimit:
    route: str
    retry_after: float
    remaining: int
    is_global: bool


@dataclass
class _Readiness:
    logins: int = 0
    ready_login: int = 0
    synced_login: int = 0


class FakeDiscord:
    """The fake Discord: world, REST, Gateway, request log and violations.

    ``clock`` is anything with ``now() -> float`` (monotonic seconds); by default a :class:`FakeClock` the test
    can ``advance()`` to push an interaction past its 3-second window without sleeping.
    """

    def __init__(self, clock: Clock | None = None, *, bot_name: str = "viva", validate_spec: bool = True) -> None:
        self.clock: Clock = clock if clock is not None else FakeClock()
        self.world = World()
        self.token = "fake." + secrets.token_urlsafe(24)
        self.bot_user: User = self.world.add_user(bot_name, bot=True)
        self.owner: User = self.world.add_user(f"{bot_name}-developer")
        self.application_id: int = self.bot_user.id
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.interactions: dict[int, Interaction] = {}
        self.gateway = Gateway(self)
        self.spec = openapi.spec_validator() if validate_spec else None
        self.blocked_dms: set[int] = set()
        self.uploads: dict[str, bytes] = {}  # attachment id -> the bytes the bot uploaded
        self._commands: dict[int | None, list[dict[str, Any]]] = {}
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._rate_limits: list[_RateLimit] = []
        self._readiness = _Readiness()
        self._expected: set[str | int] | None = set()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.rest = Rest(self)

    # ------------------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Serve REST and the Gateway over TLS on an ephemeral port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        self.rest.add_routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=certificates().server)
        await site.start()
        self.port = self._runner.addresses[0][1]
        logger.debug("fake Discord listening on 127.0.0.1:%d", self.port)

    async def stop(self) -> None:
        """Close every gateway connection and stop serving."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def connector(self) -> aiohttp.TCPConnector:
        """A fresh connector that sends discord.com and gateway.discord.gg here and trusts the fake's CA."""
        if not self.port:
            raise RuntimeError("start() the fake before asking for a connector")
        return aiohttp.TCPConnector(resolver=FakeResolver(self.port), ssl=certificates().client, limit=0)

    # ------------------------------------------------------------------------------------------- world

    def add_guild(self, name: str, *, owner: User | None = None) -> Guild:
        """A guild with its @everyone role and the bot as a member (with a managed bot role)."""
        world = self.world
        owner = owner or world.add_user(f"{name.lower().replace(' ', '-')}-owner")
        guild = Guild(id=world.ids.next(), name=name, owner_id=owner.id)
        guild.roles.append(Role(id=guild.id, guild_id=guild.id, name="@everyone", permissions=EVERYONE_DEFAULT))
        bot_role = Role(
            id=world.ids.next(),
            guild_id=guild.id,
            name=self.bot_user.name,
            permissions=BOT_DEFAULT,
            position=1,
            bot_id=self.bot_user.id,
        )
        guild.roles.append(bot_role)
        guild.members[self.bot_user.id] = Member(user=self.bot_user, guild=guild, roles=[bot_role])
        guild.members[owner.id] = Member(user=owner, guild=guild)
        world.guilds[guild.id] = guild
        self.gateway.dispatch("GUILD_CREATE", lambda s: self.gateway.guild_create(s, guild.id), intent=GUILDS)
        self.notify()
        return guild

    def add_role(self, guild: Guild, name: str, permissions: Any = 0) -> Role:
        """A role with the given permission bits (an int, a :class:`Perm` or a ``discord.Permissions``)."""
        role = Role(
            id=self.world.ids.next(),
            guild_id=guild.id,
            name=name,
            permissions=as_bits(permissions),
            position=len(guild.roles),
        )
        guild.roles.append(role)
        self.gateway.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}, intent=GUILDS)
        return role

    def add_text_channel(self, guild: Guild, name: str, *, topic: str | None = None) -> Channel:
        """A text channel in the guild."""
        channel = Channel(
            id=self.world.ids.next(),
            type=TEXT,
            name=name,
            guild=guild,
            position=len(guild.text_channels),
            topic=topic,
        )
        guild.channels.append(channel)
        self.world.channels[channel.id] = channel
        self.gateway.dispatch("CHANNEL_CREATE", channel.payload(), intent=GUILDS)
        self.notify()
        return channel

    def add_member(self, guild: Guild, name: str, *, permissions: Any = 0, roles: tuple[Role, ...] = ()) -> Member:
        """A member; extra ``permissions`` beyond @everyone come through a role named after the member."""
        user = self.world.add_user(name)
        member_roles = list(roles)
        bits = as_bits(permissions)
        if bits:
            member_roles.append(self.add_role(guild, f"{name}-role", bits))
        member = Member(user=user, guild=guild, roles=member_roles)
        guild.members[user.id] = member
        self.gateway.dispatch(
            "GUILD_MEMBER_ADD", member.payload() | {"guild_id": str(guild.id)}, intent=GUILD_MEMBERS
        )
        self.notify()
        return member

    def bot_member(self, guild: Guild) -> Member:
        """The bot's own membership of a guild."""
        return guild.members[self.bot_user.id]

    def set_permissions(self, channel: Channel, target: Member | Role | User, *, allow: Any = 0, deny: Any = 0) -> None:
        """Set a channel overwrite for a member (or the bot's user) or a role; dispatches CHANNEL_UPDATE."""
        if channel.guild is None:
            raise ValueError("DM channels have no permission overwrites")
        kind = 0 if isinstance(target, Role) else 1
        channel.overwrites[target.id] = Overwrite(id=target.id, type=kind, allow=as_bits(allow), deny=as_bits(deny))
        self.gateway.dispatch("CHANNEL_UPDATE", channel.payload(), intent=GUILDS)
        self.notify()

    def permissions_in(self, who: Member | User, channel: Channel) -> int:
        """Effective permission bits of a member (or the bot's user) in a channel."""
        if channel.guild is None:
            return 0
        member = who if isinstance(who, Member) else channel.guild.members[who.id]
        return channel_permissions(member, channel)

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel (or thread): later REST calls about it get 404 10003 Unknown Channel."""
        channel.deleted = True
        if channel.is_thread:
            assert channel.guild is not None and channel.parent is not None
            data = {
                "id": str(channel.id),
                "guild_id": str(channel.guild.id),
                "parent_id": str(channel.parent.id),
                "type": channel.type,
            }
            self.gateway.dispatch("THREAD_DELETE", data, intent=GUILDS)
        elif channel.guild is not None:
            self.gateway.dispatch("CHANNEL_DELETE", channel.payload(), intent=GUILDS)
            for thread in channel.guild.threads:
                if thread.parent is channel:
                    thread.deleted = True
        self.notify()

    def block_dms(self, who: Member | User) -> None:
        """Make DMs to this user fail like a user who closed them (403 50007)."""
        self.blocked_dms.add(who.id)

    def create_thread(self, parent: Channel, name: str, *, owner: User, private: bool = True,
                      members: tuple[User, ...] = (), starter: Message | None = None) -> Channel:
        """A thread in ``parent`` (used by the REST handlers; tests may call it to set up a world)."""
        assert parent.guild is not None
        thread = Channel(
            id=starter.id if starter is not None else self.world.ids.next(),
            type=PRIVATE_THREAD if private else PUBLIC_THREAD,
            name=name,
            guild=parent.guild,
            parent=parent,
            owner_id=owner.id,
            thread_members={owner.id, *(u.id for u in members)},
            starter_message_id=starter.id if starter is not None else None,
        )
        parent.guild.channels.append(thread)
        self.world.channels[thread.id] = thread
        if starter is not None:
            starter.thread = thread
        payload = thread.payload() | {"newly_created": True}
        if self.bot_user.id in thread.thread_members:
            payload["member"] = self.thread_member_payload(thread, self.bot_user.id)
        self.gateway.dispatch("THREAD_CREATE", payload, intent=GUILDS)
        self.notify()
        return thread

    def thread_member_payload(self, thread: Channel, user_id: int) -> dict[str, Any]:
        """A thread member object."""
        return {"id": str(thread.id), "user_id": str(user_id), "join_timestamp": iso(thread.created_at), "flags": 0}

    def open_dm(self, user: User) -> Channel:
        """The DM channel between the bot and a user (created on first use)."""
        for channel in self.world.channels.values():
            if channel.is_dm and channel.recipient is user:
                return channel
        channel = Channel(id=self.world.ids.next(), type=DM, name="", recipient=user)
        self.world.channels[channel.id] = channel
        self.notify()
        return channel

    # ------------------------------------------------------------------------------------------- commands

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """The command definitions last synced globally (``guild=None``) or for one guild."""
        return list(self._commands.get(guild.id if guild is not None else None, []))

    def store_commands(self, guild: Guild | None, body: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Replace a command scope as a bulk overwrite does; ids stay stable for the same type and name."""
        guild_id = guild.id if guild is not None else None
        stored = []
        for command in body:
            kind = command.get("type", 1)
            key = (guild_id, kind, command["name"])
            command_id = self._command_ids.setdefault(key, self.world.ids.next())
            data = {
                "id": str(command_id),
                "application_id": str(self.application_id),
                "version": str(self.world.ids.next()),
                "type": kind,
                "description": "",
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "options": [],
            } | command
            if guild_id is not None:
                data["guild_id"] = str(guild_id)
            stored.append(data)
        self._commands[guild_id] = stored
        self._readiness.synced_login = self._readiness.logins
        self.notify()
        return stored

    # ------------------------------------------------------------------------------------------- readiness

    @property
    def logins(self) -> int:
        """How many times a bot logged in (GET /users/@me with the right token)."""
        return self._readiness.logins

    def note_login(self) -> None:
        """Called on every successful login."""
        self._readiness.logins += 1
        self.notify()

    def note_identified(self, session: Session) -> None:
        """Called when READY and the GUILD_CREATEs were queued for a connection."""
        self._readiness.ready_login = session.login
        self.notify()

    # ``timeout=`` is part of the harness API the scenarios are written against, hence the noqa.
    async def wait_bot_ready(self, timeout: float = 5.0, *, sync: bool = True) -> None:  # noqa: ASYNC109
        """Wait until the latest login got READY and every GUILD_CREATE, and (``sync``) PUT its commands."""
        state = self._readiness

        def ready() -> bool:
            return (
                state.logins > 0
                and state.ready_login == state.logins
                and (not sync or state.synced_login == state.logins)
            )

        what = "the bot to log in and receive READY/GUILD_CREATE" + (" and sync its commands" if sync else "")
        await self.wait_until(ready, timeout, what)
        await self.gateway.flush()

    # ------------------------------------------------------------------------------------------- records

    def notify(self) -> None:
        """Wake everything waiting for the world to change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], T], within: float, what: str) -> T:
        """Wait (in real time, up to ``within`` seconds) until ``predicate()`` is truthy and return its value.

        The predicate is checked whenever the fake's world changes and at least every 20 ms, so it may also
        look at the bot's own state.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise HarnessTimeout(f"timed out after {within} s waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, POLL_INTERVAL))

    def violate(self, kind: str, request: RecordedRequest, detail: str, *, error: ApiError | None = None) -> None:
        """Record a violation (logged at WARNING so a failing test shows it)."""
        violation = Violation(
            kind=kind,
            method=request.method,
            path=request.path,
            detail=detail,
            code=error.code if error is not None else None,
            errors=error.body.get("errors") if error is not None else None,
            body=request.json,
        )
        self.violations.append(violation)
        logger.warning("fake Discord: %s", violation)

    def expect_violations(self, *kinds_or_codes: str | int) -> None:
        """Declare that this test provokes violations: of these kinds/codes, or of any kind when none is given."""
        if not kinds_or_codes:
            self._expected = None
        elif self._expected is not None:
            self._expected.update(kinds_or_codes)

    def unexpected_violations(self) -> list[Violation]:
        """Violations the test did not declare."""
        if self._expected is None:
            return []
        return [v for v in self.violations if v.kind not in self._expected and v.code not in self._expected]

    def check_violations(self) -> None:
        """Fail with every undeclared violation listed (the ``fake`` fixture calls this at teardown)."""
        unexpected = self.unexpected_violations()
        if unexpected:
            listing = "\n".join(f"  - {v}" for v in unexpected)
            raise AssertionError(f"the bot sent {len(unexpected)} request(s) Discord would reject:\n{listing}")

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """Recorded requests whose ``"METHOD /route/{template}"`` or ``"METHOD /concrete/path"`` is ``route``."""
        return [r for r in self.requests if route in (f"{r.method} {r.route}", f"{r.method} {r.path}")]

    def rate_limit_next(
        self, route: str, retry_after: float = 0.05, *, count: int = 1, is_global: bool = False
    ) -> None:
        """Answer the next ``count`` requests to ``route`` with 429 and ``retry_after``, as Discord does.

        ``route`` is a template ("POST /channels/{channel_id}/messages") or a concrete path; discord.py sleeps
        ``retry_after`` seconds and retries.
        """
        if not route.partition(" ")[2].startswith("/"):
            raise ValueError('route must look like "POST /channels/{channel_id}/messages"')
        self._rate_limits.append(_RateLimit(route=route, retry_after=retry_after, remaining=count, is_global=is_global))

    def take_rate_limit(self, request: RecordedRequest) -> _RateLimit | None:
        """The injected rate limit that applies to this request, if any (consumed)."""
        for limit in self._rate_limits:
            if limit.remaining > 0 and limit.route in (
                f"{request.method} {request.route}",
                f"{request.method} {request.path}",
            ):
                limit.remaining -= 1
                return limit
        return None
