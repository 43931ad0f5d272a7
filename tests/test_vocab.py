"""kg.vocab against ontology/kg.ttl: the term list and the ontology say the same thing,
every kg: term the code or the queries use is declared, and a misspelt term fails."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import vocab as V

ROOT = Path(__file__).resolve().parent.parent
_DECLARING = {V.OWL.Class, V.RDFS.Class, V.RDF.Property, V.OWL.ObjectProperty, V.OWL.DatatypeProperty}


def _declared() -> set[str]:
    store = ox.Store()
    store.load(path=str(ROOT / "ontology" / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    out = set()
    for quad in store.quads_for_pattern(None, ox.NamedNode(V.RDF.type), None):
        if quad.object.value in _DECLARING and isinstance(quad.subject, ox.NamedNode):
            out.add(quad.subject.value)
    return out


def test_kg_terms_are_the_ontology_terms() -> None:
    declared = {iri for iri in _declared() if iri.startswith(V.ONTOLOGY)}
    assert declared, "ontology/kg.ttl declares no kg: terms"
    terms = set(V.KG)
    assert sorted(terms - declared) == [], "in kg/vocab.py but not declared in ontology/kg.ttl"
    assert sorted(declared - terms) == [], "declared in ontology/kg.ttl but missing from kg/vocab.py"


def _used_kg_terms() -> dict[str, set[str]]:
    """Every ``kg:name`` (in SPARQL, Turtle) and ``KG.name`` (in Python) in kg's sources."""
    used: dict[str, set[str]] = {}
    files = [*ROOT.joinpath("kg").rglob("*.py"), *ROOT.joinpath("kg", "queries").rglob("*.rq"),
             ROOT / "ontology" / "shapes.ttl"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"(?<![\w/.#])kg:([A-Za-z][A-Za-z0-9]*)", text))
        if path.suffix == ".py" and path.name != "vocab.py":  # its docstring shows a typo
            names |= set(re.findall(r"\bKG\.([A-Za-z][A-Za-z0-9]*)\b", text)) - {"base"}
        for name in names:
            used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return used


def test_every_kg_term_used_is_declared() -> None:
    used = _used_kg_terms()
    assert {"Topic", "requires", "covers"} <= set(used)
    known = {iri[len(V.ONTOLOGY):] for iri in V.KG}
    unknown = {name: sorted(where) for name, where in used.items() if name not in known}
    assert unknown == {}


def test_a_misspelt_term_fails_at_run_time() -> None:
    with pytest.raises(AttributeError, match="Topik"):
        V.KG.Topik  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(KeyError):
        V.KG["Topik"]
    assert V.KG["Topic"] == V.KG.Topic == V.ONTOLOGY + "Topic"
    assert V.KG.Topic in V.KG and V.SKOS.broader not in V.KG


def test_a_misspelt_term_fails_mypy(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from kg.vocab import KG\n\nok: str = KG.Topic\nbad: str = KG.Topik\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent", str(probe)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'has no attribute "Topik"' in proc.stdout
    assert "probe.py:3" not in proc.stdout


def test_no_namespace_iri_outside_vocab() -> None:
    bases = [V.ONTOLOGY, V.ID, *(ns.base for ns in (V.SCHEMA, V.SKOS, V.DCTERMS, V.PROV, V.RDF, V.RDFS, V.OWL, V.XSD, V.SH, V.VOID))]
    hits = []
    for path in ROOT.joinpath("kg").rglob("*.py"):
        if path.name == "vocab.py":
            continue
        text = path.read_text(encoding="utf-8")
        # Doctests may show a full IRI as the expected output.
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith((">>>", "...")))
        hits += [f"{path.relative_to(ROOT)}: {b}" for b in bases if b in code]
    assert hits == []


def test_every_term_a_query_uses_is_in_the_vocabulary() -> None:
    """kg's queries (shipped and internal) name only terms kg.vocab lists."""
    spaces = {"kg": V.KG, "schema": V.SCHEMA, "skos": V.SKOS, "dcterms": V.DCTERMS, "prov": V.PROV,
              "rdf": V.RDF, "rdfs": V.RDFS, "owl": V.OWL, "xsd": V.XSD}
    unknown = set()
    for path in ROOT.joinpath("kg", "queries").rglob("*.rq"):
        body = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
        for prefix, name in re.findall(r"(?<![\w<])(" + "|".join(spaces) + r"):([A-Za-z][A-Za-z0-9]*)", body):
            if spaces[prefix].base + name not in spaces[prefix]:
                unknown.add(f"{path.name}: {prefix}:{name}")
    assert sorted(unknown) == []
