"""The fake Discord's world: users, guilds, roles, channels, threads, DMs, members and messages.

Objects are plain mutable dataclasses that the REST handlers and the gateway update in place, so a test that
kept a :class:`Message` sees its latest content and embeds after the bot edited it. ``payload()`` methods
render Discord's JSON shapes (API v10) as discord.py 2.7 parses them.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntFlag
from typing import Any

from . import limits

DISCORD_EPOCH_MS = 1_420_070_400_000
MENTION_RE = re.compile(r"<@!?(\d+)>")


class Perm(IntFlag):
    """Discord's permission bits (the ones a study-group bot and its tests care about)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40


ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_DEFAULT = int(
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.CREATE_PRIVATE_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
)
BOT_DEFAULT = int(
    EVERYONE_DEFAULT | Perm.MANAGE_MESSAGES | Perm.MANAGE_THREADS | Perm.MENTION_EVERYONE | Perm.MANAGE_WEBHOOKS
)

TEXT, DM, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 11, 12
THREAD_TYPES = (PUBLIC_THREAD, PRIVATE_THREAD)


def as_bits(value: Any) -> int:
    """An int bitfield from an int, a :class:`Perm` or a ``discord.Permissions`` (anything with ``.value``)."""
    if value is None:
        return 0
    return int(getattr(value, "value", value))


def iso(timestamp: float) -> str:
    """ISO 8601 with a UTC offset, as Discord writes timestamps."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()


class Snowflakes:
    """Strictly increasing snowflakes that carry the real creation time (discord.py reads it back)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        """A fresh id."""
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


@dataclass(eq=False)
class User:
    """A Discord account: a member of the study group, or the bot itself."""

    id: int
    name: str
    bot: bool = False

    def __repr__(self) -> str:
        return f"<User {self.name} id={self.id}{' bot' if self.bot else ''}>"

    def payload(self) -> dict[str, Any]:
        """The user object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": None if self.bot else self.name.capitalize(),
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    @property
    def mention(self) -> str:
        """``<@id>``."""
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    """A guild role; the @everyone role shares the guild's id."""

    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None

    def __repr__(self) -> str:
        return f"<Role {self.name} id={self.id} permissions={self.permissions:#x}>"

    def payload(self) -> dict[str, Any]:
        """The role object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.bot_id is not None,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Member:
    """A user's membership of a guild, with roles."""

    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)
    joined_at: float = field(default_factory=time.time)

    def __repr__(self) -> str:
        return f"<Member {self.name} id={self.id} guild={self.guild.name!r}>"

    @property
    def id(self) -> int:
        """The user's id."""
        return self.user.id

    @property
    def name(self) -> str:
        """The user's name."""
        return self.user.name

    @property
    def mention(self) -> str:
        """``<@id>``."""
        return self.user.mention

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        """The guild member object."""
        data: dict[str, Any] = {
            "roles": [str(r.id) for r in self.roles],
            "joined_at": iso(self.joined_at),
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "communication_disabled_until": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass(eq=False)
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        """The overwrite object."""
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass(eq=False)
class Channel:
    """A guild text channel, a thread (public 11, private 12) or a DM (type 1)."""

    id: int
    type: int
    name: str
    guild: Guild | None = None
    position: int = 0
    parent: Channel | None = None
    topic: str | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    owner_id: int | None = None
    thread_members: set[int] = field(default_factory=set)
    invitable: bool = True
    archived: bool = False
    locked: bool = False
    recipient: User | None = None
    starter_message_id: int | None = None
    created_at: float = field(default_factory=time.time)
    deleted: bool = False

    def __repr__(self) -> str:
        return f"<Channel {self.name or 'DM'} id={self.id} type={self.type}{' deleted' if self.deleted else ''}>"

    @property
    def is_thread(self) -> bool:
        """A public or private thread."""
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        """A direct-message channel."""
        return self.type == DM

    @property
    def guild_id(self) -> int | None:
        """The guild's id, None for a DM."""
        return self.guild.id if self.guild is not None else None

    @property
    def mention(self) -> str:
        """``<#id>``."""
        return f"<#{self.id}>"

    def payload(self, *, last_message_id: int | None = None, permissions: int | None = None) -> dict[str, Any]:
        """The channel object (with ``permissions`` when it is rendered for an interaction)."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": str(last_message_id) if last_message_id else None,
            "flags": 0,
        }
        if self.is_dm:
            assert self.recipient is not None
            data["recipients"] = [self.recipient.payload()]
        else:
            assert self.guild is not None
            data |= {
                "guild_id": str(self.guild.id),
                "name": self.name,
                "rate_limit_per_user": 0,
                "nsfw": False,
            }
        if self.is_thread:
            assert self.parent is not None
            data |= {
                "parent_id": str(self.parent.id),
                "owner_id": str(self.owner_id),
                "message_count": 0,
                "member_count": len(self.thread_members),
                "total_message_sent": 0,
                "thread_metadata": {
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso(self.created_at),
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "create_timestamp": iso(self.created_at),
                },
            }
        elif not self.is_dm:
            data |= {
                "position": self.position,
                "permission_overwrites": [o.payload() for o in self.overwrites.values()],
                "parent_id": None,
                "topic": self.topic,
                "default_auto_archive_duration": 1440,
            }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Guild:
    """A server with its roles, channels, threads and members."""

    id: int
    name: str
    owner_id: int
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Guild {self.name!r} id={self.id}>"

    @property
    def everyone(self) -> Role:
        """The @everyone role."""
        return self.roles[0]

    @property
    def text_channels(self) -> list[Channel]:
        """Channels that are not threads and not deleted."""
        return [c for c in self.channels if not c.is_thread and not c.deleted]

    @property
    def threads(self) -> list[Channel]:
        """Threads that are not deleted."""
        return [c for c in self.channels if c.is_thread and not c.deleted]

    def member_named(self, name: str) -> Member:
        """The member whose user name is ``name``."""
        for member in self.members.values():
            if member.name == name:
                return member
        raise KeyError(name)

    def payload(self, *, members: list[Member], last_message_ids: dict[int, int]) -> dict[str, Any]:
        """The GUILD_CREATE payload (available guild, with channels, threads, roles and ``members``)."""
        channels = []
        for c in self.text_channels:
            data = c.payload(last_message_id=last_message_ids.get(c.id))
            del data["guild_id"]
            channels.append(data)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(channels[0]["id"]) if channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [r.payload() for r in self.roles],
            "channels": channels,
            "threads": [t.payload(last_message_id=last_message_ids.get(t.id)) for t in self.threads],
            "members": [m.payload() for m in members],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "joined_at": iso(time.time()),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }


@dataclass(eq=False)
class Message:
    """A message as it is now: edits update it in place, a delete sets ``deleted``."""

    id: int
    channel: Channel
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    timestamp: float = field(default_factory=time.time)
    edited_timestamp: float | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[User] = field(default_factory=list)
    reactions: dict[str, list[int]] = field(default_factory=dict)
    reference_id: int | None = None
    thread: Channel | None = None
    interaction_id: int | None = None
    interaction_user: User | None = None
    interaction_type: int | None = None
    webhook_id: int | None = None
    visible_to: int | None = None
    edits: int = 0
    deleted: bool = False

    def __repr__(self) -> str:
        where = self.channel.name or 'DM'
        return (
            f"<Message id={self.id} in {where} by {self.author.name} content={self.content[:60]!r} "
            f"embeds={len(self.embeds)} flags={self.flags}{' deleted' if self.deleted else ''}>"
        )

    @property
    def channel_id(self) -> int:
        """The channel's id."""
        return self.channel.id

    @property
    def guild_id(self) -> int | None:
        """The guild's id, None in a DM."""
        return self.channel.guild_id

    @property
    def author_id(self) -> int:
        """The author's id."""
        return self.author.id

    @property
    def ephemeral(self) -> bool:
        """Whether only one member sees it."""
        return bool(self.flags & limits.FLAG_EPHEMERAL)

    @property
    def embed(self) -> dict[str, Any] | None:
        """The first embed, if any."""
        return self.embeds[0] if self.embeds else None

    def walk_components(self) -> Iterator[dict[str, Any]]:
        """Every component, depth first (rows, sections, containers, their children)."""
        yield from _walk(self.components)

    def buttons(self) -> list[dict[str, Any]]:
        """Every button."""
        return [c for c in self.walk_components() if c.get("type") == 2]

    def button_labels(self) -> list[str]:
        """The labels of every button, in order."""
        return [c.get("label") or "" for c in self.buttons()]

    def payload(self, *, with_guild_id: bool = False, member: Member | None = None) -> dict[str, Any]:
        """The message object (gateway events add ``guild_id`` and the author's ``member``)."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel.id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_timestamp) if self.edited_timestamp else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [u.payload() for u in self.mentions],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.reactions:
            data["reactions"] = [
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": False,
                    "me_burst": False,
                    "burst_colors": [],
                }
                for emoji, users in self.reactions.items()
                if users
            ]
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        if self.reference_id is not None:
            data["message_reference"] = {
                "type": 0,
                "message_id": str(self.reference_id),
                "channel_id": str(self.channel.id),
            }
        if self.interaction_id is not None and self.interaction_user is not None:
            data["interaction_metadata"] = {
                "id": str(self.interaction_id),
                "type": self.interaction_type,
                "user": self.interaction_user.payload(),
                "authorizing_integration_owners": {},
            }
        if self.thread is not None:
            data["thread"] = self.thread.payload()
        if with_guild_id and self.channel.guild is not None:
            data["guild_id"] = str(self.channel.guild.id)
        if member is not None:
            data["member"] = member.payload(with_user=False)
        return data


def _walk(components: Any) -> Iterator[dict[str, Any]]:
    for component in components if isinstance(components, list) else []:
        if isinstance(component, dict):
            yield component
            yield from _walk(component.get("components"))
            for key in ("accessory", "component"):
                if isinstance(component.get(key), dict):
                    yield from _walk([component[key]])


def base_permissions(member: Member) -> int:
    """Guild-level permissions: @everyone plus the member's roles; everything for the owner or an admin."""
    guild = member.guild
    if member.id == guild.owner_id:
        return ALL_PERMISSIONS
    bits = guild.everyone.permissions
    for role in member.roles:
        bits |= role.permissions
    if bits & Perm.ADMINISTRATOR:
        return ALL_PERMISSIONS
    return bits


def channel_permissions(member: Member, channel: Channel) -> int:
    """Discord's algorithm: base, then @everyone, role and member overwrites of the channel (a thread's parent).

    A private thread is visible only to its members and to those who can manage threads.
    """
    bits = base_permissions(member)
    if bits == ALL_PERMISSIONS:
        return bits
    source = channel.parent if channel.is_thread and channel.parent is not None else channel
    everyone = source.overwrites.get(member.guild.id)
    if everyone is not None:
        bits = (bits & ~everyone.deny) | everyone.allow
    allow = deny = 0
    role_ids = {r.id for r in member.roles}
    for overwrite in source.overwrites.values():
        if overwrite.type == 0 and overwrite.id in role_ids:
            allow |= overwrite.allow
            deny |= overwrite.deny
    bits = (bits & ~deny) | allow
    own = source.overwrites.get(member.id)
    if own is not None and own.type == 1:
        bits = (bits & ~own.deny) | own.allow
    if not bits & Perm.VIEW_CHANNEL:
        return 0
    if (
        channel.type == PRIVATE_THREAD
        and member.id not in channel.thread_members
        and not bits & Perm.MANAGE_THREADS
    ):
        return 0
    return bits


def can_post(member: Member, channel: Channel) -> bool:
    """Whether the member may send a message in the channel (threads need Send Messages in Threads)."""
    bits = channel_permissions(member, channel)
    needed = Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
    return bool(bits & Perm.VIEW_CHANNEL and bits & needed)


@dataclass(eq=False)
class World:
    """Every guild, user and message of the fake, with id allocation."""

    ids: Snowflakes = field(default_factory=Snowflakes)
    users: dict[int, User] = field(default_factory=dict)
    guilds: dict[int, Guild] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)

    def add_user(self, name: str, *, bot: bool = False) -> User:
        """A new account."""
        user = User(id=self.ids.next(), name=name, bot=bot)
        self.users[user.id] = user
        return user

    def mentioned(self, content: str, allowed: dict[str, Any] | None = None) -> list[User]:
        """Users a message pings: ``<@id>`` in its content, in order, once each, filtered by ``allowed_mentions``.

        Without ``allowed_mentions`` every user mention pings; with it, only those its ``parse`` ("users") or
        ``users`` list allows, as Discord fills a message's ``mentions``.
        """
        ids = list(dict.fromkeys(int(i) for i in MENTION_RE.findall(content)))
        if allowed is not None and "users" not in (allowed.get("parse") or []):
            permitted = {int(u) for u in allowed.get("users") or []}
            ids = [i for i in ids if i in permitted]
        return [self.users[i] for i in ids if i in self.users]

    def channel(self, channel_id: int) -> Channel | None:
        """A live (not deleted) channel by id."""
        channel = self.channels.get(channel_id)
        return None if channel is None or channel.deleted else channel

    def messages_in(self, channel: Channel) -> list[Message]:
        """Live messages of a channel, oldest first (ephemeral ones excluded)."""
        return [
            m
            for m in self.messages.values()
            if m.channel is channel and not m.deleted and m.visible_to is None
        ]

    def last_message_ids(self) -> dict[int, int]:
        """The id of the newest message of each channel."""
        last: dict[int, int] = {}
        for message in self.messages.values():
            if not message.deleted and message.visible_to is None:
                last[message.channel.id] = message.id
        return last
