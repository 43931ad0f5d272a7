"""The build cache: reuse when nothing changed, rebuild when a source did, merge *.ttl."""

from __future__ import annotations

import json

import pyoxigraph as ox

from kg.graph import KnowledgeGraph
from kg.build.store import build_store, fingerprint


def test_second_open_reuses_cache(mini, cache):
    first = KnowledgeGraph.open(mini)
    assert first.rebuilt and first.cache_path is not None
    second = KnowledgeGraph.open(mini)
    assert not second.rebuilt
    assert second.cache_path == first.cache_path
    assert len(second) == len(first)


def test_changed_source_rebuilds_and_prunes(mini, cache):
    old = KnowledgeGraph.open(mini)
    path = mini / "topics" / "t.yaml"
    path.write_text(path.read_text().replace("Rates of change.", "How things change."))
    new = KnowledgeGraph.open(mini)
    assert new.rebuilt and new.cache_path != old.cache_path
    assert new.topic("calculus")["definition"] == "How things change."
    assert not old.cache_path.exists(), "the stale build of the same data dir is removed"


def test_fingerprint_sees_new_files(mini):
    before = fingerprint(mini)
    (mini / "extra.ttl").write_text("")
    assert fingerprint(mini) != before


def test_turtle_files_are_merged(mini, cache):
    (mini / "extra.ttl").write_text(
        "@prefix kg: <https://w3id.org/coursekg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/coursekg/id/topic/calculus> skos:altLabel \"calc\"@en .\n"
    )
    kg = KnowledgeGraph.open(mini)
    assert kg.manifest["turtle_files"] == ["extra.ttl"]
    assert kg.resolve_topic("calc") == "calculus"


def test_force_rebuild(mini, cache):
    KnowledgeGraph.open(mini)
    again = KnowledgeGraph.open(mini, rebuild=True)
    assert again.rebuilt
    assert len(again) > 0


def test_manifest_counts(mini, cache):
    built = build_store(mini)
    m = json.loads((built.path / "manifest.json").read_text())
    assert m["topics"] == 3 and m["courses"] == 1 and m["lectures"] == 2
    assert m["triples"] == len(built.store)


def test_unwritable_cache_falls_back_to_memory(mini, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker))
    kg = KnowledgeGraph.open(mini)
    assert kg.cache_path is None
    assert kg.resolve_topic("BACKPROP") == "backpropagation"


def test_store_is_read_only_when_cached(mini, cache):
    KnowledgeGraph.open(mini)
    kg = KnowledgeGraph.open(mini)
    try:
        kg.store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b"), ox.Literal("c")))
    except (OSError, RuntimeError):
        pass
    else:  # pragma: no cover - would mean a user query could change the cache
        raise AssertionError("cached store accepted a write")


def _settle(*dirs):
    """Date every file under ``dirs`` a minute back, as if edited long ago (a stamp is
    only trusted for files that have not changed within the last seconds)."""
    import os
    import time

    past = time.time_ns() - 60_000_000_000
    for d in dirs:
        for p in [d, *d.rglob("*")]:
            os.utime(p, ns=(past, past))


def test_cache_key_is_the_fingerprint_and_sees_same_size_edits(mini, cache):
    from kg.build.store import cache_key

    _settle(mini)
    key = cache_key(mini)
    assert key == fingerprint(mini)
    assert list((cache / "stamps").glob("*.json")), "a settled data dir leaves a stamp"
    assert cache_key(mini) == key  # from the stamp
    path = mini / "topics" / "t.yaml"
    text = path.read_text()
    path.write_text(text.replace("Rates of change.", "Rates of chanGE."))  # same size
    _settle(mini)
    assert cache_key(mini) == fingerprint(mini) != key
    (mini / "extra.ttl").write_text("")
    _settle(mini)
    assert cache_key(mini) == fingerprint(mini)


def test_cache_key_sees_build_code_changes(mini, cache, monkeypatch):
    # The stamp stats kg's own build modules: a changed module, or a module kg/build
    # has that the stamp does not list, computes the key afresh.
    from kg.build import store as S

    _settle(mini)
    key = S.cache_key(mini)
    stamp_file = next((cache / "stamps").glob("*.json"))
    stamp = json.loads(stamp_file.read_text())
    assert "build/store.py" in stamp["code"] and "errors.py" in stamp["code"]
    real = S._stat
    monkeypatch.setattr(S, "_hash", lambda files: "computed")

    def edited(path):
        st = real(path)
        return [st[0], st[1] + 1, st[2] + 1, st[3]] if st and path.name == "rdf.py" else st

    monkeypatch.setattr(S, "_stat", edited)
    assert S.cache_key(mini) == "computed"
    monkeypatch.setattr(S, "_stat", real)
    stamp_file.write_text(json.dumps(stamp))
    assert S.cache_key(mini) == key  # the stamp as it was: no file read
    stamp["code"].remove("build/rdf.py")
    stamp["stats"] = stamp["stats"][: len(stamp["listed"])] + [
        real(S.package_dir() / name) for name in stamp["code"]
    ]
    stamp_file.write_text(json.dumps(stamp))
    assert S.cache_key(mini) == "computed"  # kg/build has a module the stamp lacks
    stamp_file.write_text("{not json")
    assert S.cache_key(mini) == "computed"


def test_open_fresh_never_builds(mini, cache):
    """The store opened ahead of need (`kg path` opens it while networkx imports) is
    only ever a fresh cached one; otherwise the usual open builds it and reports."""
    from kg.cli.common import State

    assert KnowledgeGraph.open_fresh(mini) is None  # nothing built yet: no build here
    assert not (cache / "graphs").exists() or not any((cache / "graphs").iterdir())
    state = State(data=mini)
    state.open_ahead()
    built = state.kg  # not fresh: opened the usual way, which builds
    fresh = KnowledgeGraph.open_fresh(mini)
    assert fresh is not None and sorted(fresh.topic_ids()) == sorted(built.topic_ids())
    (mini / "topics" / "extra.yaml").write_text("topics:\n  - id: extra-topic\n    label: Extra topic\n    definition: A topic added later.\n")
    assert KnowledgeGraph.open_fresh(mini) is None  # a source changed: stale
    state = State(data=mini)
    state.open_ahead()
    assert "extra-topic" in set(state.kg.topic_ids())
    assert KnowledgeGraph.open_fresh(mini / "nope") is None
