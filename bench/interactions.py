"""N members click Answer and submit on one question, against the fake Discord: VivaBot vs a minimal bot.

For each N (default 50, 200, 1000) every member clicks the question's button at once; once every modal is open,
every member submits at once. The fake Discord and the members run in this process; each bot runs in a process
of its own (this file with ``--serve``), so the figures measure the bot, not the harness sharing its event loop.
A callback that reaches the fake more than 3 s after the member's action is counted as late (Discord would refuse
it with 10062; the fake's clock does not move, so every member still gets to submit and the receipts are measured
at the full N).

Printed per bot: p50/p99 of click → modal (the button's callback reaching Discord) and of submit → receipt
(the submission's own response, or the follow-up after a deferral), the time inside the bot (handler start to
response sent, measured in the bot's process), the slowest, the callbacks Discord would have refused as late,
and the ratios Viva / minimal. The minimal bot is measured on the same harness in the same run: its button opens
a modal and its submit answers "saved" (no grading, no database). Each figure is the median over ``--runs`` runs
(the two bots alternate, so drift hits both alike). Viva's database is then read: every receipt stored exactly
once. Both bots talk to Discord through Viva's HTTP pool (bot/http_pool.py; ``--unbounded``: discord.py's
default, a TLS connection per concurrent request). ``--profile DIR`` writes a cProfile of each bot process's
event-loop thread during the crowd phases.

    .venv/bin/python bench/interactions.py [--members 50 200 1000] [--runs 3] [--profile DIR] [--unbounded]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import math
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import discord

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import VivaBot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.http_pool import HTTP_CONNECTIONS, http_connector  # noqa: E402
from bot.store import open_store  # noqa: E402
from tests.e2e.fake import (  # noqa: E402
    Channel,
    Discord,
    FakeDiscord,
    InteractionResult,
    Member,
    Message,
    Perm,
)
from tests.e2e.fake.tls import FakeResolver, certificates  # noqa: E402

BANKS = ROOT / "tests" / "data" / "banks" / "e2e"
MARK = "BENCH "  # prefix of the lines a bot process writes to the harness on stdout
WITHIN = 180.0  # real seconds for a bot process to start, and for any member to hear back
RECEIPT = "Answer saved"
DEADLINE = 3.0  # Discord refuses an interaction's first callback after this many seconds

# ----------------------------------------------------------------------------------------- the bot processes

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

    bot_on_interaction = viva_app.VivaBot.on_interaction

    async def on_interaction(self: VivaBot, interaction: discord.Interaction) -> None:
        start = time.perf_counter()
        await bot_on_interaction(self, interaction)
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        if views.MODAL_ID.fullmatch(str(data.get("custom_id", ""))):
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


def _say(line: str) -> None:
    print(MARK + line, flush=True)


async def serve(args: argparse.Namespace) -> None:
    """In a bot process: run the bot until the harness writes a line, then report the bot-side times."""
    # Both bots get Viva's production pool (bot/http_pool.py), only pointed at the fake; ``--unbounded`` gives
    # both discord.py's default instead (a new TLS connection per concurrent request).
    context = ssl.create_default_context(cafile=args.ca)
    connector = (aiohttp.TCPConnector(resolver=FakeResolver(args.port), ssl=context, limit=0) if args.unbounded
                 else http_connector(resolver=FakeResolver(args.port), ssl=context))
    client: discord.Client
    if args.serve == "viva":
        _timed_viva()
        settings = Settings(_env_file=None, DISCORD_TOKEN=args.token,  # type: ignore[call-arg]
                            VIVA_DB=args.db, VIVA_BANKS=str(BANKS), VIVA_DEV_GUILD=str(args.guild),
                            VIVA_LOG_LEVEL="WARNING")
        client = VivaBot(settings, connector=connector)
    else:
        client = MinimalBot(intents=discord.Intents.none(), connector=connector)
    client._connection.guild_ready_timeout = 0.05  # as start_client does: no 2 s wait for more guilds
    runner = asyncio.create_task(client.start(args.token))
    ready = asyncio.create_task(client.wait_until_ready())
    await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
    if not ready.done():
        runner.result()  # the reason it stopped
        raise RuntimeError("the bot stopped before it was ready")
    if args.serve == "minimal":
        channel = client.get_channel(args.channel)
        assert isinstance(channel, discord.TextChannel), channel
        await channel.send("Question?", view=answer_view())
    profile = cProfile.Profile() if args.profile else None
    if profile is not None:
        profile.enable()
    _say("ready")
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the harness says stop
    if profile is not None:
        profile.disable()
        profile.dump_stats(args.profile)
    await client.close()
    await runner
    _say(json.dumps(BOT_SIDE))


# ----------------------------------------------------------------------------------------- the harness

@dataclass
class Run:
    """Latencies of one run (seconds): end to end and inside the bot; callbacks refused as late; receipts."""

    clicks: list[float] = field(default_factory=list)
    receipts: list[float] = field(default_factory=list)
    bot_clicks: list[float] = field(default_factory=list)
    bot_submits: list[float] = field(default_factory=list)
    late_clicks: int = 0
    late_receipts: int = 0
    receipt_users: list[int] = field(default_factory=list)
    deferred: int = 0


class BotProcess:
    """A bot in a process of its own, connected to the fake; ``stop()`` returns its bot-side times."""

    def __init__(self, fake: FakeDiscord, kind: str, ca: Path, channel: Channel, db: Path | None,
                 profile: Path | None, unbounded: bool) -> None:
        self.fake = fake
        self.args = [sys.executable, str(Path(__file__).resolve()), "--serve", kind, "--port", str(fake.port),
                     "--ca", str(ca), "--token", fake.token, "--guild", str(channel.guild.id),  # type: ignore[union-attr]
                     "--channel", str(channel.id)]
        if db is not None:
            self.args += ["--db", str(db)]
        if profile is not None:
            self.args += ["--profile", str(profile)]
        if unbounded:
            self.args.append("--unbounded")
        self.proc: asyncio.subprocess.Process | None = None

    async def _line(self) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.proc.stdout.readline(), WITHIN)
            if not raw:
                raise RuntimeError(f"the bot process exited ({await self.proc.wait()}) without a word")
            text = raw.decode().rstrip("\n")
            if text.startswith(MARK):
                return text[len(MARK):]

    async def start(self) -> None:
        """Spawn the bot and wait until it is ready."""
        self.proc = await asyncio.create_subprocess_exec(*self.args, cwd=ROOT, stdin=asyncio.subprocess.PIPE,
                                                         stdout=asyncio.subprocess.PIPE)
        if await self._line() != "ready":
            raise RuntimeError("the bot process did not say it was ready")
        await self.fake.gateway.flush()

    async def stop(self) -> dict[str, list[float]]:
        """Ask the bot to close; its bot-side times."""
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(b"stop\n")
        await self.proc.stdin.drain()
        times: dict[str, list[float]] = json.loads(await self._line())
        await asyncio.wait_for(self.proc.wait(), WITHIN)
        return times


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank); 0 for no values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


async def click(story: Discord, member: Member, question: Message, run: Run) -> bool:
    """One member clicks Answer; time until Discord has the modal. False if no modal came."""
    t = time.perf_counter()
    r = await story.click(member, question, "Answer")
    run.clicks.append(time.perf_counter() - t)
    run.late_clicks += run.clicks[-1] > DEADLINE
    return r.modal is not None


async def submit(story: Discord, member: Member, text: str, run: Run) -> None:
    """One member submits the modal; time until Discord has the receipt."""
    t = time.perf_counter()
    r = await story.submit_modal(member, response=text)
    run.late_receipts += time.perf_counter() - t > DEADLINE  # the callback (a deferral's follow-up may be later)
    content = await receipt_text(r, run)
    run.receipts.append(time.perf_counter() - t)
    if content is not None and (RECEIPT in content or content == "saved"):
        run.receipt_users.append(member.user.id)


async def receipt_text(r: InteractionResult, run: Run) -> str | None:
    """The receipt: the response itself, or the follow-up after a deferral; None when refused."""
    if r.type == 5:
        run.deferred += 1
        return (await r.wait_followup()).content
    return r.content if r.type is not None else None


async def crowd(story: Discord, members: list[Member], question: Message, text: Callable[[int], str]) -> Run:
    """Every member clicks at once; once every modal is open, every member submits at once."""
    run = Run()
    opened = await asyncio.gather(*(click(story, m, question, run) for m in members))
    clicked = [m for m, ok in zip(members, opened, strict=True) if ok]
    await asyncio.gather(*(submit(story, m, text(i), run) for i, m in enumerate(clicked)))
    return run


def _with_bot_side(run: Run, times: dict[str, list[float]]) -> Run:
    run.bot_clicks, run.bot_submits = times["click"], times["submit"]
    return run


async def viva_run(fake: FakeDiscord, story: Discord, members: list[Member], starter: Member, ca: Path,
                   tmp: Path, label: str, profile: Path | None, unbounded: bool) -> Run:
    """VivaBot: /quiz start, then every member answers the question; checks each receipt is stored once."""
    channel = fake.add_text_channel(starter.guild, f"viva-{label}")
    db = tmp / f"viva-{label}.db"
    bot = BotProcess(fake, "viva", ca, channel, db, profile, unbounded)
    await bot.start()
    await story.slash(starter, "quiz start", channel=channel, bank="trivia", count=1, seconds=600)
    question = await story.next_message(channel, timeout=WITHIN)
    (button,) = question.buttons()
    post_id = int(button["custom_id"].rsplit(":", 1)[1])
    run = await crowd(story, members, question, lambda k: f"I think it is {5000 + k % 3}")
    await story.slash(starter, "quiz stop", channel=channel)
    await story.next_message(channel, timeout=WITHIN)  # the reveal
    await story.next_message(channel, timeout=WITHIN)  # the standings
    run = _with_bot_side(run, await bot.stop())
    async with await open_store(db) as store:
        stored = [a.user_id for a in await store.answers_for_post(post_id)]
    assert len(stored) == len(set(stored)), "an answer was stored twice"
    missing = set(run.receipt_users) - set(stored)
    assert not missing, f"{len(missing)} receipts without a stored answer"
    assert len(run.receipt_users) == len(set(run.receipt_users)), "a member got two receipts"
    return run


async def minimal_run(fake: FakeDiscord, story: Discord, members: list[Member], guild_member: Member, ca: Path,
                      label: str, profile: Path | None, unbounded: bool) -> Run:
    """The minimal bot on the same harness."""
    channel = fake.add_text_channel(guild_member.guild, f"minimal-{label}")
    bot = BotProcess(fake, "minimal", ca, channel, None, profile, unbounded)
    await bot.start()
    question = await story.next_message(channel, timeout=WITHIN)
    run = await crowd(story, members, question, lambda k: "x")
    return _with_bot_side(run, await bot.stop())


def summary(runs: list[Run]) -> dict[str, float]:
    """Medians over runs of p50/p99 (end to end and inside the bot), the slowest, late callbacks, receipts."""
    def med(pick: Callable[[Run], list[float]], q: float) -> float:
        return statistics.median(pct(pick(r), q) for r in runs)

    return {
        "click50": med(lambda r: r.clicks, 0.5), "click99": med(lambda r: r.clicks, 0.99),
        "rcpt50": med(lambda r: r.receipts, 0.5), "rcpt99": med(lambda r: r.receipts, 0.99),
        "max": max(max(r.clicks + r.receipts) for r in runs),
        "bclick50": med(lambda r: r.bot_clicks, 0.5), "bclick99": med(lambda r: r.bot_clicks, 0.99),
        "bsub50": med(lambda r: r.bot_submits, 0.5), "bsub99": med(lambda r: r.bot_submits, 0.99),
        "bmax": max(max(r.bot_clicks + r.bot_submits or [0.0]) for r in runs),
        "late_clicks": sum(r.late_clicks for r in runs), "late_receipts": sum(r.late_receipts for r in runs),
        "deferred": sum(r.deferred for r in runs),
        "receipts": sum(len(r.receipt_users) for r in runs),
    }


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.inf


async def main(sizes: list[int], runs: int, profile_dir: Path | None, unbounded: bool) -> None:
    """Measure each N with both bots, alternating runs so drift hits both alike."""
    logging.basicConfig(level=logging.ERROR)  # the fake logs each late callback at WARNING; they are counted
    fake = FakeDiscord(validate_spec=False)  # the OpenAPI check is for tests, not figures
    await fake.start()
    guild = fake.add_guild("Bench")
    starter = fake.add_member(guild, "starter", permissions=Perm.MANAGE_MESSAGES)
    pool = [fake.add_member(guild, f"m{k:04d}") for k in range(max(sizes))]
    story = Discord(fake, timeout=WITHIN)
    print(f"runs per figure: {runs} (median); fake Discord and members in one process, each bot in its own; "
          "late = end to end past Discord's 3 s")
    pool_text = "unbounded (discord.py's default)" if unbounded else f"at most {HTTP_CONNECTIONS} (bot/http_pool.py)"
    print(f"HTTP connections to Discord, both bots: {pool_text}")
    print("end to end = the member's action until Discord has the bot's answer; in the bot = the handler's start "
          "to its response sent; late = past 3 s, summed over the runs")
    print(f"{'N':>5} {'bot':8} | {'click→modal p50':>15} {'p99':>7} | {'submit→receipt p50':>18} {'p99':>7} | "
          f"{'in the bot: click p50':>21} {'p99':>7} {'submit p50':>10} {'p99':>7} {'max':>7} | late clicks + receipts")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        ca = tmp / "fake-ca.pem"
        ca.write_bytes(certificates().ca_pem)
        for n in sizes:
            members = pool[:n]
            viva: list[Run] = []
            minimal: list[Run] = []
            for i in range(runs):
                label = f"{n}-{i}"
                prof = (profile_dir / f"viva-{label}.prof") if profile_dir else None
                viva.append(await viva_run(fake, story, members, starter, ca, tmp, label, prof, unbounded))
                prof = (profile_dir / f"minimal-{label}.prof") if profile_dir else None
                minimal.append(await minimal_run(fake, story, members, starter, ca, label, prof, unbounded))
            v, m = summary(viva), summary(minimal)
            for name, s in (("viva", v), ("minimal", m)):
                print(f"{n:>5} {name:8} | {s['click50'] * 1000:12.0f} ms {s['click99'] * 1000:4.0f} ms | "
                      f"{s['rcpt50'] * 1000:15.0f} ms {s['rcpt99'] * 1000:4.0f} ms | "
                      f"{s['bclick50'] * 1000:18.1f} ms {s['bclick99'] * 1000:4.0f} ms "
                      f"{s['bsub50'] * 1000:7.1f} ms {s['bsub99'] * 1000:4.0f} ms {s['bmax'] * 1000:4.0f} ms | "
                      f"{s['late_clicks']:.0f} + {s['late_receipts']:.0f}")
            print(f"{n:>5} {'ratio':8} | {_ratio(v['click50'], m['click50']):13.2f}x "
                  f"{_ratio(v['click99'], m['click99']):6.2f}x | "
                  f"{_ratio(v['rcpt50'], m['rcpt50']):16.2f}x {_ratio(v['rcpt99'], m['rcpt99']):6.2f}x | "
                  f"{_ratio(v['bclick50'], m['bclick50']):19.2f}x {_ratio(v['bclick99'], m['bclick99']):6.2f}x "
                  f"{_ratio(v['bsub50'], m['bsub50']):8.2f}x {_ratio(v['bsub99'], m['bsub99']):6.2f}x")
            print(f"{'':>5} viva: slowest end to end {v['max']:.2f} s (minimal {m['max']:.2f} s); "
                  f"{v['deferred']:.0f} of {v['receipts']:.0f} receipts deferred; every receipt stored exactly once")
    await fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=Path, default=None,
                        help="directory for a cProfile of each bot process (or, with --serve, the file)")
    parser.add_argument("--unbounded", action="store_true",
                        help="both bots on discord.py's default connector (no pool limit) instead of Viva's pool")
    serving = parser.add_argument_group("a bot process (started by the harness)")
    serving.add_argument("--serve", choices=("viva", "minimal"))
    serving.add_argument("--port", type=int)
    serving.add_argument("--ca")
    serving.add_argument("--token")
    serving.add_argument("--guild", type=int)
    serving.add_argument("--channel", type=int)
    serving.add_argument("--db")
    args = parser.parse_args()
    if args.serve:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        logging.getLogger("bot.ui.respond").setLevel(logging.ERROR)  # late callbacks are counted by the harness
        logging.getLogger("discord.state").setLevel(logging.ERROR)  # the minimal bot has no intents, on purpose
        asyncio.run(serve(args))
    else:
        if args.profile is not None:
            args.profile.mkdir(parents=True, exist_ok=True)
        asyncio.run(main(args.members, args.runs, args.profile, args.unbounded))
