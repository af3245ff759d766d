"""The fake Gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, and dispatches to connected bots.

Sharding works as Discord's does: an IDENTIFY with ``shard: [id, count]`` gets READY and GUILD_CREATE only for
the guilds of that shard (``(guild_id >> 22) % count``), and every later event about a guild goes only to the
connection of the guild's shard; events without a guild (DMs) go to shard 0. A connection that identifies
without ``shard`` sees everything.

Events are queued synchronously (so REST handlers and test helpers can dispatch without awaiting) and written
in order by one writer task per connection; :meth:`Gateway.flush` waits until every queued event was sent.
Intents are honoured the way Discord does for what a bot here can notice: guild members beyond the bot itself
need GUILD_MEMBERS, message events need GUILD_MESSAGES / DIRECT_MESSAGES, and without MESSAGE_CONTENT a
guild message that does not mention the bot arrives with empty content, embeds and components.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .world import Message

if TYPE_CHECKING:
    from .server import FakeDiscord

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41_250
GATEWAY_URL = "wss://gateway.discord.gg"

# opcodes
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11

# intents
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
MESSAGE_CONTENT = 1 << 15

_STOP = object()


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that carries a guild's events, by Discord's rule."""
    return (guild_id >> 22) % shard_count


def guild_of(payload: dict[str, Any], event: str) -> int | None:
    """The guild an event is about (GUILD_CREATE names it ``id``), or None for DMs and global events."""
    raw = payload.get("id") if event.startswith("GUILD_") and "guild_id" not in payload else payload.get("guild_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


@dataclass(eq=False)
class Session:
    """One identified (or identifying) gateway connection of a bot."""

    ws: web.WebSocketResponse
    session_id: str = field(default_factory=lambda: secrets.token_hex(16))
    intents: int = 0
    identified: bool = False
    login: int = 0
    seq: int = 0
    queue: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)
    writer: asyncio.Task[None] | None = None
    shard: tuple[int, int] | None = None  # (shard id, shard count) from IDENTIFY, None when not sharded

    def carries(self, guild_id: int | None) -> bool:
        """True when this connection receives events of the guild (``None``: events without a guild)."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return shard_of(guild_id, count) == shard_id

    def send(self, op: int, d: Any = None, t: str | None = None) -> None:
        """Queue a frame for this connection."""
        self.queue.put_nowait((op, d, t))

    async def write(self) -> None:
        """Write queued frames in order until told to stop or the socket closes."""
        while True:
            item = await self.queue.get()
            try:
                if item is _STOP:
                    return
                op, d, t = item
                frame: dict[str, Any] = {"op": op, "d": d, "s": None, "t": t}
                if op == DISPATCH:
                    self.seq += 1
                    frame["s"] = self.seq
                if not self.ws.closed:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await self.ws.send_str(json.dumps(frame))
            finally:
                self.queue.task_done()


class Gateway:
    """Accepts bot connections on ``/`` and dispatches events to the identified ones."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: list[Session] = []

    @property
    def identified(self) -> list[Session]:
        """Connections that completed IDENTIFY and are still open."""
        return [s for s in self.sessions if s.identified and not s.ws.closed]

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The websocket handler: HELLO, then react to the bot's opcodes until it disconnects."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = Session(ws=ws)
        session.writer = asyncio.create_task(session.write())
        self.sessions.append(session)
        session.send(HELLO, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["fake-gateway"]})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                await self._on_frame(session, payload.get("op"), payload.get("d"))
        finally:
            self.sessions.remove(session)
            session.queue.put_nowait(_STOP)
            with contextlib.suppress(asyncio.CancelledError):
                await session.writer
        return ws

    async def _on_frame(self, session: Session, op: int | None, d: Any) -> None:
        if op == HEARTBEAT:
            session.send(HEARTBEAT_ACK)
        elif op == IDENTIFY:
            if not isinstance(d, dict) or d.get("token") != self.fake.token:
                logger.info("gateway: IDENTIFY with a wrong token, closing with 4004")
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            shard = d.get("shard")
            if shard is not None and not (isinstance(shard, list) and len(shard) == 2
                                          and all(type(x) is int for x in shard) and 0 <= shard[0] < shard[1]):
                logger.info("gateway: IDENTIFY with an invalid shard %r, closing with 4010", shard)
                await session.ws.close(code=4010, message=b"Invalid shard.")
                return
            self._identify(session, d)
        elif op == RESUME:
            # Sessions are not kept across connections: ask the client to IDENTIFY again, as Discord does
            # for a session it no longer knows.
            session.send(INVALID_SESSION, False)
        elif op == REQUEST_MEMBERS and isinstance(d, dict):
            self._chunk(session, d)
        elif op in (PRESENCE, VOICE_STATE):
            return
        else:
            logger.debug("gateway: ignoring opcode %r", op)

    def _identify(self, session: Session, d: dict[str, Any]) -> None:
        fake = self.fake
        shard = d.get("shard")
        if shard is not None:
            session.shard = (shard[0], shard[1])
        session.intents = int(d.get("intents", 0) or 0)
        session.identified = True
        session.login = fake.logins
        bot = fake.bot_user.payload() | {"verified": True, "mfa_enabled": False, "email": None, "flags": 0}
        ready: dict[str, Any] = {
            "v": 10,
            "user": bot,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in fake.world.guilds.values()
                       if session.carries(g.id)],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": GATEWAY_URL,
            "application": {"id": str(fake.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["fake-gateway"],
        }
        if "shard" in d:
            ready["shard"] = d["shard"]
        session.send(DISPATCH, ready, "READY")
        for guild in fake.world.guilds.values():
            if session.carries(guild.id):
                session.send(DISPATCH, self.guild_create(session, guild.id), "GUILD_CREATE")
        fake.note_identified(session)

    def guild_create(self, session: Session, guild_id: int) -> dict[str, Any]:
        """GUILD_CREATE for one guild as this connection is entitled to see it."""
        fake = self.fake
        guild = fake.world.guilds[guild_id]
        bot_member = guild.members[fake.bot_user.id]
        members = list(guild.members.values()) if session.intents & GUILD_MEMBERS else [bot_member]
        return guild.payload(members=members, last_message_ids=fake.world.last_message_ids())

    def _chunk(self, session: Session, d: dict[str, Any]) -> None:
        guild = self.fake.world.guilds.get(int(d.get("guild_id", 0)))
        if guild is None:
            return
        wanted = {int(x) for x in d.get("user_ids") or []}
        query = (d.get("query") or "").lower()
        members = [
            m
            for m in guild.members.values()
            if (not wanted or m.id in wanted) and m.name.lower().startswith(query)
        ]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(x) for x in wanted - {m.id for m in members}],
        }
        if d.get("nonce"):
            chunk["nonce"] = d["nonce"]
        session.send(DISPATCH, chunk, "GUILD_MEMBERS_CHUNK")

    def dispatch(self, event: str, data: dict[str, Any] | Callable[[Session], dict[str, Any] | None], *,
                 intent: int = 0) -> int:
        """Queue an event for every identified connection that has ``intent`` and carries the event's guild
        (its shard); returns how many got it.

        ``data`` may be a function of the session, to render a payload per connection (intents).
        """
        sent = 0
        for session in self.identified:
            if intent and not session.intents & intent:
                continue
            payload = data(session) if callable(data) else data
            if payload is None or not session.carries(guild_of(payload, event)):
                continue
            session.send(DISPATCH, payload, event)
            sent += 1
        return sent

    def dispatch_message(self, event: str, message: Message) -> int:
        """MESSAGE_CREATE / MESSAGE_UPDATE, with content stripped for bots without MESSAGE_CONTENT."""
        fake = self.fake
        guild = message.channel.guild
        intent = GUILD_MESSAGES if guild is not None else DIRECT_MESSAGES
        member = guild.members.get(message.author.id) if guild is not None else None
        full = message.payload(with_guild_id=True, member=member)
        exempt = (
            guild is None
            or message.author.id == fake.bot_user.id
            or any(u.id == fake.bot_user.id for u in message.mentions)
        )

        def render(session: Session) -> dict[str, Any]:
            if exempt or session.intents & MESSAGE_CONTENT:
                return full
            return full | {"content": "", "embeds": [], "attachments": [], "components": []}

        return self.dispatch(event, render, intent=intent)

    async def flush(self) -> None:
        """Wait until every queued event was written to its socket."""
        for session in list(self.sessions):
            await session.queue.join()

    async def close_all(self) -> None:
        """Close every connection (going away), as when Discord restarts a gateway node."""
        for session in list(self.sessions):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await session.ws.close(code=1001, message=b"fake Discord stopping")
