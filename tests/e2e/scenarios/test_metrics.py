"""Prometheus metrics from the running bot: a quiz answer moves the interaction, answer and grading counters, and
the /privacy delete buttons are counted too, read over HTTP from /metrics as Prometheus would."""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import VivaBot
from bot.observability import start_metrics_server
from tests.e2e.fake import Channel, Discord, Guild, Member
from tests.e2e.scenarios.conftest import answer, good_answer, prompt_of, ranked_answers

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def metrics_url() -> Iterator[str]:
    """/metrics served on a free port of 127.0.0.1 for the test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server, thread = start_metrics_server(port)
    try:
        yield f"http://127.0.0.1:{port}/metrics"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def scrape(url: str) -> Samples:
    """Every sample of the endpoint by name and labels."""
    def get() -> str:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return str(resp.read().decode())

    text = await asyncio.to_thread(get)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value (0 when the series does not exist yet)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_a_quiz_answer_moves_the_counters(bot: VivaBot, discord: Discord, channel: Channel, alice: Member,
                                                metrics_url: str) -> None:
    before = await scrape(metrics_url)
    r = await discord.slash(alice, "quiz start", bank="trivia", count=1, seconds=30)
    assert not r.ephemeral
    question = await discord.next_message(channel)
    assert "Answer saved" in await answer(discord, alice, question, good_answer(prompt_of(question)))
    refused = await discord.slash(alice, "quiz start", bank="no-such-bank")
    assert refused.ephemeral
    await bot.update_gauges()
    after = await scrape(metrics_url)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("viva_interactions_total", command="quiz start", outcome="ok") == 1
    assert moved("viva_interactions_total", command="quiz start", outcome="refused") == 1
    assert moved("viva_interactions_total", command="viva:modal", outcome="ok") == 1
    assert moved("viva_interactions_total", command="viva:answer", outcome="ok") == 1  # the Answer button click
    assert moved("viva_interaction_seconds_count", command="viva:answer") == 1
    assert moved("viva_interaction_seconds_count", command="quiz start") == 2
    assert moved("viva_interaction_seconds_count", command="viva:modal") == 1
    assert moved("viva_answers_total", kind="quiz") == 1
    assert moved("viva_grading_seconds_count") == 1
    assert value(after, "viva_open_sessions", kind="quiz") == 1  # the round is still waiting for its timer
    assert ("viva_gateway_latency_seconds", (("shard", "0"),)) in after


async def test_the_privacy_delete_buttons_are_counted_and_timed(bot: VivaBot, discord: Discord, guild: Guild,
                                                                channel: Channel, alice: Member,
                                                                metrics_url: str) -> None:
    await ranked_answers(bot, guild, channel.id, [alice])  # something to delete
    before = await scrape(metrics_url)
    asked = await discord.slash(alice, "privacy delete")
    cancelled = await discord.click(alice, asked.message, "Cancel")
    assert cancelled.embed is not None and cancelled.embed["title"] == "Cancelled: nothing was deleted"
    asked = await discord.slash(alice, "privacy delete")
    done = await discord.click(alice, asked.message, "Delete my data")
    await done.wait_edit(lambda m: bool(m.embeds) and m.embeds[0]["title"] == "🗑️ Deleted")

    def moved(samples: Samples, name: str, **labels: str) -> float:
        return value(samples, name, **labels) - value(before, name, **labels)

    after = await scrape(metrics_url)
    for _ in range(100):  # the click is counted once its callback returns, just after its edit reached Discord
        if moved(after, "viva_interactions_total", command="viva:erase", outcome="ok"):
            break
        await asyncio.sleep(0.01)
        after = await scrape(metrics_url)
    assert moved(after, "viva_interactions_total", command="viva:keep", outcome="ok") == 1
    assert moved(after, "viva_interactions_total", command="viva:erase", outcome="ok") == 1
    assert moved(after, "viva_interaction_seconds_count", command="viva:keep") == 1
    assert moved(after, "viva_interaction_seconds_count", command="viva:erase") == 1
    assert moved(after, "viva_interactions_total", command="privacy delete", outcome="ok") == 2


async def test_the_edit_and_send_again_button_is_counted(bot: VivaBot, discord: Discord, guild: Guild,
                                                         admin: Member, metrics_url: str) -> None:
    form = {"prompt": "What does WAL mode change in SQLite?", "answer": "Readers and one writer run together.",
            "key_points": "readers do not block the writer", "topic": "databases", "difficulty": "hardd"}
    before = await scrape(metrics_url)
    await discord.slash(admin, "question add")
    bad = await discord.submit_modal(admin, **form)
    assert bad.ephemeral and "hardd" in bad.content
    again = await discord.click(admin, bad.message, "Edit and send again")  # type: ignore[arg-type]
    assert again.modal is not None
    after = await scrape(metrics_url)
    for _ in range(100):  # counted once the callback returns, just after the modal reached Discord
        if value(after, "viva_interactions_total", command="viva:retry", outcome="ok") > value(
            before, "viva_interactions_total", command="viva:retry", outcome="ok"
        ):
            break
        await asyncio.sleep(0.01)
        after = await scrape(metrics_url)
    assert value(after, "viva_interactions_total", command="viva:retry", outcome="ok") - value(
        before, "viva_interactions_total", command="viva:retry", outcome="ok"
    ) == 1
