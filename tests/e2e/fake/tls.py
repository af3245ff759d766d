"""TLS for the fake Discord: a throwaway trustme CA, and an aiohttp resolver that sends Discord's hosts to it.

The unmodified discord.py client talks to ``https://discord.com`` and ``wss://gateway.discord.gg``; a
``TCPConnector(resolver=FakeResolver(port), ssl=client_context)`` makes both land on 127.0.0.1 and trust the
fake's certificate, without patching any URL.
"""

from __future__ import annotations

import functools
import socket
import ssl
from dataclasses import dataclass

import trustme
from aiohttp.abc import AbstractResolver, ResolveResult

DISCORD_HOSTS: frozenset[str] = frozenset(
    {"discord.com", "gateway.discord.gg", "cdn.discordapp.com", "media.discordapp.net", "discordapp.com"}
)


@dataclass(frozen=True, slots=True)
class Certificates:
    """The server and client SSL contexts of one throwaway CA, and the CA certificate (PEM) for other processes."""

    server: ssl.SSLContext
    client: ssl.SSLContext
    ca_pem: bytes


@functools.cache
def certificates() -> Certificates:
    """One CA and one certificate for Discord's hosts per process (key generation is the slow part)."""
    ca = trustme.CA()
    cert = ca.issue_cert(*sorted(DISCORD_HOSTS), "127.0.0.1")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    ca.configure_trust(client)
    return Certificates(server=server, client=client, ca_pem=ca.cert_pem.bytes())


class FakeResolver(AbstractResolver):
    """Resolves Discord's hosts to the fake on 127.0.0.1:port and refuses every other host (no internet)."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Map a Discord host to the fake's address."""
        if host not in DISCORD_HOSTS and host not in ("127.0.0.1", "localhost"):
            raise OSError(f"the fake Discord resolves only Discord's hosts; {host!r} would need the internet")
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=self.port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        """Nothing to release."""
