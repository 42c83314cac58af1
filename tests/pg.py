"""A throw-away PostgreSQL server for team-store tests: initdb + pg_ctl in a temp dir.

PostgreSQL refuses to run as root, so where the tests run as root the server runs as
the `postgres` OS user, in a directory that user owns.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "trendlab"  # the server's superuser, trusted on localhost


def pg_bin(name: str) -> str | None:
    """A PostgreSQL program: on PATH, else the newest one Debian/Ubuntu installed."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/", path)
        return int(match[1]) if match else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    port: int
    root: Path
    host: str = "localhost"

    def conninfo(self, dbname: str) -> str:
        return f"dbname={dbname} host={self.host} port={self.port} user={USER}"

    def lake(self, dbname: str) -> str:
        """The --db location of a team store whose catalog is database `dbname`."""
        return f"ducklake:postgres:{self.conninfo(dbname)}"

    def _client(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        exe = pg_bin(program)
        assert exe, f"{program} not found"
        return subprocess.run(
            [exe, "-h", self.host, "-p", str(self.port), "-U", USER, *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    def create_database(self, name: str, template: str | None = None) -> None:
        # A template's last client may still be leaving the server for a moment.
        for _ in range(50):
            proc = self._client("createdb", *(["-T", template] if template else []), name)
            if proc.returncode == 0:
                return
            if "is being accessed by other users" not in proc.stderr:
                break
            time.sleep(0.1)
        raise AssertionError(proc.stderr)

    def sql(self, dbname: str, statement: str) -> str:
        """Run one statement with psql; its rows, unaligned, one a line."""
        proc = self._client("psql", "-d", dbname, "-XtAc", statement)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def password_role(self, role: str, password: str) -> None:
        """A superuser `role` that must give `password` to connect over TCP (every other
        role is trusted): it tells whether a password a client sent reached the server."""
        if not self.sql("postgres", f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
            quoted = password.replace("'", "''")
            self.sql("postgres", f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{quoted}'")
        hba = self.root / "data" / "pg_hba.conf"
        line = f"host all {role} all scram-sha-256\n"
        if line not in hba.read_text():
            hba.write_text(line + hba.read_text())  # the first line that matches applies
            self.sql("postgres", "SELECT pg_reload_conf()")

    def connections(self, dbname: str) -> int:
        """Open client connections to `dbname` (other than the one asking)."""
        return int(
            self.sql(
                "postgres",
                "SELECT count(*) FROM pg_stat_activity "
                f"WHERE datname = '{dbname}' AND pid <> pg_backend_pid()",
            )
        )


@contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a server on a free localhost port; stop it and remove its files after."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise FileNotFoundError("initdb/pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="trendlab-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    server = PgServer(port=_free_port(), root=root)

    def run(*args: str) -> None:
        proc = subprocess.run([*as_owner, *args], capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            log = (root / "log").read_text() if (root / "log").exists() else ""
            raise RuntimeError(f"{args[0]} failed: {proc.stderr}{proc.stdout}\n{log}")

    started = False
    try:
        run(initdb, "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-p {server.port} -k {root} -c listen_addresses=localhost "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        started = True  # from here on, stop it whatever happens
        run(
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(root / "log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        yield server
    finally:
        if started:
            subprocess.run(
                [*as_owner, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)
