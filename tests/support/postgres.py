"""A throwaway PostgreSQL server for tests: initdb in a temp dir, listening on 127.0.0.1 on a free port.

The server refuses to run as root, so when the tests run as root the server runs as the unprivileged
``postgres`` user (``runuser -u postgres --``). `find_bin` looks in ``VIVA_PG_BIN``, the Debian/Ubuntu layout
``/usr/lib/postgresql/<version>/bin`` and PATH; without a server binary the PostgreSQL tests skip and say why.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"
SUPERUSER = "viva"


def find_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    candidates = [os.environ.get("VIVA_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    found = shutil.which("pg_ctl")
    candidates.append(str(Path(found).parent) if found else "")
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running test server; `url(db)` names one of its databases."""

    bin: Path
    root: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """A connection URL for a database of this server."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a server binary as the server's user."""
        return subprocess.run([*self.as_user, str(self.bin / args[0]), *args[1:]], check=True, capture_output=True,
                              text=True, timeout=120)

    def stop(self) -> None:
        """Stop the server and remove its files."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start(bin_dir: Path, *, fsync: bool = False) -> PostgresServer:
    """initdb a new cluster in a temp dir and start it on 127.0.0.1 (trust auth, superuser ``viva``).

    fsync is off by default: the tests kill clients, never this server, so they need no flush to disk and run
    faster. Benchmarks turn it on, to compare with SQLite's synchronous=FULL.
    """
    root = Path(tempfile.mkdtemp(prefix="viva-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(root, entry.pw_uid, entry.pw_gid)
        as_user = ["runuser", "-u", SERVER_USER, "--"]
    server = PostgresServer(bin_dir, root, _free_port(), as_user)
    try:
        server.run("initdb", "-D", str(server.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C",
                   "--no-sync")
        durability = "" if fsync else "-c fsync=off -c full_page_writes=off "
        options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 {durability}-c max_connections=200"
        server.run("pg_ctl", "-D", str(server.data), "-l", str(root / "server.log"), "-o", options, "-w", "start")
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"{exc.cmd[len(as_user)]} failed: {exc.stderr or exc.stdout}") from None
    except BaseException:
        log = root / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        if detail:
            raise RuntimeError(f"PostgreSQL did not start:\n{detail}") from None
        raise
    return server
