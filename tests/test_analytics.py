"""Curriculum analytics: kg check, compare, coverage, diff, evidence and suggest.

The pure functions of kg.algorithms.curriculum are tested on small hand-made courses; the commands on
the shipped graph and on the tiny data directory of conftest, with answers checked
against positions computed here straight from ``g.course(...)``.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg import analytics as A
from kg.algorithms import curriculum as C
from kg import vocab as V
from kg.cli import cli
from kg.errors import DataError, KGError, NotFound, UsageError
from kg.graph import KnowledgeGraph
from kg.queries import get

from .conftest import dedent, kg_process

FA22, FA25 = "mit-6.s898-fa22", "mit-6.7960-fa25"


@pytest.fixture(scope="module")
def g() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def first_lectures(g: KnowledgeGraph, cid: str) -> dict[str, int]:
    """topic → position of the first lecture covering it, straight from g.course()."""
    out: dict[str, int] = {}
    for lec in g.course(cid)["lectures"]:
        for t in lec["covers"]:
            out[t] = min(out.get(t, lec["position"]), lec["position"])
    return out


def chain() -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_edge("calculus", "chain-rule", reason="A rule of calculus.")
    G.add_edge("chain-rule", "backprop", reason="Backprop is the chain rule.")
    G.add_edge("graphs", "backprop", reason="It walks a graph.")
    return G


# =========================================================================== pure


class TestKendallTau:
    def test_identical_and_reversed(self) -> None:
        assert C.kendall_tau_b([1, 2, 3], [10, 20, 30]) == 1.0
        assert C.kendall_tau_b([1, 2, 3], [3, 2, 1]) == -1.0

    def test_ties(self) -> None:
        # scipy.stats.kendalltau's documented example (tau-b)
        assert C.kendall_tau_b([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) == pytest.approx(-0.47140452079103173)
        # a tie in x only: (1,2) tied in x; the other two pairs concordant
        assert C.kendall_tau_b([1, 1, 2], [1, 2, 3]) == pytest.approx(2 / (3 * 2) ** 0.5)

    def test_undefined(self) -> None:
        assert C.kendall_tau_b([], []) is None
        assert C.kendall_tau_b([1], [1]) is None
        assert C.kendall_tau_b([1, 1, 1], [1, 2, 3]) is None

    def test_length_mismatch(self) -> None:
        with pytest.raises(ValueError, match="differ in length"):
            C.kendall_tau_b([1, 2], [1])

    def test_symmetric_and_bounded(self) -> None:
        rnd = random.Random(6)
        for _ in range(50):
            n = rnd.randint(2, 12)
            x = [rnd.randint(0, 4) for _ in range(n)]
            y = [rnd.randint(0, 4) for _ in range(n)]
            t = C.kendall_tau_b(x, y)
            assert t == C.kendall_tau_b(y, x)
            assert t is None or -1 - 1e-12 <= t <= 1 + 1e-12


class TestPositions:
    def test_empty_and_single(self) -> None:
        assert C.first_positions([]) == {}
        assert C.relative_positions([]) == {}
        assert C.relative_positions([["a", "b"]]) == {"a": 0.0, "b": 0.0}

    def test_first_lecture_counts(self) -> None:
        lectures = [["a"], [], ["b", "a"], ["c"]]
        assert C.first_positions(lectures) == {"a": 1, "b": 3, "c": 4}
        assert C.relative_positions(lectures) == {"a": 0.0, "b": 2 / 3, "c": 1.0}
        assert C.lecture_counts(lectures) == {"a": 2, "b": 1, "c": 1}


class TestCheckOrder:
    def test_empty(self) -> None:
        assert C.check_order(chain(), []) == []
        assert C.check_order(nx.DiGraph(), [["x"], ["y"]]) == []

    def test_taught_later_and_not_taught(self) -> None:
        found = C.check_order(chain(), [["backprop"], ["chain-rule"]])
        assert [(f.position, f.topic, f.prerequisite, f.kind, f.taught_at) for f in found] == [
            (1, "backprop", "chain-rule", "taught-later", 2),
            (1, "backprop", "graphs", "not-taught", None),
            (2, "chain-rule", "calculus", "not-taught", None),
        ]
        assert found[0].reason == "Backprop is the chain rule."
        assert found[0].also_missing == ["calculus"] and found[0].is_issue

    def test_background_includes_what_it_requires(self) -> None:
        assert C.check_order(chain(), [["backprop"]], assumes=["chain-rule", "graphs"]) == []
        assert C.background(chain(), ["chain-rule"]) == {"chain-rule", "calculus"}
        assert C.background(chain(), ["unknown-topic"]) == {"unknown-topic"}

    def test_same_lecture_is_a_note(self) -> None:
        [f] = C.check_order(chain(), [["calculus"], ["chain-rule", "backprop", "graphs"]])[:1]
        assert (f.kind, f.is_issue) == ("same-lecture", False)

    def test_each_topic_checked_once_at_its_first_lecture(self) -> None:
        found = C.check_order(chain(), [["backprop"], ["backprop"], ["backprop"]], assumes=["calculus"])
        assert {f.position for f in found} == {1}

    def test_umbrella_topics_are_overviews(self) -> None:
        G: nx.DiGraph[str] = nx.DiGraph([("mlp", "deep-learning"), ("dot-product", "deep-learning")])
        broader = {"mlp": "neural-networks", "neural-networks": "deep-learning"}
        found = C.check_order(G, [["deep-learning"], ["mlp"]], broader=broader)
        assert [(f.prerequisite, f.kind) for f in found] == [("dot-product", "not-taught"), ("mlp", "overview")]

    def test_parts_of_assumed_topics(self) -> None:
        G: nx.DiGraph[str] = nx.DiGraph([("bayes", "vae"), ("mcmc", "ebm")])
        broader = {"bayes": "probability", "mcmc": "probability"}
        found = C.check_order(G, [["vae"], ["ebm"], ["mcmc"]], assumes=["probability"], broader=broader)
        # never taught: part of the background; taught, but too late: an issue
        assert [(f.prerequisite, f.kind) for f in found] == [("bayes", "background-part"), ("mcmc", "taught-later")]


class TestCompare:
    def test_empty(self) -> None:
        r = C.compare_orders([], [])
        assert r == {"shared": [], "only_a": [], "only_b": [], "jaccard": None, "tau": None, "moved": []}

    def test_identical(self) -> None:
        c = [["a"], ["b"], ["c"]]
        r = C.compare_orders(c, c)
        assert r["tau"] == 1.0 and r["moved"] == [] and r["jaccard"] == 1.0

    def test_symmetric(self) -> None:
        a, b = [["x"], ["y", "q"], ["z"]], [["z"], ["y"], ["x", "w"]]
        ab, ba = C.compare_orders(a, b), C.compare_orders(b, a)
        assert ab["tau"] == ba["tau"] == -1.0
        assert (ab["only_a"], ab["only_b"]) == (ba["only_b"], ba["only_a"])
        assert [m["shift"] for m in ab["moved"]] == [-m["shift"] for m in ba["moved"]]

    def test_threshold(self) -> None:
        a, b = [["x"], ["y"], ["z"], ["w"]], [["y"], ["x"], ["z"], ["w"]]
        assert [m["topic"] for m in C.compare_orders(a, b, 0.3)["moved"]] == ["x", "y"]
        assert C.compare_orders(a, b, 0.5)["moved"] == []
        with pytest.raises(ValueError):
            C.compare_orders(a, b, 2)

    def test_diff(self) -> None:
        d = C.course_diff([["x"], ["y"]], [["y"], ["y", "z"]])
        assert (d["added"], d["dropped"], d["kept"]) == (["z"], ["x"], 1)
        assert d["recounted"] == [{"topic": "y", "old": 1, "new": 2}]


class TestCoverageAndEvidence:
    def test_matrix(self) -> None:
        assert C.coverage_matrix({}) == {}
        m = C.coverage_matrix({"c1": [["a", "a"], ["a"]], "c2": [[], ["b"]]})
        assert m == {"a": {"c1": 2}, "b": {"c2": 1}}

    def test_order_evidence(self) -> None:
        courses = {"c1": [["p"], ["t"]], "c2": [["t"], ["p"]], "c3": [["p", "t"]], "c4": [["p"]], "c5": [["z"]]}
        ev = C.order_evidence(courses, "t", "p")
        assert ev["counts"] == {"before": 1, "together": 1, "after": 1, "prerequisite-only": 1, "topic-only": 0}
        assert [c["course"] for c in ev["courses"]] == ["c1", "c2", "c3", "c4"]
        assert C.order_evidence(courses, "nope", "nada")["courses"] == []


class TestImpliedEdges:
    COURSES = {
        "c1": [["a"], ["b"], ["c"], ["d"]],
        "c2": [["a"], ["b"], ["c"], ["d"]],
        "c3": [["a"], ["c"], ["b"], ["d"]],
    }

    def pairs(self, *args: Any, **kw: Any) -> list[tuple[str, str]]:
        return [(s["prerequisite"], s["topic"]) for s in C.implied_edges(*args, **kw)]

    def test_empty(self) -> None:
        assert C.implied_edges({}) == []

    def test_always_before_and_transitively_reduced(self) -> None:
        # b and c disagree in c3; a->d is implied by a->b->d
        got = self.pairs(self.COURSES, min_courses=3)
        assert sorted(got) == [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]
        assert got[:2] == [("a", "b"), ("c", "d")]  # closer pairs first (gap 4/9 against 5/9)

    def test_weaker_paths_do_not_hide_stronger_evidence(self) -> None:
        courses = {"c1": [["x"], ["y"], ["z"]], "c2": [["x"], ["y"], ["z"]], "c3": [["x"], ["z"]]}
        got = self.pairs(courses, min_courses=2)
        assert got[0] == ("x", "z") and set(got) == {("x", "z"), ("x", "y"), ("y", "z")}

    def test_agreement_and_count(self) -> None:
        got = C.implied_edges(self.COURSES, min_courses=2, min_agreement=0.6)
        bc = next(s for s in got if (s["prerequisite"], s["topic"]) == ("b", "c"))
        assert (bc["courses"], bc["covering"], bc["consistency"]) == (2, 3, 0.667)
        assert got[0]["courses"] == 3  # ranked by agreeing courses first

    def test_existing_paths_broader_and_umbrellas(self) -> None:
        G: nx.DiGraph[str] = nx.DiGraph([("a", "x"), ("x", "b")])
        assert ("a", "b") not in self.pairs(self.COURSES, G, min_courses=3)
        assert ("a", "b") not in self.pairs(self.COURSES, broader={"b": "a"}, min_courses=3)
        umbrellas = {"a1": "a", "d1": "d"}  # a and d have narrower topics
        got = self.pairs(self.COURSES, broader=umbrellas, min_courses=3)
        assert all(p != "a" for p, _ in got) and ("b", "d") in got

    def test_bad_arguments(self) -> None:
        with pytest.raises(ValueError):
            C.implied_edges(self.COURSES, min_courses=0)
        with pytest.raises(ValueError):
            C.implied_edges(self.COURSES, min_agreement=0)


class TestPictures:
    def test_svg_is_escaped_xml(self) -> None:
        svg = A.svg_heatmap([("a", "Q&A <b>")], [("c1", 'c"1')], {"a": {"c1": 3}}, title="x < y")
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
        texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert "Q&A <b>" in texts and 'c"1' in texts and "x < y" in texts

    def test_svg_empty(self) -> None:
        ET.fromstring(A.svg_heatmap([], [], {}))

    def test_png_without_matplotlib(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(KGError, match="pip install matplotlib"):
            A.png_heatmap([("a", "A")], [("c", "C")], {"a": {"c": 1}})


# =========================================================================== the shipped graph


class TestEvidenceTriples:
    def test_in_the_store(self, g: KnowledgeGraph) -> None:
        q = V.prerequisite_iri("backpropagation", "chain-rule")
        assert g.ask(f"ASK {{ <{q}> a kg:Prerequisite ; kg:taughtBefore ?b ; kg:taughtTogether ?t ; "
                     f"kg:taughtAfter ?a ; kg:prerequisiteOnly ?p ; kg:topicOnly ?o }}")
        assert g.ask("ASK { ?q a kg:Prerequisite ; kg:evidence ?e . ?e a kg:OrderEvidence ; kg:course ?c ; kg:ordering ?o }")
        assert not g.ask("ASK { ?q a kg:Prerequisite . FILTER NOT EXISTS { ?q kg:taughtBefore ?n } }")

    def test_consistent_with_the_lectures(self, g: KnowledgeGraph) -> None:
        firsts = {c: first_lectures(g, c) for c in g.course_ids()}
        stored: dict[tuple[str, str], dict[str, int]] = {}
        for r in g.select(
            """SELECT ?t ?p ?b ?s ?a ?po ?to WHERE { ?q a kg:Prerequisite ; kg:topic ?t ; kg:prerequisite ?p ;
                 kg:taughtBefore ?b ; kg:taughtTogether ?s ; kg:taughtAfter ?a ;
                 kg:prerequisiteOnly ?po ; kg:topicOnly ?to }"""
        ):
            stored[(V.local_id(r["t"]), V.local_id(r["p"]))] = {
                "before": r["b"], "together": r["s"], "after": r["a"],
                "prerequisite-only": r["po"], "topic-only": r["to"],
            }
        per_course: dict[tuple[str, str, str], tuple[str, int | None, int | None]] = {}
        for r in g.select(
            """SELECT ?t ?p ?c ?o ?tp ?pp WHERE { ?q kg:topic ?t ; kg:prerequisite ?p ; kg:evidence ?e .
                 ?e kg:course ?c ; kg:ordering ?o .
                 OPTIONAL { ?e kg:topicLecture/kg:position ?tp } OPTIONAL { ?e kg:prerequisiteLecture/kg:position ?pp } }"""
        ):
            per_course[(V.local_id(r["t"]), V.local_id(r["p"]), V.local_id(r["c"]))] = (r["o"], r["tp"], r["pp"])
        edges = list(g.requires_edges())
        assert set(stored) == set(edges)
        n_evidence = 0
        for t, p in edges:
            counts = dict.fromkeys(V.ORDERINGS, 0)
            for c, first in firsts.items():
                tp, pp = first.get(t), first.get(p)
                if tp is None and pp is None:
                    assert (t, p, c) not in per_course
                    continue
                if tp is not None and pp is not None:
                    want = "before" if pp < tp else "after" if pp > tp else "together"
                else:
                    want = "topic-only" if pp is None else "prerequisite-only"
                counts[want] += 1
                n_evidence += 1
                assert per_course[(t, p, c)] == (want, tp, pp), (t, p, c)
            assert stored[(t, p)] == counts, (t, p)
        assert n_evidence == len(per_course) > 100

    def test_shipped_query(self, g: KnowledgeGraph) -> None:
        from kg.queries import get

        rows = g.select(get("prerequisite-evidence").render())
        assert len(rows) == len(list(g.requires_edges()))
        top = rows[0]
        assert (V.local_id(top["topic"]), V.local_id(top["prerequisite"])) == ("multilayer-perceptron", "neural-network-training")
        assert top["after"] == 3 and "mit-6.7960-fa25: after" in top["per_course"]


class TestCheckCommand:
    def test_shipped_courses(self, run: Any) -> None:
        for cid in (FA22, FA25, "berkeley-cs182-fa25", "bu-deep-learning"):
            r = run("check", cid, "--format", "json")
            assert r.exit_code == 0, r.stderr
            data = json.loads(r.stdout)
            assert data["course"] == cid and data["summary"]["issues"] > 0
            kinds = {f["kind"] for f in data["findings"]}
            assert kinds <= set(C.ISSUE_KINDS) | set(C.NOTE_KINDS)

    def test_umbrella_intro_lecture_is_not_an_issue(self, run: Any) -> None:
        data = json.loads(run("check", FA25, "--format", "json").stdout)
        intro = [f for f in data["findings"] if f["position"] == 1 and f["topic"] == "deep-learning"]
        # deep-learning is an umbrella: its parts are its prerequisites, each an overview note
        assert {"multilayer-perceptron", "neural-network-training"} <= {f["prerequisite"] for f in intro}
        assert {f["kind"] for f in intro} <= {"overview", "same-lecture"}

    def test_assumed_background(self, run: Any) -> None:
        data = json.loads(run("check", FA22, "--format", "json").stdout)
        # 6.S898 assumes linear algebra, so the dot product (a part of it) is background
        # there; 6.7960 does not, so it is an issue
        assert "dot-product" not in {f["prerequisite"] for f in data["findings"]}
        assert "probability" not in {f["prerequisite"] for f in data["findings"]}
        data25 = json.loads(run("check", FA25, "--format", "json").stdout)
        assert "dot-product" in data25["never_taught"]

    def test_user_written_course_file(self, run: Any, tmp_path: Path) -> None:
        course = tmp_path / "my-course.yaml"
        course.write_text(dedent("""
            id: my-course
            name: Backprop in a hurry
            assumes: [calculus]
            lectures:
              - title: Backprop on day one
                covers: [backpropagation]
              - title: The chain rule, afterwards
                covers: [chain-rule]
        """))
        r = run("check", str(course), "--strict")
        assert r.exit_code == 1
        out = r.stdout
        assert "#1 Backprop on day one" in out
        assert "backpropagation needs chain-rule (taught later, at #2)" in out
        assert "Backprop is the chain rule applied node by node" in out
        assert max(len(line) for line in out.splitlines()) <= 80
        data = json.loads(run("check", str(course), "--format", "json").stdout)
        assert data["file"] == str(course) and data["course"] == "my-course"
        f = next(f for f in data["findings"] if f["prerequisite"] == "chain-rule")
        assert (f["position"], f["lecture"], f["kind"], f["taught_at"]) == (1, "Backprop on day one", "taught-later", 2)
        # it was only checked, not added
        assert "my-course" not in json.loads(run("courses", "--format", "json").stdout).__repr__()

    def test_clean_course_passes_strict(self, run: Any, mini: Path, cache: Path) -> None:
        r = run("check", "c1", "--strict", data=mini)
        assert r.exit_code == 0, r.stdout + r.stderr
        assert "no issues" in r.stdout
        data = json.loads(run("check", "c1", "--format", "json", data=mini).stdout)
        assert [(f["topic"], f["prerequisite"], f["kind"]) for f in data["findings"]] == [
            ("backpropagation", "chain-rule", "same-lecture")
        ]

    def test_bad_course_file(self, run: Any, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("id: bad\nname: Bad\nlectures:\n  - title: One\n    covers: [backprp]\n")
        r = run("check", str(bad))
        assert r.exit_code == 1 and r.stdout == ""
        [line] = r.stderr.strip().splitlines()
        assert line.startswith(f"Error: {bad}:5: unknown topic 'backprp'") and "backpropagation" in line
        bad.write_text("id: bad\nname: Bad\nlectures:\n  - title: One\n    covers: [backprop]\n")
        assert "did you mean 'backpropagation'?" in run("check", str(bad)).stderr
        bad.write_text("id: bad\nname: Bad\nlectures:\n  - title: One\n    covers: [backprop\n")
        [line] = run("check", str(bad)).stderr.strip().splitlines()
        assert line.startswith(f"Error: {bad}:") and "invalid YAML" in line
        bad.write_text("id: bad\nnme: Bad\n")
        assert "unknown field 'nme'" in run("check", str(bad)).stderr

    def test_unknown_course(self, run: Any) -> None:
        r = run("check", "mit-6.7960")
        assert r.exit_code == 1
        [line] = r.stderr.strip().splitlines()
        assert "unknown course 'mit-6.7960'" in line and "did you mean 'mit-6.7960-fa25'" in line
        r = run("check", "nowhere/course.yaml")
        assert r.exit_code == 1 and "nowhere/course.yaml" in r.stderr and len(r.stderr.strip().splitlines()) == 1

    def test_library_errors(self, g: KnowledgeGraph) -> None:
        with pytest.raises(NotFound):
            A.check(g, "no-such-course")
        with pytest.raises(DataError):
            A.load_course_file(g, "/nonexistent/course.yaml")


def test_real_process(tmp_path: Path) -> None:
    course = tmp_path / "c.yaml"
    course.write_text("id: c\nname: C\nlectures:\n  - title: Backprop\n    covers: [backpropagation]\n"
                      "  - title: Chain rule\n    covers: [chain-rule]\n")
    proc = kg_process("check", str(course), "--strict")
    assert proc.returncode == 1, proc.stderr
    assert "backpropagation needs chain-rule (taught later, at #2)" in proc.stdout
    proc = kg_process("diff", FA22, FA25, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert "geometric-deep-learning" in [t["id"] for t in json.loads(proc.stdout)["dropped"]]


class TestCompareAndDiff:
    def test_diff_mit(self, run: Any, g: KnowledgeGraph) -> None:
        r = run("diff", FA22, FA25, "--format", "json")
        assert r.exit_code == 0, r.stderr
        d = json.loads(r.stdout)
        old, new = first_lectures(g, FA22), first_lectures(g, FA25)
        assert "geometric-deep-learning" in old and "geometric-deep-learning" not in new
        assert {t["id"] for t in d["dropped"]} == set(old) - set(new)
        assert {t["id"] for t in d["added"]} == set(new) - set(old)
        assert "geometric-deep-learning" in {t["id"] for t in d["dropped"]}
        assert d["kept"] == len(set(old) & set(new))
        assert -1 <= d["tau"] <= 1
        text = run("diff", FA22, FA25).stdout
        assert "geometric-deep-learning" in text and "Dropped" in text

    def test_compare_tau_symmetric(self, run: Any) -> None:
        ab = json.loads(run("compare", FA22, FA25, "--format", "json").stdout)["pairs"][0]
        ba = json.loads(run("compare", FA25, FA22, "--format", "json").stdout)["pairs"][0]
        assert -1 <= ab["tau"] <= 1 and ab["tau"] == ba["tau"]
        assert ab["only_a"] == ba["only_b"] and ab["shared"] == ba["shared"]

    def test_compare_many(self, run: Any, g: KnowledgeGraph) -> None:
        ids = g.course_ids()
        r = run("compare", *ids, "--format", "json")
        data = json.loads(r.stdout)
        assert len(data["pairs"]) == len(ids) * (len(ids) - 1) // 2
        # taught in a lecture, or in a discussion section or tutorial
        sessions = A.course_sessions(g, ids)
        common = set.intersection(*(set(first_lectures(g, c)) | sessions.get(c, set()) for c in ids))
        assert set(data["shared_by_all"]) == common
        # the four deep learning courses all teach transformers and backprop
        dl = ["mit-6.7960-fa25", "mit-6.s898-fa22", "berkeley-cs182-fa25", "bu-deep-learning"]
        data = json.loads(run("compare", *dl, "--format", "json").stdout)
        sessions = A.course_sessions(g, dl)
        common = set.intersection(*(set(first_lectures(g, c)) | sessions.get(c, set()) for c in dl))
        assert set(data["shared_by_all"]) == common and "transformers" in common
        assert "backpropagation" in common  # Berkeley teaches it in discussion 2
        text = run("compare", *ids).stdout
        assert max(len(line) for line in text.splitlines()) <= 80

    def test_compare_errors(self, run: Any) -> None:
        r = run("compare", FA22)
        assert r.exit_code == 1 and "at least two courses" in r.stderr
        r = run("compare", FA22, "mit-6.s898")
        assert "did you mean" in r.stderr
        r = run("compare", FA22, FA22)
        assert "given twice" in r.stderr


class TestCoverageCommand:
    def test_csv(self, run: Any, g: KnowledgeGraph) -> None:
        r = run("coverage", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        assert rows and set(rows[0]) == {"topic", "label", *g.course_ids()}
        by_topic = {row["topic"]: row for row in rows}
        lectures = g.course(FA25)["lectures"]
        n_transformers = sum("transformers" in lec["covers"] for lec in lectures)
        assert int(by_topic["transformers"][FA25]) == n_transformers > 0

    def test_json_and_text(self, run: Any, dl_graph: Any) -> None:
        data = json.loads(run("coverage", "--format", "json").stdout)
        assert {c["id"] for c in data["courses"]} == set(KnowledgeGraph.open().course_ids())
        # the four deep learning courses all open with deep learning
        assert A.coverage(dl_graph)["topics"][0]["id"] == "deep-learning"
        text = run("coverage").stdout
        assert max(len(line) for line in text.splitlines()) <= 80

    def test_svg(self, run: Any, tmp_path: Path) -> None:
        out = tmp_path / "cov.svg"
        r = run("coverage", "--format", "svg", "-o", str(out))
        assert r.exit_code == 0 and "wrote" in r.stdout
        ET.fromstring(out.read_text())

    def test_png(self, run: Any, tmp_path: Path) -> None:
        pytest.importorskip("matplotlib")
        out = tmp_path / "cov.png"
        assert run("coverage", "--format", "png", "-o", str(out)).exit_code == 0
        assert out.read_bytes().startswith(b"\x89PNG")

    def test_bad_output(self, run: Any, tmp_path: Path) -> None:
        r = run("coverage", "--format", "svg", "-o", str(tmp_path / "no" / "dir.svg"))
        assert r.exit_code == 1 and "does not exist" in r.stderr


class TestEvidenceCommand:
    def test_edge(self, run: Any, g: KnowledgeGraph) -> None:
        data = json.loads(run("evidence", "backprop", "chain-rule", "--format", "json").stdout)
        assert (data["topic"], data["prerequisite"], data["edge"], data["stored"]) == (
            "backpropagation", "chain-rule", True, True)
        assert data["reason"].startswith("Backprop is the chain rule")
        want = C.order_evidence(A.course_lectures(g), "backpropagation", "chain-rule")
        assert data["counts"] == want["counts"]
        assert [(c["course"], c["ordering"]) for c in data["courses"]] == [
            (c["course"], c["ordering"]) for c in want["courses"]]

    def test_reversed_and_no_edge(self, run: Any) -> None:
        data = json.loads(run("evidence", "chain-rule", "backprop", "--format", "json").stdout)
        assert data["swapped"] and data["topic"] == "backpropagation"
        data = json.loads(run("evidence", "lora", "transformers", "--format", "json").stdout)
        assert data["edge"] is False and data["counts"]["before"] >= 1

    def test_table_and_errors(self, run: Any) -> None:
        rows = json.loads(run("evidence", "--limit", "5", "--format", "json").stdout)
        assert len(rows) == 5 and rows[0]["after"] >= rows[-1]["after"]
        assert run("evidence", "backprop").exit_code == 2
        r = run("evidence", "backprop", "backpropagation")
        assert r.exit_code == 1 and "two different topics" in r.stderr
        assert "did you mean" in run("evidence", "backprp", "chain-rule").stderr

    def test_table_lists_every_edge(self, run: Any, g: KnowledgeGraph) -> None:
        # `--limit 0` is every edge (the shipped query stops at 1,000), in its order.
        rows = json.loads(run("evidence", "--limit", "0", "--format", "json").stdout)
        assert len(rows) == len(list(g.requires_edges()))
        shipped = g.select(get("prerequisite-evidence").render())
        assert [(r["topic"], r["prerequisite"], r["after"]) for r in rows] == [
            (V.local_id(r["topic"]), V.local_id(r["prerequisite"]), int(r["after"])) for r in shipped]


class TestSuggestCommand:
    def test_json(self, run: Any, g: KnowledgeGraph) -> None:
        data = json.loads(run("suggest", "--min-courses", "3", "--limit", "0", "--format", "json").stdout)
        G = nx.DiGraph((b, a) for a, b in g.requires_edges())
        assert data["suggestions"] and data["total"] == len(data["suggestions"])
        firsts = {c: first_lectures(g, c) for c in g.course_ids()}
        for s in data["suggestions"]:
            t, p = s["topic"], s["prerequisite"]
            assert not (p in G and t in G and (nx.has_path(G, p, t) or nx.has_path(G, t, p)))
            agree = [c for c, f in firsts.items() if p in f and t in f and f[p] < f[t]]
            assert len(agree) == s["courses"] >= 3
            assert 'reason: "TODO: reason"' in s["yaml"] and f"- topic: {p}" in s["yaml"]
            assert s["file"] and s["file"].startswith("data/topics/") or s["file"] is None
        keys = [(-s["courses"], -s["consistency"]) for s in data["suggestions"]]
        assert keys == sorted(keys)

    def test_text(self, run: Any) -> None:
        r = run("suggest", "--limit", "3")
        assert r.exit_code == 0 and "TODO: reason" in r.stdout and " 3. " in r.stdout
        assert max(len(line) for line in r.stdout.splitlines()) <= 80

    def test_single_course_graph(self, run: Any, mini: Path, cache: Path) -> None:
        r = run("suggest", data=mini)
        assert r.exit_code == 0 and r.stdout.startswith("No suggestions")


class TestShapes:
    def test_bad_evidence_is_a_violation(self, mini: Path, cache: Path) -> None:
        from kg.build.validate import validate

        e = V.evidence_iri("backpropagation", "chain-rule", "c1")
        (mini / "extra.ttl").write_text(f'<{e}> <{V.KG.ordering}> "sometimes" .\n')
        report = validate(mini)
        assert any("kg:ordering" in v for v in report.violations), report.violations

    def test_mini_graph_is_valid(self, mini: Path, cache: Path) -> None:
        from kg.build.validate import validate

        report = validate(mini)
        assert report.ok, report.violations


def test_usage_errors_are_kg_errors(g: KnowledgeGraph) -> None:
    with pytest.raises(UsageError):
        A.compare(g, [FA22])
    with pytest.raises(UsageError):
        A.suggest(g, min_courses=0)
