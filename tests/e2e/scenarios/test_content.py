"""Content end to end: /question add (checked like a bank question, what was typed kept when refused), a quiz
round on the server's own bank `custom` that asks it, list/remove/export; imports of a Red trivia list and of a
CSV with bad rows that the bot then plays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.app import VivaBot
from bot.bank.loader import parse_bank
from tests.e2e.fake import Channel, Discord, Member
from tests.e2e.scenarios import conftest as scenarios
from tests.e2e.scenarios.conftest import Viva, answer, field, mentioned, prompt_of

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
PROMPT = "What does WSGI stand for, and what is it for?"
FORM = {"prompt": PROMPT, "answer": "Web Server Gateway Interface: the standard between Python web apps and servers.",
        "key_points": "Web Server Gateway Interface\nstandard between web servers and Python apps",
        "topic": "Deployment", "difficulty": "easy"}


def _inputs(modal: dict[str, Any]) -> dict[str, str]:
    """Text inputs of a shown modal by custom id, with their pre-filled values."""
    out: dict[str, str] = {}
    for row in modal.get("components") or []:
        for c in row.get("components") or ([row["component"]] if "component" in row else []):
            out[c["custom_id"]] = c.get("value") or ""
    return out


async def test_question_add_then_a_quiz_round_asks_it(bot: VivaBot, viva: Viva, discord: Discord, channel: Channel,
                                                      alice: Member, bob: Member, admin: Member) -> None:
    refused = await discord.slash(alice, "question add")
    assert refused.ephemeral and "Adding questions needs Manage Server" in refused.content

    # A typo in the difficulty: refused with the loader's words, and nothing typed is lost.
    opened = await discord.slash(admin, "question add")
    assert opened.modal is not None and set(_inputs(opened.modal)) == set(FORM)
    bad = await discord.submit_modal(admin, **{**FORM, "difficulty": "hardd"})
    assert bad.ephemeral
    assert "Difficulty 'hardd' is not one of easy, medium, hard (did you mean 'hard'?)" in bad.content
    again = await discord.click(admin, bad.message, "Edit and send again")  # type: ignore[arg-type]
    assert again.modal is not None and _inputs(again.modal) == {**FORM, "difficulty": "hardd"}
    added = await discord.submit_modal(admin, difficulty="easy")
    assert added.ephemeral and added.embed["title"] == "➕ Question added to the bank `custom`"
    qid = bot.content.questions(bot_guild(bot))[0].id
    assert f"id `{qid}`" in added.embed["description"]

    listed = await discord.slash(bob, "question list")
    assert listed.ephemeral and f"`{qid}` · deployment · easy" in listed.embed["description"]

    # The server's own bank plays like any other: the round asks the new question and grades it.
    start = await discord.slash(alice, "quiz start", bank="custom", count=1, seconds=60)
    assert not start.ephemeral and "from **custom**" in start.content
    q1 = await discord.next_message(channel)
    assert prompt_of(q1) == PROMPT and field(q1, "Topic") == "deployment"
    assert "Answer saved" in await answer(discord, alice, q1, "Web Server Gateway Interface, the standard "
                                                              "between web servers and Python apps")
    assert "Answer saved" in await answer(discord, bob, q1, "no idea")
    await viva.advance(60)
    reveal = await discord.next_message(channel)
    assert mentioned(field(reveal, "Scores (2 answered)")) == [alice.id, bob.id]
    assert "✅" in field(reveal, "Scores").splitlines()[0]
    await discord.next_message(channel)  # final standings
    lb = await discord.slash(bob, "leaderboard", period="all", bank="custom")
    assert mentioned(lb.embed["description"].splitlines()[0]) == [alice.id]

    # Export: one bank YAML that check accepts; remove: gone from the bank.
    exported = await discord.slash(admin, "question export")
    assert exported.ephemeral and exported.message is not None
    (attachment,) = exported.message.attachments
    assert attachment["filename"] == f"server-{bot_guild(bot)}.yaml" and attachment["size"] > 100
    text = bot.content.export(bot_guild(bot), "Study Hall").text
    assert [q.prompt for q in parse_bank(text).questions] == [PROMPT]
    denied = await discord.slash(alice, "question remove", question=qid)
    assert denied.ephemeral and "Manage Server" in denied.content
    removed = await discord.slash(admin, "question remove", question=qid)
    assert removed.ephemeral and f"Removed `{qid}`" in removed.content
    gone = await discord.slash(alice, "quiz start", bank="custom", count=1)
    assert gone.ephemeral and "no bank called 'custom'" in gone.content


async def test_custom_questions_survive_a_restart_and_stay_in_their_server(viva: Viva, discord: Discord,
                                                                           admin: Member, alice: Member) -> None:
    async with viva.running():
        await discord.slash(admin, "question add")
        await discord.submit_modal(admin, **FORM)
    async with viva.running() as bot:
        assert [q.prompt for q in bot.content.questions(bot_guild(bot))] == [PROMPT]
        assert bot.catalog.for_guild(bot_guild(bot) + 1).banks.get("custom") is None
        choices = await discord.autocomplete(alice, "quiz start", "bank", "cus")
        assert [c["value"] for c in choices or []] == ["custom"]


def bot_guild(bot: VivaBot) -> int:
    """The id of the test server."""
    (guild,) = bot.guilds
    return guild.id


@pytest.fixture
def imported_banks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A banks folder holding a Red trivia list and a CSV (with bad rows) imported with the CLI."""
    banks = tmp_path / "banks"
    assert main(["import", str(DATA / "red_programming.yaml"), "--format", "red", "--name", "programming",
                 "--out", str(banks / "programming.yaml")]) == 0
    assert main(["import", str(DATA / "questions.csv"), "--format", "csv", "--name", "flaskcsv",
                 "--out", str(banks / "flaskcsv.yaml")]) == 0
    err = capsys.readouterr().err
    monkeypatch.setattr(scenarios, "TEST_BANKS", banks)
    return banks, err


async def test_imported_red_list_and_csv_play_in_a_quiz_round(imported_banks: tuple[Path, str], viva: Viva,
                                                               discord: Discord, channel: Channel,
                                                               alice: Member) -> None:
    _, err = imported_banks
    assert "questions.csv:line 5: difficulty 'hardest'" in err and "questions.csv:line 8:" in err
    async with viva.running() as bot:
        assert sorted(bot.catalog.banks) == ["flaskcsv", "programming"]
        assert len(bot.catalog.banks["programming"].questions) == 7
        assert len(bot.catalog.banks["flaskcsv"].questions) == 3
        await discord.slash(alice, "quiz start", bank="programming", count=2, seconds=60)
        for _ in range(2):
            q = await discord.next_message(channel)
            question = next(x for x in bot.catalog.banks["programming"].questions if x.prompt == prompt_of(q))
            await answer(discord, alice, q, f"I'd say {question.short_answers[-1]}")
            await viva.advance(60)
            reveal = await discord.next_message(channel)
            assert field(reveal, "Scores (1 answered)").startswith("✅")
        standings = await discord.next_message(channel)
        assert "(2/2 passed)" in standings.embeds[0]["description"]
