"""The learner's app in ``kg serve``: its routes, registered by :mod:`kg.web.app`.

``/`` answers the same page ``kg publish`` writes (built once, on first request), with
the page's Content-Security-Policy also sent as a header.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from kg.graph import KnowledgeGraph
from kg.learner.data import app_data
from kg.learner.site import csp, page

__all__ = ["routes"]


def routes(kg: KnowledgeGraph, *, explorer: str = "/explorer") -> list[Route]:
    """Routes of the learner's app: ``/`` (the app; ``explorer`` is where the page links
    the SPARQL explorer)."""
    built: dict[str, bytes] = {}

    async def app(request: Request) -> Response:
        if "page" not in built:
            built["page"] = page(app_data(kg), explorer=explorer).encode("utf-8")
        headers = {
            "Content-Security-Policy": csp() + "; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        return HTMLResponse(built["page"], headers=headers)

    return [Route("/", app)]
