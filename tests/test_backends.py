"""One backend interface: the built local store and a real SPARQL endpoint (an
`oxigraph serve` process holding the pushed graph) answer kg's questions alike."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.backends import Endpoint, LocalStore
from kg.errors import UsageError
from kg.graph import KnowledgeGraph

from .test_remote import oxigraph  # noqa: F401 - the fixture

TOPIC = "backpropagation"
COURSE = "mit-6.7960-fa25"


@pytest.fixture(scope="module")
def both(oxigraph: str) -> tuple[KnowledgeGraph, KnowledgeGraph]:  # noqa: F811
    return KnowledgeGraph.open(), KnowledgeGraph.remote(oxigraph + "/query")


def test_kinds() -> None:
    assert isinstance(KnowledgeGraph.open().backend, LocalStore)
    remote = KnowledgeGraph.remote("http://127.0.0.1:9/query")
    assert isinstance(remote.backend, Endpoint)
    with pytest.raises(UsageError, match="needs the local graph, not the endpoint http://127.0.0.1:9/query"):
        remote.store  # noqa: B018
    assert remote.manifest == {} and remote.cache_path is None and not remote.rebuilt


def test_same_records(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    local, remote = both
    assert len(local) == len(remote)
    assert local.topic(TOPIC) == remote.topic(TOPIC)
    assert local.course(COURSE) == remote.course(COURSE)
    assert local.lecture(COURSE, 3) == remote.lecture(COURSE, 3)
    assert local.topics() == remote.topics()
    assert local.courses() == remote.courses()
    assert sorted(local.requires_edges()) == sorted(remote.requires_edges())


def test_same_query_results(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    local, remote = both
    text = "SELECT ?t WHERE { ?t a kg:Topic } ORDER BY ?t LIMIT 5"
    a, b = local.execute(text, "json"), remote.execute(text, "json")
    assert a.media_type == b.media_type == "application/sparql-results+json"
    assert json.loads(a.body)["results"] == json.loads(b.body)["results"]
    assert local.run_ask("topic-exists", topic=ox.NamedNode(local.topic(TOPIC)["iri"]))
    assert remote.run_ask("topic-exists", topic=ox.NamedNode(local.topic(TOPIC)["iri"]))


def test_same_dump(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    local, remote = both
    count = [len(list(ox.parse(g.serialize("nt"), format=ox.RdfFormat.N_TRIPLES))) for g in both]
    assert count[0] == count[1] == len(local)
