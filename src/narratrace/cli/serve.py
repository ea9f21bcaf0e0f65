from __future__ import annotations

import ipaddress
import os
import secrets

import typer

from ..errors import NarratraceError, UsageError
from ._common import console, fail, redact, shown, store_url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_cli(
    store: str | None = typer.Argument(None, metavar="STORE", help="The store: a path to an "
                                       "SQLite file (e.g. demo-out/narratrace.sqlite) or a URL "
                                       "(sqlite:///PATH, postgresql://…)."),
    db: str | None = typer.Option(None, "--db", metavar="URL", help="The store, as an option "
                                  "(same as STORE)."),
    host: str = typer.Option("127.0.0.1", "--host", metavar="HOST", help="Interface to bind. "
                             "Anything but loopback requires a token."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, metavar="PORT", help="TCP port."),
    token: str | None = typer.Option(None, "--token", envvar="NARRATRACE_TOKEN", metavar="TOKEN",
                                     help="Access token (default: none on loopback, a random "
                                          "one printed at start elsewhere)."),
) -> None:
    """Browse the evidence map in a web browser: overview, documents, claim families,
    entities, timeline, graph and search, plus a JSON API under /api/. Exit 2 when the store
    does not exist or the port cannot be bound."""
    import socket

    import uvicorn

    from ..web import create_app

    if not _is_loopback(host) and not token:
        token = secrets.token_urlsafe(24)
    try:
        url_db = store_url(store, db)
        app = create_app(url_db, token=token)
    except NarratraceError as exc:
        raise fail(exc) from exc
    # Bind before saying "serving": a busy port is an error, not a banner then a traceback.
    try:
        info = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
    except OSError as exc:
        raise fail(UsageError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                              "Choose another --port, or stop what uses this one.")) from exc
    where = f"[{host}]" if ":" in host else host
    url = f"http://{where}:{port}/" + (f"?token={token}" if token else "")
    console().print(f"narratrace serving {shown(redact(url_db))} at {url}", markup=False)
    if token and os.environ.get("NARRATRACE_TOKEN") != token:
        console().print("Anyone with this URL can read the store; keep the token private.",
                        markup=False)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    server.run(sockets=[sock])
