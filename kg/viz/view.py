"""The View: one drawable page's nodes, edges, legend and notes, and its pyvis Network."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.files import write_atomic
from kg.viz.page import GENERATOR, network_for, render_page, render_page_bytes, require_pyvis
from kg.viz.page import page_data as make_page_data

if TYPE_CHECKING:  # pyvis is imported only when a view's Network is asked for
    from pyvis.network import Network

__all__ = ["View", "is_kg_page"]


@dataclass
class View:
    """One drawable view: kg's nodes, edges, legend and notes, and the pyvis ``Network``
    (:attr:`network`) that renders them as a page.

    Nodes and edges are plain dicts in vis-network's format plus ``tip`` (the tooltip as
    data: ``{"title", "kind", "text", "sections": [[heading, [line, ...]], ...]}``) and
    ``kind``. Every string in them is data, never markup. ``options`` are
    vis-network's, and the same dict as ``network.options``; change them before
    rendering to restyle a page.

    The page's data (the nodes and edges pyvis's ``add_node`` and ``add_edge`` would
    make, :func:`kg.viz.page.page_data`) is made from the nodes, edges and options when
    the view is made. ``network`` is the pyvis Network holding that data, made (and
    pyvis imported) when first asked for, or given (pass one to use it instead). Once
    there is a Network, the page is rendered from it, by pyvis's
    ``Network.generate_html`` with kg's template (:data:`TEMPLATE`), so what is added to
    it (``network.add_node``, ``network.add_edge``) is drawn too, and
    ``network.write_html(...)`` writes the same page as :meth:`write` (not atomically);
    until then kg renders the same template with the same data itself, the same page
    byte for byte without importing pyvis (about 60 ms).
    """

    title: str
    slug: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, Any]] = field(default_factory=list)
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    network: Network = field(default=None, repr=False, compare=False)
    page_data: tuple[list[dict[str, Any]], list[dict[str, Any]]] = field(init=False, repr=False, compare=False)
    """The page's nodes and edges (:func:`kg.viz.page.page_data`), made with the view."""

    def __post_init__(self) -> None:
        require_pyvis()
        net = self.made_network
        self.page_data = make_page_data(self) if net is None else (net.nodes, net.edges)

    @property
    def made_network(self) -> Network | None:
        """The view's Network if it was made or given, else ``None`` (making none)."""
        net: Network | None = self.__dict__.get("_network")
        return net

    def _get_network(self) -> Network:
        net = self.made_network
        if net is None:
            net = self.__dict__["_network"] = network_for(self, self.page_data)
        return net

    def _set_network(self, net: Network | None) -> None:
        if net is None:
            self.__dict__.pop("_network", None)
        else:
            self.__dict__["_network"] = net

    @property
    def counts(self) -> dict[str, int]:
        """Nodes and edges the page draws (also written into the page's meta tags)."""
        net = self.made_network
        nodes, edges = self.page_data if net is None else (net.nodes, net.edges)
        return {"nodes": len(nodes), "edges": len(edges)}

    @property
    def default_filename(self) -> str:
        return f"kg-{self.slug}.html"

    def html(self) -> str:
        """The view as one standalone HTML page that loads nothing from the network."""
        return render_page(self)

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` atomically (a temp file beside it, then rename)."""
        path = Path(path)
        write_atomic(path, render_page_bytes(self))  # (the bytes of self.html())
        return path

    def _repr_html_(self) -> str:
        # An iframe keeps the page's script, CSS and ids apart from the notebook's, and
        # the sandbox (scripts, no same-origin) keeps the page away from the notebook.
        doc = html.escape(self.html(), quote=True)
        label = html.escape(self.title, quote=True)
        return (
            f'<iframe srcdoc="{doc}" sandbox="allow-scripts" title="{label}" '
            'style="width:100%;height:640px;border:1px solid #ddd"></iframe>'
        )

    def __repr__(self) -> str:
        n = self.counts
        return f"<View {self.title!r}: {n['nodes']} nodes, {n['edges']} edges>"


# ``network`` as a property after the dataclass is made: its __init__ (default None)
# then goes through the setter, and the Network is made when first read.
View.network = property(View._get_network, View._set_network, doc="The view's pyvis Network (made when first asked for).")


def is_kg_page(path: str | Path) -> bool:
    """Whether ``path`` is a page kg viz wrote (so rewriting it loses nothing)."""
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
    except OSError:
        return False
    return f'<meta name="generator" content="{GENERATOR} '.encode() in head

