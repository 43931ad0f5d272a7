"""The ``kg:requires`` graph must stay acyclic, whatever file an edge comes from.

The YAML loader already refuses a cycle among the topics files, with file:line. A
``*.ttl`` file in the data directory can add ``kg:requires`` edges too, so the build
checks the merged graph once more, on the store it has just filled and before that store
is cached: a cycle is then the one-line :class:`~kg.errors.CycleError` naming it (and the
Turtle file that closes it), for every command, instead of a crash in whichever
algorithm meets it first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg import vocab as V
from kg.algorithms.dag import find_cycle
from kg.errors import CycleError
from kg.queries import render_internal

__all__ = ["find_cycle", "check_acyclic"]


def _name(iri: str) -> str:
    return V.local_id(iri) if iri.startswith(V.ID + "topic/") else iri


def check_acyclic(store: ox.Store, turtle: Sequence[Path] = ()) -> list[tuple[str, str]]:
    """Raise :class:`CycleError` if the ``kg:requires`` edges in ``store`` form a cycle.

    ``turtle`` lists the data directory's Turtle files: the error names the first one
    that holds an edge of the cycle (the YAML files cannot close one: the loader refuses
    that with file:line before this runs). Returns the edges checked (``(a, b)``: ``a``
    requires ``b``), for the build's derived facts.
    """
    solutions = store.query(render_internal("requires-edges"), prefixes=V.PREFIXES)
    edges = [(s["a"].value, s["b"].value) for s in solutions]  # type: ignore[union-attr]
    cycle = find_cycle(edges)
    if cycle is None:
        return edges
    ring = set(zip(cycle, [*cycle[1:], cycle[0]]))
    requires = V.KG.requires
    where: Path | None = None
    for path in turtle:
        try:
            quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
            if any(q.predicate.value == requires and (q.subject.value, q.object.value) in ring for q in quads):
                where = path
                break
        except (OSError, SyntaxError, ValueError):
            continue
    raise CycleError([_name(n) for n in cycle], where)
