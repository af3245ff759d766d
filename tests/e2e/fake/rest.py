"""REST v10 of the fake Discord: the routes a bot like Viva uses, answered the way Discord answers them.

Every request passes through :meth:`Rest._serve`, which records it, checks the bot token, applies injected
rate limits, validates the body against the OpenAPI description (when present) and turns refusals into
Discord's JSON error bodies; a route the fake does not implement is answered 404 and recorded as a violation.
Answers are JSON with a content type of exactly ``application/json``, which discord.py's ``json_or_text``
requires.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from . import limits
from .gateway import DIRECT_MESSAGE_REACTIONS, GUILD_MESSAGE_REACTIONS, GUILDS
from .interactions import (
    ALLOWED_CALLBACKS,
    APPLICATION_COMMAND,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MODAL,
    RESPONSE_WINDOW,
    TOKEN_LIFETIME,
    UPDATE_MESSAGE,
    ApiError,
    Interaction,
)
from .records import RecordedRequest
from .world import PRIVATE_THREAD, PUBLIC_THREAD, TEXT, Channel, Guild, Message, Perm

if TYPE_CHECKING:
    from .server import FakeDiscord

logger = logging.getLogger(__name__)

API = "/api/v10"
CREATE_FLAGS = limits.FLAG_SUPPRESS_EMBEDS | limits.FLAG_SUPPRESS_NOTIFICATIONS | limits.FLAG_COMPONENTS_V2
INTERACTION_FLAGS = CREATE_FLAGS | limits.FLAG_EPHEMERAL
Handler = Callable[["Call"], Awaitable[web.Response]]


@dataclass
class Call:
    """One request as a handler sees it: the parsed JSON body, uploaded files, and its record."""

    request: web.Request
    record: RecordedRequest
    body: Any
    files: list[dict[str, Any]]

    @property
    def match(self) -> Mapping[str, str]:
        """The path parameters."""
        return self.request.match_info

    @property
    def query(self) -> Mapping[str, str]:
        """The query string."""
        return self.request.query


class Refusal(Exception):
    """Raised by a handler to answer with a Discord error; ``kind`` marks it as a violation of the bot."""

    def __init__(self, error: ApiError, kind: str | None = None, detail: str | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.kind = kind
        self.detail = detail or str(error)


def refuse(status: int, code: int, message: str, *, kind: str | None = None, detail: str | None = None) -> Refusal:
    """A refusal with Discord's plain error body."""
    return Refusal(ApiError(status, code, message, {"message": message, "code": code}), kind, detail)


def unknown_channel() -> Refusal:
    """404 10003."""
    return refuse(404, 10003, "Unknown Channel")


def unknown_message() -> Refusal:
    """404 10008."""
    return refuse(404, 10008, "Unknown Message")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with ``Content-Type: application/json`` exactly (no charset), as Discord sends it."""
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    response.content_type = "application/json"
    return response


def no_content() -> web.Response:
    """204."""
    return web.Response(status=204)


class Rest:
    """The REST routes; state lives on the :class:`FakeDiscord` passed in."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Register every supported route (static paths before the dynamic ones they shadow)."""
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("PATCH", "/channels/{channel_id}", self.edit_channel),
            ("DELETE", "/channels/{channel_id}", self.delete_channel),
            ("GET", "/channels/{channel_id}/messages", self.get_messages),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            ("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.thread_from_message),
            ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}", self.add_reaction),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
                self.remove_reaction,
            ),
            ("POST", "/channels/{channel_id}/threads", self.create_thread),
            ("PUT", "/channels/{channel_id}/thread-members/{user_id}", self.add_thread_member),
            ("DELETE", "/channels/{channel_id}/thread-members/{user_id}", self.remove_thread_member),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback),
            ("POST", "/webhooks/{webhook_id}/{webhook_token}", self.create_followup),
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self.get_webhook_message),
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self.delete_webhook_message),
        ]
        for method, path, handler in routes:
            router.add_route(method, API + path, self._wrap(handler))
        router.add_route("*", "/{tail:.*}", self._wrap(self.unsupported))

    # ------------------------------------------------------------------------------------------- plumbing

    def _wrap(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def route(request: web.Request) -> web.Response:
            return await self._serve(request, handler)

        return route

    async def unsupported(self, call: Call) -> web.Response:
        """Any route the fake does not implement: a violation, so that a test notices the gap."""
        raise refuse(404, 0, "404: Not Found", kind="unsupported",
                     detail="the fake Discord does not implement this route")

    async def _serve(self, request: web.Request, handler: Handler) -> web.Response:
        """Record, authenticate, rate-limit, validate, then answer (or refuse) the request."""
        fake = self.fake
        path = request.path.removeprefix(API)
        resource = request.match_info.route.resource
        known = resource is not None and handler != self.unsupported
        record = RecordedRequest(
            method=request.method,
            path=path,
            route=resource.canonical.removeprefix(API) if known and resource is not None else path,
            query=dict(request.query),
            json=None,
        )
        fake.requests.append(record)
        try:
            body, files = await self._read_body(request)
            record.json = body
            call = Call(request=request, record=record, body=body, files=files)
            needs_token = not record.route.startswith(("/interactions/", "/webhooks/"))
            if needs_token and request.headers.get("Authorization") != f"Bot {fake.token}":
                raise refuse(401, 0, "401: Unauthorized", kind="unauthorized", detail="missing or wrong bot token")
            limit = fake.take_rate_limit(record)
            if limit is not None:
                response = self._rate_limited(limit.retry_after, limit.is_global)
            else:
                self._validate_spec(record, body)
                response = await handler(call)
        except Refusal as refusal:
            if refusal.kind is not None:
                fake.violate(refusal.kind, record, refusal.detail, error=refusal.error)
            response = json_response(refusal.error.body, refusal.error.status)
        record.status = response.status
        if response.body:
            assert isinstance(response.body, bytes)
            record.response = json.loads(response.body)
        logger.debug("%s %s -> %s", record.method, record.path, record.status)
        fake.notify()
        return response

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        try:
            return await self._parse_body(request)
        except ValueError:
            raise refuse(400, 50109, "The request body contains invalid JSON.", kind="bad_request") from None

    async def _parse_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        if not request.can_read_body:
            return None, []
        if request.content_type == "multipart/form-data":
            body: Any = None
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    data = await part.read()
                    file_id = str(self.fake.world.ids.next())
                    self.fake.uploads[file_id] = data  # kept for tests that look inside a file
                    files.append({
                        "id": file_id,
                        "filename": part.filename or "file",
                        "size": len(data),
                        "url": f"https://cdn.discordapp.com/attachments/{part.filename}",
                        "proxy_url": f"https://media.discordapp.net/attachments/{part.filename}",
                    })
            return body, files
        text = await request.text()
        return (json.loads(text) if text else None), []

    def _validate_spec(self, record: RecordedRequest, body: Any) -> None:
        spec = self.fake.spec
        if spec is None or body is None:
            return
        problems = spec.validate(record.method, record.path, body)
        if problems:
            self.fake.violate("spec", record, "; ".join(problems))

    @staticmethod
    def _rate_limited(retry_after: float, is_global: bool) -> web.Response:
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
            "X-RateLimit-Global": "true" if is_global else "false",
            # discord.py treats a 429 without Via as a Cloudflare ban; Discord's API answers carry it.
            "Via": "1.1 google",
        }
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        return json_response(body, 429, headers)

    @staticmethod
    def _check(errors: list[limits.FieldError]) -> None:
        if errors:
            body = limits.invalid_form_body(errors)
            detail = "; ".join(str(e) for e in errors)
            raise Refusal(ApiError(400, 50035, "Invalid Form Body", body), "limits", detail)

    def _check_edit(self, message: Message, body: dict[str, Any], path: limits.Path = ()) -> None:
        """An edit is checked as the message will be: a Components V2 message stays one."""
        flags = (body.get("flags") or 0) | (message.flags & limits.FLAG_COMPONENTS_V2)
        self._check(limits.check_message(body | {"flags": flags}, path))

    def _channel(self, call: Call) -> Channel:
        channel = self.fake.world.channel(_snowflake(call.match["channel_id"]))
        if channel is None:
            raise unknown_channel()
        return channel

    def _message(self, channel: Channel, raw_id: str) -> Message:
        message = self.fake.world.messages.get(_snowflake(raw_id))
        if message is None or message.deleted or message.channel is not channel or message.visible_to is not None:
            raise unknown_message()
        return message

    def _require(self, channel: Channel, *needed: Perm) -> None:
        if channel.guild is None:
            return
        bits = self.fake.permissions_in(self.fake.bot_user, channel)
        if not bits & Perm.VIEW_CHANNEL:
            raise refuse(403, 50001, "Missing Access")
        for perm in needed:
            if not bits & perm:
                raise refuse(403, 50013, "Missing Permissions")

    def new_message(
        self,
        channel: Channel,
        body: dict[str, Any],
        files: list[dict[str, Any]],
        *,
        interaction: Interaction | None = None,
        flags_allowed: int = CREATE_FLAGS,
        extra_flags: int = 0,
    ) -> Message:
        """A message by the bot from a create body."""
        fake = self.fake
        content = body.get("content") or ""
        reference = body.get("message_reference") or {}
        if reference.get("message_id"):
            replied = fake.world.messages.get(_snowflake(str(reference["message_id"])))
            if (replied is None or replied.deleted) and reference.get("fail_if_not_exists", True):
                error = limits.FieldError(
                    ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
                raise Refusal(ApiError(400, 50035, "Invalid Form Body", limits.invalid_form_body([error])))
        message = Message(
            id=fake.world.ids.next(),
            channel=channel,
            author=fake.bot_user,
            content=content,
            embeds=[{"type": "rich"} | e for e in body.get("embeds") or []],
            components=list(body.get("components") or []),
            flags=((body.get("flags") or 0) & flags_allowed) | extra_flags,
            attachments=files,
            mentions=fake.world.mentioned(content, body.get("allowed_mentions")),
            reference_id=_snowflake(str(reference["message_id"])) if reference.get("message_id") else None,
        )
        if reference.get("message_id"):
            message.type = 19
            allowed = body.get("allowed_mentions")
            replied = fake.world.messages.get(_snowflake(str(reference["message_id"])))
            pings_author = allowed is None or allowed.get("replied_user", False)
            if replied is not None and pings_author and replied.author not in message.mentions:
                message.mentions.append(replied.author)
        if interaction is not None:
            message.webhook_id = fake.application_id
            message.interaction_id = interaction.id
            message.interaction_user = interaction.user
            message.interaction_type = interaction.type
            message.type = 20 if interaction.type == APPLICATION_COMMAND else 0
            if message.flags & limits.FLAG_EPHEMERAL:
                message.visible_to = interaction.user.id
        fake.world.messages[message.id] = message
        if message.visible_to is None:
            fake.gateway.dispatch_message("MESSAGE_CREATE", message)
        return message

    def apply_edit(self, message: Message, body: dict[str, Any], files: list[dict[str, Any]]) -> None:
        """Apply a PATCH body to a message in place (only the keys present change) and dispatch the update."""
        after = {
            "content": body.get("content", message.content) or "",
            "embeds": body.get("embeds", message.embeds) or [],
            "components": body.get("components", message.components) or [],
        }
        if "attachments" in body:
            kept = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)}
            attachments = [a for a in message.attachments if a["id"] in kept] + files
        else:
            attachments = message.attachments + files
        if limits.is_empty_message(after, len(attachments)):
            raise refuse(400, 50006, "Cannot send an empty message", kind="empty_message",
                         detail="the edit would leave the message empty")
        message.content = after["content"]
        message.embeds = [{"type": "rich"} | e for e in after["embeds"]]
        message.components = list(after["components"])
        message.attachments = attachments
        if "flags" in body:
            keep = message.flags & (limits.FLAG_EPHEMERAL | limits.FLAG_COMPONENTS_V2)
            changeable = limits.FLAG_SUPPRESS_EMBEDS | limits.FLAG_COMPONENTS_V2
            message.flags = keep | ((body.get("flags") or 0) & changeable)
        message.flags &= ~limits.FLAG_LOADING
        if "content" in body or "allowed_mentions" in body:
            message.mentions = self.fake.world.mentioned(message.content, body.get("allowed_mentions"))
        message.edited_timestamp = time.time()
        message.edits += 1
        if message.visible_to is None:
            self.fake.gateway.dispatch_message("MESSAGE_UPDATE", message)

    def delete(self, message: Message) -> None:
        """Delete a message and dispatch MESSAGE_DELETE."""
        message.deleted = True
        if message.visible_to is None:
            data = {"id": str(message.id), "channel_id": str(message.channel.id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self.fake.gateway.dispatch("MESSAGE_DELETE", data)

    # ------------------------------------------------------------------------------------------- login

    async def get_me(self, call: Call) -> web.Response:
        """The bot user; counts as a login."""
        self.fake.note_login()
        extra = {"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None, "flags": 0}
        return json_response(self.fake.bot_user.payload() | extra)

    async def get_application(self, call: Call) -> web.Response:
        """The application; no interactions endpoint URL, so interactions arrive over the gateway."""
        fake = self.fake
        return json_response({
            "id": str(fake.application_id),
            "name": fake.bot_user.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": fake.owner.payload(),
            "team": None,
            "bot": fake.bot_user.payload(),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "integration_types_config": {"0": {}},
            "approximate_guild_count": len(fake.world.guilds),
        })

    async def get_gateway(self, call: Call) -> web.Response:
        """Where to connect (discord.py 2.7 uses its DEFAULT_GATEWAY, but answer anyway)."""
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": "wss://gateway.discord.gg", "shards": 1, "session_start_limit": limit})

    # ------------------------------------------------------------------------------------------- commands

    def _command_scope(self, call: Call) -> Guild | None:
        if _snowflake(call.match["application_id"]) != self.fake.application_id:
            raise refuse(403, 50001, "Missing Access", kind="wrong_application",
                         detail="the application id in the path is not the bot's")
        return self._guild(call) if "guild_id" in call.match else None

    async def get_commands(self, call: Call) -> web.Response:
        """The commands of a scope."""
        return json_response(self.fake.commands(self._command_scope(call)))

    async def put_commands(self, call: Call) -> web.Response:
        """Bulk overwrite, after Discord's checks on names, descriptions, options and choices."""
        guild = self._command_scope(call)
        self._check(limits.check_commands(call.body))
        return json_response(self.fake.store_commands(guild, call.body))

    # ------------------------------------------------------------------------------------------- guilds, users

    async def get_user(self, call: Call) -> web.Response:
        """A user by id."""
        user = self.fake.world.users.get(_snowflake(call.match["user_id"]))
        if user is None:
            raise refuse(404, 10013, "Unknown User")
        return json_response(user.payload())

    def _guild(self, call: Call) -> Guild:
        guild = self.fake.world.guilds.get(_snowflake(call.match["guild_id"]))
        if guild is None:
            raise refuse(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, call: Call) -> web.Response:
        """A guild (REST shape: no channels or members)."""
        guild = self._guild(call)
        data = guild.payload(members=[], last_message_ids={})
        for key in ("channels", "threads", "members", "voice_states", "presences", "joined_at", "large"):
            data.pop(key, None)
        return json_response(data)

    async def get_guild_channels(self, call: Call) -> web.Response:
        """The guild's channels (not threads)."""
        guild = self._guild(call)
        return json_response([c.payload() for c in guild.text_channels])

    async def get_member(self, call: Call) -> web.Response:
        """A guild member."""
        guild = self._guild(call)
        member = guild.members.get(_snowflake(call.match["user_id"]))
        if member is None:
            raise refuse(404, 10007, "Unknown Member")
        return json_response(member.payload())

    async def create_dm(self, call: Call) -> web.Response:
        """Open (or reuse) the DM channel with a user."""
        body = call.body or {}
        user = self.fake.world.users.get(_snowflake(str(body.get("recipient_id", "0"))))
        if user is None or user.bot:
            raise refuse(400, 50033, "Invalid Recipient(s)")
        return json_response(self.fake.open_dm(user).payload())

    # ------------------------------------------------------------------------------------------- channels

    async def get_channel(self, call: Call) -> web.Response:
        """A channel, thread or DM."""
        channel = self._channel(call)
        self._require(channel)
        return json_response(channel.payload())

    async def edit_channel(self, call: Call) -> web.Response:
        """Rename a channel, or archive/lock/rename a thread."""
        channel = self._channel(call)
        body = call.body or {}
        if channel.is_dm:
            raise refuse(400, 50024, "Cannot execute action on this channel type", kind="bad_channel_type")
        if channel.is_thread:
            if channel.owner_id != self.fake.bot_user.id:
                self._require(channel, Perm.MANAGE_THREADS)
            self._check(limits.check_thread(body) if "name" in body else [])
            channel.name = body.get("name", channel.name)
            channel.archived = bool(body.get("archived", channel.archived))
            channel.locked = bool(body.get("locked", channel.locked))
            channel.invitable = bool(body.get("invitable", channel.invitable))
            self.fake.gateway.dispatch("THREAD_UPDATE", channel.payload(), intent=GUILDS)
        else:
            self._require(channel, Perm.MANAGE_CHANNELS)
            channel.name = body.get("name", channel.name)
            channel.topic = body.get("topic", channel.topic)
            self.fake.gateway.dispatch("CHANNEL_UPDATE", channel.payload(), intent=GUILDS)
        return json_response(channel.payload())

    async def delete_channel(self, call: Call) -> web.Response:
        """Delete a channel or a thread."""
        channel = self._channel(call)
        if channel.is_dm:
            return json_response(channel.payload())
        self._require(channel, Perm.MANAGE_THREADS if channel.is_thread else Perm.MANAGE_CHANNELS)
        self.fake.delete_channel(channel)
        return json_response(channel.payload())

    async def typing(self, call: Call) -> web.Response:
        """Typing indicator."""
        self._require(self._channel(call))
        return no_content()

    # ------------------------------------------------------------------------------------------- messages

    async def get_messages(self, call: Call) -> web.Response:
        """Channel history, newest first (``limit``, ``before``, ``after``)."""
        channel = self._channel(call)
        self._require(channel, Perm.READ_MESSAGE_HISTORY)
        query = call.query
        limit = max(1, min(100, int(query.get("limit", 50))))
        messages = self.fake.world.messages_in(channel)
        if "before" in query:
            messages = [m for m in messages if m.id < _snowflake(query["before"])]
        if "after" in query:
            messages = [m for m in messages if m.id > _snowflake(query["after"])][:limit]
        messages = messages[-limit:]
        return json_response([m.payload() for m in reversed(messages)])

    async def create_message(self, call: Call) -> web.Response:
        """Post a message as the bot."""
        channel = self._channel(call)
        body = call.body or {}
        files = call.files
        if channel.is_dm:
            assert channel.recipient is not None
            if channel.recipient.id in self.fake.blocked_dms:
                raise refuse(403, 50007, "Cannot send messages to this user")
        else:
            self._require(channel, Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES)
        self._check(limits.check_message(body))
        if limits.is_empty_message(body, len(files)):
            raise refuse(400, 50006, "Cannot send an empty message", kind="empty_message")
        if channel.is_thread and channel.archived:
            # Posting unarchives a thread; a locked one only for those who may manage threads.
            if channel.locked and not self.fake.permissions_in(self.fake.bot_user, channel) & Perm.MANAGE_THREADS:
                raise refuse(400, 50083, "Thread is archived")
            channel.archived = False
            self.fake.gateway.dispatch("THREAD_UPDATE", channel.payload(), intent=GUILDS)
        message = self.new_message(channel, body, files)
        return json_response(message.payload())

    async def get_message(self, call: Call) -> web.Response:
        """One message."""
        channel = self._channel(call)
        self._require(channel, Perm.READ_MESSAGE_HISTORY)
        return json_response(self._message(channel, call.match["message_id"]).payload())

    async def edit_message(self, call: Call) -> web.Response:
        """Edit one of the bot's messages."""
        channel = self._channel(call)
        message = self._message(channel, call.match["message_id"])
        if message.author is not self.fake.bot_user:
            raise refuse(403, 50005, "Cannot edit a message authored by another user", kind="forbidden_edit")
        body = call.body or {}
        self._check_edit(message, body)
        self.apply_edit(message, body, call.files)
        return json_response(message.payload())

    async def delete_message(self, call: Call) -> web.Response:
        """Delete a message (someone else's needs Manage Messages)."""
        channel = self._channel(call)
        message = self._message(channel, call.match["message_id"])
        if message.author is not self.fake.bot_user:
            self._require(channel, Perm.MANAGE_MESSAGES)
        self.delete(message)
        return no_content()

    # ------------------------------------------------------------------------------------------- reactions

    def _reaction_event(self, message: Message, emoji: str, user_id: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(message.channel.id),
            "message_id": str(message.id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
            "message_author_id": str(message.author.id),
        }
        guild = message.channel.guild
        if guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(user_id)
            if member is not None:
                data["member"] = member.payload()
        return data

    def react(self, message: Message, emoji: str, user_id: int, *, add: bool = True) -> None:
        """Add or remove a reaction and dispatch the gateway event."""
        users = message.reactions.setdefault(emoji, [])
        if add and user_id not in users:
            users.append(user_id)
        elif not add and user_id in users:
            users.remove(user_id)
        else:
            return
        intent = GUILD_MESSAGE_REACTIONS if message.channel.guild is not None else DIRECT_MESSAGE_REACTIONS
        event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
        self.fake.gateway.dispatch(event, self._reaction_event(message, emoji, user_id), intent=intent)

    async def add_reaction(self, call: Call) -> web.Response:
        """The bot reacts."""
        channel = self._channel(call)
        message = self._message(channel, call.match["message_id"])
        if call.match["user_id"] != "@me":
            raise refuse(405, 0, "405: Method Not Allowed", kind="bad_request", detail="only @me can react")
        self._require(channel, Perm.READ_MESSAGE_HISTORY, Perm.ADD_REACTIONS)
        self.react(message, call.match["emoji"], self.fake.bot_user.id)
        return no_content()

    async def remove_reaction(self, call: Call) -> web.Response:
        """Remove the bot's reaction, or (with Manage Messages) someone else's."""
        channel = self._channel(call)
        message = self._message(channel, call.match["message_id"])
        who = call.match["user_id"]
        user_id = self.fake.bot_user.id if who == "@me" else _snowflake(who)
        if user_id != self.fake.bot_user.id:
            self._require(channel, Perm.MANAGE_MESSAGES)
        self.react(message, call.match["emoji"], user_id, add=False)
        return no_content()

    # ------------------------------------------------------------------------------------------- threads

    def _thread_response(self, thread: Channel) -> web.Response:
        payload = thread.payload()
        if self.fake.bot_user.id in thread.thread_members:
            payload["member"] = self.fake.thread_member_payload(thread, self.fake.bot_user.id)
        return json_response(payload, 201)

    async def create_thread(self, call: Call) -> web.Response:
        """A thread without a starter message (private by default, as in API v10)."""
        parent = self._channel(call)
        if parent.type != TEXT:
            raise refuse(400, 50024, "Cannot execute action on this channel type", kind="bad_channel_type")
        body = call.body or {}
        kind = body.get("type", PRIVATE_THREAD)
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise refuse(400, 50024, "Cannot execute action on this channel type", kind="bad_channel_type")
        self._require(parent, Perm.CREATE_PRIVATE_THREADS if kind == PRIVATE_THREAD else Perm.CREATE_PUBLIC_THREADS)
        self._check(limits.check_thread(body))
        thread = self.fake.create_thread(parent, body["name"], owner=self.fake.bot_user, private=kind == PRIVATE_THREAD)
        thread.invitable = bool(body.get("invitable", True))
        return self._thread_response(thread)

    async def thread_from_message(self, call: Call) -> web.Response:
        """A public thread started from a message (its id is the message's)."""
        parent = self._channel(call)
        message = self._message(parent, call.match["message_id"])
        if message.thread is not None:
            raise refuse(400, 160004, "A thread has already been created for this message", kind="duplicate_thread")
        body = call.body or {}
        self._require(parent, Perm.CREATE_PUBLIC_THREADS)
        self._check(limits.check_thread(body))
        thread = self.fake.create_thread(
            parent, body["name"], owner=self.fake.bot_user, private=False, starter=message
        )
        return self._thread_response(thread)

    def _thread_member_target(self, call: Call) -> tuple[Channel, int]:
        thread = self._channel(call)
        if not thread.is_thread:
            raise refuse(400, 50024, "Cannot execute action on this channel type", kind="bad_channel_type")
        who = call.match["user_id"]
        user_id = self.fake.bot_user.id if who == "@me" else _snowflake(who)
        assert thread.guild is not None
        if user_id not in thread.guild.members:
            raise refuse(404, 10007, "Unknown Member")
        return thread, user_id

    async def add_thread_member(self, call: Call) -> web.Response:
        """Add a member to a thread (THREAD_MEMBERS_UPDATE)."""
        thread, user_id = self._thread_member_target(call)
        self._require(thread, Perm.SEND_MESSAGES_IN_THREADS)
        if user_id not in thread.thread_members:
            thread.thread_members.add(user_id)
            assert thread.guild is not None
            added = self.fake.thread_member_payload(thread, user_id)
            added["member"] = thread.guild.members[user_id].payload()
            self.fake.gateway.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(thread.guild.id),
                    "member_count": len(thread.thread_members),
                    "added_members": [added],
                },
                intent=GUILDS,
            )
            self.fake.notify()
        return no_content()

    async def remove_thread_member(self, call: Call) -> web.Response:
        """Remove a member from a thread."""
        thread, user_id = self._thread_member_target(call)
        if user_id != self.fake.bot_user.id and thread.owner_id != self.fake.bot_user.id:
            self._require(thread, Perm.MANAGE_THREADS)
        if user_id in thread.thread_members:
            thread.thread_members.discard(user_id)
            assert thread.guild is not None
            self.fake.gateway.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(thread.guild.id),
                    "member_count": len(thread.thread_members),
                    "removed_member_ids": [str(user_id)],
                },
                intent=GUILDS,
            )
        return no_content()

    # ------------------------------------------------------------------------------------------- interactions

    async def callback(self, call: Call) -> web.Response:
        """The interaction callback: 3-second window, one acknowledgement, types by interaction type."""
        ix = self.fake.interactions.get(_snowflake(call.match["interaction_id"]))
        if ix is None or ix.token != call.match["interaction_token"]:
            raise refuse(404, 10062, "Unknown interaction", kind="unknown_interaction")
        try:
            payload = self._answer(ix, call.body or {}, call.files)
        except Refusal as refusal:
            if not ix.answered.is_set():
                ix.error = refusal.error
                ix.answered.set()
            raise
        ix.answered.set()
        if call.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        return json_response(payload)

    def _answer(self, ix: Interaction, body: dict[str, Any], files: list[dict[str, Any]]) -> dict[str, Any]:
        fake = self.fake
        late = fake.clock.now() - ix.created_at
        if late > RESPONSE_WINDOW:
            raise refuse(404, 10062, "Unknown interaction", kind="late_callback",
                         detail=f"callback {late:.2f} s after the interaction (Discord allows {RESPONSE_WINDOW:g} s)")
        if ix.acknowledged:
            raise refuse(400, 40060, "Interaction has already been acknowledged.", kind="already_acknowledged")
        kind = body.get("type")
        data = body.get("data") or {}
        needs_source = kind in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE)
        if kind not in ALLOWED_CALLBACKS.get(ix.type, frozenset()) or (needs_source and ix.source is None):
            error = limits.FieldError(
                ("type",), "INTERACTION_CALLBACK_TYPE_INVALID",
                f"Callback type {kind!r} is not valid for interaction type {ix.type}",
            )
            self._check([error])
        message: Message | None = None
        if kind == CHANNEL_MESSAGE:
            self._check(limits.check_message(data, ("data",)))
            if limits.is_empty_message(data, len(files)):
                raise refuse(400, 50006, "Cannot send an empty message", kind="empty_message")
            message = self.new_message(ix.channel, data, files, interaction=ix, flags_allowed=INTERACTION_FLAGS)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            ephemeral = (data.get("flags") or 0) & limits.FLAG_EPHEMERAL
            message = self.new_message(
                ix.channel, {"flags": ephemeral}, [], interaction=ix,
                flags_allowed=INTERACTION_FLAGS, extra_flags=limits.FLAG_LOADING,
            )
        elif kind == DEFERRED_UPDATE_MESSAGE:
            message = ix.source
        elif kind == UPDATE_MESSAGE:
            assert ix.source is not None
            self._check_edit(ix.source, data, ("data",))
            self.apply_edit(ix.source, data, files)
            message = ix.source
        elif kind == AUTOCOMPLETE_RESULT:
            self._check(limits.check_autocomplete(data))
            ix.choices = list(data.get("choices") or [])
        elif kind == MODAL:
            self._check(limits.check_modal(data))
            ix.modal = data
        ix.response_type = kind
        ix.response = message
        ix.edits_at_answer = message.edits if message is not None else 0
        interaction: dict[str, Any] = {"id": str(ix.id), "type": ix.type}
        result: dict[str, Any] = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            interaction["response_message_loading"] = bool(message.flags & limits.FLAG_LOADING)
            interaction["response_message_ephemeral"] = message.ephemeral
            if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
                result["resource"] = {"type": kind, "message": message.payload()}
        if ix.guild is not None:
            interaction["guild_id"] = str(ix.guild.id)
        interaction["channel_id"] = str(ix.channel.id)
        return result

    def _webhook_interaction(self, call: Call) -> Interaction:
        fake = self.fake
        token = call.match["webhook_token"]
        ix = next((i for i in fake.interactions.values() if i.token == token), None)
        if ix is None or _snowflake(call.match["webhook_id"]) != fake.application_id:
            raise refuse(404, 10015, "Unknown Webhook", kind="unknown_webhook")
        age = fake.clock.now() - ix.created_at
        if age > TOKEN_LIFETIME:
            raise refuse(404, 10015, "Unknown Webhook", kind="expired_token",
                         detail=f"interaction token used {age:.0f} s after the interaction (valid 15 min)")
        if not ix.acknowledged:
            raise refuse(404, 10015, "Unknown Webhook", kind="not_acknowledged",
                         detail="follow-up or original-response call before the interaction was acknowledged")
        return ix

    def _webhook_message(self, ix: Interaction, raw_id: str) -> Message:
        if raw_id == "@original":
            message = ix.response
        else:
            wanted = _snowflake(raw_id)
            candidates = [*ix.followups, *([ix.response] if ix.response is not None else [])]
            message = next((m for m in candidates if m.id == wanted), None)
        if message is None or message.deleted:
            raise unknown_message()
        return message

    async def create_followup(self, call: Call) -> web.Response:
        """A follow-up; the first one after a deferred reply fills the "thinking…" message instead."""
        ix = self._webhook_interaction(call)
        body = call.body or {}
        files = call.files
        self._check(limits.check_message(body))
        if limits.is_empty_message(body, len(files)):
            raise refuse(400, 50006, "Cannot send an empty message", kind="empty_message")
        original = ix.response
        if (
            ix.response_type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.flags & limits.FLAG_LOADING
        ):
            self.apply_edit(original, {"flags": body.get("flags") or 0} | body, files)
            message = original
        else:
            message = self.new_message(ix.channel, body, files, interaction=ix, flags_allowed=INTERACTION_FLAGS)
        ix.followups.append(message)
        if call.query.get("wait") in ("1", "true", "True"):
            return json_response(message.payload())
        return no_content()

    async def get_webhook_message(self, call: Call) -> web.Response:
        """The original response or a follow-up."""
        ix = self._webhook_interaction(call)
        return json_response(self._webhook_message(ix, call.match["message_id"]).payload())

    async def edit_webhook_message(self, call: Call) -> web.Response:
        """Edit the original response (for a component: the message it is on) or a follow-up."""
        ix = self._webhook_interaction(call)
        message = self._webhook_message(ix, call.match["message_id"])
        body = call.body or {}
        self._check_edit(message, body)
        self.apply_edit(message, body, call.files)
        return json_response(message.payload())

    async def delete_webhook_message(self, call: Call) -> web.Response:
        """Delete the original response or a follow-up."""
        ix = self._webhook_interaction(call)
        self.delete(self._webhook_message(ix, call.match["message_id"]))
        return no_content()


def _snowflake(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        detail = f"{raw!r} is not a snowflake"
        raise refuse(400, 50035, "Invalid Form Body", kind="bad_request", detail=detail) from None

