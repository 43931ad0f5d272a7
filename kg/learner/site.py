"""The learner's app as one HTML page, and ``kg publish``: that page and the dumps as a
static site.

The page holds everything: the styles, the code (``static/plan.js`` and
``static/app.js``) and the data as a ``<script type="application/json">`` block, so it
works from ``file://`` and any static host and never fetches anything. A
Content-Security-Policy (``default-src 'none'``, scripts and styles allowed by hash)
makes the browser refuse any request even if something tried.
"""

from __future__ import annotations

import base64
import hashlib
import html
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg import __version__
from kg.errors import UsageError
from kg.files import write_atomic
from kg.graph import KnowledgeGraph
from kg.learner.data import app_data
from kg.viz.page import inlinable, script_json

_STATIC = Path(__file__).parent / "static"

__all__ = ["GENERATOR", "DUMPS", "page", "csp", "publish", "Published"]

GENERATOR = "kg publish"
DUMPS = ("ttl", "nt", "jsonld")
"""The graph's dumps published beside the app, as ``dump.EXT`` (the names ``kg serve``
uses)."""


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    return inlinable(_STATIC / name)


def csp() -> str:
    """The page's Content-Security-Policy (also sent as a header by ``kg serve``)."""
    return (
        "default-src 'none'; "
        f"script-src {_sha256(_static('plan.js'))} {_sha256(_static('app.js'))}; "
        f"style-src {_sha256(_static('app.css'))}; "
        "img-src data: blob:; base-uri 'none'; form-action 'none'"
    )


_BODY = """\
<header class="top">
  <h1>kg</h1>
  <nav aria-label="Views"><ul>
    <li><a href="#" id="tab-plan">Plan</a></li>
    <li><a href="#" id="tab-topic">Topic</a></li>
    <li><a href="#" id="tab-course">Courses</a></li>
    <li><a href="#" id="tab-map">Map</a></li>
  </ul></nav>
  <nav aria-label="Data"><ul>{links}</ul></nav>
</header>
<main>
  <div class="note" id="link-note" hidden>
    This link carries its own progress, shown here instead of yours (yours is kept).
    <button type="button" id="link-restore">Show my progress instead</button>
  </div>
  <div class="pickers">
    <div class="picker">
      <label for="search">Goal: what do you want to learn?</label>
      <input id="search" data-testid="search" type="search" role="combobox" autocomplete="off"
             aria-autocomplete="list" aria-expanded="false" aria-controls="results"
             placeholder="a topic, alias or id, e.g. attention">
      <ul id="results" role="listbox" aria-label="Matching topics" hidden></ul>
      <p class="now">Goal: <span id="goal-now"></span></p>
    </div>
    <div class="picker">
      <label for="start">Start from (optional): a topic you know</label>
      <input id="start" type="search" role="combobox" autocomplete="off"
             aria-autocomplete="list" aria-expanded="false" aria-controls="start-results"
             placeholder="e.g. backprop">
      <ul id="start-results" role="listbox" aria-label="Matching topics to start from" hidden></ul>
      <p class="now">Starting from <span id="from-now"></span>
        <button type="button" class="small" id="from-clear">clear</button></p>
    </div>
  </div>
  <div class="progress">
    <span>Known topics: <strong id="known-count">0</strong></span>
    <button type="button" id="export">Export progress</button>
    <label class="filebtn">Import progress<input type="file" id="import" accept="application/json,.json"></label>
    <button type="button" id="clear-known">Forget all progress</button>
    <span id="io-status" role="status"></span>
    <details><summary>What you know</summary><ul id="known-list"></ul></details>
  </div>
  <section id="view-plan" aria-labelledby="plan-h">
    <h2 id="plan-h">Your plan</h2>
    <p id="plan-summary" role="status"></p>
    <figure id="plan-graph" class="graph"></figure>
    <div id="plan-body"></div>
  </section>
  <section id="view-topic" aria-label="Topic" hidden><div id="topic-body"></div></section>
  <section id="view-course" aria-labelledby="course-h" hidden>
    <h2 id="course-h" class="muted">Courses</h2><div id="course-body"></div>
  </section>
  <section id="view-map" aria-labelledby="map-h" hidden>
    <h2 id="map-h">The whole map</h2>
    <p>Every topic, coloured by area, left of the topics that need it. Zoom in to read the labels.</p>
    <div id="map-body"></div>
  </section>
</main>
<footer>{footer}</footer>
"""


def page(data: dict[str, Any], *, explorer: str | None = None) -> str:
    """The app as one HTML page over ``data`` (:func:`kg.learner.data.app_data`).

    ``explorer`` is the URL of the SPARQL explorer when a server offers one.
    """
    links = [
        f'<li><a href="{html.escape(explorer, quote=True)}">SPARQL explorer</a></li>' if explorer else "",
        '<li><a href="dump.ttl">Turtle</a></li>',
        '<li><a href="dump.nt">N-Triples</a></li>',
        '<li><a href="dump.jsonld">JSON-LD</a></li>',
    ]
    n_topics, n_courses = len(data["topics"]), len(data["courses"])
    footer = html.escape(
        f"kg {data.get('kg', __version__)}: {n_topics} topics, {n_courses} courses. "
        "Progress stays in this browser; export it to use it with `kg known import`."
    )
    body = _BODY.format(links="".join(links), footer=footer)
    policy = csp()
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=True)}">\n'
        f'<meta name="generator" content="{GENERATOR} {html.escape(__version__)}">\n'
        "<title>kg: learning plans</title>\n"
        f"<style>{_static('app.css')}</style>\n"
        "</head>\n<body>\n"
        f"{body}"
        f'<script type="application/json" id="kg-data">{script_json(data)}</script>\n'
        f"<script>{_static('plan.js')}</script>\n"
        f"<script>{_static('app.js')}</script>\n"
        "</body>\n</html>\n"
    )


@dataclass
class Published:
    """What :func:`publish` wrote: the files with their sizes, and how long it took."""

    directory: Path
    files: dict[str, int]
    seconds: float

    @property
    def total_bytes(self) -> int:
        return sum(self.files.values())


def _check_target(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{str(directory)!r} is not a directory")
    if directory.is_dir():
        ours = {"index.html", *(f"dump.{e}" for e in DUMPS)}
        other = sorted(p.name for p in directory.iterdir() if p.name not in ours)
        index = directory / "index.html"
        if index.exists():
            head = index.read_bytes()[:1024]
            if f'<meta name="generator" content="{GENERATOR} '.encode() not in head:
                raise UsageError(f"{str(index)!r} exists and was not written by kg publish; choose an empty directory")
        if other:
            raise UsageError(f"{str(directory)!r} holds other files ({', '.join(other[:3])}); choose an empty directory")


def publish(kg: KnowledgeGraph, directory: str | Path) -> Published:
    """Write the app (``index.html``) and the dumps (``dump.ttl``, ``dump.nt``,
    ``dump.jsonld``) into ``directory``, a static site that works offline.

    ``directory`` must be new, empty, or an earlier ``kg publish``; every file is written
    atomically.
    """
    start = time.perf_counter()
    directory = Path(directory)
    _check_target(directory)
    outputs: dict[str, bytes] = {"index.html": page(app_data(kg)).encode("utf-8")}
    for ext in DUMPS:
        outputs[f"dump.{ext}"] = kg.serialize(ext)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {str(directory)!r}: {exc.strerror or exc}") from None
    for name, body in outputs.items():
        write_atomic(directory / name, body)
    return Published(directory, {k: len(v) for k, v in outputs.items()}, time.perf_counter() - start)
