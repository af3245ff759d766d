"""Generic fixtures for end-to-end tests against the fake Discord (tests/e2e/fake).

``fake`` is a started :class:`FakeDiscord` with the guild "Study Hall", a channel "general", three ordinary
members (alice, bob, carol: no Manage Server) and ``admin`` (Manage Server + Manage Messages); each is also a
fixture of its own. ``discord`` is the story harness. Run a bot with
``async with start_client(fake, lambda connector: MyBot(connector=connector)) as bot:``
(``from tests.e2e.fake import start_client``).

At teardown the ``fake`` fixture fails the test if the bot sent anything Discord would reject, unless the
test declared it with ``fake.expect_violations(...)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, Member, Perm

GUILD_NAME = "Study Hall"
CHANNEL_NAME = "general"
MEMBERS = ("alice", "bob", "carol")
ADMIN_PERMISSIONS = Perm.MANAGE_GUILD | Perm.MANAGE_MESSAGES


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord with Study Hall, #general, alice, bob, carol and admin."""
    discord_fake = FakeDiscord()
    await discord_fake.start()
    guild = discord_fake.add_guild(GUILD_NAME)
    discord_fake.add_text_channel(guild, CHANNEL_NAME)
    for name in MEMBERS:
        discord_fake.add_member(guild, name)
    discord_fake.add_member(guild, "admin", permissions=ADMIN_PERMISSIONS)
    try:
        yield discord_fake
    finally:
        await discord_fake.stop()
    discord_fake.check_violations()


@pytest.fixture
def discord(fake: FakeDiscord) -> Discord:
    """The story harness: slash, click, submit_modal, say, next_message, …"""
    return Discord(fake)


@pytest.fixture
def guild(fake: FakeDiscord) -> Guild:
    """Study Hall."""
    return next(g for g in fake.world.guilds.values() if g.name == GUILD_NAME)


@pytest.fixture
def channel(guild: Guild) -> Channel:
    """#general."""
    return next(c for c in guild.text_channels if c.name == CHANNEL_NAME)


@pytest.fixture
def alice(guild: Guild) -> Member:
    """An ordinary member (no Manage Server)."""
    return guild.member_named("alice")


@pytest.fixture
def bob(guild: Guild) -> Member:
    """An ordinary member (no Manage Server)."""
    return guild.member_named("bob")


@pytest.fixture
def carol(guild: Guild) -> Member:
    """An ordinary member (no Manage Server)."""
    return guild.member_named("carol")


@pytest.fixture
def admin(guild: Guild) -> Member:
    """A member with Manage Server and Manage Messages."""
    return guild.member_named("admin")
