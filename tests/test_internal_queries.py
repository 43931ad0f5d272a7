"""kg's own queries (kg/queries/internal/*.rq): each one is used, each one used exists,
each parses once its parameters are bound, and no Python module writes SPARQL inline."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import vocab as V
from kg.queries import internal_text, render_internal

ROOT = Path(__file__).resolve().parent.parent
INTERNAL = ROOT / "kg" / "queries" / "internal"
NAMES = sorted(p.stem for p in INTERNAL.glob("*.rq"))
# Modules whose SPARQL has moved to .rq files (importer and the web resource pages are
# still to follow).
MOVED = [
    "graph.py", "backends.py", "plan.py", "analytics.py", "build/validate.py", "sparql.py",
    "viz/build.py", "viz/views.py", "viz/layout.py", "viz/page.py", "viz/view.py", "viz/style.py",
    "learner/data.py", "learner/site.py", "learner/web.py", "profile.py",
]


def _python() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in ROOT.joinpath("kg").rglob("*.py"))


def test_every_query_is_used_and_every_used_query_exists() -> None:
    code = _python()
    used = set(re.findall(r"""\b(?:run|run_ask|render_internal)\(\s*["']([a-z0-9-]+)["']""", code))
    used |= set(re.findall(r"""["']([a-z0-9]+(?:-[a-z0-9]+)+)["']""", code)) & set(NAMES)
    # A lookup (KnowledgeGraph.run_lookup) runs NAME or, for a long list, NAME-bulk.
    used |= {f"{u}-bulk" for u in re.findall(r"""\brun_lookup(?:_rows)?\(\s*["']([a-z0-9-]+)["']""", code)}
    assert sorted(set(NAMES) - used) == [], "internal queries nothing runs"
    assert sorted(u for u in used if u not in NAMES) == [], "queries run but not shipped"


@pytest.mark.parametrize("name", NAMES)
def test_query_parses_with_bound_parameters(name: str) -> None:
    text = internal_text(name)
    params = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))
    topic = ox.NamedNode(V.topic_iri("a"))
    bindings: dict[str, object] = {
        p: [topic, ox.NamedNode(V.topic_iri("b"))] if p.endswith("s") else (ox.Literal("a") if p == "name" else topic)
        for p in params
    }
    ox.Store().query(render_internal(name, **bindings), prefixes=V.PREFIXES)


def test_a_literal_cannot_break_out() -> None:
    rendered = render_internal("topic-by-name", name=ox.Literal('x" } ; DROP ALL ; { "'))
    assert "DROP ALL" in rendered  # still there, but inside one escaped literal:
    ox.Store().query(rendered, prefixes=V.PREFIXES)
    with pytest.raises(TypeError, match="must be a pyoxigraph term"):
        render_internal("topic-by-name", name="x")


@pytest.mark.parametrize("module", MOVED)
def test_no_inline_sparql(module: str) -> None:
    text = (ROOT / "kg" / module).read_text(encoding="utf-8")
    assert not re.search(r"\b(SELECT|ASK|CONSTRUCT)\b[^\n]*\bWHERE\b", text), module
