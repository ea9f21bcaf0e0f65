"""A throw-away PostgreSQL server for the store tests, started by the test run itself.

Uses Debian's ``postgresql`` binaries (``/usr/lib/postgresql/<version>/bin``): ``initdb`` a
cluster in a fresh temp folder, ``pg_ctl start`` it on a free loopback port (no Unix socket in
a shared place, no TCP beyond 127.0.0.1), and stop it and delete the folder at the end.
PostgreSQL refuses to run as root, so under root the server runs as the ``postgres`` system
user the Debian package creates (or a ``narratrace-pg`` user created on the spot).

When the binaries are absent, :func:`postgres_binaries` returns None and the tests skip with
a reason that says what to install (`apt-get install postgresql`).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SKIP_REASON = ("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: install Debian's "
               "`postgresql` package (apt-get install postgresql) to run the PostgreSQL store tests")


def postgres_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/<v>/bin`` holding initdb and pg_ctl, or None."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
             if Path(p).with_name("pg_ctl").exists()]
    override = os.environ.get("NARRATRACE_PG_BIN")
    if override and (Path(override) / "initdb").exists():
        return Path(override)
    return max(found, key=lambda p: _version(p.parent.name)) if found else None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in name.split(".") if x.isdigit()) or (0,)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> str | None:
    """None when we are not root (run as ourselves); else a user postgres accepts."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "narratrace-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "narratrace-pg"], check=True, capture_output=True)
    return "narratrace-pg"


def _as(user: str | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", user, "--", *argv]
    return ["su", "-s", "/bin/sh", user, "-c", " ".join(map(_quote, argv))]


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


class PostgresCluster:
    """A started throw-away cluster: its admin ``url``, and ``stop``/``start`` for the tests
    of a server that goes away mid-run."""

    def __init__(self, *, bindir: Path, data: Path, log: Path, opts: str, user: str | None,
                 env: dict[str, str], url: str) -> None:
        self.url = url
        self._bindir, self._data, self._log, self._opts = bindir, data, log, opts
        self._user, self._env = user, env

    def start(self) -> None:
        subprocess.run(_as(self._user, [str(self._bindir / "pg_ctl"), "-D", str(self._data),
                                        "-l", str(self._log), "-o", self._opts, "-w", "-t", "60",
                                        "start"]),
                       check=True, capture_output=True, env=self._env, timeout=120)
        _wait_ready(self.url)

    def stop(self, mode: str = "fast") -> None:
        """``fast``: sessions are ended and their transactions rolled back; ``immediate``: the
        server quits at once (as if it crashed) and recovers from its WAL on the next start."""
        if (self._data / "postmaster.pid").exists():
            subprocess.run(_as(self._user, [str(self._bindir / "pg_ctl"), "-D", str(self._data),
                                            "-m", mode, "-w", "stop"]),
                           capture_output=True, env=self._env, timeout=60)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """Start a throw-away cluster; yield it (stopped and deleted at the end)."""
    bindir = postgres_binaries()
    if bindir is None:
        raise RuntimeError(SKIP_REASON)
    user = _server_user()
    base = Path(tempfile.mkdtemp(prefix="narratrace-pg-"))
    data = base / "data"
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    os.chmod(base, 0o700)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    log = base / "server.log"
    # fsync off: a throw-away test cluster; the store's own crash safety is tested on SQLite
    # and by transactions here, not by surviving a power cut of the test server.
    opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=40 -c shared_buffers=32MB")
    cluster = PostgresCluster(bindir=bindir, data=data, log=log, opts=opts, user=user, env=env,
                              url=f"postgresql://narratrace@127.0.0.1:{port}/postgres")
    try:
        subprocess.run(_as(user, [str(bindir / "initdb"), "-D", str(data), "-U", "narratrace",
                                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                                  "--no-sync"]),
                       check=True, capture_output=True, env=env, timeout=120)
        cluster.start()
        yield cluster
    except subprocess.CalledProcessError as exc:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"could not start the test PostgreSQL server: {exc.stderr!r}\n{tail}") from exc
    finally:
        cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throw-away cluster; yield its admin URL ``postgresql://…/postgres``."""
    with postgres_cluster() as cluster:
        yield cluster.url


def _wait_ready(url: str, *, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def fresh_database(admin_url: str) -> str:
    """Create an empty database on the server; return its URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name
