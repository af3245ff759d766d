"""The bot's HTTP connection pool to Discord.

discord.py's default connector has no limit, so a crowd of interactions answered at once (a thousand members
clicking Answer) opens a new TLS connection per callback: on a loaded 2-core machine the bot then spends most
of the 3 s Discord allows in TLS handshakes (bench/interactions.py --profile). A bounded pool reuses keep-alive
connections; requests beyond it wait for a free connection, which costs far less than a handshake.
"""

from __future__ import annotations

from typing import Any

import aiohttp

HTTP_CONNECTIONS = 100  # aiohttp's own default; discord.py sets 0 (unbounded)


def http_connector(**options: Any) -> aiohttp.TCPConnector:
    """The connector the bot talks to Discord through (call inside the event loop); ``options`` go to aiohttp
    (tests and benchmarks add a resolver and an SSL context for the fake Discord)."""
    return aiohttp.TCPConnector(limit=HTTP_CONNECTIONS, **options)
