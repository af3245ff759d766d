"""A fake Discord on 127.0.0.1 for end-to-end tests of the real discord.py client.

Start a :class:`FakeDiscord`, build the world (guilds, channels, members), run any ``discord.Client`` against it
with :func:`start_client`, and drive it like members would through :class:`Discord`::

    async with start_client(fake, lambda connector: MyBot(connector=connector)) as bot:
        r = await discord.slash(alice, "quiz start", bank="flask")
"""

from .clock import Clock, FakeClock, MonotonicClock
from .harness import Discord, HarnessError, InteractionResult, start_client
from .interactions import ApiError, Interaction
from .openapi import missing_reason as spec_missing_reason
from .server import FakeDiscord, HarnessTimeout, RecordedRequest, Violation
from .world import Channel, Guild, Member, Message, Perm, Role, User

__all__ = [
    "ApiError",
    "Channel",
    "Clock",
    "Discord",
    "FakeClock",
    "FakeDiscord",
    "Guild",
    "HarnessError",
    "HarnessTimeout",
    "Interaction",
    "InteractionResult",
    "Member",
    "Message",
    "MonotonicClock",
    "Perm",
    "RecordedRequest",
    "Role",
    "User",
    "Violation",
    "spec_missing_reason",
    "start_client",
]
