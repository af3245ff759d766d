"""Run the real bot's command line (``python -m bot run …``) in a subprocess against a fake Discord on 127.0.0.1.

    python -m tests.e2e.shard_worker PORT CA_FILE [run options, e.g. --shards 0 --shard-count 2]

Everything is the production path (argument parsing, settings from the environment, logging, metrics, the
shard plan, ``run_bot``) except the HTTP connector: Discord's hosts resolve to the fake's port and the fake's
throwaway CA is trusted. SIGINT stops the bot cleanly; tests SIGKILL it to check durability.
"""

from __future__ import annotations

import ssl
import sys
from collections.abc import Sequence
from typing import Any

import aiohttp

import bot.app
from bot.__main__ import main as bot_main
from bot.http_pool import http_connector
from tests.e2e.fake.tls import FakeResolver


def main(argv: Sequence[str]) -> int:
    """Patch the connector into ``run_bot`` and run ``python -m bot run`` with the remaining options."""
    port, ca_file, *options = argv
    context = ssl.create_default_context(cafile=ca_file)
    real_run_bot = bot.app.run_bot

    def connector() -> aiohttp.BaseConnector:
        return http_connector(resolver=FakeResolver(int(port)), ssl=context)  # the production pool, pointed here

    def run_bot(settings: Any, plan: Any = None, **_: Any) -> int:
        return real_run_bot(settings, plan, connector=connector)

    bot.app.run_bot = run_bot
    return bot_main(["run", *options])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
