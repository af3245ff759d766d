"""N members click Answer and submit on one question, against the fake Discord: VivaBot vs a minimal bot.

For each N (default 50, 200, 1000) every member clicks the question's button at once; once every modal is open,
every member submits at once.
Printed per bot: p50/p99 of click → modal (the button's callback reaching Discord) and of submit → receipt
(the submission's own response, or the follow-up after a deferral), the slowest callback of all, and the ratios
Viva / minimal. The minimal bot is measured on the same harness in the same run: its button opens a modal and
its submit answers "saved" (no grading, no database). Each figure is the median over ``--runs`` runs. Viva's
answers are then checked: every receipt stored exactly once.

    .venv/bin/python bench/interactions.py [--members 50 200 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import VivaBot  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.e2e.fake import Discord, FakeDiscord, InteractionResult, Member, Message, start_client  # noqa: E402

BANKS = ROOT / "tests" / "data" / "banks" / "e2e"
# Time each bot spends on an interaction, from the handler's start to its response sent (seconds).
BOT_SIDE: dict[str, list[float]] = {"click": [], "submit": []}


def _timed_viva() -> None:
    """Time Viva's Answer button callback and answer submission the way MinimalBot times its own."""
    from bot import app as viva_app
    from bot.ui import views

    button_callback = views.AnswerButton.callback

    async def callback(self: views.AnswerButton, interaction: discord.Interaction) -> None:
        start = time.perf_counter()
        await button_callback(self, interaction)
        BOT_SIDE["click"].append(time.perf_counter() - start)

    async def on_interaction(self: VivaBot, interaction: discord.Interaction) -> None:
        start = time.perf_counter()
        if await views.submit_answer(interaction):
            BOT_SIDE["submit"].append(time.perf_counter() - start)

    views.AnswerButton.callback = callback  # type: ignore[method-assign]
    viva_app.VivaBot.on_interaction = on_interaction  # type: ignore[method-assign]


class MinimalModal(discord.ui.Modal):
    """One text input; submissions are answered by `MinimalBot.on_interaction` (as Viva's are)."""

    def __init__(self, user_id: int) -> None:
        super().__init__(title="Your answer", custom_id=f"min:modal:{user_id}", timeout=3600)
        self.add_item(discord.ui.TextInput(label="Your answer", custom_id="response",
                                           style=discord.TextStyle.paragraph))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Nothing here: the bot's on_interaction answers."""


class MinimalBot(discord.Client):
    """The baseline: a button that opens a modal, a submit that answers "saved"."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Open the modal for the Answer button; answer a submission with "saved"."""
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        start = time.perf_counter()
        if interaction.type is discord.InteractionType.component and data.get("custom_id") == "min:answer":
            await interaction.response.send_modal(MinimalModal(interaction.user.id))
            BOT_SIDE["click"].append(time.perf_counter() - start)
        elif interaction.type is discord.InteractionType.modal_submit:
            await interaction.response.send_message("saved", ephemeral=True)
            BOT_SIDE["submit"].append(time.perf_counter() - start)


def answer_view() -> discord.ui.View:
    """The minimal bot's question button."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Answer", custom_id="min:answer"))
    return view


@dataclass
class Run:
    """Latencies of one run (seconds): end to end, and inside the bot."""

    clicks: list[float]
    receipts: list[float]
    bot_clicks: list[float] | None = None
    bot_submits: list[float] | None = None


def _bot_side(run: Run) -> Run:
    run.bot_clicks, run.bot_submits = list(BOT_SIDE["click"]), list(BOT_SIDE["submit"])
    BOT_SIDE["click"].clear()
    BOT_SIDE["submit"].clear()
    return run


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def click(story: Discord, member: Member, question: Message, run: Run) -> None:
    """One member clicks Answer; time until the modal is Discord's."""
    t = time.perf_counter()
    r = await story.click(member, question, "Answer")
    run.clicks.append(time.perf_counter() - t)
    assert r.modal is not None, r


async def submit(story: Discord, member: Member, text: str, run: Run, receipts: list[str]) -> None:
    """One member submits the modal; time until the receipt is Discord's."""
    t = time.perf_counter()
    r = await story.submit_modal(member, response=text)
    receipts.append(await receipt_text(r))
    run.receipts.append(time.perf_counter() - t)


async def receipt_text(r: InteractionResult) -> str:
    """The receipt: the response itself, or the follow-up after a deferral."""
    if r.type == 5:
        return (await r.wait_followup()).content
    return r.content


async def crowd(story: Discord, members: list[Member], question: Message, text: Callable[[int], str]) -> tuple[
        Run, list[str]]:
    """Every member clicks at once; once every modal is open, every member submits at once."""
    run, receipts = Run([], []), []
    await asyncio.gather(*(click(story, m, question, run) for m in members))
    await asyncio.gather(*(submit(story, m, text(i), run, receipts) for i, m in enumerate(members)))
    return run, receipts


async def viva_run(fake: FakeDiscord, story: Discord, members: list[Member], starter: Member, channel: Any,
                   tmp: Path, n: int, i: int) -> Run:
    """VivaBot: /quiz start, then every member answers the question; checks each answer is stored once."""
    settings = Settings(_env_file=None, DISCORD_TOKEN=fake.token,  # type: ignore[call-arg]
                        VIVA_DB=str(tmp / f"viva-{n}-{i}.db"), VIVA_BANKS=str(BANKS),
                        VIVA_DEV_GUILD=str(channel.guild.id), VIVA_LOG_LEVEL="WARNING")
    async with start_client(fake, lambda c: VivaBot(settings, connector=c), sync=False) as bot:
        await story.slash(starter, "quiz start", bank="trivia", count=1, seconds=600)
        question = await story.next_message(channel)
        (button,) = question.buttons()
        post_id = int(button["custom_id"].rsplit(":", 1)[1])
        run, receipts = await crowd(story, members, question, lambda k: f"I think it is {5000 + k % 3}")
        answers = await bot.store.answers_for_post(post_id)
        assert len(answers) == n == len({a.user_id for a in answers}), (len(answers), n)
        assert sum("Answer saved" in r for r in receipts) == n, receipts[:3]
        await bot.rounds.quiz.control(channel.id, starter.id, "stop", moderator=True)
        await story.next_message(channel)  # the reveal
        await story.next_message(channel)  # the standings
    return _bot_side(run)


async def minimal_run(fake: FakeDiscord, story: Discord, members: list[Member], channel: Any) -> Run:
    """The minimal bot on the same harness."""
    async with start_client(fake, lambda c: MinimalBot(intents=discord.Intents.none(), connector=c)) as client:
        target = client.get_channel(channel.id)
        assert isinstance(target, discord.TextChannel)
        await target.send("Question?", view=answer_view())
        question = await story.next_message(channel)
        run, receipts = await crowd(story, members, question, lambda k: "x")
        assert receipts.count("saved") == len(members)
    return _bot_side(run)


def summary(runs: list[Run]) -> dict[str, float]:
    """Medians over runs of p50/p99 of clicks and receipts, and the slowest callback of all."""
    return {
        "click50": statistics.median(pct(r.clicks, 0.5) for r in runs),
        "click99": statistics.median(pct(r.clicks, 0.99) for r in runs),
        "rcpt50": statistics.median(pct(r.receipts, 0.5) for r in runs),
        "rcpt99": statistics.median(pct(r.receipts, 0.99) for r in runs),
        "max": max(max(r.clicks + r.receipts) for r in runs),
        "bclick50": statistics.median(pct(r.bot_clicks or [0.0], 0.5) for r in runs),
        "bclick99": statistics.median(pct(r.bot_clicks or [0.0], 0.99) for r in runs),
        "bsub50": statistics.median(pct(r.bot_submits or [0.0], 0.5) for r in runs),
        "bsub99": statistics.median(pct(r.bot_submits or [0.0], 0.99) for r in runs),
        "bmax": max(max((r.bot_clicks or [0.0]) + (r.bot_submits or [0.0])) for r in runs),
    }


async def main(sizes: list[int], runs: int) -> None:
    """Measure each N with both bots, alternating runs so drift hits both alike."""
    fake = FakeDiscord(validate_spec=False)  # the OpenAPI check would dominate the figures (tests keep it on)
    await fake.start()
    guild = fake.add_guild("Bench")
    channel = fake.add_text_channel(guild, "general")
    starter = fake.add_member(guild, "starter")
    pool = [fake.add_member(guild, f"m{k:04d}") for k in range(max(sizes))]
    story = Discord(fake, timeout=120)
    print(f"runs per figure: {runs} (median); fake Discord on 127.0.0.1 over TLS, in the same process and event "
          "loop as the bot")
    print("end to end = the member's action until Discord has the bot's answer (what the 3 s deadline measures, "
          "here inflated by the fake's own work); in the bot = the handler's start to its response sent")
    head = (f"{'N':>5} {'bot':8} | {'click→modal p50':>15} {'p99':>7} | {'submit→receipt p50':>18} {'p99':>7} | "
            f"{'in the bot: click p50':>21} {'p99':>7} {'submit p50':>10} {'p99':>7} {'max':>7}")
    print(head)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for n in sizes:
            members = pool[:n]
            viva: list[Run] = []
            minimal: list[Run] = []
            for i in range(runs):
                viva.append(await viva_run(fake, story, members, starter, channel, tmp, n, i))
                minimal.append(await minimal_run(fake, story, members, channel))
            v, m = summary(viva), summary(minimal)
            for name, s in (("viva", v), ("minimal", m)):
                print(f"{n:>5} {name:8} | {s['click50'] * 1000:12.0f} ms {s['click99'] * 1000:4.0f} ms | "
                      f"{s['rcpt50'] * 1000:15.0f} ms {s['rcpt99'] * 1000:4.0f} ms | "
                      f"{s['bclick50'] * 1000:18.1f} ms {s['bclick99'] * 1000:4.0f} ms "
                      f"{s['bsub50'] * 1000:7.1f} ms {s['bsub99'] * 1000:4.0f} ms {s['bmax'] * 1000:4.0f} ms")
            print(f"{n:>5} {'ratio':8} | {v['click50'] / m['click50']:13.2f}x {v['click99'] / m['click99']:6.2f}x | "
                  f"{v['rcpt50'] / m['rcpt50']:16.2f}x {v['rcpt99'] / m['rcpt99']:6.2f}x | "
                  f"{v['bclick50'] / m['bclick50']:19.2f}x {v['bclick99'] / m['bclick99']:6.2f}x "
                  f"{v['bsub50'] / m['bsub50']:8.2f}x {v['bsub99'] / m['bsub99']:6.2f}x")
            print(f"{'':>5} viva: slowest end to end {v['max']:.2f} s (minimal {m['max']:.2f} s); slowest in the bot "
                  f"{v['bmax']:.2f} s; every receipt stored exactly once")
    await fake.stop()


def _run(coro: Awaitable[None]) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    _timed_viva()
    _run(main(args.members, args.runs))
