"""The web explorer: browse a store's evidence map in a browser (``narratrace serve``).

>>> from narratrace.web import create_app
>>> app = create_app("sqlite:///:memory:")
>>> sorted(r.path for r in app.routes if r.path.startswith("/api/"))[:3]
['/api/documents', '/api/documents/{doc_id}', '/api/entities']

Pages: overview, documents, document, claim families, claim family (with its provenance
graph), entities, entity, timeline, corpus graph and search; every page has a JSON twin
under ``/api/`` and the API is described at ``/openapi.json``. See docs/web.md.
"""

from __future__ import annotations

from ._app import create_app

__all__ = ["create_app"]
