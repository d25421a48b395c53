"""The databases tests run on: a SQLite file, or a throw-away PostgreSQL cluster on 127.0.0.1.

`Backend.new_url()` hands out an empty database and `Backend.copy(url)` a copy of one (a file
copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL), so a fixture written once runs on
both. The cluster is started from Debian's binaries (`/usr/lib/postgresql/<ver>/bin`) or any
`pg_ctl` on the PATH, in a temp dir, as a non-root user when the tests run as root (PostgreSQL
refuses to run as root), with fsync off: its data is thrown away at the end.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

# CI sets this so a missing PostgreSQL fails the run there instead of skipping its half.
REQUIRE_ENV = "STORYBOT_REQUIRE_POSTGRES"
# Read once, when the test package is imported: fixtures that isolate the environment may
# remove STORYBOT_* variables before the server fixture runs.
REQUIRED = os.environ.get(REQUIRE_ENV, "") not in ("", "0")


class Backend:
    """Where a test's databases live."""

    name: str

    def new_url(self) -> str:
        raise NotImplementedError

    def copy(self, url: str) -> str:
        raise NotImplementedError

    def drop(self, url: str) -> None:
        """Throw a database away (a no-op where the temp dir does it)."""


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def new_url(self) -> str:
        return f"sqlite:///{self.folder / uuid.uuid4().hex}.db"

    def copy(self, url: str) -> str:
        target = self.new_url()
        shutil.copy(url.removeprefix("sqlite:///"), target.removeprefix("sqlite:///"))
        return target


def postgres_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: on the PATH, else Debian's newest version; None if missing."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def driver_missing() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        return f"the psycopg driver is not installed ({exc})"
    return None


class PostgresServer(Backend):
    """A PostgreSQL cluster of its own: initdb in a temp dir, started on 127.0.0.1, stopped and removed at close."""

    name = "postgresql"
    user = "storybot"

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="storybot-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._runas: list[str] = []
        self._names = itertools.count(1)
        self._tag = uuid.uuid4().hex[:8]
        if os.geteuid() == 0:
            account = unprivileged_account()
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._runas = ["runuser", "-u", account.pw_name, "--"]

    def start(self) -> PostgresServer:
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        for attempt in range(3):  # a free port can be taken between finding and binding it
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
            )
            done = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log), "-o", options, check=False)
            if done.returncode == 0:
                return self
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr.strip()} {self._log_tail()}")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_url(self) -> str:
        name = self._name()
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def copy(self, url: str) -> str:
        """A new database copied from `url`'s (which nobody may be connected to meanwhile)."""
        name = self._name()
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def close(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def _name(self) -> str:
        return f"t_{self._tag}_{next(self._names)}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*self._runas, str(self.bin_dir / tool), *args], capture_output=True, text=True, timeout=120, cwd=self.root
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip()} {self._log_tail()}")
        return done

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""


def unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and there is no 'postgres' or 'nobody' account to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
