"""The FastAPI app: security middleware, the one error handler, HTML pages and their JSON API.

Every page has a twin under ``/api/`` returning the same dict the template renders; the
OpenAPI description of the API is at ``/openapi.json`` (the interactive docs are off: they
load scripts from a CDN).
"""

from __future__ import annotations

import gc
import hmac
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..version import __version__
from ..errors import NarratraceError
from ..report import FLOW_LEGEND, flow_svg
from ..store import MARK_END, MARK_START, MAX_QUERY_CHARS
from ._charts import narratives_chart
from ._corpus import MAX_PAGE_SIZE, PAGE_SIZE, Corpus, NotFound
from ._doctext import document_html, marked_snippet

log = logging.getLogger(__name__)

_HERE = FsPath(__file__).parent
#: Ids in paths: content hashes and ``ent_…`` ids. Anything else is a 422, never a file path.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
#: Longest request target (path + query) accepted; longer ones get 414.
MAX_URL_CHARS = 2048
#: Hosts a loopback server answers to (a DNS-rebinding page gets 400).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
TOKEN_COOKIE = "narratrace_token"

# No inline script or style anywhere: our own files from /static only. Data never reaches a
# script context except as JSON in <script type="application/json">, which does not run.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 414: "uri_too_long", 422: "invalid_request",
          500: "internal_error", 501: "not_implemented", 503: "unavailable"}


@lru_cache(maxsize=1)
def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(_HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = lambda v: quote(str(v), safe="")
    env.globals["version"] = __version__
    return env


@lru_cache(maxsize=1)
def _report_css() -> str:
    return (_HERE.parent / "report" / "report.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _graph_js() -> str:
    return (_HERE.parent / "report" / "graph.js").read_text(encoding="utf-8")


def _wants_html(request: Request) -> bool:
    return (not request.url.path.startswith(("/api/", "/openapi"))
            and "text/html" in request.headers.get("accept", ""))


def error_response(request: Request, status: int, message: str,
                   details: list[dict[str, Any]] | None = None) -> Response:
    """The one error shape: ``{"error": {"status", "code", "message", "details"}}``
    (an HTML page with the same content for browsers)."""
    body = {"error": {"status": status, "code": _CODES.get(status, "error"), "message": message,
                      "details": details or []}}
    if _wants_html(request):
        html = _templates().get_template("error.html.j2").render(e=body["error"], nav="")
        response: Response = HTMLResponse(html, status_code=status)
    else:
        response = JSONResponse(body, status_code=status)
    response.headers.update(_SECURITY_HEADERS)
    return response


async def _handle(request: Request, exc: Exception) -> Response:
    """The single exception handler, registered for every exception type the app meets."""
    if isinstance(exc, StarletteHTTPException):
        return error_response(request, exc.status_code, str(exc.detail))
    if isinstance(exc, RequestValidationError):
        details = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                   for e in exc.errors()]
        where = ", ".join(".".join(d["loc"]) for d in details)
        return error_response(request, 422, f"Invalid request parameters: {where}.", details)
    if isinstance(exc, NotFound):
        return error_response(request, 404, str(exc))
    if isinstance(exc, NotImplementedError):
        return error_response(request, 501, str(exc) or "Not implemented.")
    if isinstance(exc, NarratraceError):
        log.error("store error on %s: %s", request.url.path, exc)
        return error_response(request, 503, str(exc))
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_response(request, 500, "The server hit an unexpected error; it has been logged.")


def create_app(store_url: str, *, token: str | None = None,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The web explorer over the store at ``store_url``.

    With ``token`` set every request needs it (``Authorization: Bearer TOKEN``, or once
    ``?token=TOKEN``, which sets a cookie). ``allowed_hosts`` limits the Host header; it
    defaults to loopback names without a token and to any host with one.

    >>> app = create_app("sqlite:///:memory:")
    >>> app.openapi_url
    '/openapi.json'
    """
    corpus = Corpus(store_url)
    if allowed_hosts is None:
        allowed_hosts = ("*",) if token else LOOPBACK_HOSTS
    hosts = {h.lower() for h in allowed_hosts}

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        yield
        corpus.close()

    app = FastAPI(title="narratrace web explorer", version=__version__, docs_url=None,
                  redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan,
                  description="JSON API of the narratrace evidence map; each endpoint mirrors "
                              "an HTML page of the same path without `/api`.")
    app.state.corpus = corpus
    for exc_type in (StarletteHTTPException, RequestValidationError, NotFound,
                     NotImplementedError, NarratraceError, Exception):
        app.add_exception_handler(exc_type, _handle)

    @app.middleware("http")
    async def guard(request: Request,
                    call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        target = request.url.path + ("?" + request.url.query if request.url.query else "")
        if len(target) > MAX_URL_CHARS:
            return error_response(request, 414, f"The URL is longer than {MAX_URL_CHARS} "
                                                "characters.")
        host = request.headers.get("host", "").lower()
        host_name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if "*" not in hosts and host_name not in hosts and not _loopback_address(host_name):
            return error_response(request, 400, "Unknown Host header; this server answers to "
                                                f"{', '.join(sorted(hosts))} only.")
        if token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given.encode(), token.encode()):
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                url = _local_path(request.url.path) + ("?" + urlencode(rest) if rest else "")
                redirect = RedirectResponse(url, status_code=303)
                redirect.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                redirect.headers.update(_SECURITY_HEADERS)
                return redirect
            auth = request.headers.get("authorization", "")
            offered = auth[7:] if auth.lower().startswith("bearer ") else \
                request.cookies.get(TOKEN_COOKIE, "")
            if not hmac.compare_digest(offered.encode(), token.encode()):
                return error_response(request, 401, "A token is required: open the URL that "
                                                    "`narratrace serve` printed.")
        response = await call_next(request)
        response.headers.update(_SECURITY_HEADERS)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # The graph script is shared with the static report, so it lives with the report; it
    # is served under its old name, before the mount so this route wins.
    @app.get("/static/web.js", include_in_schema=False)
    def web_js() -> Response:
        return Response(_graph_js(), media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")

    @app.get("/assets/report.css", include_in_schema=False)
    def report_css() -> Response:
        return Response(_report_css(), media_type="text/css")

    def page(template: str, nav: str, **context: Any) -> HTMLResponse:
        html = _templates().get_template(template).render(nav=nav, **context)
        return HTMLResponse(html)

    # ------------------------------------------------------------------ overview
    @app.get("/api/overview", response_model=_API, tags=["pages"], summary="Corpus figures, outlets, narratives "
             "over time per outlet, top entities and claim families")
    def api_overview() -> Response:
        return _api(corpus.overview())

    @app.get("/", include_in_schema=False)
    def overview() -> HTMLResponse:
        data = corpus.overview()
        return page("overview.html.j2", "overview", d=data,
                    chart=narratives_chart(data["narratives_over_time"]))

    # ------------------------------------------------------------------ documents
    @app.get("/api/documents", response_model=_API, tags=["pages"], summary="Documents by date, paginated")
    def api_documents(offset: int = _offset(), limit: int = _limit(),
                      outlet: str | None = _text()) -> Response:
        return _api(corpus.documents(offset=offset, limit=limit, outlet=outlet))

    @app.get("/documents", include_in_schema=False)
    def documents(offset: int = _offset(), limit: int = _limit(),
                  outlet: str | None = _text()) -> HTMLResponse:
        return page("documents.html.j2", "documents",
                    d=corpus.documents(offset=offset, limit=limit, outlet=outlet))

    @app.get("/api/documents/{doc_id}", response_model=_API, tags=["pages"], summary="One document: clean text, "
             "source text, removed spans and every annotation")
    def api_document(doc_id: str = _id()) -> Response:
        return _api(corpus.document(doc_id))

    @app.get("/documents/{doc_id}", include_in_schema=False)
    def document(doc_id: str = _id()) -> HTMLResponse:
        data = corpus.document(doc_id)
        return page("document.html.j2", "documents", d=data, h=document_html(data))

    # ------------------------------------------------------------------ claim families
    @app.get("/api/families", response_model=_API, tags=["pages"], summary="Claim families, most widespread first")
    def api_families(offset: int = _offset(), limit: int = _limit()) -> Response:
        return _api(corpus.families(offset=offset, limit=limit))

    @app.get("/families", include_in_schema=False)
    def families(offset: int = _offset(), limit: int = _limit()) -> HTMLResponse:
        return page("families.html.j2", "families", d=corpus.families(offset=offset, limit=limit))

    @app.get("/api/families/{family_id}", response_model=_API, tags=["pages"], summary="A claim family: members, "
             "origins, independent-origin count and its provenance graph")
    def api_family(family_id: str = _id()) -> Response:
        return _api(corpus.family(family_id))

    @app.get("/families/{family_id}", include_in_schema=False)
    def family(family_id: str = _id()) -> HTMLResponse:
        data = corpus.family(family_id)
        return page("family.html.j2", "families", d=data, graph_json=_json(data["graph"]),
                    flow=flow_svg(data["card"]), flow_legend=FLOW_LEGEND)

    # ------------------------------------------------------------------ entities
    @app.get("/api/entities", response_model=_API, tags=["pages"], summary="Entities, most mentioned first")
    def api_entities(offset: int = _offset(), limit: int = _limit(),
                     type: str | None = _text(40)) -> Response:
        return _api(corpus.entities(offset=offset, limit=limit, type=type))

    @app.get("/entities", include_in_schema=False)
    def entities(offset: int = _offset(), limit: int = _limit(),
                 type: str | None = _text(40)) -> HTMLResponse:
        return page("entities.html.j2", "entities",
                    d=corpus.entities(offset=offset, limit=limit, type=type))

    @app.get("/api/entities/{entity_id}", response_model=_API, tags=["pages"], summary="An entity: mentions, "
             "aliases, what it said and how it is framed")
    def api_entity(entity_id: str = _id()) -> Response:
        return _api(corpus.entity(entity_id))

    @app.get("/entities/{entity_id}", include_in_schema=False)
    def entity(entity_id: str = _id()) -> HTMLResponse:
        return page("entity.html.j2", "entities", d=corpus.entity(entity_id))

    # ------------------------------------------------------------------ timeline, graph
    @app.get("/api/timeline", response_model=_API, tags=["pages"], summary="Events by date; documents per month")
    def api_timeline(offset: int = _offset(),
                     limit: int = _limit(MAX_PAGE_SIZE)) -> Response:
        return _api(corpus.timeline(offset=offset, limit=limit))

    @app.get("/timeline", include_in_schema=False)
    def timeline(offset: int = _offset(),
                 limit: int = _limit(MAX_PAGE_SIZE)) -> HTMLResponse:
        return page("timeline.html.j2", "timeline", d=corpus.timeline(offset=offset, limit=limit))

    @app.get("/api/graph", response_model=_API, tags=["pages"], summary="The corpus provenance graph (outlets, "
             "documents, speakers; best-connected nodes first when cut)")
    def api_graph() -> Response:
        return _api(corpus.graph())

    @app.get("/graph", include_in_schema=False)
    def graph() -> HTMLResponse:
        return page("graph.html.j2", "graph", d=corpus.graph(), graph_json=graph_json())

    @lru_cache(maxsize=1)
    def graph_json() -> Markup:
        return _json(corpus.graph())

    # ------------------------------------------------------------------ search
    @app.get("/api/search", response_model=_API, tags=["pages"], summary="Full-text search over documents and "
             "attributions")
    def api_search(q: str = _q(), limit: int = _limit()) -> Response:
        return _api(corpus.search(q, limit=limit))

    @app.get("/search", include_in_schema=False)
    def search(q: str = _q(), limit: int = _limit()) -> HTMLResponse:
        data = corpus.search(q, limit=limit) if q.strip() else \
            {"query": q, "documents": [], "attributions": []}
        for hit in (*data["documents"], *data["attributions"]):
            hit["snippet_html"] = marked_snippet(hit.get("snippet") or "", MARK_START, MARK_END)
        return page("search.html.j2", "search", d=data)

    # Build the corpus-wide pages now, so no visitor waits for them.
    corpus.overview()
    graph_json()
    # The index is millions of long-lived objects; without this every full garbage collection
    # rescans them (300-800 ms pauses at 10,000 documents, measured with bench/bench_serve.py).
    gc.freeze()
    app.add_middleware(_HeadAsGet)  # the outermost layer: the guard sees a GET
    return app


def _local_path(path: str) -> str:
    """A path that stays on this server when used as a redirect: ``//evil.example`` (and
    ``/\\evil.example``, which browsers read the same way) would leave for another host.

    >>> _local_path("//evil.example/x"), _local_path("/\\\\evil.example"), _local_path("/documents")
    ('/evil.example/x', '/evil.example', '/documents')
    """
    return "/" + path.lstrip("/\\")


def _loopback_address(host: str) -> bool:
    """Whether a Host header names a loopback address literally (127.0.0.2, [::1]): no
    DNS-rebinding page can send one, as it is no name a rebinding domain can take.

    >>> _loopback_address("127.0.0.2"), _loopback_address("[::1]"), _loopback_address("evil.example")
    (True, True, False)
    """
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _HeadAsGet:
    """HEAD on every page and API route: answered as GET, with the headers and no body
    (the routes declare GET only, and HEAD got 405)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Any) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


# Parameter factories: FastAPI binds a parameter object to one name, so each route gets its own.
def _offset() -> Any:
    return Query(0, ge=0, le=10_000_000, description="First row of the page.")


def _limit(default: int = PAGE_SIZE) -> Any:
    return Query(default, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")


def _id() -> Any:
    return Path(pattern=ID_PATTERN, max_length=128)


def _text(n: int = 200) -> Any:
    return Query(None, max_length=n)


def _q() -> Any:
    return Query("", max_length=MAX_QUERY_CHARS, description="Free text; every word must match "
                 "(FTS query syntax is not interpreted).")


#: The schema of every API answer (the page's dict); FastAPI documents it but never sees it.
_API = dict[str, Any]


def _api(data: dict[str, Any]) -> Response:
    """An API answer, rendered to JSON in the worker thread that built ``data``. Returned as a
    plain dict, FastAPI would validate it in a second thread-pool hop and serialise it on the
    event loop: under 16 concurrent clients the JSON twins were then ~1.6x slower than their
    HTML pages (median, bench/bench_serve.py)."""
    return JSONResponse(data)


def _json(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: ``<``, ``>``, ``&`` and quotes
    are escaped as \\u sequences, so no data can close the block or open markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    return Markup(text)
