"""kg: a knowledge graph of university courses, topics and their prerequisites.

The library behind the ``kg`` command: build the RDF graph from curated sources
(:mod:`kg.build.sources`, :mod:`kg.build.rdf`, :mod:`kg.build.store`), look things up and query it
(:class:`kg.graph.KnowledgeGraph`).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "KnowledgeGraph"]


def __getattr__(name: str) -> object:
    # Keep `import kg` cheap: the graph module pulls in pyoxigraph.
    if name == "KnowledgeGraph":
        from kg.graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(name)
