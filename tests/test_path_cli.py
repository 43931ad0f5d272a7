"""`kg path` and its neighbours on the shipped graph and on small graphs a test writes."""

from __future__ import annotations

import json

from .conftest import kg_process


def steps(data: dict) -> list[str]:
    return [s["id"] for s in data["steps"]]


def test_backprop_to_transformers(run):
    result = run("path", "backprop", "transformers", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["from"] == "backpropagation" and data["to"] == "transformers"
    ids = steps(data)
    assert ids[-1] == "transformers"
    assert {"attention", "self-attention", "positional-encoding"} <= set(ids)
    # what backprop already implies is not repeated
    assert not {"backpropagation", "chain-rule", "calculus"} & set(ids)
    # every step comes after its prerequisites
    pos = {t: i for i, t in enumerate(ids)}
    from kg.graph import KnowledgeGraph

    edges = list(KnowledgeGraph.open().requires_edges())
    assert all(pos[b] < pos[a] for a, b in edges if a in pos and b in pos)
    for s in data["steps"][:-1]:
        assert s["needed_for"] and all(n["reason"] for n in s["needed_for"])
    tf = data["steps"][-1]
    assert {"lectures", "chapters", "readings"} <= set(tf)
    assert any(lec["course"] == "berkeley-cs182-fa25" for lec in tf["lectures"])
    assert any(c["number"] == 12 for c in tf["chapters"])


def test_path_is_deterministic(run):
    first = run("path", "backprop", "transformers", "--format", "json").stdout
    assert all(run("path", "backprop", "transformers", "--format", "json").stdout == first for _ in range(2))


def test_text_fits_80_columns(run):
    text = run("path", "backprop", "transformers").stdout
    assert text.startswith("Plan to reach transformers from backpropagation:")
    assert max(len(line) for line in text.splitlines()) <= 80


def test_markdown(run):
    md = run("path", "sgd", "lora", "--format", "markdown").stdout
    assert md.startswith("# Plan to reach lora from stochastic-gradient-descent")
    assert "## " in md and "- lecture: " in md


def test_known_removes_topics(run, tmp_path):
    full = steps(json.loads(run("path", "backprop", "transformers", "--format", "json").stdout))
    fewer = steps(json.loads(run("path", "backprop", "transformers", "--known", "attention", "--format", "json").stdout))
    assert "attention" not in fewer and "dot-product" not in fewer and len(fewer) < len(full)
    f = tmp_path / "known.txt"
    f.write_text("# what I know\nattention\n\n")
    from_file = steps(json.loads(run("path", "backprop", "transformers", "--known-file", str(f), "--format", "json").stdout))
    assert from_file == fewer


def test_from_not_on_the_way(run):
    data = json.loads(run("path", "gan", "lstm", "--format", "json").stdout)
    assert "not a prerequisite" in data["note"]
    assert steps(data)[-1] == "lstm"


def test_same_topic_and_unknown(run):
    same = run("path", "backprop", "Backpropagation")
    assert same.exit_code == 1 and "same topic" in same.stderr
    unknown = run("path", "backprop", "transfomers")
    assert unknown.exit_code == 1 and "did you mean" in unknown.stderr and "transformers" in unknown.stderr


def test_target_already_known(run):
    data = json.loads(run("path", "backprop", "chain-rule", "--format", "json").stdout)
    assert data["steps"] == [] and "nothing to learn" in data["note"]


def test_prereqs_needed_for_next_order(run):
    pre = json.loads(run("prereqs", "transformers", "--format", "json").stdout)
    assert pre["prerequisites"] and all(p["distance"] >= 1 for p in pre["prerequisites"])
    direct = json.loads(run("prereqs", "transformers", "--depth", "1", "--format", "json").stdout)
    assert {p["distance"] for p in direct["prerequisites"]} == {1}
    unlocks = json.loads(run("needed-for", "chain-rule", "--format", "json").stdout)
    assert "backpropagation" in {d["id"] for d in unlocks["dependents"]}
    nxt = json.loads(run("next", "--known", "derivatives", "--format", "json").stdout)
    assert nxt["next"] and "chain-rule" in {t["id"] for t in nxt["next"]}
    counts = [t["unlocks"] for t in nxt["next"]]
    assert counts == sorted(counts, reverse=True)
    order = json.loads(run("order", "--course", "bu-deep-learning", "--format", "json").stdout)
    ids = [t["id"] for t in order["order"]]
    assert len(ids) == len(set(ids)) and "backpropagation" in ids
    bad = run("order", "--course", "bu-deep-learning", "gan")
    assert bad.exit_code == 1 and "either --course or topics" in bad.stderr


def test_path_on_user_data_with_turtle_edges(run, mini, cache):
    # an edge added as plain Turtle changes the plan: the graph is the source of truth
    (mini / "topics" / "extra.yaml").write_text(
        "topics:\n  - id: linear-algebra\n    label: Linear algebra\n    definition: Vectors.\n"
    )
    (mini / "extra.ttl").write_text(
        "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
        "<https://w3id.org/coursekg/id/topic/backpropagation> kg:requires <https://w3id.org/coursekg/id/topic/linear-algebra> .\n"
    )
    data = json.loads(run("path", "calculus", "backprop", "--format", "json", data=mini).stdout)
    assert steps(data)[-1] == "backpropagation"
    assert set(steps(data)) == {"chain-rule", "linear-algebra", "backpropagation"}


def test_path_as_a_process():
    proc = kg_process("path", "backprop", "transformers")
    assert proc.returncode == 0, proc.stderr
    assert "Plan to reach transformers" in proc.stdout and proc.stderr == ""


def test_path_does_not_load_rdflib():
    # kg path runs kg's own queries: rdflib's SPARQL parser (user-query checking) costs
    # start-up time it must not pay. -X importtime lists every module loaded.
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kg", "path", "backprop", "transformers"],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "networkx" in loaded and "click" in loaded
    assert not {m for m in loaded if m == "rdflib" or m.startswith(("rdflib.", "pyparsing"))}
