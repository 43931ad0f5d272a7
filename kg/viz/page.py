"""The page: a View's pyvis Network rendered with kg's template, offline and safe.

A View's page data (:func:`page_data`: the node and edge dicts pyvis's ``add_node`` and
``add_edge`` would make) becomes a pyvis Network (:func:`network_for`) when the View's
Network is asked for, and pyvis renders the Network (``Network.generate_html``) with
kg's template, kg/viz/templates/kg.html, instead of its own. Until then
:func:`render_page` renders that template itself with the variables pyvis would give it
(:func:`render_data`), the same page byte for byte without importing pyvis (pyvis
imports IPython and jsonpickle: about 60 ms of ``kg viz``), and
:func:`render_page_bytes` writes the same page's bytes without the text of its data.
Both write the shipped template's text directly (:func:`write_page`, checked against
jinja's rendering by the tests) without importing jinja, whose import and compiling of
the template cost more than writing a course's page; a template edited in place
(another digest than :data:`TEMPLATE_SHA256`) is rendered by jinja.
What kg defends against in pyvis 0.3.2, and how:

* its template.html links Bootstrap (and, unless in_line, vis-network and tom-select)
  from CDNs, writes the heading and the select-menu node ids as raw HTML, and puts a
  tooltip into innerHTML as soon as one node title contains "href": the kg template
  has none of these paths, whatever cdn_resources, select_menu, filter_menu or the
  titles say, and its rendering is autoescaped with every value html-escaped;
* it embeds the options JSON unescaped (``options|safe``): the kg template escapes
  nodes, edges and options itself (``script_json``) inside a JSON script element;
* ``Network.set_options`` deletes every space of the JSON it is given ("Segoe UI"
  becomes "SegoeUI"): kg assigns ``network.options`` a dict instead;
* an undirected Network scans every edge on each add_edge (quadratic): kg's graphs
  are directed anyway, and the Network's node ids answer ``in`` from a set.

"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import os
import secrets
import sys
from collections.abc import Iterable, Mapping
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from kg import __version__, collector
from kg.errors import KGError
from kg.viz.style import EDGE_STYLE, darker

if TYPE_CHECKING:
    from kg.viz.view import View

__all__ = [
    "GENERATOR", "TEMPLATES", "TEMPLATE", "static", "vis_js", "script_json", "use_kg_template", "require_pyvis",
    "page_data", "network_for", "render_page", "render_page_bytes", "render_data", "script_json_bytes", "Spliced",
    "write_page", "TEMPLATE_SHA256",
]

GENERATOR = "kg viz"

_HERE = Path(__file__).resolve().parent
_STATIC = _HERE / "static"
TEMPLATES = _HERE / "templates"
"""The directory of kg's pyvis template."""
TEMPLATE = "kg.html"
"""kg's pyvis template, in :data:`TEMPLATES`."""


def inlinable(path: Path) -> str:
    """The text of ``path``, checked so that it can be inlined in a ``<script>`` or
    ``<style>`` element (no closing tag, no comment opener inside)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KGError(f"cannot read {str(path)!r}: {exc.strerror or exc} (is kg installed completely?)") from None
    low = text.lower()
    for bad in ("</script", "</style", "<!--"):
        if bad in low:
            raise KGError(f"{str(path)!r} contains {bad!r} and cannot be inlined")
    return text


@lru_cache(maxsize=None)
def static(name: str) -> str:
    """A file from kg/viz/static, checked by :func:`inlinable`."""
    return inlinable(_STATIC / name)


def vis_js() -> str:
    """vis-network 9.1.2, the copy pyvis 0.3.2 ships (see kg/viz/static/README.md)."""
    return static("vis-network.min.js")


def script_json(data: Any) -> str:
    """JSON that can sit inside ``<script>``: no ``<``, ``>`` or ``&`` survive, so no
    text can close the element or open a comment.

    The text is ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``'s, made
    by orjson (five times faster on a large page); values orjson refuses (integers
    past 64 bits, lone surrogates, keys that are not strings, dates, dataclasses) go
    through ``json`` as before. The two differ only in how they write a float below
    1e-4 (``0.00001`` for ``1e-05``), the same number to a browser; NaN and infinity,
    which ``JSON.parse`` refuses, orjson writes as ``null``.
    """
    try:
        s = orjson.dumps(data, option=_ORJSON_AS_JSON).decode("utf-8")
    except TypeError:  # (orjson.JSONEncodeError is one)
        s = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, escaped in _SCRIPT_ESCAPES:
        if ch in s:  # (a search is much cheaper than a replace that finds nothing)
            s = s.replace(ch, escaped)
    return s


def script_json_bytes(data: Any) -> bytes:
    """``script_json(data).encode("utf-8")``, made without the text in between: orjson's
    UTF-8 with the same characters escaped (in UTF-8 no character's bytes occur inside
    another's, so replacing the bytes of one replaces exactly that character)."""
    try:
        b = orjson.dumps(data, option=_ORJSON_AS_JSON)
    except TypeError:
        return script_json(data).encode("utf-8")
    for ch, escaped in _SCRIPT_ESCAPES:
        raw = ch.encode("utf-8")
        if raw in b:
            b = b.replace(raw, escaped.encode("ascii"))
    return b


_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_ORJSON_AS_JSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
"""Dates and dataclasses, which json.dumps refuses, refused by orjson too (then json
says why)."""


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=1)
def _asset_texts() -> dict[str, str]:
    """The template's ``kg`` as plain text: inlined code, styles and the policy that
    allows them."""
    vis, app_js, css = vis_js(), static("kg-viz.js"), static("kg-viz.css")
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis)} {_sha256(app_js)}; "
        f"style-src {_sha256(css)}; "
        "base-uri 'none'; form-action 'none'"
    )
    return {"vis_js": vis, "app_js": app_js, "css": css, "csp": csp, "generator": GENERATOR, "version": __version__}


@lru_cache(maxsize=1)
def _assets() -> dict[str, Any]:
    """The template's ``kg``: inlined code, styles and the policy that allows them (the
    code and styles as markup, written as they are)."""
    from markupsafe import Markup

    texts = _asset_texts()
    return {**texts, **{k: Markup(texts[k]) for k in ("vis_js", "app_js", "css")}}


def _escape(value: Any) -> Any:
    """Every ``{{ value }}`` in the template: html.escape'd text unless it is already
    markup (kg's own code and the template's macros)."""
    from markupsafe import Markup

    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


class Spliced:
    """A list whose ``script_json`` the template writes as ``marker``, for
    :func:`render_page_bytes` to put the JSON's bytes in its place (``len`` is the
    list's)."""

    __slots__ = ("value", "marker")

    def __init__(self, value: list[Any], marker: str) -> None:
        self.value = value
        self.marker = marker

    def __len__(self) -> int:
        return len(self.value)


def _json_filter(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, Spliced):
        return Markup(value.marker)
    return Markup(script_json(value))


def _legend_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A legend entry with everything its swatch needs (the template's ``swatch``)."""
    colour = str(item.get("color", "#999999"))
    if item.get("edge"):
        return {"edge": True, "color": colour, "dashes": bool(item.get("dashes")), "label": str(item["label"])}
    border = item.get("border")
    return {
        "edge": False, "color": colour, "shape": str(item.get("shape", "dot")), "label": str(item["label"]),
        "stroke": str(border or (darker(colour) if colour.startswith("#") else "#555555")),
        "stroke_width": "3" if border else "1.5",
    }


class _NodeIds(list[Any]):
    """pyvis keeps node ids in a list and tests membership on every add_node and
    add_edge; this one answers ``in`` from a set, so building stays linear."""

    def __init__(self, ids: Iterable[Any] = ()) -> None:
        super().__init__(ids)
        self._seen: set[Any] = set(self)

    def append(self, item: Any) -> None:
        super().append(item)
        self._seen.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._seen


_NOT_NODE_OPTIONS = frozenset(("id", "label", "shape", "color", "kind"))
_PYVIS_NODE_COLOUR = "#97c2fc"  # pyvis's add_node default


@lru_cache(maxsize=1)
def _compiled() -> Any:
    """One in-memory cache of the compiled template for every Network's environment
    (pyvis makes one per Network): compiling kg.html costs more than rendering a
    course's page. Keyed by jinja on the template's name and source checksum."""
    from jinja2 import BytecodeCache

    class MemoryCache(BytecodeCache):
        def __init__(self) -> None:
            self.codes: dict[str, bytes] = {}

        def load_bytecode(self, bucket: Any) -> None:
            code = self.codes.get(bucket.key)
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket: Any) -> None:
            self.codes[bucket.key] = bucket.bytecode_to_string()

    return MemoryCache()


def _configure(env: Any) -> None:
    """kg's settings of a jinja Environment for its template (see :func:`use_kg_template`)."""
    from jinja2 import StrictUndefined

    env.autoescape = True
    env.finalize = _escape
    env.undefined = StrictUndefined
    env.filters["script_json"] = _json_filter
    env.filters["fromjson"] = json.loads
    env.globals["kg"] = _assets()
    env.globals.setdefault("page", {"subtitle": "", "notes": [], "legend": []})
    env.bytecode_cache = _compiled()


def use_kg_template(net: Any) -> Any:
    """Point a pyvis ``Network`` at kg's template, for ``generate_html``,
    ``write_html`` and ``show`` alike; returns ``net``.

    The template's environment autoescapes, escapes every value with
    :func:`html.escape`, and refuses undefined names.
    """
    from jinja2 import TemplateNotFound

    net.set_template_dir(str(TEMPLATES) + os.sep, TEMPLATE)
    env = net.templateEnv  # a fresh Environment of this Network's own
    _configure(env)
    try:
        net.template = env.get_template(TEMPLATE)  # what generate_html(notebook=True) uses
    except (TemplateNotFound, OSError):
        raise KGError(f"cannot read {str(TEMPLATES / TEMPLATE)!r} (is kg installed completely?)") from None
    return net


def require_pyvis() -> None:
    """Raise :class:`KGError` (one line) if pyvis cannot be imported, without importing
    it: a page is rendered without pyvis unless its Network is asked for, but a View
    keeps that Network available (``View.network``)."""
    if "pyvis.network" in sys.modules:
        missing = None if sys.modules["pyvis.network"] is not None else "import of pyvis.network halted; None in sys.modules"
    else:
        try:
            missing = None if importlib.util.find_spec("pyvis") is not None else "No module named 'pyvis'"
        except (ImportError, ValueError) as exc:
            missing = str(exc)
    if missing is not None:
        raise KGError(f"kg viz draws with pyvis, which cannot be imported ({missing}); pip install 'pyvis>=0.3.2'")


def page_data(view: View) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and edges of a view's page: the very dicts pyvis's ``add_node`` and
    ``add_edge`` would make of them (the same keys in the same order), made here in
    one pass (pyvis's own calls cost as much as the rest of a large page).

    Node colours become vis-network ``groups`` and the common edge style the edge
    defaults, so each node and edge carries only its own data (this halves a large
    page); both go into ``view.options`` (in place, as many times as asked: the same
    result). ``kind`` stays with the View; ``tip`` (the tooltip as data) and ``name``
    go into the page for kg-viz.js.
    """
    groups: dict[str, dict[str, Any]] = {}
    by_style: dict[str, str] = {}
    by_object: dict[int, str] = {}  # id of a colour object -> its group (nodes share them)
    nodes: list[dict[str, Any]] = []
    node_map: dict[Any, dict[str, Any]] = {}
    for n in view.nodes:
        nid = n["id"]
        if nid in node_map:
            continue
        if not isinstance(nid, (str, int)):
            raise AssertionError(f"a node id must be a string or an integer, got {nid!r}")
        attrs = n.copy()  # (then the keys that are not node options dropped: cheaper than a filter)
        for k in _NOT_NODE_OPTIONS:
            if k in attrs:
                del attrs[k]
        if "color" in n:
            colour = n["color"]
            group = by_object.get(id(colour))
            if group is None:
                key = json.dumps(colour, sort_keys=True)
                if key not in by_style:
                    by_style[key] = f"g{len(by_style)}"
                    groups[by_style[key]] = {"color": colour}
                group = by_object[id(colour)] = by_style[key]
            attrs["group"] = group
            options = attrs
        else:
            options = {"color": _PYVIS_NODE_COLOUR, **attrs}
        options["id"] = nid
        options["label"] = n.get("label") or nid
        options["shape"] = n.get("shape", "dot")
        nodes.append(options)
        node_map[nid] = options
    default = EDGE_STYLE["requires"]
    plain = ("id", "from", "to", "kind", *default, "tip")  # the keys of an edge in the default style
    plain_values = tuple(default.values())
    style_of = itemgetter(*default) if len(default) > 1 else lambda e: (e[next(iter(default))],)
    edges: list[dict[str, Any]] = []
    for e in view.edges:
        frm, to = e["from"], e["to"]
        if frm not in node_map or to not in node_map:
            raise AssertionError(f"non existent node {(frm if frm not in node_map else to)!r}")
        if tuple(e) == plain and style_of(e) == plain_values:  # (most edges of a large page)
            eid, tip = e["id"], e["tip"]
            if eid is not None and tip is not None:  # what the lines below make
                edges.append({"id": eid, "tip": tip, "from": frm, "to": to, "arrows": "to"})
                continue
        attrs = {k: v for k, v in e.items() if k not in ("from", "to", "kind") and default.get(k) != v}
        attrs["from"], attrs["to"] = frm, to
        attrs.setdefault("arrows", "to")
        edges.append(attrs)
    options = view.options
    options["groups"] = {**groups, **options.get("groups", {})}
    options["edges"] = {**default, **options.get("edges", {})}
    return nodes, edges


def network_for(view: View, data: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None) -> Any:
    """The pyvis ``Network`` for a view, rendered by kg's template: its nodes and edges
    are :func:`page_data`'s (``data``, if made already: the Network then holds those
    very lists), what is added to it later goes through pyvis, and
    ``network.options`` is ``view.options``, the same dict.
    """
    try:
        from pyvis.network import Network
    except ImportError as exc:
        raise KGError(f"kg viz draws with pyvis, which cannot be imported ({exc}); pip install 'pyvis>=0.3.2'") from None

    nodes, edges = page_data(view) if data is None else data
    net = Network(height="100%", width="100%", directed=True, heading=view.title, cdn_resources="in_line")
    if net.font_color:  # (pyvis's add_node would add it; kg's Networks have none)
        for options in nodes:
            options["font"] = {"color": net.font_color}
    net.nodes, net.edges = nodes, edges
    net.node_map = {n["id"]: n for n in nodes}
    net.node_ids = _NodeIds(net.node_map)  # (each node once, in order)
    net.options = view.options
    return use_kg_template(net)


def render_page_bytes(view: View) -> bytes:
    """``render_page(view).encode("utf-8")``, made without the page's text: with no
    Network made, the template is rendered with a marker (a random token) where each of
    the nodes' and edges' JSON goes, and the UTF-8 of the rest is joined with that
    JSON's own (:func:`script_json_bytes`), so the ten megabytes of a large page's data
    are neither decoded, copied into the page's text nor encoded again."""
    if view.made_network is not None:
        return render_page(view).encode("utf-8")
    nodes, edges = view.page_data
    token = secrets.token_hex(16)
    marks = f"\x00{token}:nodes\x00", f"\x00{token}:edges\x00"
    page = {
        "subtitle": view.subtitle,
        "notes": list(view.notes),
        "legend": [_legend_item(item) for item in view.legend],
    }
    text = _render(view.title, nodes, edges, view.options, page, spliced=marks)
    if text.count(marks[0]) != 1 or text.count(marks[1]) != 1 or text.index(marks[0]) > text.index(marks[1]):
        return render_page(view).encode("utf-8")  # (a template that writes them otherwise)
    head, rest = text.split(marks[0])
    middle, tail = rest.split(marks[1])
    with collector.paused():
        return b"".join([
            head.encode("utf-8"), script_json_bytes(nodes), middle.encode("utf-8"), script_json_bytes(edges),
            tail.encode("utf-8"),
        ])


@lru_cache(maxsize=4)
def _environment(templates: str) -> Any:
    """A jinja Environment for kg's template in ``templates``, as
    :func:`use_kg_template` sets up a Network's (pyvis makes it with a FileSystemLoader
    of the template's directory); one per process, so the template is compiled once
    (and checked for changes on disk at each use, as jinja does)."""
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(templates + os.sep))
    _configure(env)
    return env


def _template() -> Any:
    """kg's template, from :data:`TEMPLATES`."""
    from jinja2 import TemplateNotFound

    try:
        return _environment(str(TEMPLATES)).get_template(TEMPLATE)
    except (TemplateNotFound, OSError):
        raise KGError(f"cannot read {str(TEMPLATES / TEMPLATE)!r} (is kg installed completely?)") from None


def render_page(view: View) -> str:
    """The page: rendered by pyvis from ``view.network`` with kg's template if the view's
    Network was made (so what was added to it is drawn), else the same template
    rendered here with what pyvis would give it (:func:`render_data`), byte for byte the
    same page without importing pyvis."""
    page = {
        "subtitle": view.subtitle,
        "notes": list(view.notes),
        "legend": [_legend_item(item) for item in view.legend],
    }
    net = view.made_network
    if net is None:
        nodes, edges = view.page_data
        with collector.paused():  # (the page's data is one large tree of containers)
            return _render(view.title, nodes, edges, view.options, page)
    env = getattr(net, "templateEnv", None)
    if getattr(net, "path", None) != TEMPLATE or env is None or env.globals.get("kg") is not _assets():
        use_kg_template(net)  # someone pointed it elsewhere: kg pages use kg's template
    net.heading = view.title
    net.templateEnv.globals["page"] = page
    with collector.paused():
        out: str = net.generate_html()
    return out


def render_data(
    heading: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: dict[str, Any], page: dict[str, Any],
    spliced: tuple[str, str] | None = None,
) -> str:
    """kg's template rendered with the variables pyvis 0.3.2's ``generate_html`` passes
    a kg Network (``options`` as pyvis writes them, ``json.dumps``), and ``page``;
    ``spliced``: markers written in place of the nodes' and edges' JSON (see
    :func:`render_page_bytes`)."""
    out: str = _template().render(
        height="100%", width="100%",
        nodes=nodes if spliced is None else Spliced(nodes, spliced[0]),
        edges=edges if spliced is None else Spliced(edges, spliced[1]),
        heading=heading, options=json.dumps(options),
        physics_enabled=bool(options.get("physics", {}).get("enabled", True)), use_DOT=False, dot_lang="", widget=False,
        bgcolor="#ffffff", conf=False, tooltip_link=any("href" in str(n.get("title") or "") for n in nodes),
        neighborhood_highlight=False, select_menu=False, filter_menu=False, notebook=False, cdn_resources="in_line",
        page=page,
    )
    return out


TEMPLATE_SHA256 = "dcd6df2804df56eb67bac2b692c03a844e843bb122da92c53230d6744b183487"
"""The SHA-256 of the kg.html that :func:`write_page` writes as jinja renders it: with
that template in :data:`TEMPLATES`, pages are written without jinja (whose import and
compiling of the template cost more than writing a course's page); with any other
text there (an edited template), jinja renders it."""


def _template_text() -> str:
    path = TEMPLATES / TEMPLATE
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise KGError(f"cannot read {str(path)!r} (is kg installed completely?)") from None


def _render(
    heading: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: dict[str, Any], page: dict[str, Any],
    spliced: tuple[str, str] | None = None,
) -> str:
    """:func:`render_data`, by :func:`write_page` when :data:`TEMPLATES` holds the
    template it mirrors (:data:`TEMPLATE_SHA256`), else by jinja."""
    if hashlib.sha256(_template_text().encode("utf-8")).hexdigest() != TEMPLATE_SHA256:
        return render_data(heading, nodes, edges, options, page, spliced)
    return write_page(heading, nodes, edges, options, page, spliced)


def _text(value: Any) -> str:
    """A ``{{ value }}`` of the template (:func:`_escape`): html.escape'd text unless it
    is already markup."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value), quote=True)


_SHAPES = {
    "square": '<rect x="3" y="3" width="12" height="12" {}/>',
    "triangle": '<polygon points="9,2 16,15 2,15" {}/>',
    "diamond": '<polygon points="9,1 17,9 9,17 1,9" {}/>',
    "hexagon": '<polygon points="5,2 13,2 17,9 13,16 5,16 1,9" {}/>',
}
_CIRCLE = '<circle cx="9" cy="9" r="6.5" {}/>'


def _swatch(item: Mapping[str, Any]) -> str:
    """The template's ``swatch`` macro."""
    colour = _text(item["color"])
    if item["edge"]:
        dashes = ' stroke-dasharray="4 3"' if item["dashes"] else ""
        return (
            '<svg width="30" height="12" viewBox="0 0 30 12" aria-hidden="true"><line x1="1" y1="6" x2="22" y2="6" '
            f'stroke="{colour}" stroke-width="2"{dashes}/><path d="M21,2 L29,6 L21,10 z" fill="{colour}"/></svg>'
        )
    common = f'fill="{colour}" stroke="{_text(item["stroke"])}" stroke-width="{_text(item["stroke_width"])}"'
    shape = _SHAPES.get(item["shape"], _CIRCLE)
    return '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">' + shape.format(common) + "</svg>"


def write_page(
    heading: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: dict[str, Any], page: dict[str, Any],
    spliced: tuple[str, str] | None = None,
) -> str:
    """:func:`render_data` without jinja: the text kg/viz/templates/kg.html renders to
    (the template whose digest is :data:`TEMPLATE_SHA256`), written here directly. A
    test renders both for every kind of view, legend entry and hostile text."""
    kg = _asset_texts()
    heading_text = _text(heading)
    n_nodes, n_edges = _text(len(nodes)), _text(len(edges))
    nodes_json = spliced[0] if spliced is not None else script_json(nodes)
    edges_json = spliced[1] if spliced is not None else script_json(edges)
    legend = "".join(f"<li>{_swatch(item)}{_text(item['label'])}</li>" for item in page["legend"])
    notes = "".join(f'<p class="note">{_text(note)}</p>' for note in page["notes"])
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f'<meta http-equiv="Content-Security-Policy" content="{_text(kg["csp"])}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta name="generator" content="{_text(kg["generator"])} {_text(kg["version"])}">\n',
        f'<meta name="kg-nodes" content="{n_nodes}">\n<meta name="kg-edges" content="{n_edges}">\n',
        f"<title>{heading_text}</title>\n<style>", kg["css"], "</style>\n</head>\n<body>\n<header>\n",
        f"<h1>{heading_text}</h1>\n",
        f'<p class="sub">{_text(page["subtitle"])} <span class="hint">· scroll to zoom, drag to pan, hover or click a node for details</span></p>\n',
        notes, '<div class="bar">\n', f'<ul class="legend" id="kg-legend">{legend}</ul>\n',
        '<label class="find">Find <input id="kg-find" list="kg-names" autocomplete="off" placeholder="a topic or lecture"></label>\n',
        '<datalist id="kg-names"></datalist>\n</div>\n</header>\n<main>\n',
        f'<div id="graph" role="img" aria-label="{heading_text}: {n_nodes} nodes, {n_edges} edges"></div>\n',
        '<aside id="kg-info" hidden><button id="kg-info-close" class="close" type="button" aria-label="close">×</button>'
        '<div id="kg-info-body"></div></aside>\n',
        "<noscript><p>This page draws the graph with JavaScript; please enable it.</p></noscript>\n</main>\n",
        '<script type="application/json" id="kg-data">{"nodes":', nodes_json, ',"edges":', edges_json,
        ',"options":', script_json(json.loads(json.dumps(options))), "}</script>\n",
        "<script>", kg["vis_js"], "</script>\n<script>", kg["app_js"], "</script>\n</body>\n</html>",
    ])
