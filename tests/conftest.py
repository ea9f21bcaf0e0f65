from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout (read-only third-party data); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared not present: third-party data and seeds are not in the repo")
    return SHARED


# --------------------------------------------------------------------------- PostgreSQL
# One throw-away server for the whole run (tests/pg_server.py), a fresh database per test.

@pytest.fixture(scope="session")
def pg_admin_url():
    """Admin URL of the session's throw-away PostgreSQL server; skip when it cannot run."""
    from pg_server import SKIP_REASON, postgres_binaries, postgres_server

    if postgres_binaries() is None:
        pytest.skip(SKIP_REASON)
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_url(pg_admin_url) -> str:
    """URL of an empty database of its own on the session's server."""
    from pg_server import fresh_database

    return fresh_database(pg_admin_url)


@pytest.fixture
def pg_cluster():
    """A server of the test's own, which the test may stop and start (``.stop()``, ``.start()``)."""
    from pg_server import SKIP_REASON, postgres_binaries, postgres_cluster

    if postgres_binaries() is None:
        pytest.skip(SKIP_REASON)
    with postgres_cluster() as cluster:
        yield cluster
