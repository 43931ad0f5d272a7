"""`kg viz` without a browser: the views kg builds, the page it writes, the CLI's errors.

What the browser does with the page (drawn, offline, nothing runs from the data) is in
test_viz_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg import viz
from kg.viz import page as vpage
from kg.cli import cli
from kg.errors import KGError, NotFound, UsageError
from kg.algorithms import paths
from kg.graph import KnowledgeGraph

from .conftest import write_data


HOSTILE_LABEL = '<img src=x onerror="window.__pwned=1">'
HOSTILE_DEF = "</script><script>window.__pwned=2</script> & more"
HOSTILE_COURSE = '</script><script>window.__pwned=4</script><img src=x onerror="window.__pwned=5">'
# pyvis's template shows every tooltip with innerHTML once any node title holds "href".
HOSTILE_HREF = '<a href="javascript:window.__pwned=8">Rates</a> of change <img src=x onerror="window.__pwned=9">'

HOSTILE_TOPICS = """\
topics:
  - id: calculus
    label: Calculus
    definition: '<a href="javascript:window.__pwned=8">Rates</a> of change <img src=x onerror="window.__pwned=9">'
  - id: chain-rule
    label: '<img src=x onerror="window.__pwned=1">'
    aliases: [evil]
    definition: '</script><script>window.__pwned=2</script> & more'
    broader: calculus
    requires:
      - topic: calculus
        reason: '<svg onload="window.__pwned=3">'
  - id: backpropagation
    label: Backpropagation
    aliases: [backprop]
    definition: Gradients of a network by the chain rule run backwards.
    broader: calculus
    requires:
      - topic: chain-rule
        reason: Backprop applies the chain rule node by node.
"""

HOSTILE_COURSE_YAML = """\
id: c1
name: '</script><script>window.__pwned=4</script><img src=x onerror="window.__pwned=5">'
code: '<i>C1</i>'
term: Fall 2025
lectures:
  - title: '<img src=x onerror="window.__pwned=6">'
    date: 2025-09-01
    covers: [backpropagation]
  - title: Chain
    covers: [chain-rule, calculus]
    readings:
      - reading: notes-1
"""

HOSTILE_READINGS = """\
readings:
  - id: notes-1
    title: '<script>window.__pwned=7</script>'
    kind: notes
    covers: [backpropagation]
"""


def write_hostile(root: Path) -> Path:
    """A data directory whose labels, definitions, titles and reasons are markup."""
    return write_data(root, HOSTILE_TOPICS, HOSTILE_COURSE_YAML, HOSTILE_READINGS)


@pytest.fixture
def g(mini: Path, cache: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(mini)


@pytest.fixture
def hostile(tmp_path: Path, cache: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(write_hostile(tmp_path / "hostile"))


def by_id(view: viz.View) -> dict[str, dict]:
    return {n["id"]: n for n in view.nodes}


def edge_pairs(view: viz.View, kind: str | None = None) -> set[tuple[str, str]]:
    return {(e["from"], e["to"]) for e in view.edges if kind is None or e["kind"] == kind}


def strings(data) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [s for item in data for s in strings(item)]
    return []


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


# --------------------------------------------------------------------------- views


class TestGraphView:
    def test_topics_and_requires_edges(self, g):
        v = viz.graph_view(g)
        assert set(by_id(v)) == {"topic:calculus", "topic:chain-rule", "topic:backpropagation"}
        assert edge_pairs(v) == {("topic:calculus", "topic:chain-rule"), ("topic:chain-rule", "topic:backpropagation")}
        assert v.counts == {"nodes": 3, "edges": 2}

    def test_every_node_has_a_position_and_edges_point_down(self, g):
        v = viz.graph_view(g)
        nodes = by_id(v)
        assert all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in v.nodes)
        for a, b in edge_pairs(v):
            assert nodes[a]["y"] < nodes[b]["y"]

    def test_size_grows_with_dependents(self, g):
        nodes = by_id(viz.graph_view(g))
        assert nodes["topic:calculus"]["size"] > nodes["topic:chain-rule"]["size"] > nodes["topic:backpropagation"]["size"]

    def test_tooltip_has_label_definition_and_where_taught(self, g):
        tip = by_id(viz.graph_view(g))["topic:backpropagation"]["tip"]
        assert tip["title"] == "Backpropagation"
        assert tip["text"] == "Gradients of a network by the chain rule run backwards."
        sections = dict((h, lines) for h, lines in tip["sections"])
        assert sections["Lectures"] == ["c1 #2 2025-09-03: Backprop"]
        assert sections["Readings"] == ["Notes on backprop (notes, optional)"]

    def test_requires_edge_tooltip_gives_the_reason(self, g):
        v = viz.graph_view(g)
        e = next(e for e in v.edges if e["from"] == "topic:calculus")
        assert e["tip"]["text"] == "It is a rule of calculus."

    def test_layers(self, g):
        v = viz.graph_view(g, ["readings", "courses", "lectures"])
        kinds = sorted(n["kind"] for n in v.nodes)
        assert kinds == ["course", "lecture", "lecture", "reading", "topic", "topic", "topic"]
        covers = edge_pairs(v, "covers")
        lec1, lec2 = "lecture:c1/lecture/1", "lecture:c1/lecture/2"
        assert covers == {
            (lec1, "topic:calculus"), (lec2, "topic:backpropagation"), (lec2, "topic:chain-rule"),
            ("reading:notes-1", "topic:backpropagation"),
        }
        assert edge_pairs(v, "contains") == {("course:c1", lec1), ("course:c1", lec2)}
        nodes = by_id(v)
        # The course on top, each lecture above the topics it covers.
        assert nodes["course:c1"]["y"] == min(n["y"] for n in v.nodes)
        assert nodes[lec1]["y"] < nodes["topic:calculus"]["y"]
        labels = {e["label"] for e in v.legend}
        assert {"Topic", "Course", "Lecture", "Reading"} <= labels

    def test_courses_layer_without_lectures_links_course_to_topics(self, g):
        v = viz.graph_view(g, ["courses"])
        assert edge_pairs(v, "covers") == {("course:c1", f"topic:{t}") for t in ("calculus", "chain-rule", "backpropagation")}

    def test_unknown_layer(self, g):
        with pytest.raises(UsageError, match=r"unknown layer 'lecture'.*did you mean 'lectures'"):
            viz.graph_view(g, ["lecture"])


class TestFocusView:
    def test_depth_one_each_way(self, g):
        v = viz.focus_view(g, "Chain Rule", depth=1)
        nodes = by_id(v)
        assert set(nodes) == {"topic:chain-rule", "topic:calculus", "topic:backpropagation"}
        assert nodes["topic:chain-rule"]["borderWidth"] == 4
        assert nodes["topic:chain-rule"]["tip"]["kind"].startswith("Focus topic")
        assert v.slug == "focus-chain-rule"

    def test_depth_limits(self, g):
        v = viz.focus_view(g, "backprop", depth=1)
        assert set(by_id(v)) == {"topic:backpropagation", "topic:chain-rule"}
        assert set(by_id(viz.focus_view(g, "backprop", depth=2))) == {"topic:backpropagation", "topic:chain-rule", "topic:calculus"}

    @pytest.mark.parametrize("depth", [0, -1])
    def test_depth_below_one(self, g, depth):
        with pytest.raises(UsageError, match="--depth must be a whole number of at least 1"):
            viz.focus_view(g, "backprop", depth=depth)

    def test_unknown_topic_suggests(self, g):
        with pytest.raises(NotFound) as exc:
            viz.focus_view(g, "backprob")
        assert "did you mean" in str(exc.value) and "backpropagation" in str(exc.value)

    def test_layers(self, g):
        v = viz.focus_view(g, "calculus", depth=1, layers=["lectures"])
        assert edge_pairs(v, "covers") == {
            ("lecture:c1/lecture/1", "topic:calculus"), ("lecture:c1/lecture/2", "topic:chain-rule"),
        }


class TestPathView:
    def test_steps_numbered_left_to_right(self, g):
        v = viz.path_view(g, None, "backprop")
        nodes = by_id(v)
        assert [nodes[f"topic:{t}"]["label"] for t in ("calculus", "chain-rule", "backpropagation")] == [
            "1. Calculus", "2. Chain rule", "3. Backpropagation",
        ]
        xs = [nodes[f"topic:{t}"]["x"] for t in ("calculus", "chain-rule", "backpropagation")]
        assert xs == sorted(xs) and len(set(xs)) == 3
        assert nodes["topic:backpropagation"]["name"] == "Backpropagation"
        assert v.slug == "path-start-backpropagation"

    def test_known_start_is_drawn_grey_at_the_left(self, g):
        v = viz.path_view(g, "calculus", "backprop")
        nodes = by_id(v)
        assert nodes["topic:calculus"]["label"] == "Calculus"
        assert nodes["topic:calculus"]["tip"]["kind"].startswith("Already known")
        assert nodes["topic:calculus"]["x"] < nodes["topic:chain-rule"]["x"]
        assert edge_pairs(v) == {("topic:calculus", "topic:chain-rule"), ("topic:chain-rule", "topic:backpropagation")}
        step2 = nodes["topic:chain-rule"]["tip"]
        assert ["Needed for", ["Backpropagation (step 2): Backprop applies the chain rule node by node."]] in step2["sections"]

    def test_nothing_to_learn(self, g):
        v = viz.path_view(g, "backprop", "calculus")
        assert [n["id"] for n in v.nodes] == ["topic:calculus"]
        assert v.notes and "nothing to learn" in v.notes[0]


class TestViewFixes:
    """Lecture numbers and dates, Find names, layers by course, numbers left to right."""

    def test_course_lectures_show_the_page_number_and_date(self, g):
        nodes = by_id(viz.course_view(g, ["c1"]))
        assert nodes["lecture:c1/lecture/1"]["label"] == "c1 L1\n2025-09-01"
        assert nodes["lecture:c1/lecture/2"]["label"] == "c1 L2\n2025-09-03"

    def test_shipped_course_uses_the_page_lecture_numbers(self):
        g = KnowledgeGraph.open()
        course = g.course("mit-6.7960-fa25")
        nodes = by_id(viz.course_view(g, ["mit-6.7960-fa25"]))
        for lec in course["lectures"]:
            label = nodes["lecture:" + lec["id"]]["label"]
            assert label.split("\n")[0].endswith(f"L{lec['number'] or lec['position']}")
            assert (lec["date"] or "") in label

    def test_topic_nodes_carry_their_id_and_aliases_for_find(self, g):
        for view in (viz.graph_view(g), viz.focus_view(g, "calculus"), viz.path_view(g, None, "backprop"), viz.course_view(g, ["c1"])):
            assert by_id(view)["topic:backpropagation"]["find"] == ["backpropagation", "backprop"], view.slug

    def test_layers_are_coloured_by_course(self, g, mini):
        (mini / "courses" / "c2.yaml").write_text(
            "id: c2\nname: Two\nlectures:\n  - title: Again\n    covers: [calculus]\n"
        )
        v = viz.graph_view(KnowledgeGraph.open(mini), ["courses", "lectures"])
        nodes = by_id(v)
        c1 = nodes["lecture:c1/lecture/1"]["color"]["background"]
        assert nodes["lecture:c1/lecture/2"]["color"]["background"] == c1 == nodes["course:c1"]["color"]["background"]
        assert nodes["lecture:c2/lecture/1"]["color"]["background"] != c1
        labels = [item["label"] for item in v.legend]
        assert any(label.startswith("c1: Course One") for label in labels) and any(label.startswith("c2: Two") for label in labels)

    def test_path_numbers_read_strictly_left_to_right(self):
        g = KnowledgeGraph.open()
        for to in ("transformers", "diffusion-models", "lora"):
            v = viz.path_view(g, None, to)
            steps = sorted((n for n in v.nodes if n["label"].split(".")[0].isdigit()), key=lambda n: int(n["label"].split(".")[0]))
            xs = [n["x"] for n in steps]
            assert len(steps) > 5 and all(a < b for a, b in zip(xs, xs[1:])), to


class TestCourseView:
    def test_lectures_in_sequence_and_topics_under_their_first_lecture(self, g):
        v = viz.course_view(g, ["c1"])
        nodes = by_id(v)
        lec1, lec2 = nodes["lecture:c1/lecture/1"], nodes["lecture:c1/lecture/2"]
        assert lec1["x"] < lec2["x"] and lec1["y"] == lec2["y"]
        assert edge_pairs(v, "next") == {(lec1["id"], lec2["id"])}
        assert nodes["topic:calculus"]["x"] == lec1["x"]
        assert nodes["topic:chain-rule"]["x"] == lec2["x"]
        assert nodes["topic:calculus"]["y"] > lec1["y"]
        assert edge_pairs(v, "requires") == {("topic:calculus", "topic:chain-rule"), ("topic:chain-rule", "topic:backpropagation")}
        assert not v.notes

    def test_topic_taught_before_its_prerequisite_stands_out(self, g, mini):
        (mini / "courses" / "c2.yaml").write_text(
            "id: c2\nname: Backwards\nlectures:\n"
            "  - title: Backprop first\n    covers: [backpropagation]\n"
            "  - title: Then the chain rule\n    covers: [chain-rule, calculus]\n"
        )
        v = viz.course_view(KnowledgeGraph.open(mini), ["c2"])
        nodes = by_id(v)
        bp = nodes["topic:backpropagation"]
        assert bp["color"]["border"] == "#d62728" and bp["borderWidth"] == 4
        assert bp["tip"]["sections"][0] == [
            "Taught before a prerequisite",
            [
                "c2: lecture 1, but its indirect prerequisite Calculus only in lecture 2",
                "c2: lecture 1, but its prerequisite Chain rule only in lecture 2",
            ],
        ]
        bad = next(e for e in v.edges if (e["from"], e["to"]) == ("topic:chain-rule", "topic:backpropagation"))
        assert bad["color"]["color"] == "#d62728"
        assert "borderWidth" not in nodes["topic:chain-rule"]
        assert v.notes == ["1 topic is taught before a prerequisite (outlined in red)"]

    def test_indirect_prerequisite_taught_later(self, g, mini):
        """Backprop needs calculus through the chain rule, which this course skips."""
        (mini / "courses" / "c2.yaml").write_text(
            "id: c2\nname: Skips\nlectures:\n"
            "  - title: A\n    covers: [backpropagation]\n  - title: B\n    covers: [calculus]\n"
        )
        v = viz.course_view(KnowledgeGraph.open(mini), ["c2"])
        nodes = by_id(v)
        assert nodes["topic:backpropagation"]["borderWidth"] == 4
        assert nodes["topic:backpropagation"]["tip"]["sections"][0][1] == [
            "c2: lecture 1, but its indirect prerequisite Calculus only in lecture 2",
        ]
        assert edge_pairs(v, "requires") == set()  # no direct edge to paint red
        assert v.notes == ["1 topic is taught before a prerequisite (outlined in red)"]

    def test_several_courses_coloured_by_course(self, g, mini):
        (mini / "courses" / "c2.yaml").write_text(
            "id: c2\nname: Other\ncode: OT-2\nlectures:\n  - title: Only\n    covers: [calculus]\n"
        )
        v = viz.course_view(KnowledgeGraph.open(mini), ["c1", "OT-2"])
        nodes = by_id(v)
        c1 = nodes["lecture:c1/lecture/1"]["color"]["background"]
        c2 = nodes["lecture:c2/lecture/1"]["color"]["background"]
        assert c1 != c2
        assert nodes["topic:chain-rule"]["color"]["background"] == c1  # only c1 teaches it
        assert nodes["topic:calculus"]["color"]["background"] not in (c1, c2)  # both do
        assert any(item["label"].startswith("OT-2: Other") for item in v.legend)
        assert v.slug == "course-c1-c2"

    def test_unknown_course_suggests(self, g):
        with pytest.raises(NotFound, match="unknown course 'c3'"):
            viz.course_view(g, ["c3"])


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return KnowledgeGraph.open()


class TestWholeGraph:
    """The whole graph's data comes from kg.viz.whole's few queries: the same as the
    per-topic lookups every other view uses."""

    def test_topic_graph_is_the_prerequisite_graph(self, shipped):
        from kg.plan import prerequisite_graph
        from kg.viz.whole import topic_graph

        want, got = prerequisite_graph(shipped), topic_graph(shipped)
        assert got.number_of_edges() > 100
        assert any(d.get("part") for _, _, d in got.edges(data=True))
        assert list(got.nodes(data=True)) == list(want.nodes(data=True))
        assert list(got.edges(data=True)) == list(want.edges(data=True))

    def test_whole_graph_is_the_topic_graph(self, shipped):
        from kg.viz.whole import topic_graph, whole_graph

        want, got = topic_graph(shipped), whole_graph(shipped)
        assert got.labels == {n: d["label"] for n, d in want.nodes(data=True)}
        assert {(a, b, r) for a, nbrs in got.succ.items() for b, r in nbrs.items()} == {
            (a, b, d.get("reason")) for a, b, d in want.edges(data=True)
        }
        assert {n: sorted(p) for n, p in got.pred.items()} == {n: sorted(want.pred[n]) for n in want}
        assert got.dependent_counts() == paths.dependent_counts(want)

    def test_whole_graph_with_a_cycle_is_made_by_networkx(self, shipped, monkeypatch):
        from kg.viz import dag, whole

        want = whole.whole_graph(shipped)
        monkeypatch.setattr(dag, "add_parts", lambda *args, **kwargs: None)  # as for a cycle
        got = whole.whole_graph(shipped)
        assert got.labels == want.labels and got.succ == want.succ
        assert {n: sorted(p) for n, p in got.pred.items()} == {n: sorted(p) for n, p in want.pred.items()}

    def test_topic_data_is_what_the_lookups_give(self, shipped):
        from kg.viz import build
        from kg.viz.whole import topic_data, topic_graph

        G = topic_graph(shipped)
        topics = sorted(G)
        labels = {t: str(G.nodes[t]["label"]) for t in topics}
        info, where, aliases = topic_data(shipped, labels)
        assert info == build.topic_info(shipped, None, labels)
        assert where == build.places(shipped, None)
        assert aliases == build.topic_aliases(shipped, topics)
        assert sum(len(w["lectures"]) for w in where.values()) > 100
        assert any(aliases.values()) and any(i["definition"] for i in info.values())
        # The definitions the whole graph's query brings along are the same.
        from kg.viz.whole import whole_graph

        assert topic_data(shipped, labels, definitions=whole_graph(shipped).definitions)[0] == info

    def test_layers_of_every_topic_are_those_of_the_lookup(self, shipped, monkeypatch):
        """Without a VALUES list (every topic), the layers hold the same nodes and
        edges in the same order as with one."""
        from kg.viz import build

        layers = build.LAYERS
        whole = viz.graph_view(shipped, layers)
        real = build.add_layers
        monkeypatch.setattr("kg.viz.views.add_layers", lambda b, kg, topics, names, every=False, **_: real(b, kg, topics, names))
        looked_up = viz.graph_view(shipped, layers)
        assert [n["id"] for n in whole.nodes] == [n["id"] for n in looked_up.nodes]
        assert whole.nodes == looked_up.nodes and whole.edges == looked_up.edges
        assert {n["kind"] for n in whole.nodes} == {"topic", "course", "lecture", "chapter", "reading"}

    def test_lecture_layer_rows_are_the_querys(self, shipped):
        from kg.viz.whole import lecture_layer_rows, lecture_places

        def key(r):
            return tuple(str(v) for v in r.values())

        made = lecture_layer_rows(shipped, lecture_places(shipped))
        asked = shipped.run("viz-lecture-layer-all")
        assert len(made) > 100 and sorted(made, key=key) == sorted(asked, key=key)

    def test_rows_as_tuples(self, g):
        from kg.backends import Backend

        rows = g.run("viz-graph-requires")
        assert rows and g.run_rows("viz-graph-requires") == [tuple(r.values()) for r in rows]

        class Remote:  # a backend whose select gives dicts only, as an endpoint's does
            def select(self, sparql: str) -> list[dict]:
                return [{"a": 1, "b": None}]

        assert Backend.select_rows(Remote(), "SELECT ...") == [(1, None)]  # type: ignore[arg-type]


class TestMakeView:
    @pytest.mark.parametrize(
        "kw, message",
        [
            ({"focus": "calculus", "path": ("calculus", "backprop")}, "give only one of --focus, --path and --course"),
            ({"focus": "calculus", "courses": ["c1"]}, "give only one of"),
            ({"depth": 2}, "--depth goes with --focus"),
            ({"courses": ["c1"], "layers": "lectures"}, "--layers goes with the whole graph or --focus"),
            ({"layers": "lectures,bogus"}, "unknown layer 'bogus'"),
        ],
    )
    def test_bad_combinations(self, g, kw, message):
        with pytest.raises(UsageError, match=re.escape(message)):
            viz.make_view(g, **kw)

    def test_dispatch(self, g):
        assert viz.make_view(g).slug == "graph"
        assert viz.make_view(g, focus="calculus").slug == "focus-calculus"
        assert viz.make_view(g, path=("-", "backprop")).slug == "path-start-backpropagation"
        assert viz.make_view(g, courses=["c1"]).slug == "course-c1"


class TestLayout:
    def test_layers_pull_sources_towards_their_users(self):
        G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("x", "d")])
        assert viz.layers_of(G) == {"a": 0, "b": 1, "c": 2, "d": 3, "x": 2}

    def test_cycle_shares_a_layer(self):
        G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")])
        layer = viz.layers_of(G)
        assert layer["a"] == layer["b"] < layer["c"]

    def test_barycenter_untangles_a_crossing(self):
        G = nx.DiGraph([("a", "y"), ("b", "x")])
        rows = viz.order_layers(G, {"a": 0, "b": 0, "x": 1, "y": 1})
        assert rows == {0: ["a", "b"], 1: ["y", "x"]}

    def test_positions_are_deterministic(self, g):
        assert viz.graph_view(g).html() == viz.graph_view(g).html()


# --------------------------------------------------------------------------- the page


REMOTE = re.compile(r"""(?:src|href|action|srcset|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


class TestPage:
    def test_offline_no_remote_resources(self, g):
        for view in (viz.graph_view(g, viz.LAYERS), viz.course_view(g, ["c1"]), viz.path_view(g, None, "backprop")):
            page = view.html()
            assert not REMOTE.search(page)
            assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
            # Every script is inline: no src= at all.
            assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)

    def test_csp_forbids_fetching_and_allows_exactly_the_inline_scripts(self, g):
        page = viz.graph_view(g).html()
        csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
        assert "default-src 'none'" in csp and "base-uri 'none'" in csp and "unsafe-inline" not in csp
        scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
        assert len(scripts) == 2
        for s in scripts:
            digest = base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp

    def test_counts_in_meta(self, g):
        page = viz.graph_view(g).html()
        assert '<meta name="kg-nodes" content="3">' in page
        assert '<meta name="kg-edges" content="2">' in page
        data = page_data(page)
        assert len(data["nodes"]) == 3 and len(data["edges"]) == 2
        assert data["options"]["physics"] == {"enabled": False}

    def test_hostile_text_is_escaped_everywhere(self, hostile):
        views = [
            viz.graph_view(hostile, viz.LAYERS),
            viz.focus_view(hostile, "evil"),
            viz.path_view(hostile, None, "backprop"),
            viz.course_view(hostile, ["c1"]),
        ]
        for view in views:
            page = view.html()
            for raw in ("onerror=\"window", "<img", "<svg onload", "window.__pwned=2</script>", "<i>C1", "<a href"):
                assert raw not in page, (view.slug, raw)
            # Only kg's own three script elements open or close (vis-network's code
            # holds the text "<script>" in a string, never "</script").
            assert len(re.findall(r"<script", page, re.I)) == 3 + vpage.vis_js().lower().count("<script")
            assert len(re.findall(r"</script", page, re.I)) == 3
            # The text itself survives, as data.
            assert any(HOSTILE_LABEL in text for text in strings(page_data(page)))
        focus = views[1].html()
        assert f"<h1>kg: around {html.escape(HOSTILE_LABEL)}</h1>" in focus
        course = views[3].html()
        assert html.escape(HOSTILE_COURSE) in course  # in the title and the legend

    def test_repr_html_is_a_sandboxed_iframe_of_the_page(self, g):
        v = viz.focus_view(g, "backprop")
        out = v._repr_html_()
        m = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" title="[^"]*" style="[^"]*"></iframe>', out)
        assert m, out[:200]
        assert "<" not in m.group(1)
        assert html.unescape(m.group(1)) == v.html()

    def test_repr_html_with_hostile_title(self, hostile):
        out = viz.focus_view(hostile, "evil")._repr_html_()
        assert out.count('"') == 8  # four attributes, nothing from the data breaks out
        assert "<img" not in out

    def test_write_is_atomic_and_marks_the_page(self, g, tmp_path):
        (tmp_path / "out").mkdir()
        target = tmp_path / "out" / "out.html"
        target.write_text("old")
        viz.graph_view(g).write(target)
        assert viz.is_kg_page(target)
        assert [p.name for p in target.parent.iterdir()] == ["out.html"]
        assert not viz.is_kg_page(tmp_path / "missing.html")

    def test_written_page_is_the_html_encoded(self, hostile, g, tmp_path):
        """write() joins the UTF-8 of the template's text with the data's JSON bytes:
        the same bytes as html().encode(), markup in the data escaped alike."""
        for view in (viz.graph_view(hostile, viz.LAYERS), viz.focus_view(hostile, "calculus"), viz.course_view(g, ["c1"])):
            out = view.write(tmp_path / f"{view.slug}.html")
            assert out.read_bytes() == view.html().encode("utf-8")
        view = viz.graph_view(hostile)
        view.network.add_node("extra", label="Extra", x=0, y=0)  # rendered by pyvis now
        assert view.write(tmp_path / "net.html").read_bytes() == view.html().encode("utf-8")
        assert "Extra" in view.html()

    def test_script_json_bytes_is_script_json_encoded(self):
        data = [{"a": "</script> & <!-- \u2028 \u2029 é … 🙂", "n": [1, 2.5, None, True]}, "x" * 3]
        assert vpage.script_json_bytes(data) == vpage.script_json(data).encode("utf-8")
        odd = [{"big": 2**70}]  # (orjson refuses it; json writes it)
        assert vpage.script_json_bytes(odd) == vpage.script_json(odd).encode("utf-8")

    def test_write_errors_are_one_line(self, g, tmp_path):
        with pytest.raises(KGError, match=r"cannot write '.*/nope/out.html': directory '.*nope' does not exist"):
            viz.graph_view(g).write(tmp_path / "nope" / "out.html")
        with pytest.raises(UsageError, match="it is a directory"):
            viz.graph_view(g).write(tmp_path)


# --------------------------------------------------------------------------- pyvis


def network_data(view: viz.View) -> tuple[list, list, str, dict]:
    nodes, edges, heading, _height, _width, options = view.network.get_network_data()
    return nodes, edges, heading, json.loads(options)


class TestPyvis:
    """The page is pyvis's: a Network built by add_node/add_edge, rendered by
    Network.generate_html with kg's template; and pyvis's template quirks stay out."""

    def test_the_view_keeps_its_pyvis_network(self, g):
        from pyvis.network import Network

        for view in (viz.graph_view(g, viz.LAYERS), viz.focus_view(g, "chain rule"), viz.path_view(g, None, "backprop"), viz.course_view(g, ["c1"])):
            net = view.network
            assert isinstance(net, Network)
            assert net.get_nodes() == [n["id"] for n in view.nodes]
            assert [(e["from"], e["to"]) for e in net.get_edges()] == [(e["from"], e["to"]) for e in view.edges]
            assert view.counts == {"nodes": net.num_nodes(), "edges": net.num_edges()}
            assert net.path == viz.TEMPLATE and Path(net.template_dir) == viz.TEMPLATES
            assert net.options is view.options

    def test_page_data_is_the_networks_data(self, g):
        for view in (viz.graph_view(g, viz.LAYERS), viz.path_view(g, "calculus", "backprop"), viz.course_view(g, ["c1"])):
            page = view.html()
            nodes, edges, heading, options = network_data(view)
            data = page_data(page)
            assert data["nodes"] == nodes
            assert data["edges"] == edges
            assert data["options"] == options
            assert f"<title>{html.escape(heading)}</title>" in page and heading == view.title
            assert f'<meta name="kg-nodes" content="{len(nodes)}">' in page
            assert f'<meta name="kg-edges" content="{len(edges)}">' in page

    def test_network_styles_resolve_to_the_views(self, g):
        """Colours moved into vis-network groups and the common edge style into the
        edge defaults still give every node and edge the style kg chose."""
        view = viz.course_view(g, ["c1"])
        nodes, edges, _, options = network_data(view)
        for mine, theirs in zip(view.nodes, nodes, strict=True):
            assert "kind" not in theirs and theirs["shape"] == mine["shape"] and theirs["label"] == mine["label"]
            assert options["groups"][theirs["group"]]["color"] == mine["color"]
            assert theirs["tip"] == mine["tip"] and (theirs["x"], theirs["y"]) == (mine["x"], mine["y"])
        for mine, theirs in zip(view.edges, edges, strict=True):
            drawn = {**options["edges"], **theirs}
            for k in ("color", "width", "dashes", "smooth"):
                if k in mine:
                    assert drawn[k] == mine[k], (mine, theirs)

    def test_every_pyvis_rendering_path_gives_the_kg_page(self, g, tmp_path, monkeypatch):
        from pyvis.network import Network

        calls: list[bool] = []
        original = Network.generate_html

        def spy(self, *a, **kw):
            calls.append(kw.get("notebook", False))
            return original(self, *a, **kw)

        monkeypatch.setattr(Network, "generate_html", spy)
        view = viz.focus_view(g, "backprop")
        without = view.html()  # no Network made yet: kg renders the same template itself
        assert calls == []
        assert isinstance(view.network, Network)
        page = view.html()  # once there is a Network, pyvis renders the page from it
        assert calls == [False]
        assert page == without
        assert view.network.generate_html(notebook=True) == page  # via network.template
        out = tmp_path / "direct"
        out.mkdir()
        monkeypatch.chdir(out)
        view.network.write_html("direct.html")
        assert (out / "direct.html").read_text(encoding="utf-8") == page
        assert [p.name for p in out.iterdir()] == ["direct.html"]  # no lib/ copied

    def test_pyvis_switches_change_nothing(self, g):
        """cdn_resources (pyvis's in_line still links Bootstrap), the select and filter
        menus (pyvis writes node ids into them raw), neighbourhood highlight, the
        configure widget and DOT input all belong to pyvis's template, not kg's."""
        view = viz.focus_view(g, "backprop")
        page = view.html()
        net = view.network
        net.add_node('<img src=x onerror="window.__pwned=10">', label="odd id", x=0, y=-300)
        with_odd_id = view.html()
        for switch, value in [
            ("cdn_resources", "remote"), ("cdn_resources", "local"), ("select_menu", True),
            ("filter_menu", True), ("neighborhood_highlight", True), ("conf", True), ("widget", True),
            ("use_DOT", True), ("dot_lang", '"}; window.__pwned=11; {"'), ("bgcolor", "red</style><script>"),
        ]:
            setattr(net, switch, value)
            assert view.html() == with_odd_id, switch
        low = with_odd_id.replace(vpage.vis_js(), "").lower()  # kg's part of the page
        for absent in ("bootstrap", "tom-select", "<select", "<option", "onchange", "cdn", "mynetwork", "<img", "__pwned=11", "red</style"):
            assert absent not in low, absent
        assert not REMOTE.search(with_odd_id)
        assert page_data(with_odd_id)["nodes"][-1]["id"] == '<img src=x onerror="window.__pwned=10">'
        assert page != with_odd_id and '<meta name="kg-nodes" content="' in page

    def test_a_title_with_href_does_not_switch_tooltips_to_html(self, hostile):
        view = viz.focus_view(hostile, "calculus")
        view.network.add_node("plain", label="plain title", title=HOSTILE_HREF, x=0, y=-300)
        # pyvis's own condition for its innerHTML tooltip holds ...
        assert any("href" in str(n.get("title", "")) for n in view.network.nodes)
        page = view.html()
        # ... but kg's template has no such path: no popup, the tooltip stays visible
        # vis-network's, and kg's script never parses HTML.
        assert "popup" not in page.replace(vpage.vis_js(), "")
        assert "innerHTML" not in vpage.static("kg-viz.js") and "insertAdjacentHTML" not in vpage.static("kg-viz.js")
        assert "<a href" not in page and "<img" not in page
        data = page_data(page)
        assert data["nodes"][-1]["title"] == HOSTILE_HREF
        assert by_id(view)["topic:calculus"]["tip"]["text"] == HOSTILE_HREF  # the definition, as data

    def test_csp_allows_exactly_the_inlined_style(self, g):
        page = viz.graph_view(g).html()
        csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
        styles = re.findall(r"<style>(.*?)</style>", page, re.S)
        assert styles == [vpage.static("kg-viz.css")]
        digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
        assert f"style-src 'sha256-{digest}';" in csp
        assert " style=" not in page.replace(vpage.vis_js(), "")  # no inline style attributes to allow

    def test_the_template_never_writes_raw(self):
        source = (viz.TEMPLATES / viz.TEMPLATE).read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source
        assert "http:" not in source and "https:" not in source and "//" not in source and "include" not in source

    def test_pages_are_written_as_jinja_renders_the_template(self, g, hostile):
        """write_page (no jinja) gives jinja's rendering of kg.html byte for byte: every
        kind of view, every legend shape, notes, hostile text and spliced markers."""
        assert hashlib.sha256((viz.TEMPLATES / viz.TEMPLATE).read_bytes()).hexdigest() == vpage.TEMPLATE_SHA256
        views = [
            viz.graph_view(g, ["courses", "lectures", "chapters", "readings"]), viz.focus_view(g, "backprop", 1),
            viz.graph_view(hostile, ["courses", "lectures", "chapters", "readings"]),
        ]
        views[0].notes.append("<b>a note</b> & \"quotes\"")
        views[0].legend.append({"shape": "dot", "color": "#ffffff", "border": "#d62728", "label": "<i>x</i>"})
        views[0].legend.append({"edge": True, "color": '"red"', "dashes": True, "label": "&amp;"})
        for shape in ("square", "triangle", "diamond", "hexagon", "star"):
            views[0].legend.append({"shape": shape, "color": "#123456", "label": shape})
        views[1].title = "<script>alert(1)</script> & 'it'"
        for view in views:
            nodes, edges = view.page_data
            page = {
                "subtitle": view.subtitle, "notes": list(view.notes),
                "legend": [vpage._legend_item(item) for item in view.legend],
            }
            for spliced in (None, ("\x00a\x00", "\x00b\x00")):
                want = vpage.render_data(view.title, nodes, edges, view.options, page, spliced)
                assert vpage.write_page(view.title, nodes, edges, view.options, page, spliced) == want
            assert view.html() == vpage.render_data(view.title, nodes, edges, view.options, page)

    def test_an_edited_template_is_rendered_by_jinja(self, g, tmp_path, monkeypatch):
        source = (viz.TEMPLATES / viz.TEMPLATE).read_text(encoding="utf-8")
        (tmp_path / viz.TEMPLATE).write_text(source.replace("<main>", "<main data-edited>"), encoding="utf-8")
        monkeypatch.setattr(vpage, "TEMPLATES", tmp_path)
        view = viz.graph_view(g)
        assert "<main data-edited>" in view.html()
        assert b"<main data-edited>" in view.write(tmp_path / "page.html").read_bytes()

    def test_options_are_not_mangled_by_set_options(self, g):
        """pyvis's set_options deletes every space of its JSON; kg assigns the dict."""
        face = page_data(viz.graph_view(g).html())["options"]["nodes"]["font"]["face"]
        assert "Segoe UI" in face

    def test_pointing_the_network_at_pyvis_template_is_undone(self, g):
        import pyvis

        view = viz.focus_view(g, "backprop")
        page = view.html()
        view.network.set_template_dir(str(Path(pyvis.__file__).parent / "templates"), "template.html")
        assert view.html() == page

    def test_nodes_added_through_pyvis_are_drawn_and_counted(self, g):
        view = viz.focus_view(g, "backprop", depth=1)
        before = view.counts
        view.network.add_node("extra", label="Extra", x=0, y=0)
        view.network.add_edge("extra", "topic:backpropagation")
        assert view.counts == {"nodes": before["nodes"] + 1, "edges": before["edges"] + 1}
        page = view.html()
        assert f'<meta name="kg-nodes" content="{before["nodes"] + 1}">' in page
        assert page_data(page)["edges"][-1] == {"from": "extra", "to": "topic:backpropagation", "arrows": "to"}
        with pytest.raises(AssertionError):
            view.network.add_edge("extra", "nowhere")  # pyvis still checks its endpoints

    def test_vis_network_is_the_copy_pyvis_ships(self):
        import pyvis

        theirs = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
        if not theirs.exists():
            pytest.skip(f"this pyvis ships no {theirs}")
        text = theirs.read_text(encoding="utf-8")
        assert vpage.vis_js() == text.replace("//# sourceMappingURL=vis-network.min.js.map", "")

    def test_kg_viz_of_the_whole_graph_imports_neither_pyvis_nor_networkx(self, mini, cache, tmp_path):
        """The real command: its page needs neither (pyvis's own imports, IPython and
        jsonpickle, cost more than the rest of a small page), nor jinja (the shipped
        template is written directly), and is the page the view's pyvis Network renders."""
        import subprocess
        import sys

        out = tmp_path / "whole.html"
        code = (
            "import sys\nfrom kg.cli import main\n"
            f"sys.argv = ['kg', '--data', {str(mini)!r}, 'viz', '-o', {str(out)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pyvis', 'networkx', 'IPython', 'jinja2', 'markupsafe') if m in sys.modules))"
        )
        got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert got.stdout.strip().splitlines()[-1] == "[]", got.stdout + got.stderr
        view = viz.graph_view(KnowledgeGraph.open(mini))
        assert view.network is not None  # (made: the page is now pyvis's rendering)
        assert out.read_text(encoding="utf-8") == view.html()

    def test_importing_the_cli_does_not_import_pyvis(self):
        import subprocess
        import sys

        code = "import sys, kg.cli, kg.cli.viz, kg.viz; print(sorted(m for m in ('pyvis', 'jinja2', 'IPython') if m in sys.modules))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "[]"


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def here(tmp_path, monkeypatch):
    d = tmp_path / "work"
    d.mkdir()
    monkeypatch.chdir(d)
    return d


def one_line_error(result, *parts: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for p in parts:
        assert p in lines[0], lines[0]


class TestCli:
    def test_default_whole_graph_in_the_current_directory(self, run, mini, cache, here):
        result = run("viz", data=mini)
        assert result.exit_code == 0, result.output
        assert result.stdout == "wrote kg-graph.html (3 nodes, 2 edges)\n"
        assert viz.is_kg_page(here / "kg-graph.html")

    def test_each_view_names_its_file(self, run, mini, cache, here):
        for args, name in [
            (["--focus", "backprop", "--depth", "1"], "kg-focus-backpropagation.html"),
            (["--path", "calculus", "backprop"], "kg-path-calculus-backpropagation.html"),
            (["--path", "-", "backprop"], "kg-path-start-backpropagation.html"),
            (["--course", "c1"], "kg-course-c1.html"),
            (["--layers", "courses,lectures"], "kg-graph.html"),
        ]:
            result = run("viz", *args, data=mini)
            assert result.exit_code == 0, result.output
            assert result.stdout.startswith(f"wrote {name} (")
            assert (here / name).is_file()

    def test_rewrites_its_own_page_but_not_someone_elses(self, run, mini, cache, here):
        assert run("viz", data=mini).exit_code == 0
        assert run("viz", data=mini).exit_code == 0
        (here / "kg-graph.html").write_text("<p>my notes</p>")
        one_line_error(run("viz", data=mini), "'kg-graph.html' exists and was not written by kg viz", "-o FILE")
        assert (here / "kg-graph.html").read_text() == "<p>my notes</p>"

    def test_output_file_is_overwritten(self, run, mini, cache, here):
        (here / "mine.html").write_text("anything")
        result = run("viz", "--course", "c1", "-o", "mine.html", data=mini)
        assert result.exit_code == 0 and result.stdout.startswith("wrote mine.html (")
        assert viz.is_kg_page(here / "mine.html")

    def test_open_writes_a_temp_file_and_opens_it(self, run, mini, cache, here, monkeypatch):
        opened: list[str] = []
        monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
        result = run("viz", "--focus", "calculus", "--open", data=mini)
        assert result.exit_code == 0, result.output
        written = Path(result.stdout.split()[1])
        assert written.is_absolute() and written.name.startswith("kg-focus-calculus-") and written.is_file()
        assert opened == [written.as_uri()]
        assert list(here.iterdir()) == []
        written.unlink()

    def test_open_without_a_browser_says_so(self, run, mini, cache, here, monkeypatch):
        monkeypatch.setattr("webbrowser.open", lambda url: False)
        result = run("viz", "--open", "-o", "x.html", data=mini)
        assert result.exit_code == 0
        assert "could not start a web browser; open x.html yourself" in result.stderr

    def test_notes_go_to_stderr(self, run, mini, cache, here):
        (mini / "courses" / "c2.yaml").write_text(
            "id: c2\nname: Backwards\nlectures:\n"
            "  - title: A\n    covers: [backpropagation]\n  - title: B\n    covers: [chain-rule]\n"
        )
        result = run("viz", "--course", "c2", data=mini)
        assert result.exit_code == 0
        assert result.stderr == "note: 1 topic is taught before a prerequisite (outlined in red)\n"

    @pytest.mark.parametrize(
        "args, parts",
        [
            (["--focus", "backprob"], ["unknown topic 'backprob'", "did you mean", "backprop"]),
            (["--path", "calculus", "transformer"], ["unknown topic 'transformer'"]),
            (["--course", "c9"], ["unknown course 'c9'"]),
            (["--focus", "calculus", "--path", "calculus", "backprop"], ["give only one of --focus, --path and --course"]),
            (["--focus", "calculus", "--depth", "0"], ["--depth must be a whole number of at least 1, got 0"]),
            (["--depth", "2"], ["--depth goes with --focus TOPIC"]),
            (["--layers", "lectures,pages"], ["unknown layer 'pages'"]),
            (["--course", "c1", "--layers", "readings"], ["--layers goes with the whole graph or --focus"]),
            (["-o", "no/such/dir/x.html"], ["cannot write 'no/such/dir/x.html'", "does not exist"]),
            (["-o", "."], ["cannot write '.': it is a directory"]),
        ],
    )
    def test_errors_are_one_line(self, run, mini, cache, here, args, parts):
        one_line_error(run("viz", *args, data=mini), *parts)

    def test_unwritable_file(self, run, mini, cache, here):
        import os

        locked = here / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            if os.access(locked, os.W_OK):
                pytest.skip("running as a user who can write anywhere (root)")
            one_line_error(run("viz", "-o", str(locked / "x.html"), data=mini), "cannot write", "Permission denied")
        finally:
            locked.chmod(0o700)

    def test_write_failure_is_one_line(self, run, mini, cache, here, monkeypatch):
        def refuse(*a, **kw):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("tempfile.mkstemp", refuse)
        one_line_error(run("viz", "-o", "x.html", data=mini), "cannot write 'x.html': Permission denied")
        assert list(here.iterdir()) == []

    def test_parent_is_a_file(self, run, mini, cache, here):
        (here / "f").write_text("")
        one_line_error(run("viz", "-o", "f/x.html", data=mini), "cannot write 'f/x.html'", "is not a directory")

    def test_without_pyvis_is_one_line(self, run, mini, cache, here, monkeypatch):
        monkeypatch.setitem(sys.modules, "pyvis.network", None)  # import fails
        one_line_error(run("viz", data=mini), "kg viz draws with pyvis, which cannot be imported", "pip install")

    def test_without_the_template_is_one_line(self, run, mini, cache, here, monkeypatch):
        monkeypatch.setattr(vpage, "TEMPLATES", here / "missing")
        one_line_error(run("viz", data=mini), "cannot read", "kg.html", "is kg installed completely?")
        assert list(here.iterdir()) == []

    def test_help_documents_every_option(self, run):
        out = run("viz", "--help").stdout
        for opt in ("--focus", "--depth", "--path", "--course", "--layers", "--output", "--open", "Example:"):
            assert opt in out
