"""Self-tests of the fake Discord and its story harness, driven through a tiny bot defined here.

The bot is deliberately small and unrelated to Viva: it exists to exercise what the harness must support
(login, command sync, slash commands with subcommands and options, autocomplete, buttons, both modal layouts,
ephemeral replies, deferrals and follow-ups, threads, DMs, reactions, persistent views across a restart) and
to make the fake reject what Discord would reject.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord as dpy
import pytest
from discord import app_commands
from discord.ext import commands

from tests.e2e.fake import (
    Channel,
    Discord,
    FakeDiscord,
    Guild,
    HarnessError,
    Member,
    Perm,
    limits,
    spec_missing_reason,
    start_client,
)

API = "https://discord.com/api/v10"
BANKS = ("flask", "django", "fastapi")
TOPICS = ("routing", "orm", "testing")
SPEC = spec_missing_reason() is None


def _kinds(fake: FakeDiscord) -> set[str]:
    return {v.kind for v in fake.violations}


# --------------------------------------------------------------------------------------------- the tiny bot


class AnswerModal(dpy.ui.Modal, title="Your answer"):
    """Classic layout: a text input, which discord.py wraps in an action row (type 1)."""

    response: dpy.ui.TextInput[AnswerModal] = dpy.ui.TextInput(
        label="Answer", custom_id="response", style=dpy.TextStyle.paragraph, max_length=1000
    )

    async def on_submit(self, interaction: dpy.Interaction) -> None:
        """Acknowledge the answer privately."""
        await interaction.response.send_message(f"got: {self.response.value}", ephemeral=True)


class ExplainModal(dpy.ui.Modal, title="Explain"):
    """Newer layout: a label component (type 18) holding the text input."""

    explanation: dpy.ui.Label[ExplainModal] = dpy.ui.Label(
        text="Explain it", component=dpy.ui.TextInput(custom_id="explanation", style=dpy.TextStyle.long)
    )

    async def on_submit(self, interaction: dpy.Interaction) -> None:
        """Acknowledge the explanation privately."""
        text_input = self.explanation.component
        assert isinstance(text_input, dpy.ui.TextInput)
        await interaction.response.send_message(f"explained: {text_input.value}", ephemeral=True)


class AnswerView(dpy.ui.View):
    """A persistent view: fixed custom_ids, no timeout, registered again by every bot start."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @dpy.ui.button(label="Answer", custom_id="story:answer", style=dpy.ButtonStyle.primary)
    async def answer(self, interaction: dpy.Interaction, button: dpy.ui.Button[AnswerView]) -> None:
        """Open the answer modal."""
        await interaction.response.send_modal(AnswerModal())

    @dpy.ui.button(label="Close", custom_id="story:close", style=dpy.ButtonStyle.secondary)
    async def close(self, interaction: dpy.Interaction, button: dpy.ui.Button[AnswerView]) -> None:
        """Defer, then edit the message the button is on."""
        await interaction.response.defer()
        await interaction.edit_original_response(content="closed", embed=None, view=None)


class RevealView(dpy.ui.View):
    """A short-lived view on an ephemeral message; its callback updates the message (type 7)."""

    @dpy.ui.button(label="Reveal", style=dpy.ButtonStyle.success)
    async def reveal(self, interaction: dpy.Interaction, button: dpy.ui.Button[RevealView]) -> None:
        """Update the ephemeral message in place."""
        await interaction.response.edit_message(content="revealed", view=None)


class TopicSelect(dpy.ui.View):
    """A string select; choosing updates the message."""

    @dpy.ui.select(placeholder="Pick topics", options=[dpy.SelectOption(label=t) for t in TOPICS], max_values=2)
    async def topics(self, interaction: dpy.Interaction, select: dpy.ui.Select[TopicSelect]) -> None:
        """Show what was picked."""
        await interaction.response.edit_message(content="picked " + ", ".join(select.values), view=None)


class QuestionCard(dpy.ui.LayoutView):
    """A Components V2 card: a container with text and a button that flips it."""

    def __init__(self, text: str, *, flipped: bool = False) -> None:
        super().__init__()
        flip: dpy.ui.Button[QuestionCard] = dpy.ui.Button(label="Flip", custom_id="card:flip", disabled=flipped)
        flip.callback = self.flip
        self.add_item(dpy.ui.Container(dpy.ui.TextDisplay(text), dpy.ui.ActionRow(flip)))

    async def flip(self, interaction: dpy.Interaction) -> None:
        """Replace the card with its answer side."""
        await interaction.response.edit_message(view=QuestionCard("A: a small core", flipped=True))


class StoryBot(commands.Bot):
    """Just enough bot to exercise the harness."""

    def __init__(self, connector: aiohttp.BaseConnector, *, message_content: bool = True, sync: bool = True):
        intents = dpy.Intents.default()
        intents.message_content = message_content
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, connector=connector)
        self.sync_on_start = sync
        self.slow_started = asyncio.Event()
        self.slow_release = asyncio.Event()
        self.errors: list[Exception] = []
        self.seen: list[dpy.Message] = []
        self._add_commands()

    async def setup_hook(self) -> None:
        """Register the persistent view and sync the commands."""
        self.add_view(AnswerView())
        if self.sync_on_start:
            await self.tree.sync()

    async def on_message(self, message: dpy.Message) -> None:
        """Record every message; echo `!echo …` and react to `!react`."""
        self.seen.append(message)
        if message.author.bot:
            return
        if message.content.startswith("!echo "):
            await message.channel.send("echo: " + message.content.removeprefix("!echo "))
        elif message.content == "!react":
            await message.add_reaction("👀")
        elif message.content == "!quiet":
            await message.channel.send(f"hi {message.author.mention}", allowed_mentions=dpy.AllowedMentions.none())
        elif message.content == "!reply":
            await message.reply(f"pong {message.author.mention}")

    def _add_commands(self) -> None:
        tree = self.tree
        quiz = app_commands.Group(name="quiz", description="Quiz rounds")
        admin = app_commands.Group(name="admin", description="Quiz administration", parent=quiz)

        @quiz.command(name="start", description="Start a quiz round")
        @app_commands.describe(bank="Question bank", count="How many questions", rival="Someone to beat")
        async def start(
            interaction: dpy.Interaction,
            bank: str,
            count: app_commands.Range[int, 1, 10] = 3,
            rival: dpy.Member | None = None,
        ) -> None:
            embed = dpy.Embed(title=f"{bank} quiz", description=f"{count} questions")
            if rival is not None:
                embed.add_field(name="Rival", value=rival.display_name)
            await interaction.response.send_message(embed=embed)
            assert isinstance(interaction.channel, dpy.abc.Messageable)
            await interaction.channel.send("Question 1: what is a microframework?", view=AnswerView())

        @start.autocomplete("bank")
        async def bank_choices(interaction: dpy.Interaction, current: str) -> list[app_commands.Choice[str]]:
            if current == "*":  # more than Discord accepts
                return [app_commands.Choice(name=f"bank {i}", value=str(i)) for i in range(26)]
            return [app_commands.Choice(name=b, value=b) for b in BANKS if b.startswith(current)]

        @admin.command(name="reset", description="Reset the scores")
        async def reset(interaction: dpy.Interaction) -> None:
            await interaction.response.send_message("reset done", ephemeral=True)

        tree.add_command(quiz)

        @tree.command(name="ping", description="Answer privately")
        async def ping(interaction: dpy.Interaction, word: str = "pong") -> None:
            await interaction.response.send_message(f"ping: {word}", ephemeral=True)

        @tree.command(name="announce", description="Post in another channel")
        async def announce(interaction: dpy.Interaction, channel: dpy.TextChannel, text: str) -> None:
            await channel.send(text)
            await interaction.response.send_message(f"posted in {channel.mention}", ephemeral=True)

        @tree.command(name="pick", description="Choose topics")
        async def pick(interaction: dpy.Interaction) -> None:
            await interaction.response.send_message("choose", view=TopicSelect())

        @tree.command(name="card", description="A Components V2 card")
        async def card(interaction: dpy.Interaction) -> None:
            await interaction.response.send_message(view=QuestionCard("Q: why a microframework?"))

        @tree.command(name="settings", description="Server settings")
        @app_commands.default_permissions(manage_guild=True)
        async def settings(interaction: dpy.Interaction) -> None:
            await interaction.response.send_message("settings ok", ephemeral=True)

        @tree.command(name="explain", description="Explain in a modal")
        async def explain(interaction: dpy.Interaction) -> None:
            await interaction.response.send_modal(ExplainModal())

        @tree.command(name="secret", description="An ephemeral message with a button")
        async def secret(interaction: dpy.Interaction) -> None:
            await interaction.response.send_message("hidden", view=RevealView(), ephemeral=True)

        @tree.command(name="slow", description="Answers only when the test lets it")
        async def slow(interaction: dpy.Interaction) -> None:
            self.slow_started.set()
            await self.slow_release.wait()
            try:
                await interaction.response.send_message("finally")
            except dpy.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(name="long", description="Posts more than Discord allows")
        async def long(interaction: dpy.Interaction) -> None:
            assert isinstance(interaction.channel, dpy.abc.Messageable)
            try:
                await interaction.channel.send("x" * (limits.CONTENT_MAX + 1))
            except dpy.HTTPException as exc:
                self.errors.append(exc)
            await interaction.response.send_message("tried", ephemeral=True)

        @tree.command(name="think", description="Defer, follow up, edit")
        async def think(interaction: dpy.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done thinking")
            await interaction.edit_original_response(content="done thinking (edited)")

        @tree.command(name="interview", description="A private thread for you")
        async def interview(interaction: dpy.Interaction) -> None:
            assert isinstance(interaction.channel, dpy.TextChannel)
            thread = await interaction.channel.create_thread(
                name=f"interview-{interaction.user.name}", type=dpy.ChannelType.private_thread, invitable=False
            )
            await thread.add_user(interaction.user)
            await thread.send(f"Welcome {interaction.user.mention}")
            await interaction.response.send_message(f"see {thread.mention}", ephemeral=True)

        @tree.command(name="dm", description="Talk privately")
        async def dm(interaction: dpy.Interaction) -> None:
            try:
                await interaction.user.send("hello in private")
            except dpy.Forbidden:
                await interaction.response.send_message("your DMs are closed", ephemeral=True)
            else:
                await interaction.response.send_message("check your DMs", ephemeral=True)


def story_bot(connector: aiohttp.BaseConnector) -> StoryBot:
    """The factory start_client calls."""
    return StoryBot(connector)


# --------------------------------------------------------------------------------------------- login, sync


async def test_login_ready_and_sync(fake: FakeDiscord, channel: Channel, alice: Member) -> None:
    """The unmodified client logs in, gets READY and GUILD_CREATE, and syncs its tree."""
    async with start_client(fake, story_bot) as bot:
        assert bot.is_ready()
        assert bot.user is not None and bot.user.id == fake.bot_user.id
        guild = bot.get_guild(channel.guild_id or 0)
        assert guild is not None and guild.name == "Study Hall"
        assert [c.name for c in guild.text_channels] == ["general"]
        # Without the members intent Discord sends only the bot's own member.
        assert guild.get_member(alice.id) is None and guild.me is not None
        assert guild.me.guild_permissions.send_messages
    names = sorted(c["name"] for c in fake.commands())
    assert names == [
        "announce", "card", "dm", "explain", "interview", "long", "pick", "ping", "quiz", "secret", "settings",
        "slow", "think",
    ]
    quiz = next(c for c in fake.commands() if c["name"] == "quiz")
    assert {o["name"]: o["type"] for o in quiz["options"]} == {"start": 1, "admin": 2}
    routes = [f"{r.method} {r.route}" for r in fake.requests[:3]]
    assert routes == [
        "GET /users/@me",
        "GET /oauth2/applications/@me",
        "PUT /applications/{application_id}/commands",
    ]


async def test_answers_are_json_without_charset_and_need_the_token(fake: FakeDiscord) -> None:
    """JSON is served as exactly application/json; a bad token gets 401."""
    async with aiohttp.ClientSession(connector=fake.connector()) as http:
        async with http.get(f"{API}/users/@me", headers={"Authorization": f"Bot {fake.token}"}) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["id"] == str(fake.bot_user.id)
        async with http.get(f"{API}/users/@me", headers={"Authorization": "Bot wrong"}) as resp:
            assert resp.status == 401
        async with http.get(f"{API}/voice/regions", headers={"Authorization": f"Bot {fake.token}"}) as resp:
            assert resp.status == 404
    assert [v.kind for v in fake.violations] == ["unauthorized", "unsupported"]
    fake.expect_violations("unauthorized", "unsupported")


async def test_wrong_token_fails_login(fake: FakeDiscord) -> None:
    """discord.py raises LoginFailure on the fake's 401, as with Discord."""
    bot = StoryBot(fake.connector())
    with pytest.raises(dpy.LoginFailure):
        await bot.login("not-the-token")
    await bot.close()
    fake.expect_violations("unauthorized")


async def test_client_that_does_not_sync_starts(fake: FakeDiscord) -> None:
    """start_client(sync=False) does not wait for a command PUT."""
    async with start_client(fake, lambda connector: StoryBot(connector, sync=False), sync=False) as bot:
        assert bot.is_ready()
    assert fake.commands() == []


# --------------------------------------------------------------------------------------------- slash commands


async def test_slash_subcommand_with_options(
    fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member, bob: Member
) -> None:
    """A subcommand with string, integer and member options; the bot's own post comes back."""
    async with start_client(fake, story_bot) as bot:
        r = await discord.slash(alice, "quiz start", bank="flask", count=5, rival=bob)
        question = await discord.next_message(channel)
        # Discord echoes the bot's own messages back to it as MESSAGE_CREATE.
        await fake.wait_until(lambda: question.id in [m.id for m in bot.seen], 5, "the echo of the bot's post")
    assert r.type == 4 and not r.ephemeral
    assert r.embed is not None and r.embed["title"] == "flask quiz" and r.embed["description"] == "5 questions"
    assert r.embed["fields"] == [{"name": "Rival", "value": "Bob", "inline": True}]
    assert question.content.startswith("Question 1") and question.button_labels() == ["Answer", "Close"]
    assert discord.messages_in(channel) == [r.message, question]


async def test_subcommand_group_and_default_permissions(
    fake: FakeDiscord, discord: Discord, alice: Member, admin: Member
) -> None:
    """Nested groups resolve; default_member_permissions hide a command from members."""
    async with start_client(fake, story_bot):
        r = await discord.slash(alice, "quiz admin reset")
        assert r.content == "reset done" and r.ephemeral
        with pytest.raises(HarnessError, match="cannot see /settings"):
            await discord.slash(alice, "settings")
        r = await discord.slash(admin, "settings")
        assert r.content == "settings ok"


async def test_options_are_checked_like_the_client_does(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """The harness refuses what Discord's client would not let a member send."""
    async with start_client(fake, story_bot):
        with pytest.raises(HarnessError, match="between 1 and 10"):
            await discord.slash(alice, "quiz start", bank="flask", count=11)
        with pytest.raises(HarnessError, match="'bank' is required"):
            await discord.slash(alice, "quiz start")
        with pytest.raises(HarnessError, match="unknown option"):
            await discord.slash(alice, "ping", colour="red")
        with pytest.raises(HarnessError, match="no slash command /nope"):
            await discord.slash(alice, "nope")
        with pytest.raises(HarnessError, match="needs a subcommand"):
            await discord.slash(alice, "quiz")


async def test_autocomplete(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """Autocomplete choices come back; more than 25 are rejected and recorded."""
    async with start_client(fake, story_bot):
        assert await discord.autocomplete(alice, "quiz start", "bank", "f") == [
            {"name": "flask", "value": "flask"},
            {"name": "fastapi", "value": "fastapi"},
        ]
        assert await discord.autocomplete(alice, "quiz start", "bank", "dj", count=2) == [
            {"name": "django", "value": "django"}
        ]
        with pytest.raises(HarnessError, match="refused"):
            await discord.autocomplete(alice, "quiz start", "bank", "*")
    [violation] = [v for v in fake.violations if v.kind == "limits"]
    too_many = {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}
    assert violation.errors == {"data": {"choices": {"_errors": [too_many]}}}
    assert _kinds(fake) == ({"limits", "spec"} if SPEC else {"limits"})
    fake.expect_violations("limits", "spec")


async def test_channel_option_and_clashing_option_names(
    fake: FakeDiscord, discord: Discord, guild: Guild, channel: Channel, alice: Member
) -> None:
    """A channel option arrives resolved; options= carries a name that clashes."""
    news = fake.add_text_channel(guild, "news")
    async with start_client(fake, story_bot):
        r = await discord.slash(alice, "announce", channel=channel, options={"channel": news}, text="exam on Friday")
        posted = await discord.next_message(news)
    assert r.content == f"posted in {news.mention}" and r.message is not None and r.message.channel is channel
    assert posted.content == "exam on Friday"


async def test_components_v2_card(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """A LayoutView (IS_COMPONENTS_V2) is posted and updated in place."""
    async with start_client(fake, story_bot):
        r = await discord.slash(alice, "card")
        assert r.message is not None and r.flags & limits.FLAG_COMPONENTS_V2
        flipped = await discord.click(alice, r.message, "Flip")
    texts = [c["content"] for c in r.message.walk_components() if c.get("type") == 10]
    assert flipped.type == 7 and texts == ["A: a small core"] and r.content == ""
    assert r.message.buttons()[0]["disabled"] is True


async def test_select_menu(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """A string select dispatches its values; unknown values are refused."""
    async with start_client(fake, story_bot):
        r = await discord.slash(alice, "pick")
        assert r.message is not None
        with pytest.raises(HarnessError, match="not options"):
            await discord.select(alice, r.message, ["cooking"])
        picked = await discord.select(alice, r.message, ["routing", "testing"])
    assert picked.type == 7 and r.content == "picked routing, testing" and r.components == []


# --------------------------------------------------------------------------------------------- components, modals


async def test_button_opens_modal_and_submit_round_trip(
    fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member, bob: Member
) -> None:
    """Button → modal (action-row layout) → submit → ephemeral reply."""
    async with start_client(fake, story_bot):
        await discord.slash(alice, "quiz start", bank="flask")
        question = await discord.next_message(channel)
        r = await discord.click(bob, question, "Answer")
        assert r.type == 9 and r.modal is not None and r.modal["title"] == "Your answer"
        assert r.modal["components"][0]["type"] == 1
        assert discord.last_modal(bob) == r.modal and discord.last_modal(alice) is None
        with pytest.raises(HarnessError, match="no inputs"):
            await discord.submit_modal(bob, response="x", other="y")
        r = await discord.click(bob, question, "Answer")
        reply = await discord.submit_modal(bob, response="a small core and extensions")
        with pytest.raises(HarnessError, match="no modal is open"):
            await discord.submit_modal(bob, response="again")
    assert reply.type == 4 and reply.ephemeral and reply.content == "got: a small core and extensions"
    assert discord.ephemerals(bob) == [reply.message] and discord.ephemerals(alice) == []
    assert reply.message not in discord.messages_in(channel)


async def test_label_modal_layout(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """A modal built from a Label (type 18) round-trips too."""
    async with start_client(fake, story_bot):
        r = await discord.slash(alice, "explain")
        assert r.modal is not None and r.modal["components"][0]["type"] == 18
        with pytest.raises(HarnessError, match="requires 'explanation'"):
            await discord.submit_modal(alice)
        await discord.slash(alice, "explain")
        reply = await discord.submit_modal(alice, explanation="because routing is all it does")
    assert reply.content == "explained: because routing is all it does"


async def test_deferred_update_then_edit_original(
    fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member
) -> None:
    """Deferring a button (type 6) then editing @original edits the button's message."""
    async with start_client(fake, story_bot):
        await discord.slash(alice, "quiz start", bank="flask")
        question = await discord.next_message(channel)
        r = await discord.click(alice, question, "Close")
        edited = await r.wait_edit()
    assert r.type == 6 and r.message is question and edited is question
    assert question.content == "closed" and question.components == [] and question.edits == 1


async def test_ephemeral_update_and_visibility(fake: FakeDiscord, discord: Discord, alice: Member, bob: Member) -> None:
    """An ephemeral message is seen and clicked only by its member; type 7 updates it."""
    async with start_client(fake, story_bot):
        r = await discord.slash(alice, "secret")
        assert r.ephemeral and r.message is not None
        with pytest.raises(HarnessError, match="ephemeral"):
            await discord.click(bob, r.message, "Reveal")
        revealed = await discord.click(alice, r.message, "Reveal")
    assert revealed.type == 7 and revealed.message is r.message
    assert r.content == "revealed" and r.components == []
    with pytest.raises(HarnessError, match="no component"):
        await discord.click(alice, r.message, "Reveal")


async def test_defer_followup_fills_the_thinking_message(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """After a deferral the first follow-up fills the thinking message."""
    async with start_client(fake, story_bot):
        r = await discord.slash(alice, "think")
        assert r.type == 5
        first = await r.wait_followup()
        await r.wait_edit(lambda m: m.content.endswith("(edited)"))
    assert first is r.message and r.content == "done thinking (edited)"
    assert not r.flags & limits.FLAG_LOADING


# --------------------------------------------------------------------------------------------- messages


async def test_user_message_reaches_the_bot(
    fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member
) -> None:
    """A member's message reaches the bot, which answers, reacts, and pings only as allowed_mentions says."""
    async with start_client(fake, story_bot):
        said = await discord.say(alice, channel, "!echo hello")
        echo = await discord.next_message(channel)
        react = await discord.say(alice, channel, "!react")
        await fake.wait_until(lambda: react.reactions, 5, "the bot's reaction")
        await discord.say(alice, channel, "!quiet")
        quiet = await discord.next_message(channel)
        await discord.say(alice, channel, "!reply")
        reply = await discord.next_message(channel)
    assert echo.content == "echo: hello"
    assert discord.messages_in(channel)[:3] == [said, echo, react]
    assert react.reactions == {"👀": [fake.bot_user.id]}
    # ``mentions`` lists whom a message pings, as allowed_mentions decides.
    assert quiet.content == f"hi {alice.mention}" and quiet.mentions == []
    assert reply.mentions == [alice.user] and reply.type == 19


async def test_message_content_intent_is_honoured(
    fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member
) -> None:
    """Without MESSAGE_CONTENT a guild message arrives empty unless it mentions the bot."""
    async with start_client(fake, lambda c: StoryBot(c, message_content=False)) as bot:
        await discord.say(alice, channel, "!echo secret")
        await discord.say(alice, channel, f"{fake.bot_user.mention} hi")
        await fake.wait_until(lambda: len(bot.seen) == 2, 5, "both messages")
    assert [m.content for m in bot.seen] == ["", f"{fake.bot_user.mention} hi"]


async def test_threads_and_direct_messages(
    fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member, bob: Member
) -> None:
    """Private and public threads, thread members, DMs, and DMs closed."""
    async with start_client(fake, story_bot) as bot:
        r = await discord.slash(alice, "interview")
        [thread] = discord.threads_in(channel)
        assert thread.type == 12 and thread.thread_members == {fake.bot_user.id, alice.id}
        assert r.content == f"see {thread.mention}"
        welcome = await discord.next_message(thread)
        assert welcome.content == f"Welcome {alice.mention}"
        await discord.say(alice, thread, "!echo in thread")
        assert (await discord.next_message(thread)).content == "echo: in thread"
        with pytest.raises(HarnessError, match="cannot post"):
            await discord.say(bob, thread, "let me in")

        general = bot.get_channel(channel.id)
        assert isinstance(general, dpy.TextChannel)
        started = await general.send("thread starter")
        public = await started.create_thread(name="discussion")
        assert public.id == started.id and discord.threads_in(channel)[-1].type == 11

        r = await discord.slash(bob, "dm")
        dm = discord.dm_channel(bob)
        assert r.content == "check your DMs" and dm is not None
        assert (await discord.next_message(dm)).content == "hello in private"
        await discord.say(bob, dm, "!echo in private")
        assert (await discord.next_message(dm)).content == "echo: in private"

        fake.block_dms(alice)
        r = await discord.slash(alice, "dm")
        assert r.content == "your DMs are closed" and discord.dm_channel(alice) is not None


# --------------------------------------------------------------------------------------------- refusals


async def test_limit_violation_is_rejected_and_recorded(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """Content over 2000 gets 400 50035 with Discord's error tree and is recorded."""
    async with start_client(fake, story_bot) as bot:
        r = await discord.slash(alice, "long")
    assert r.content == "tried"
    [error] = bot.errors
    assert isinstance(error, dpy.HTTPException) and error.status == 400 and error.code == 50035
    [violation] = fake.violations
    assert violation.kind == "limits" and violation.code == 50035
    assert violation.errors == {
        "content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}
    }
    with pytest.raises(AssertionError, match="Discord would reject"):
        fake.check_violations()
    fake.expect_violations("limits")
    fake.check_violations()


@pytest.mark.parametrize(("advance", "accepted"), [(2.9, True), (3.5, False)])
async def test_interaction_window_uses_the_fake_clock(
    fake: FakeDiscord, discord: Discord, alice: Member, advance: float, accepted: bool
) -> None:
    """A callback more than 3 s (fake clock) after the interaction gets 404 10062."""
    async with start_client(fake, story_bot) as bot:
        answer = asyncio.create_task(discord.slash(alice, "slow"))
        await asyncio.wait_for(bot.slow_started.wait(), 5)
        fake.clock.advance(advance)
        bot.slow_release.set()
        r = await answer
    if accepted:
        assert r.type == 4 and r.content == "finally" and bot.errors == []
        return
    assert r.type is None and r.error is not None and (r.error.status, r.error.code) == (404, 10062)
    [error] = bot.errors
    assert isinstance(error, dpy.NotFound) and error.code == 10062
    assert [v.kind for v in fake.violations] == ["late_callback"]
    fake.expect_violations("late_callback")


async def test_followup_token_expires_after_15_minutes(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """Follow-ups work until the token is 15 minutes old (fake clock)."""
    async with start_client(fake, story_bot) as bot:
        r = await discord.slash(alice, "ping")
        webhook = dpy.Webhook.partial(fake.application_id, r.interaction.token, client=bot)
        await webhook.send("still in time", wait=True)
        fake.clock.advance(15 * 60 + 1)
        with pytest.raises(dpy.NotFound) as late:
            await webhook.send("too late", wait=True)
    assert late.value.code == 10015
    assert [m.content for m in r.followups] == ["still in time"]
    fake.expect_violations("expired_token")


async def test_rate_limit_is_answered_with_429_then_retried(
    fake: FakeDiscord, discord: Discord, channel: Channel
) -> None:
    """An injected 429 makes discord.py wait retry_after and retry."""
    route = "POST /channels/{channel_id}/messages"
    async with start_client(fake, story_bot) as bot:
        fake.rate_limit_next(route, retry_after=0.01)
        await bot.get_partial_messageable(channel.id).send("after a 429")
    assert [r.status for r in fake.requests_to(route)] == [429, 200]
    assert fake.requests_to(route)[0].response["retry_after"] == 0.01
    assert [m.content for m in discord.messages_in(channel)] == ["after a 429"]


async def test_permissions_and_deleted_channels(fake: FakeDiscord, channel: Channel) -> None:
    """A denied overwrite gives 403 50013, a deleted channel 404 10003; neither is a violation."""
    scratch = fake.add_text_channel(next(iter(fake.world.guilds.values())), "scratch")
    async with start_client(fake, story_bot) as bot:
        fake.set_permissions(channel, fake.bot_user, deny=Perm.SEND_MESSAGES)
        with pytest.raises(dpy.Forbidden) as forbidden:
            await bot.get_partial_messageable(channel.id).send("no")
        fake.delete_channel(scratch)
        with pytest.raises(dpy.NotFound) as gone:
            await bot.get_partial_messageable(scratch.id).send("gone")

        def cache_follows() -> bool:
            general = bot.get_channel(channel.id)
            assert isinstance(general, dpy.TextChannel)
            can_send = general.permissions_for(general.guild.me).send_messages
            return not can_send and bot.get_channel(scratch.id) is None

        await fake.wait_until(cache_follows, 5, "CHANNEL_UPDATE and CHANNEL_DELETE to reach the bot's cache")
    assert forbidden.value.code == 50013 and gone.value.code == 10003
    assert fake.violations == []


async def test_command_limits_are_enforced_on_sync(fake: FakeDiscord) -> None:
    """A command PUT breaking Discord's limits gets 400 with the errors tree."""
    bad = [
        {"name": "Quiz", "description": "ok", "type": 1},
        {"name": "ok", "description": "d" * 101, "type": 1},
        {
            "name": "pick",
            "description": "choices",
            "type": 1,
            "options": [{
                "type": 3,
                "name": "what",
                "description": "what",
                "choices": [{"name": str(i), "value": str(i)} for i in range(26)],
            }],
        },
    ]
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(connector=fake.connector()) as http:
        url = f"{API}/applications/{fake.application_id}/commands"
        async with http.put(url, json=bad, headers=headers) as resp:
            body = await resp.json()
    assert resp.status == 400 and body["code"] == 50035 and body["message"] == "Invalid Form Body"
    errors = body["errors"]
    assert errors["0"]["name"]["_errors"][0]["code"] == "APPLICATION_COMMAND_INVALID_NAME"
    assert errors["1"]["description"]["_errors"][0]["code"] == "BASE_TYPE_BAD_LENGTH"
    assert errors["2"]["options"]["0"]["choices"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert fake.commands() == []
    assert _kinds(fake) == ({"limits", "spec"} if SPEC else {"limits"})
    fake.expect_violations("limits", "spec")


async def test_spec_validation_flags_a_body_discord_would_refuse(fake: FakeDiscord, channel: Channel) -> None:
    """With the OpenAPI description present, a body it rejects is recorded."""
    reason = spec_missing_reason()
    if reason is not None:
        pytest.skip(reason)
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(connector=fake.connector()) as http:
        url = f"{API}/channels/{channel.id}/messages"
        async with http.post(url, json={"content": "hi", "tts": "yes please"}, headers=headers) as resp:
            assert resp.status == 200
    [violation] = fake.violations
    assert violation.kind == "spec" and "tts" in violation.detail
    fake.expect_violations("spec")


async def test_a_second_answer_is_rejected(fake: FakeDiscord, discord: Discord, alice: Member) -> None:
    """Two instances answering one interaction: the second gets 40060."""
    async with start_client(fake, story_bot), start_client(fake, story_bot):
        assert len(fake.gateway.identified) == 2
        r = await discord.slash(alice, "ping")
        await fake.wait_until(lambda: len(fake.violations) == 1, 5, "the second instance's answer")
    assert r.content == "ping: pong"
    [violation] = fake.violations
    assert violation.kind == "already_acknowledged" and violation.code == 40060
    fake.expect_violations(40060)


# --------------------------------------------------------------------------------------------- restart


async def test_persistent_view_answers_after_a_restart(
    fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member, bob: Member
) -> None:
    """A persistent view posted by one bot instance is answered by the next."""
    async with start_client(fake, story_bot):
        await discord.slash(alice, "quiz start", bank="flask")
        question = await discord.next_message(channel)
    assert fake.gateway.identified == []
    async with start_client(fake, story_bot) as second:
        r = await discord.click(bob, question, "Answer")
        reply = await discord.submit_modal(bob, response="after the restart")
        assert second.is_ready()
    assert r.type == 9 and reply.content == "got: after the restart"
    assert fake.logins == 2


# --------------------------------------------------------------------------------------------- limits, pure


def _codes(errors: list[limits.FieldError]) -> dict[str, str]:
    return {".".join(map(str, e.path)): e.code for e in errors}


def _button(custom_id: str, label: str = "Go") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": "x" * 2000}, {}),
        ({"content": "x" * 2001}, {"content": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"title": "t" * 257}]}, {"embeds.0.title": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"description": "d" * 4097}]}, {"embeds.0.description": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, {"embeds.0.footer.text": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"author": {"name": "a" * 257}}]}, {"embeds.0.author.name": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, {"embeds.0.fields": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"fields": [{"name": "n" * 257, "value": "v" * 1025}]}]},
         {"embeds.0.fields.0.name": "BASE_TYPE_MAX_LENGTH", "embeds.0.fields.0.value": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"fields": [{"name": "", "value": "v"}]}]}, {"embeds.0.fields.0.name": "BASE_TYPE_REQUIRED"}),
        ({"embeds": [{"title": "t"}] * 11}, {"embeds": "BASE_TYPE_MAX_LENGTH"}),
        ({"embeds": [{"description": "d" * 3000}, {"description": "d" * 3000}]}, {}),
        ({"embeds": [{"description": "d" * 3000}, {"description": "d" * 3001}]}, {"embeds": "MAX_EMBED_SIZE_EXCEEDED"}),
        ({"components": [{"type": 1, "components": [_button(f"b{i}") for i in range(5)]}]}, {}),
        ({"components": [{"type": 1, "components": [_button(f"b{i}") for i in range(6)]}]},
         {"components.0.components": "BASE_TYPE_MAX_LENGTH"}),
        ({"components": [{"type": 1, "components": [_button(f"r{i}")]} for i in range(6)]},
         {"components": "BASE_TYPE_MAX_LENGTH"}),
        ({"components": [{"type": 1, "components": [_button("c" * 101)]}]},
         {"components.0.components.0.custom_id": "BASE_TYPE_BAD_LENGTH"}),
        ({"components": [{"type": 1, "components": [_button("b", "l" * 81)]}]},
         {"components.0.components.0.label": "BASE_TYPE_MAX_LENGTH"}),
        ({"components": [{"type": 1, "components": [_button("same"), _button("same")]}]},
         {"components": "COMPONENT_CUSTOM_ID_DUPLICATED"}),
    ],
)
def test_message_limits(body: dict[str, Any], expected: dict[str, str]) -> None:
    """Message limits: content, embeds (fields, total 6000), components."""
    assert _codes(limits.check_message(body)) == expected


def _text_input(**extra: Any) -> dict[str, Any]:
    return {"type": 4, "custom_id": "answer", "style": 2, "label": "Answer"} | extra


@pytest.mark.parametrize(
    ("modal", "expected"),
    [
        ({"title": "t" * 45, "custom_id": "m", "components": [{"type": 1, "components": [_text_input()]}]}, {}),
        ({"title": "t" * 46, "custom_id": "m", "components": [{"type": 1, "components": [_text_input()]}]},
         {"data.title": "BASE_TYPE_MAX_LENGTH"}),
        ({"title": "t", "custom_id": "m", "components": [{"type": 1, "components": [_text_input(label="l" * 46)]}]},
         {"data.components.0.components.0.label": "BASE_TYPE_MAX_LENGTH"}),
        ({"title": "t", "custom_id": "m", "components": [{"type": 1, "components": [_text_input(value="v" * 4001)]}]},
         {"data.components.0.components.0.value": "BASE_TYPE_MAX_LENGTH"}),
        ({"title": "t", "custom_id": "m",
          "components": [{"type": 1, "components": [_text_input(placeholder="p" * 101)]}]},
         {"data.components.0.components.0.placeholder": "BASE_TYPE_MAX_LENGTH"}),
        ({"title": "t", "custom_id": "m", "components": [{"type": 18, "label": "l" * 46, "component": _text_input()}]},
         {"data.components.0.label": "BASE_TYPE_MAX_LENGTH"}),
        ({"title": "t", "custom_id": "m",
          "components": [{"type": 18, "label": "ok", "component": _text_input(label=None)}]}, {}),
        ({"title": "t", "custom_id": "m",
          "components": [{"type": 1, "components": [_text_input(custom_id=f"a{i}")]} for i in range(6)]},
         {"data.components": "BASE_TYPE_MAX_LENGTH"}),
    ],
)
def test_modal_limits(modal: dict[str, Any], expected: dict[str, str]) -> None:
    """Modal limits in both layouts."""
    assert _codes(limits.check_modal(modal)) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ({"name": "quiz", "description": "d" * 100}, {}),
        ({"name": "q" * 33, "description": "d"}, {"0.name": "BASE_TYPE_BAD_LENGTH"}),
        ({"name": "has space", "description": "d"}, {"0.name": "APPLICATION_COMMAND_INVALID_NAME"}),
        ({"name": "Upper", "description": "d"}, {"0.name": "APPLICATION_COMMAND_INVALID_NAME"}),
        ({"name": "quiz", "description": ""}, {"0.description": "BASE_TYPE_BAD_LENGTH"}),
        ({"name": "Report User", "type": 2}, {}),
        ({"name": "quiz", "description": "d", "options": [
            {"type": 3, "name": "o", "description": "d", "choices": [{"name": "n" * 101, "value": "v"}]}]},
         {"0.options.0.choices.0.name": "BASE_TYPE_BAD_LENGTH"}),
    ],
)
def test_command_limits(command: dict[str, Any], expected: dict[str, str]) -> None:
    """Command names, descriptions and choices."""
    assert _codes(limits.check_commands([command])) == expected


def test_autocomplete_limits_and_error_tree() -> None:
    """Autocomplete limits, and the exact 50035 body."""
    ok = {"choices": [{"name": str(i), "value": str(i)} for i in range(25)]}
    assert limits.check_autocomplete(ok) == []
    too_many = {"choices": [{"name": str(i), "value": str(i)} for i in range(26)]}
    long_name = {"choices": [{"name": "n" * 101, "value": "v"}]}
    assert _codes(limits.check_autocomplete(too_many)) == {"data.choices": "BASE_TYPE_MAX_LENGTH"}
    errors = limits.check_autocomplete(long_name)
    assert limits.invalid_form_body(errors) == {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {"data": {"choices": {"0": {"name": {"_errors": [
            {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}
        ]}}}}},
    }
