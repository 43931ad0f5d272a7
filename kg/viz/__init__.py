"""Interactive views of the graph for the browser and for Jupyter, drawn with pyvis.

A *view* is what ``kg viz`` draws: the whole topic graph (optionally with courses,
lectures, chapters and readings as further layers), a topic's neighbourhood, a learning
path, or one or more courses. :func:`graph_view`, :func:`focus_view`, :func:`path_view`
and :func:`course_view` build a :class:`View` from the store: kg's nodes and edges, with
positions, tooltips and a legend, and the pyvis ``Network`` made from them
(``View.network``, made when first asked for). :meth:`View.html` is that Network
rendered by pyvis (``Network.generate_html``) with kg's template,
``kg/viz/templates/kg.html``: one self-contained page drawn by vis-network. Until the
Network is asked for, kg writes what the same template renders with the same data
itself, the same page byte for byte without importing pyvis or jinja. A View in a
notebook cell renders inline.

Three properties hold for every page, whatever the data:

* **Offline.** vis-network (the copy pyvis ships) is inlined from ``kg/viz/static`` and
  nothing else is referenced; a Content-Security-Policy (``default-src 'none'``,
  scripts by hash) makes the browser refuse any fetch even if something tried. pyvis's
  own template is not used: it links Bootstrap and tom-select from CDNs even with
  ``cdn_resources="in_line"``.
* **Safe.** Text from the data never becomes markup. It reaches the page only as escaped
  HTML text or as JSON inside a ``<script type="application/json">`` block (with ``<``,
  ``>`` and ``&`` escaped), and tooltips are DOM elements built with ``textContent``
  (pyvis's template writes its heading and select-menu ids raw and switches every
  tooltip to ``innerHTML`` when one title contains "href"; kg's has no such path).
* **Settled.** Positions are computed here — a layered (Sugiyama-style) layout, since the
  prerequisite graph is a DAG — and physics is off, so the page is drawn once and never
  spins, the picture is the same in every browser, and 2,000+ nodes cost no more than
  drawing them.

pyvis is imported only when a view's Network is asked for (``View.network``), and
networkx only by the views that use it (not the whole graph's page): neither with this
module.

>>> from kg import KnowledgeGraph
>>> view = focus_view(KnowledgeGraph.open(), "backprop", depth=1)
>>> view  # in a notebook cell, the graph itself
<View 'kg: around Backpropagation': ... nodes, ... edges>
>>> view.write("backprop.html")  # doctest: +SKIP
PosixPath('backprop.html')

The package, by job: :mod:`kg.viz.views` (the views), :mod:`kg.viz.build` (nodes,
edges and tooltips from the store), :mod:`kg.viz.whole` (the whole graph's
prerequisite graph and tooltip data in a few queries), :mod:`kg.viz.layout` (positions),
:mod:`kg.viz.style` (colours and shapes), :mod:`kg.viz.view` (the View) and
:mod:`kg.viz.page` (the page's data, and rendering it with kg's template, by pyvis or
without it).
"""

from __future__ import annotations

from kg.viz.build import LARGE, LAYERS, parse_layers
from kg.viz.layout import layered_positions, layers_of, order_layers, plan_positions
from kg.viz.page import TEMPLATE, TEMPLATES, use_kg_template
from kg.viz.view import View, is_kg_page
from kg.viz.views import course_view, focus_view, graph_view, make_view, path_view

__all__ = [
    "LAYERS",
    "LARGE",
    "View",
    "graph_view",
    "focus_view",
    "path_view",
    "course_view",
    "make_view",
    "parse_layers",
    "is_kg_page",
    "layers_of",
    "order_layers",
    "layered_positions",
    "plan_positions",
    "use_kg_template",
    "TEMPLATES",
    "TEMPLATE",
]
