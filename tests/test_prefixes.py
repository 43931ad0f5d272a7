"""Every id kg prints is a prefixed name that a query accepts as it is, and a bad
prefixed name is reported on one line."""

from __future__ import annotations

import re

import pytest
import rdflib

from kg import vocab as V


def printed_ids(text: str) -> list[str]:
    return re.findall(r"(?<![\w:])kg[a-z]*:(?:[\w.:-]|\\.)+", text)


def test_printed_ids_paste_back(run):
    table = run(
        "query",
        "SELECT ?x WHERE { { ?x a kg:Topic } UNION { ?x a kg:Course } UNION { ?x a kg:Lecture }"
        " UNION { ?x a kg:Chapter } UNION { ?x a kg:Reading } UNION { ?x a kg:Book } } ORDER BY ?x",
        "--max-rows", "100000",
    ).stdout
    ids = printed_ids(table)
    kinds = {i.split(":", 1)[0] for i in ids}
    assert {"kgtopic", "kgcourse", "kgbook", "kgreading"} <= kinds
    assert "kgtopic:backpropagation" in ids and "kgcourse:mit-6.7960-fa25" in ids
    lecture = "<https://w3id.org/coursekg/id/course/mit-6.7960-fa25/lecture/3>"
    assert lecture in table
    ids.append(lecture)
    # One query with every printed id pasted in: each names a resource in the graph.
    values = " ".join(ids)
    result = run("query", f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?x {{ {values} }} ?x a ?c }}", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert int(result.stdout.split()[-1]) == len(set(ids))


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        (V.topic_iri("backpropagation"), "kgtopic:backpropagation"),
        (V.course_iri("mit-6.7960-fa25"), "kgcourse:mit-6.7960-fa25"),
        (V.reading_iri("attention"), "kgreading:attention"),
        (V.chapter_iri("d2l", 7), "<https://w3id.org/coursekg/id/book/d2l/chapter/7>"),
        (V.person_iri("ann-lee"), "kgperson:ann-lee"),
        (V.org_iri("mit"), "kgorg:mit"),
        (V.KG.requires, "kg:requires"),
        (V.SKOS.Concept, "skos:Concept"),
        (V.ID + "scheme/topics", "<https://w3id.org/coursekg/id/scheme/topics>"),
        (V.topic_iri("-lead"), "<https://w3id.org/coursekg/id/topic/-lead>"),
        (V.topic_iri("a.b-c"), "kgtopic:a.b-c"),
        ("http://example.org/a b", "<http://example.org/a b>"),
    ],
)
def test_curie(iri, short):
    assert V.curie(iri) == short


def test_curie_round_trips_through_a_parser():
    iris = [V.lecture_iri("a.b-c", 12), V.topic_iri("x.y"), V.topic_iri("-lead"), V.course_iri("mit-6.7960-fa25")]
    prologue = "".join(f"@prefix {p}: <{b}> .\n" for p, b in V.PREFIXES.items())
    ttl = prologue + "".join(f"{V.curie(i)} a {V.curie(V.KG.Topic)} .\n" for i in iris)
    parsed = {str(s) for s in rdflib.Graph().parse(data=ttl, format="turtle").subjects()}
    assert parsed == set(iris)


def test_export_uses_kind_prefixes(run):
    ttl = run("export", "--format", "ttl").stdout
    assert "@prefix kgtopic: <https://w3id.org/coursekg/id/topic/>" in ttl
    assert "kgtopic:backpropagation" in ttl
    assert len(rdflib.Graph().parse(data=ttl, format="turtle")) > 1000


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { kgid:course/mit-6.7960-fa25 ?p ?o }", 'kgid:course/mit-6.7960-fa25 is not a prefixed name'),
        ("SELECT * WHERE { ?s foo:bar ?o }", "unknown prefix 'foo:'"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT x", "error at 1:"),
        ("SELECT * WHERE { ?s ?p ?o", "error at 1:"),
    ],
)
def test_bad_names_are_one_clean_line(run, query, expected):
    result = run("query", query)
    assert result.exit_code != 0
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "\\u{" not in result.stderr and "..=" not in result.stderr
