"""The shipped SPARQL query library (kg/queries/*.rq).

Every query runs on the shipped graph and on a tiny data directory. Answers are checked
two ways: concrete facts read by hand from data/, and an independent computation in
Python straight from the YAML records (kg.build.sources.load_sources) or networkx, so a query
that is subtly wrong (a missing kg:Lecture filter, a join that multiplies counts) fails.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.graph import KnowledgeGraph
from kg import vocab as V
from kg.errors import NotFound
from kg.queries import Query, get, library, names, param_kind, parse
from kg.build.sources import Sources, load_sources

from .conftest import shipped_courses

# The columns each query must return, in order.
COLUMNS = {
    "prerequisite-evidence": ["topic", "prerequisite", "before", "together", "after", "prerequisite_only", "topic_only", "per_course"],
    "chapters-for-topic": ["chapter", "book", "number", "title", "direct", "via", "assigned_by"],
    "compare-courses": ["side", "topic", "label", "lectures"],
    "course-coverage": ["course", "name", "term", "lectures", "topics", "readings", "chapters", "speakers"],
    "course-timeline": ["position", "date", "lecture", "title", "speakers", "topics", "readings"],
    "early-lectures": ["course", "position", "lecture", "title", "topic", "prerequisite", "status", "taught_at"],
    "hub-topics": ["topic", "label", "dependents", "direct"],
    "longest-chain": ["start", "end", "length", "chain", "complete"],
    "mit-2022-vs-2025": ["change", "topic", "label", "lectures", "lecture_titles"],
    "popular-readings": ["item", "title", "kind", "lectures", "courses", "required"],
    "prerequisite-closure": ["prerequisite", "label", "direct", "depends_on"],
    "prerequisite-reasons": ["prerequisite", "label", "reason", "file", "source"],
    "reading-assignments": ["course", "position", "lecture", "item", "title", "kind", "optional", "sections"],
    "shared-topics": ["topic", "label", "courses", "lectures", "per_course"],
    "speakers": ["speaker", "name", "course", "lectures", "guest_lectures", "topics", "topic_ids"],
    "unique-topics": ["topic", "label", "course", "lectures"],
    "untaught-topics": ["topic", "label", "chapters", "readings", "dependents", "assumed_by"],
    "where-taught": ["kind", "item", "title", "part_of", "number"],
}

FA22, FA25 = "mit-6.s898-fa22", "mit-6.7960-fa25"


def lid(iri: str) -> str:
    return V.local_id(iri)


@pytest.fixture(scope="module")
def g() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def src(g: KnowledgeGraph) -> Sources:
    return load_sources(g.data_dir)


def run(g: KnowledgeGraph, name: str, **values: str) -> list[dict[str, Any]]:
    return g.select(get(name).render(**values))


def lecture_topics(src: Sources) -> dict[str, dict[str, set[int]]]:
    """course → topic → positions of the lectures covering it, from the YAML."""
    out: dict[str, dict[str, set[int]]] = {}
    for cid, c in src.courses.items():
        per: dict[str, set[int]] = defaultdict(set)
        for lec in c.lectures:
            for t in lec.covers:
                per[t].add(lec.position)
        out[cid] = dict(per)
    return out


def requires_graph(g: KnowledgeGraph) -> "nx.DiGraph[str]":
    """prerequisite → topic, so networkx ancestors are prerequisites."""
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_nodes_from(g.topic_ids())
    G.add_edges_from((b, a) for a, b in g.requires_edges())
    return G


# --------------------------------------------------------------------------- the library


class TestLibrary:
    def test_at_least_twelve_queries(self) -> None:
        lib = library()
        assert len(lib) >= 12
        assert list(lib) == sorted(lib) == names()
        required = {
            "shared-topics", "unique-topics", "prerequisite-closure", "early-lectures",
            "popular-readings", "chapters-for-topic", "hub-topics", "speakers",
            "mit-2022-vs-2025", "course-coverage", "longest-chain", "untaught-topics",
        }
        assert required <= set(lib)

    def test_every_query_is_documented(self) -> None:
        for name, q in library().items():
            assert isinstance(q, Query) and q.name == name
            assert q.title and q.title[0].isupper() and "\n" not in q.title, name
            assert len(q.description) > 40 and "\n" not in q.description, name
            assert not q.text.lstrip().startswith("#"), name  # the header is not in the text
            assert "PREFIX" not in q.text.upper().split("SELECT")[0], name

    def test_columns_listed_for_every_query(self) -> None:
        assert set(COLUMNS) == set(library())

    def test_names_are_slugs(self) -> None:
        import re

        assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", n) for n in library())

    def test_files_are_package_resources(self) -> None:
        from importlib.resources import files

        rq = sorted(p.name for p in files("kg.queries").joinpath("shipped").iterdir() if p.name.endswith(".rq"))
        assert rq == [f"{n}.rq" for n in library()]

    def test_get_unknown_raises_not_found(self) -> None:
        with pytest.raises(NotFound) as exc:
            get("nope")
        assert exc.value.kind == "query" and exc.value.name == "nope"
        assert isinstance(exc.value.suggestions, list)
        assert "nope" in str(exc.value)

    def test_get_near_miss_suggests(self) -> None:
        with pytest.raises(NotFound) as exc:
            get("shared-topic")
        assert exc.value.suggestions[0] == "shared-topics"
        assert "did you mean 'shared-topics'" in str(exc.value)
        with pytest.raises(NotFound) as exc:
            get("longest")
        assert "longest-chain" in exc.value.suggestions


class TestParams:
    def test_defaults(self) -> None:
        assert get("prerequisite-closure").params == {"topic": "transformers"}
        assert get("chapters-for-topic").params == {"topic": "transformers"}
        assert get("course-timeline").params == {"course": FA25}
        assert get("shared-topics").params == {}

    def test_render_substitutes_iri(self) -> None:
        q = get("prerequisite-closure")
        text = q.render()
        assert "$topic" not in text
        assert f"<{V.topic_iri('transformers')}>" in text
        other = q.render(topic="backpropagation")
        assert f"<{V.topic_iri('backpropagation')}>" in other
        assert V.topic_iri("transformers") not in other

    def test_course_params_allow_dots(self) -> None:
        text = get("compare-courses").render(course="bu-deep-learning", other_course=FA22)
        assert f"<{V.course_iri('bu-deep-learning')}>" in text and f"<{V.course_iri(FA22)}>" in text
        assert "$" not in text

    def test_queries_without_params_render_unchanged(self) -> None:
        q = get("shared-topics")
        assert q.render() == q.text

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "Transformers",
            "-transformers",
            "trans formers",
            "a.b",  # topic ids have no dots
            "x> } ; DROP ALL ; #",
            "x>",
            "../etc/passwd",
            "transformers\n",
            "tränsformers",
        ],
    )
    def test_bad_topic_value(self, value: str) -> None:
        with pytest.raises(ValueError):
            get("prerequisite-closure").render(topic=value)

    @pytest.mark.parametrize("value", ["MIT", "mit 6", "x>", ".mit", "mit/lecture/1"])
    def test_bad_course_value(self, value: str) -> None:
        with pytest.raises(ValueError):
            get("course-timeline").render(course=value)

    def test_non_string_value(self) -> None:
        with pytest.raises(ValueError):
            get("prerequisite-closure").render(topic=3)  # type: ignore[arg-type]

    def test_unknown_param(self) -> None:
        with pytest.raises(ValueError, match="no parameter 'course'"):
            get("prerequisite-closure").render(course=FA25)
        with pytest.raises(ValueError, match="no parameter"):
            get("shared-topics").render(topic="transformers")

    def test_param_kind(self) -> None:
        assert param_kind("topic") == "topic"
        assert param_kind("other_course") == "course"
        with pytest.raises(ValueError):
            param_kind("thing")

    def test_parse_rejects_bad_files(self) -> None:
        ok = "# title: T\n# description: D\n# param: topic = a\nSELECT * WHERE { VALUES ?t { $topic } }\n"
        q = parse("ok", ok)
        assert (q.title, q.description, q.params) == ("T", "D", {"topic": "a"})
        with pytest.raises(ValueError, match="title"):
            parse("x", "# description: D\nSELECT * WHERE {}\n")
        with pytest.raises(ValueError, match="placeholders"):
            parse("x", "# title: T\n# description: D\nSELECT * WHERE { VALUES ?t { $topic } }\n")
        with pytest.raises(ValueError, match="placeholders"):
            parse("x", "# title: T\n# description: D\n# param: topic = a\nSELECT * WHERE {}\n")
        with pytest.raises(ValueError):
            parse("x", "# title: T\n# description: D\n# param: topic = A B\nSELECT * {}\n")
        with pytest.raises(ValueError):
            parse("x", "# title: T\n# description: D\n# param: thing = a\nSELECT * { $thing }\n")
        with pytest.raises(ValueError):
            parse("Bad_Name", ok)

    def test_parse_continuation_and_notes(self) -> None:
        q = parse(
            "x",
            "# title: T\n# description: first\n#   second\n#\n# a free note\nSELECT * WHERE {}\n",
        )
        assert q.description == "first second"
        assert q.text == "SELECT * WHERE {}\n"


# --------------------------------------------------------------------------- every query runs


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_runs_with_expected_columns(g: KnowledgeGraph, dl_graph: KnowledgeGraph, name: str) -> None:
    q = get(name)
    # No topic is taught by every course once the courses span several fields: the
    # topics all courses share are asked of the four deep learning courses.
    res = (dl_graph if name == "shared-topics" else g).query(q.render())
    assert [v.value for v in res.variables] == COLUMNS[name]
    assert list(res), f"{name} returned no rows on the shipped graph"


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_valid_with_prefix_lines(g: KnowledgeGraph, name: str) -> None:
    """The query runs as is in a client that needs the PREFIX lines (raw pyoxigraph)."""
    q = get(name)
    assert q.sparql.startswith("PREFIX kg: <https://w3id.org/coursekg/ontology#>")
    res = g.store.query(q.sparql)
    assert isinstance(res, ox.QuerySolutions)
    assert len(list(res)) == len(g.select(q.render()))


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_standard_sparql(name: str) -> None:
    """Another engine's parser (rdflib) accepts every query: no oxigraph-only syntax."""
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(get(name).sparql)


# --------------------------------------------------------------------------- answers


class TestSharedTopics:
    def test_facts(self, dl_graph: KnowledgeGraph) -> None:
        g = dl_graph
        rows = {lid(r["topic"]): r for r in run(g, "shared-topics")}
        for t in ("transformers", "convolutional-neural-networks", "recurrent-neural-networks", "deep-learning"):
            assert t in rows
        assert "dropout" not in rows  # only Berkeley
        tr = rows["transformers"]
        assert tr["label"] == "Transformers"
        assert tr["courses"] == 4 and tr["lectures"] == 7  # Berkeley 17-19, BU 15-16, MIT 6, MIT 9
        per = dict(p.split(": ") for p in tr["per_course"].split("; "))
        assert per == {"berkeley-cs182-fa25": "3", "bu-deep-learning": "2", FA25: "1", FA22: "1"}

    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources) -> None:
        lt = lecture_topics(src)
        expected = set.intersection(*(set(per) for per in lt.values()))
        rows = run(g, "shared-topics")
        assert {lid(r["topic"]) for r in rows} == expected
        for r in rows:
            t = lid(r["topic"])
            assert r["courses"] == len(src.courses)
            assert r["lectures"] == sum(len(lt[c][t]) for c in lt)


class TestUniqueTopics:
    def test_facts(self, dl_graph: KnowledgeGraph) -> None:
        # facts about the four deep learning courses, asked of a graph of just those
        rows = {lid(r["topic"]): r for r in run(dl_graph, "unique-topics")}
        assert lid(rows["dropout"]["course"]) == "berkeley-cs182-fa25"
        assert lid(rows["geometric-deep-learning"]["course"]) == FA22
        assert lid(rows["chain-of-thought"]["course"]) == FA25
        assert "transformers" not in rows

    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources) -> None:
        lt = lecture_topics(src)
        courses_of: dict[str, set[str]] = defaultdict(set)
        for c, per in lt.items():
            for t in per:
                courses_of[t].add(c)
        expected = {(t, next(iter(cs)), len(lt[next(iter(cs))][t])) for t, cs in courses_of.items() if len(cs) == 1}
        got = {(lid(r["topic"]), lid(r["course"]), r["lectures"]) for r in run(g, "unique-topics")}
        assert got == expected


class TestPrerequisiteClosure:
    def test_default_is_transformers_closure(self, g: KnowledgeGraph) -> None:
        G = requires_graph(g)
        rows = run(g, "prerequisite-closure")
        got = {lid(r["prerequisite"]) for r in rows}
        assert got == nx.ancestors(G, "transformers")
        assert {"tokenization", "residual-networks", "dot-product", "vectors-and-matrices"} <= got
        direct = {lid(r["prerequisite"]) for r in rows if r["direct"]}
        assert direct == {"positional-encoding", "tokenization", "layer-normalization", "residual-networks"}

    @pytest.mark.parametrize("topic", ["backpropagation", "reasoning-models", "diffusion-models", "calculus"])
    def test_equals_networkx(self, g: KnowledgeGraph, topic: str) -> None:
        G = requires_graph(g)
        rows = run(g, "prerequisite-closure", topic=topic)
        assert {lid(r["prerequisite"]) for r in rows} == nx.ancestors(G, topic)
        for r in rows:
            p = lid(r["prerequisite"])
            assert r["direct"] == G.has_edge(p, topic)
            assert r["depends_on"] == len(nx.ancestors(G, p))

    def test_rows_are_a_learning_order(self, g: KnowledgeGraph) -> None:
        G = requires_graph(g)
        order = [lid(r["prerequisite"]) for r in run(g, "prerequisite-closure", topic="reasoning-models")]
        pos = {t: i for i, t in enumerate(order)}
        assert all(pos[u] < pos[v] for u, v in G.subgraph(order).edges)

    def test_unknown_topic_gives_no_rows(self, g: KnowledgeGraph) -> None:
        assert run(g, "prerequisite-closure", topic="no-such-topic") == []


class TestEarlyLectures:
    def test_facts(self, g: KnowledgeGraph) -> None:
        rows = run(g, "early-lectures")
        got = {
            (lid(r["course"]), r["position"], lid(r["topic"]), lid(r["prerequisite"])): (r["status"], r["taught_at"])
            for r in rows
        }
        # BU lecture 15 teaches transformers; tokenization comes in lecture 16.
        assert got[("bu-deep-learning", 15, "transformers", "tokenization")] == ("taught later", 16)
        # BU lecture 16 covers both: not reported.
        assert not any(k[:3] == ("bu-deep-learning", 16, "transformers") and k[3] == "tokenization" for k in got)
        # BU lecture 07 (position 6) teaches MLPs before its lecture on fitting models.
        assert got[("bu-deep-learning", 6, "multilayer-perceptron", "neural-network-training")] == ("taught later", 7)
        # MIT 2025 teaches MLPs in lecture 1, before CNNs in lecture 4: not reported.
        assert not any(k[0] == FA25 and k[3] == "multilayer-perceptron" for k in got)
        assert {r["status"] for r in rows} == {"taught later", "not taught"}
        for r in rows:
            assert (r["taught_at"] is None) == (r["status"] == "not taught")
            assert r["taught_at"] is None or r["taught_at"] > r["position"]

    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources) -> None:
        expected = set()
        # background: the assumed topics, what they require and the parts of umbrellas
        up = nx.DiGraph([(r.topic, t.id) for t in src.topics.values() for r in t.requires])
        up.add_edges_from((t.id, t.broader) for t in src.topics.values() if t.broader)
        for cid, c in src.courses.items():
            background = set(c.assumes).union(*(nx.ancestors(up, a) for a in c.assumes if a in up))
            first: dict[str, int] = {}
            for lec in c.lectures:
                for t in lec.covers:
                    first.setdefault(t, lec.position)
            for lec in c.lectures:
                for t in lec.covers:
                    for req in src.topics[t].requires:
                        p = req.topic
                        if p in background:
                            continue
                        if p in first and first[p] <= lec.position:
                            continue
                        expected.add((cid, lec.position, t, p, first.get(p)))
        got = {
            (lid(r["course"]), r["position"], lid(r["topic"]), lid(r["prerequisite"]), r["taught_at"])
            for r in run(g, "early-lectures")
        }
        assert got == expected


    def test_background_through_a_required_umbrella(self, tmp_path: Path, cache: Path) -> None:
        # The background closure kg:assumes/(kg:requires|^skos:broader)* is evaluated as
        # two cheaper parts; this graph needs the second: an assumed topic requires an
        # umbrella (data/README.md forbids it, a Turtle file can still say it), and the
        # umbrella's parts are then background too, with what they require.
        topics = """\
topics:
  - id: base
    label: Base
    definition: A foundation.
  - id: umbrella
    label: Umbrella
    definition: A field.
    kind: area
  - id: part-one
    label: Part one
    definition: One part.
    broader: umbrella
    requires:
      - topic: base
        reason: r
  - id: part-two
    label: Part two
    definition: Another part.
    broader: umbrella
  - id: assumed
    label: Assumed
    definition: Declared background.
  - id: other
    label: Other
    definition: Not background.
  - id: top
    label: Top
    definition: What the course teaches.
    requires:
      - topic: part-one
        reason: r
      - topic: part-two
        reason: r
      - topic: other
        reason: r
"""
        course = """\
id: c1
name: Course One
assumes: [assumed]
lectures:
  - title: Top first
    covers: [top]
  - title: Then base
    covers: [base]
"""
        from .conftest import write_data

        data = write_data(tmp_path / "data", topics, course, "readings: []\n")
        (data / "extra.ttl").write_text(
            "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
            "<https://w3id.org/coursekg/id/topic/assumed> kg:requires <https://w3id.org/coursekg/id/topic/umbrella> .\n"
        )
        g = KnowledgeGraph.open(data)
        rows = run(g, "early-lectures")
        assert [(r["position"], lid(r["topic"]), lid(r["prerequisite"]), r["status"]) for r in rows] == [
            (1, "top", "other", "not taught")
        ]
        # the same as the closure written as one path
        background = {
            lid(r["p"]) for r in g.select(
                "SELECT ?p WHERE { kgcourse:c1 kg:assumes/(kg:requires|^skos:broader)* ?p }"
            )
        }
        assert background == {"assumed", "umbrella", "part-one", "part-two", "base"}


class TestPopularReadings:
    def test_facts(self, g: KnowledgeGraph) -> None:
        rows = {lid(r["item"]): r for r in run(g, "popular-readings")}
        udl7 = rows["udl/chapter/7"]
        assert udl7["kind"] == "chapter" and udl7["lectures"] == 2 and udl7["required"] == 2
        assert udl7["title"] == "Understanding Deep Learning, ch. 7: Gradients and initialization"
        assert rows["stylegan"]["kind"] == "paper"

    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources) -> None:
        lectures: dict[str, set[tuple[str, int]]] = defaultdict(set)
        required: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for cid, c in src.courses.items():
            for lec in c.lectures:
                for ref in lec.readings:
                    key = ref.reading or f"{ref.chapter[0]}/chapter/{ref.chapter[1]}"  # type: ignore[index]
                    lectures[key].add((cid, lec.position))
                    if not ref.optional:
                        required[key].add((cid, lec.position))
        rows = run(g, "popular-readings")
        got = {lid(r["item"]): (r["lectures"], r["courses"], r["required"]) for r in rows}
        assert got == {
            k: (len(v), len({c for c, _ in v}), len(required[k])) for k, v in lectures.items()
        }
        counts = [(r["lectures"], r["courses"]) for r in rows]
        assert counts == sorted(counts, reverse=True)


class TestChaptersForTopic:
    def test_transformers(self, g: KnowledgeGraph) -> None:
        rows = run(g, "chapters-for-topic")
        direct = [r for r in rows if r["direct"]]
        assert [(lid(r["chapter"]), r["number"], r["title"]) for r in direct] == [
            ("udl/chapter/12", 12, "Transformers")
        ]
        assert direct[0]["book"] == "Understanding Deep Learning"

    def test_backpropagation(self, g: KnowledgeGraph, src: Sources) -> None:
        rows = run(g, "chapters-for-topic", topic="backpropagation")
        assert {lid(r["chapter"]) for r in rows if r["direct"]} == {"mml/chapter/5", "udl/chapter/7"}

    @pytest.mark.parametrize("topic", ["transformers", "probability", "generative-models", "optimization"])
    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources, topic: str) -> None:
        narrower = {topic}
        changed = True
        while changed:
            more = {t.id for t in src.topics.values() if t.broader in narrower} - narrower
            changed = bool(more)
            narrower |= more
        expected = {
            (f"{b.id}/chapter/{ch.number}", topic in ch.covers)
            for b in src.books.values()
            for ch in b.chapters
            if narrower & set(ch.covers)
        }
        got = {(lid(r["chapter"]), r["direct"]) for r in run(g, "chapters-for-topic", topic=topic)}
        assert got == expected


def near_dependents(G: "nx.DiGraph[str]", t: str) -> int:
    """Topics that require ``t`` directly or through one other topic."""
    return len(nx.single_source_shortest_path_length(G, t, cutoff=2)) - 1


class TestHubTopics:
    def test_matches_networkx(self, g: KnowledgeGraph) -> None:
        G = requires_graph(g)
        rows = run(g, "hub-topics")
        assert len(rows) == 20
        for r in rows:
            t = lid(r["topic"])
            assert r["dependents"] == near_dependents(G, t)
            assert r["direct"] == G.out_degree(t)
        near = {t: near_dependents(G, t) for t in G}
        assert rows[0]["dependents"] == max(near.values())
        cutoff = rows[-1]["dependents"]
        assert sum(1 for t in G if near[t] > cutoff) < 20
        keys = [(-r["dependents"], -r["direct"], r["label"]) for r in rows]
        assert keys == sorted(keys)
        assert lid(rows[0]["topic"]) == max(G, key=lambda t: (near[t], G.out_degree(t)))


class TestSpeakers:
    def test_facts(self, g: KnowledgeGraph) -> None:
        rows = {(r["name"], lid(r["course"])): r for r in run(g, "speakers")}
        assert rows[("Phillip Isola", FA22)]["lectures"] == 12
        corso = rows[("Gabriele Corso", FA22)]
        assert (corso["lectures"], corso["guest_lectures"]) == (1, 1)
        assert set(corso["topic_ids"].split(", ")) == {"molecular-docking", "diffusion-models"}
        assert rows[("Kaiming He", FA25)]["guest_lectures"] == 0

    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources) -> None:
        exp_lec: dict[tuple[str, str], int] = defaultdict(int)
        exp_guest: dict[tuple[str, str], int] = defaultdict(int)
        exp_topics: dict[tuple[str, str], set[str]] = defaultdict(set)
        for cid, c in src.courses.items():
            for lec in c.lectures:
                for s in lec.speakers:
                    exp_lec[(s, cid)] += 1
                    exp_guest[(s, cid)] += lec.guest
                    exp_topics[(s, cid)] |= set(lec.covers)
        rows = run(g, "speakers")
        assert {(r["name"], lid(r["course"])): r["lectures"] for r in rows} == exp_lec
        for r in rows:
            key = (r["name"], lid(r["course"]))
            assert r["guest_lectures"] == exp_guest[key]
            assert r["topics"] == len(exp_topics[key])
            assert set(filter(None, (r["topic_ids"] or "").split(", "))) == exp_topics[key]


class TestMit2022vs2025:
    def test_facts(self, g: KnowledgeGraph) -> None:
        rows = {lid(r["topic"]): r for r in run(g, "mit-2022-vs-2025")}
        assert rows["geometric-deep-learning"]["change"] == "dropped"
        assert rows["invariance-and-equivariance"]["change"] == "dropped"
        assert rows["chain-of-thought"]["change"] == "added"
        assert rows["chain-of-thought"]["lecture_titles"] == "Inference methods for deep learning and systems"
        # 2025 names GNNs only as related to transformers, which is not teaching them.
        assert rows["graph-neural-networks"]["change"] == "dropped"
        assert "transformers" not in rows
        assert {r["change"] for r in rows.values()} == {"added", "dropped"}

    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources) -> None:
        lt = lecture_topics(src)
        old, new = set(lt[FA22]), set(lt[FA25])
        got = {(lid(r["topic"]), r["change"], r["lectures"]) for r in run(g, "mit-2022-vs-2025")}
        assert got == {(t, "added", len(lt[FA25][t])) for t in new - old} | {
            (t, "dropped", len(lt[FA22][t])) for t in old - new
        }

    def test_compare_courses_generalizes_it(self, g: KnowledgeGraph) -> None:
        mit = {(lid(r["topic"]), r["change"]) for r in run(g, "mit-2022-vs-2025")}
        side = {"only in course": "added", "only in other": "dropped"}
        gen = {(lid(r["topic"]), side[r["side"]]) for r in run(g, "compare-courses")}
        assert gen == mit
        swapped = run(g, "compare-courses", course=FA22, other_course=FA25)
        assert {(lid(r["topic"]), r["side"]) for r in swapped} == {
            (t, "only in other" if s == "only in course" else "only in course")
            for t, s in {(lid(r["topic"]), r["side"]) for r in run(g, "compare-courses")}
        }


class TestCourseCoverage:
    def test_facts(self, g: KnowledgeGraph) -> None:
        rows = {lid(r["course"]): r for r in run(g, "course-coverage")}
        assert set(rows) == set(shipped_courses()) >= {FA25, FA22, "berkeley-cs182-fa25", "bu-deep-learning"}
        assert rows["bu-deep-learning"]["chapters"] > 0  # BU assigns UDL and MML chapters
        assert rows["berkeley-cs182-fa25"]["readings"] == 0
        assert rows[FA22]["term"] == "Fall 2022" and rows["bu-deep-learning"]["term"] is None

    def test_matches_yaml(self, g: KnowledgeGraph, src: Sources) -> None:
        rows = {lid(r["course"]): r for r in run(g, "course-coverage")}
        for cid, c in src.courses.items():
            r = rows[cid]
            refs = [ref for lec in c.lectures for ref in lec.readings]
            assert r["name"] == c.name
            assert r["lectures"] == len(c.lectures)
            assert r["topics"] == len({t for lec in c.lectures for t in lec.covers})
            assert r["readings"] == len({ref.reading for ref in refs if ref.reading})
            assert r["chapters"] == len({ref.chapter for ref in refs if ref.chapter})
            assert r["speakers"] == len({s for lec in c.lectures for s in lec.speakers})
        # The same lecture counts as kg.graph's course listing.
        assert {c["id"]: c["lectures"] for c in g.courses()} == {k: v["lectures"] for k, v in rows.items()}


class TestLongestChain:
    def test_matches_networkx(self, g: KnowledgeGraph) -> None:
        G = requires_graph(g)
        rows = run(g, "longest-chain")
        assert rows
        L = nx.dag_longest_path_length(G)
        assert L < 16, "the query's depth bound is too small for this graph"
        for r in rows:
            assert r["length"] == L
            assert r["complete"] is True
            chain = r["chain"].split(" → ")
            assert len(chain) == L + 1
            assert (chain[0], chain[-1]) == (lid(r["start"]), lid(r["end"]))
            assert all(G.has_edge(u, v) for u, v in zip(chain, chain[1:]))
        assert len(rows) == 1

    def test_facts(self, g: KnowledgeGraph) -> None:
        rows = run(g, "longest-chain")
        assert rows[0]["length"] == 13
        assert any(lid(r["end"]) == "reasoning-models" for r in rows)

    def test_first_longest_chain_listed(self, g: KnowledgeGraph) -> None:
        # One row: of all foundation-to-leaf paths of the greatest length, the one whose
        # text sorts first (listing them all can be exponential on a large graph).
        G = requires_graph(g)
        L = nx.dag_longest_path_length(G)
        # Every foundation-to-leaf path of length L, by brute force.
        expected: set[tuple[str, ...]] = set()

        def extend(path: tuple[str, ...]) -> None:
            succ = list(G.successors(path[-1]))
            if not succ:
                if len(path) - 1 == L and G.in_degree(path[0]) == 0:
                    expected.add(path)
                return
            for s in succ:
                extend(path + (s,))

        for n in G:
            if G.in_degree(n) == 0:
                extend((n,))
        assert len(expected) > 1  # the shipped graph has several: the choice is tested
        got = [r["chain"] for r in run(g, "longest-chain")]
        assert got == [min(" → ".join(p) for p in expected)]


class TestUntaughtTopics:
    def test_facts(self, dl_graph: KnowledgeGraph) -> None:
        # facts about the four deep learning courses, asked of a graph of just those
        rows = {lid(r["topic"]): r for r in run(dl_graph, "untaught-topics")}
        assert "transformers" not in rows and "backpropagation" not in rows
        assert "layer-normalization" in rows
        assert rows["probability"]["assumed_by"] == 2  # both MIT offerings assume it
        assert rows["probability"]["chapters"] >= 1  # MML covers it

    def test_independent_check(self, g: KnowledgeGraph, src: Sources) -> None:
        covered = {t for c in src.courses.values() for lec in c.lectures for t in lec.covers}
        rows = run(g, "untaught-topics")
        got = {lid(r["topic"]) for r in rows}
        assert got == set(src.topics) - covered
        assert not got & covered
        # A second query: every topic a lecture covers, straight from the graph.
        taught = {lid(r["t"]) for r in g.select("SELECT DISTINCT ?t WHERE { ?l a kg:Lecture ; kg:covers ?t }")}
        assert got == set(g.topic_ids()) - taught
        G = requires_graph(g)
        for r in rows:
            assert r["dependents"] == G.out_degree(lid(r["topic"]))


    def test_order(self, g: KnowledgeGraph) -> None:
        # sorted by one string key: the same order as DESC(?dependents) ?label
        rows = run(g, "untaught-topics")
        keys = [(-r["dependents"], r["label"]) for r in rows]
        assert len(set(r["dependents"] for r in rows)) > 1
        assert keys == sorted(keys)


class TestOtherQueries:
    def test_prerequisite_reasons(self, g: KnowledgeGraph, src: Sources) -> None:
        rows = run(g, "prerequisite-reasons")
        assert {lid(r["prerequisite"]): r["reason"] for r in rows} == {
            req.topic: req.reason for req in src.topics["transformers"].requires
        }
        assert all(r["file"] == "topics/architectures.yaml" for r in rows)

    def test_course_timeline(self, g: KnowledgeGraph, src: Sources) -> None:
        for cid, c in src.courses.items():
            rows = run(g, "course-timeline", course=cid)
            assert [r["position"] for r in rows] == list(range(1, len(c.lectures) + 1))
            for r, lec in zip(rows, c.lectures):
                assert r["title"] == lec.title
                assert set(filter(None, (r["topics"] or "").split(", "))) == set(lec.covers)
                assert r["readings"] == len({(x.reading, x.chapter) for x in lec.readings})
        first = run(g, "course-timeline")[0]
        assert (first["date"], first["speakers"]) == ("2025-09-04", "Sara Beery")

    def test_where_taught(self, g: KnowledgeGraph, src: Sources) -> None:
        rows = run(g, "where-taught", topic="backpropagation")
        got = {(r["kind"], lid(r["item"])) for r in rows}
        assert ("lecture", "bu-deep-learning/lecture/9") in got  # the page numbers it 09
        assert ("event", "berkeley-cs182-fa25/event/2") in got
        assert ("chapter", "udl/chapter/7") in got
        lectures = {lid(r["item"]) for r in rows if r["kind"] == "lecture"}
        assert lectures == {
            f"{cid}/lecture/{lec.key}"
            for cid, c in src.courses.items()
            for lec in c.lectures
            if "backpropagation" in lec.covers
        }

    def test_reading_assignments(self, g: KnowledgeGraph, src: Sources) -> None:
        rows = run(g, "reading-assignments")
        assert len(rows) == sum(len(lec.readings) for c in src.courses.values() for lec in c.lectures)
        assert {r["kind"] for r in rows} >= {"chapter", "paper"}
        gnn = [r for r in rows if lid(r["lecture"]) == f"{FA22}/lecture/6" and lid(r["item"]) == "gnns-notes"]
        assert len(gnn) == 1 and gnn[0]["sections"] == "5" and gnn[0]["optional"] is False


# --------------------------------------------------------------------------- a tiny graph


@pytest.fixture
def mini_graph(mini: Path, cache: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(mini)


class TestMiniGraph:
    @pytest.mark.parametrize("name", sorted(COLUMNS))
    def test_runs_with_defaults(self, mini_graph: KnowledgeGraph, name: str) -> None:
        res = mini_graph.query(get(name).render())
        assert [v.value for v in res.variables] == COLUMNS[name]
        list(res)

    def test_answers(self, mini_graph: KnowledgeGraph) -> None:
        g = mini_graph

        def ids(name: str, col: str, **kw: str) -> set[str]:
            return {lid(r[col]) for r in run(g, name, **kw)}

        assert ids("shared-topics", "topic") == {"calculus", "chain-rule", "backpropagation"}
        assert ids("unique-topics", "topic") == {"calculus", "chain-rule", "backpropagation"}
        assert ids("prerequisite-closure", "prerequisite", topic="backpropagation") == {"chain-rule", "calculus"}
        assert run(g, "prerequisite-closure") == []  # the default topic is not in this graph
        assert run(g, "mit-2022-vs-2025") == []
        assert run(g, "compare-courses") == []
        assert run(g, "untaught-topics") == []
        assert run(g, "early-lectures") == []
        chain = run(g, "longest-chain")
        assert [(r["length"], r["chain"]) for r in chain] == [(2, "calculus → chain-rule → backpropagation")]
        hubs = {lid(r["topic"]): r["dependents"] for r in run(g, "hub-topics")}
        assert hubs == {"calculus": 2, "chain-rule": 1}
        cov = run(g, "course-coverage")
        assert [(lid(r["course"]), r["lectures"], r["topics"], r["readings"], r["chapters"], r["speakers"]) for r in cov] == [
            ("c1", 2, 3, 1, 0, 1)
        ]
        pop = run(g, "popular-readings")
        assert [(lid(r["item"]), r["lectures"], r["required"]) for r in pop] == [("notes-1", 1, 0)]
        sp = run(g, "speakers")
        assert [(r["name"], r["lectures"], r["topic_ids"]) for r in sp] == [("Ann Lee", 1, "calculus")]
        timeline = run(g, "course-timeline", course="c1")
        assert [(r["position"], r["title"]) for r in timeline] == [(1, "Intro"), (2, "Backprop")]
        assert run(g, "chapters-for-topic", topic="backpropagation") == []
        where = {(r["kind"], lid(r["item"])) for r in run(g, "where-taught", topic="backpropagation")}
        assert where == {("lecture", "c1/lecture/2"), ("reading", "notes-1")}
