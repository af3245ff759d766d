"""The public leaderboard never shows one member's rank to everyone; a misspelt topic lists the real ones."""

from __future__ import annotations

from bot.app import VivaBot
from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, Member, Message
from tests.e2e.scenarios.conftest import field, mentioned, ranked_answers


def field_names(message: Message) -> list[str]:
    return [f["name"] for f in message.embeds[0].get("fields", [])]


async def test_page_buttons_never_show_the_clicker_as_you_and_the_rank_is_private(
        bot: VivaBot, fake: FakeDiscord, guild: Guild, discord: Discord, channel: Channel, alice: Member,
        bob: Member) -> None:
    members = [fake.add_member(guild, f"student{i:02d}") for i in range(11)] + [bob]
    await ranked_answers(bot, guild, channel.id, members)
    r = await discord.slash(alice, "leaderboard", period="all")
    page = r.message
    assert not r.ephemeral and "You" not in field_names(page)
    mine = await r.wait_followup()
    assert mine.ephemeral  # only alice sees her own rank
    assert field(mine, "You").startswith("Not ranked yet")

    await discord.click(bob, page, "Next ▶")  # bob (#12) pages the public message
    assert mentioned(page.embeds[0]["description"]) == [m.id for m in members[10:]]
    assert "You" not in field_names(page)  # before the fix: "You: #12 of 12" (bob's) shown to everyone


async def test_a_misspelt_topic_says_which_topics_exist(bot: VivaBot, discord: Discord, alice: Member) -> None:
    r = await discord.slash(alice, "leaderboard", topic="architectur")
    assert r.ephemeral and "topic 'architectur'" in r.content and "architecture" in r.content
    r = await discord.slash(alice, "leaderboard", bank="mini", topic="basic")
    assert r.ephemeral and "Bank 'mini'" in r.content and "architecture" in r.content
    r = await discord.slash(alice, "leaderboard", topic="ARCHITECTURE")  # the banks' spelling is found
    assert not r.ephemeral and r.embed["title"].endswith("· architecture")
