"""`kg known`: a profile in the config directory that path, next and order use; the
same JSON the learner's app exports. `kg publish`: the static site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.profile import FORMAT, Profile, load, profile_path

from .conftest import kg_process


@pytest.fixture(autouse=True)
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    monkeypatch.setenv("KG_CONFIG_DIR", str(path))
    return path


def steps(out: str) -> list[str]:
    return [s["id"] for s in json.loads(out)["steps"]]


def test_add_list_remove_clear(run, config):
    assert "no known topics yet" in run("known", "list").output
    r = run("known", "add", "backprop", "Linear algebra")
    assert r.exit_code == 0 and "+2" in r.output
    assert profile_path() == config / "profile.json"
    doc = json.loads((config / "profile.json").read_text())
    assert doc["format"] == FORMAT and doc["known"] == ["backpropagation", "linear-algebra"]
    listed = run("known", "list").output
    assert any(line.split()[:2] == ["backpropagation", "Backpropagation"] for line in listed.splitlines())
    assert json.loads(run("known", "list", "--format", "json").output)["known"] == ["backpropagation", "linear-algebra"]
    assert run("known", "add", "backprop").output.startswith("known: +0")
    assert "removed 1" in run("known", "remove", "backprop").output
    assert load().known == ["linear-algebra"]
    assert run("known", "clear", "--yes").exit_code == 0
    assert load().known == []


def test_errors_are_one_line_and_change_nothing(run, tmp_path):
    run("known", "add", "calculus")
    before = (profile_path()).read_bytes()
    r = run("known", "add", "calculus", "no-such-topic")
    assert r.exit_code == 1 and "unknown topic 'no-such-topic'" in r.stderr and "Traceback" not in r.stderr
    r = run("known", "remove", "backprop")
    assert r.exit_code == 1 and "not" not in r.stdout and "'backprop'" in r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "kg-progress",\n "known": [1]}')
    r = run("known", "import", str(bad))
    assert r.exit_code == 1 and r.stderr.strip() == f"Error: {bad}: 'known' must be a list of topic ids"
    bad.write_text("{\n oops")
    r = run("known", "import", str(bad))
    assert r.exit_code == 1 and f"{bad}:2: not JSON" in r.stderr
    bad.write_text('{"known": []}')
    assert "not a kg progress file" in run("known", "import", str(bad)).stderr
    assert profile_path().read_bytes() == before


def test_path_next_order_use_the_profile(run):
    plain = steps(run("path", "-", "transformers", "--format", "json").output)
    run("known", "add", "backprop", "linear-algebra")
    with_profile = json.loads(run("path", "-", "transformers", "--format", "json").output)
    assert set(with_profile["known"]) == {"backpropagation", "linear-algebra"}
    assert "backpropagation" not in steps(json.dumps(with_profile)) and len(with_profile["steps"]) < len(plain)
    assert steps(run("path", "-", "transformers", "--format", "json", "--no-profile").output) == plain
    # --known adds to the profile
    more = steps(run("path", "-", "transformers", "--format", "json", "--known", "attention").output)
    assert "attention" not in more and len(more) < len(with_profile["steps"])
    nxt = json.loads(run("next", "--format", "json").output)
    assert set(nxt["known"]) == {"backpropagation", "linear-algebra"}
    assert {n["id"] for n in nxt["next"]}.isdisjoint({"backpropagation", "linear-algebra", "calculus"})
    full = json.loads(run("order", "--format", "json", "--no-profile").output)["order"]
    mine = json.loads(run("order", "--format", "json").output)["order"]
    ids = [o["id"] for o in mine]
    assert "backpropagation" not in ids and "linear-algebra" not in ids and len(mine) < len(full)
    assert ids == [o["id"] for o in full if o["id"] in set(ids)]


def test_export_import_round_trip(run, tmp_path):
    run("known", "add", "calculus", "attention")
    out = tmp_path / "p.json"
    assert run("known", "export", "-o", str(out)).exit_code == 0
    doc = json.loads(out.read_text())
    assert doc == json.loads(run("known", "export").output)
    assert Profile.from_json(doc, "x").known == ["attention", "calculus"]
    run("known", "clear", "--yes")
    doc["known"].append("not-in-this-graph")
    doc["skipped"] = ["softmax"]
    out.write_text(json.dumps(doc))
    r = run("known", "import", str(out))
    assert "left out 1 not in this graph: not-in-this-graph" in r.output
    p = load()
    assert p.known == ["attention", "calculus"] and p.skipped == ["softmax"]
    run("known", "add", "probability")
    other = tmp_path / "q.json"
    other.write_text(json.dumps({"format": FORMAT, "version": 1, "known": ["softmax"]}))
    run("known", "import", "--replace", str(other))
    assert load().known == ["softmax"]


def test_a_real_process_reads_the_env_override(tmp_path, config):
    r = kg_process("known", "add", "calculus", env={"KG_CONFIG_DIR": str(config)})
    assert r.returncode == 0, r.stderr
    assert json.loads((config / "profile.json").read_text())["known"] == ["calculus"]


def test_publish_writes_the_site(run, tmp_path):
    site = tmp_path / "site"
    r = run("publish", str(site), "--format", "json")
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.output)
    assert set(rec["files"]) == {"index.html", "dump.ttl", "dump.nt", "dump.jsonld"}
    html = (site / "index.html").read_text()
    assert '<meta name="generator" content="kg publish' in html and "default-src &#x27;none&#x27;" in html
    assert "https://" not in html.split('id="kg-data"')[0]  # nothing loaded from elsewhere
    assert run("publish", str(site)).exit_code == 0  # an earlier publish may be replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    r = run("publish", str(other))
    assert r.exit_code == 1 and "holds other files (notes.txt)" in r.stderr
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
