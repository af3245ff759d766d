"""A long model answer end to end: a quiz reveal, a daily reveal and *My result* show all of it, split between
words over several embeds (or fields) of one message, within Discord's limits (the fake refuses anything over)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.e2e.fake import Channel, Discord, Member, Message
from tests.e2e.scenarios import conftest as scenarios
from tests.e2e.scenarios.conftest import Viva, answer

PROMPT = "Walk through what happens when Flask handles a request."
CODE = "```python\n@app.before_request\ndef load_user():\n    g.user = current_user()\n```"


def _long_answer() -> str:
    """About 5,000 characters: paragraphs of sentences and a short code block in the middle."""
    sentences = [f"Step {i}: the {w} context is pushed, the view runs, and teardown functions clean up after it."
                 for i, w in enumerate(["application", "request", "session", "template"] * 13)]
    paragraphs = [" ".join(sentences[i:i + 6]) for i in range(0, len(sentences), 6)]
    return "\n\n".join([*paragraphs[:4], CODE, *paragraphs[4:]])


ANSWER = _long_answer()


@pytest.fixture
def long_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test banks plus a bank ``long`` holding one question whose model answer is about 5,000 characters."""
    banks = tmp_path / "banks"
    banks.mkdir()
    for path in scenarios.TEST_BANKS.glob("*.yaml"):
        (banks / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    bank = {"name": "long", "title": "Long answers", "questions": [
        {"id": "lifecycle", "topic": "internals", "difficulty": "hard", "prompt": PROMPT, "answer": ANSWER,
         "key_points": [{"point": "the application context is pushed"}, {"point": "teardown functions run"}]}]}
    (banks / "long.yaml").write_text(yaml.safe_dump(bank, sort_keys=False, width=200), encoding="utf-8")
    monkeypatch.setattr(scenarios, "TEST_BANKS", banks)


def _revealed(message: Message) -> str:
    """The model answer of a reveal: every embed's description after the heading, spoiler bars removed."""
    text = "\n".join(e.get("description", "") for e in message.embeds)
    return text.split("**Model answer**\n", 1)[1].replace("||", "")


def _answer_fields(message: Message) -> str:
    """The model answer of a *My result* embed, its fields joined."""
    return "\n".join(f["value"] for f in message.embeds[0].get("fields", []) if f["name"].startswith("Model answer"))


def _whole(shown: str) -> bool:
    """The shown text holds every word of the model answer in order, none cut, and the code block intact."""
    return shown.split() == ANSWER.split() and CODE in shown and "continues" not in shown


async def test_a_quiz_reveal_and_my_result_show_a_5000_character_answer_whole(
        long_bank: None, viva: Viva, discord: Discord, channel: Channel, alice: Member) -> None:
    assert 4800 <= len(ANSWER) <= 5200
    async with viva.running():
        await discord.slash(alice, "quiz start", bank="long", count=1, seconds=30)
        question = await discord.next_message(channel)
        assert "Answer saved" in await answer(discord, alice, question, "The application context is pushed.")
        await viva.advance(30)
        reveal = await discord.next_message(channel)
        assert len(reveal.embeds) == 2 and reveal.embeds[0]["title"] == "Question 1/1 — answer"
        assert _whole(_revealed(reveal))
        assert reveal.embeds[-1]["fields"][0]["name"] == "Scores (1 answered)"  # under the answer
        assert reveal.button_labels() == ["My result"]

        mine = await discord.click(alice, reveal, "My result")
        assert mine.ephemeral and mine.message is not None
        assert _whole(_answer_fields(mine.message))


async def test_a_daily_reveal_shows_a_5000_character_answer_whole(
        long_bank: None, viva: Viva, discord: Discord, channel: Channel, admin: Member, alice: Member) -> None:
    async with viva.running():
        await discord.slash(admin, "daily set", options={"channel": channel}, time="23:00", timezone="UTC",
                            bank="long", reveal_hours=1)
        await (await discord.slash(admin, "daily now")).wait_followup()
        question = await discord.next_message(channel)
        await answer(discord, alice, question, "Teardown functions run at the end.")
        await viva.advance(3600)
        reveal = await discord.next_message(channel)
        assert reveal.embeds[0]["title"].startswith("📅 Answer") and len(reveal.embeds) == 2
        assert _whole(_revealed(reveal))
        assert reveal.embeds[-1]["fields"][0]["name"] == "Results"
