from __future__ import annotations

import ipaddress
import os
import secrets

import typer

from ..errors import NarratraceError
from ._common import console, fail


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_cli(
    db: str = typer.Option(..., "--db", help="Store URL, e.g. sqlite:///demo-out/narratrace.sqlite."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind. Anything but "
                             "loopback requires a token."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    token: str | None = typer.Option(None, "--token", envvar="NARRATRACE_TOKEN",
                                     help="Access token (default: none on loopback, a random "
                                          "one printed at start elsewhere)."),
) -> None:
    """Browse the evidence map in a web browser: overview, documents, claim families,
    entities, timeline, graph and search, plus a JSON API under /api/."""
    import uvicorn

    from ..web import create_app

    if not _is_loopback(host) and not token:
        token = secrets.token_urlsafe(24)
    try:
        app = create_app(db, token=token)
    except NarratraceError as exc:
        raise fail(exc) from exc
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console().print(f"narratrace serving {db} at {url}", markup=False)
    if token and os.environ.get("NARRATRACE_TOKEN") != token:
        console().print("Anyone with this URL can read the store; keep the token private.",
                        markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
