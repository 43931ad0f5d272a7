"""`kg validate`: every check kg knows, reported as one line per violation.

1. The sources load (YAML, fields, ids, dates, references; see :mod:`kg.build.sources`).
2. The built graph (including any ``*.ttl`` merged in) conforms to the SHACL shapes in
   ``ontology/shapes.ttl``, checked with pyshacl under RDFS inference of the ontology.
3. The ``kg:requires`` graph of the built store is acyclic.
4. No ``kg:requires`` edge is implied by the others (the graph is transitively reduced):
   a redundant edge makes learning paths noisier without adding information.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg import vocab as V
from kg.build.store import ontology_files
from kg.errors import DataError
from kg.graph import KnowledgeGraph

__all__ = ["Report", "validate", "redundant_edges"]


@dataclass
class Report:
    """Violations (each one line) and warnings; ``ok`` when there are no violations."""

    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def redundant_edges(edges: list[tuple[str, str]]) -> list[tuple[str, str, list[str]]]:
    """Edges ``(a, b)`` of a DAG that another path from ``a`` to ``b`` already implies.

    Returns ``(a, b, path)`` triples where ``path`` is an alternative route from ``a``
    to ``b``. Assumes the graph is acyclic.

    Examples
    --------
    >>> redundant_edges([("a", "b"), ("b", "c"), ("a", "c")])
    [('a', 'c', ['a', 'b', 'c'])]
    """
    g: nx.DiGraph[str] = nx.DiGraph(edges)
    out = []
    for a, b in sorted(g.edges):
        g.remove_edge(a, b)
        if nx.has_path(g, a, b):
            out.append((a, b, nx.shortest_path(g, a, b)))
        g.add_edge(a, b)
    return out


def validate(data_dir: Path | None = None, *, shacl: bool = True) -> Report:
    report = Report()
    try:
        kg = KnowledgeGraph.open(data_dir)
    except DataError as exc:
        report.violations.append(str(exc))
        return report
    report.checks.append("sources")
    report.counts = {k: v for k, v in kg.manifest.items() if isinstance(v, int)}

    if shacl:
        report.checks.append("shacl")
        _shacl(kg, report)

    edges = list(kg.requires_edges())
    g: nx.DiGraph[str] = nx.DiGraph(edges)
    report.checks.append("acyclic")
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        names = [a for a, _ in cycle]
        report.violations.append("prerequisite cycle: " + " -> ".join([*names, names[0]]))
        return report
    report.checks.append("transitively-reduced")
    for a, b, path in redundant_edges(edges):
        report.violations.append(
            f"topic {a!r} requires {b!r} directly, but {' -> '.join(path)} already implies it; "
            "remove the direct edge"
        )
    return report


def _shacl(kg: KnowledgeGraph, report: Report) -> None:
    # pyshacl and rdflib take about a second to import; only a SHACL check needs them.
    import pyshacl
    from rdflib import Graph, URIRef

    data = Graph()
    data.parse(data=kg.serialize("nt"), format="nt")
    ont = Graph()
    shapes = Graph()
    for path in ontology_files():
        (shapes if path.stem == "shapes" else ont).parse(path, format="turtle")
    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="rdfs", advanced=True,
        allow_warnings=True,
    )
    if conforms:
        return
    lines: set[tuple[str, str]] = set()
    # The report is a small graph: walk its sh:ValidationResult nodes directly.
    for r in results.subjects(URIRef(V.RDF.type), URIRef(V.SH.ValidationResult)):
        focus = results.value(r, URIRef(V.SH.focusNode))
        sev = results.value(r, URIRef(V.SH.resultSeverity))
        path = results.value(r, URIRef(V.SH.resultPath))
        msg = results.value(r, URIRef(V.SH.resultMessage))
        value = results.value(r, URIRef(V.SH.value))
        if focus is None or sev is None:
            continue
        where = V.local_id(str(focus)) if isinstance(focus, URIRef) else str(focus)
        text = f"{where}: {msg or 'violates a shape'}"
        if path is not None:
            text += f" [{_short(str(path))}]"
        if value is not None:
            text += f" (value {_short(str(value))!r})"
        level = "warning" if str(sev) in (V.SH.Warning, V.SH.Info) else "violation"
        lines.add((level, text))
    for level, text in sorted(lines):
        (report.warnings if level == "warning" else report.violations).append(f"shacl: {text}")


def _short(iri: str) -> str:
    short = V.curie(iri)
    return iri if short.startswith("<") else short
