"""`kg path` prints a plan a step at a time: what it prints is what the whole plan's
views give, in every format, and the text view's word packing is textwrap's."""

from __future__ import annotations

import random
import textwrap

import pytest

from kg.cli.output import fill, render, to_json
from kg.graph import KnowledgeGraph
from kg.plan import plan, plan_stream

GOALS = [
    (None, "transformers", []),
    ("backprop", "transformers", []),
    ("sgd", "lora", ["attention"]),
    (None, "rlhf", []),
]


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.parametrize("from_, to, known", GOALS)
def test_printed_plan_is_the_whole_plans_view(run, fmt: str, from_: str | None, to: str, known: list[str]) -> None:
    args = ["path", from_ or "-", to, "--no-profile", "--format", fmt]
    for k in known:
        args += ["--known", k]
    result = run(*args)
    assert result.exit_code == 0, result.output
    whole = plan(KnowledgeGraph.open(), from_, to, known)
    assert len(whole["steps"]) > 3
    if fmt == "text":  # the text view shows no definitions, and fetches none
        assert all(s["definition"] is None for s in plan_stream(KnowledgeGraph.open(), from_, to, known,
                                                                 definitions=False)[1])
    assert result.stdout == render("path", whole, fmt) + "\n"


def test_streamed_steps_are_the_plans_steps(kg: KnowledgeGraph) -> None:
    head, steps = plan_stream(kg, None, "transformers")
    whole = plan(kg, None, "transformers")
    assert to_json({**head, "steps": list(steps)}) == to_json(whole)
    assert any(s["definition"] for s in whole["steps"])


def test_an_empty_plan_prints_as_a_whole_one(run) -> None:
    result = run("path", "transformers", "attention", "--no-profile", "--format", "json")
    assert result.exit_code == 0, result.output
    whole = plan(KnowledgeGraph.open(), "transformers", "attention")
    assert whole["steps"] == [] and whole["note"]
    assert result.stdout == to_json(whole) + "\n"


def test_places_are_where_taught_without_the_untaught(kg: KnowledgeGraph) -> None:
    ids = sorted(t["id"] for t in kg.topics())
    where, places = kg.where_taught(ids), kg.places(ids)
    empty = {"lectures": [], "sessions": [], "chapters": [], "readings": []}
    assert set(places) < set(where) and places
    assert all(where[t] == places.get(t, empty) for t in ids)
    assert all(w != empty for w in places.values())


def test_packed_words_are_textwraps_lines() -> None:
    rng = random.Random(7)
    words = ["a", "bb", "word", "hyphen-ated", "x" * 20, "y" * 45, "z" * 75, "ünïcode", "\xa0nb", "end."]
    for _ in range(20000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        if rng.random() < 0.05:
            text = text.replace(" ", "  ", 1)
        indent = rng.choice(["", "  ", "    ", "    lecture  "])
        more = rng.choice([None, "", "      ", " " * 15])
        w = rng.choice([40, 60, 80])
        want = textwrap.fill(text, w, initial_indent=indent, subsequent_indent=more if more is not None else indent,
                             break_on_hyphens=False)
        assert fill(text, indent, more, w) == want, (text, indent, more, w)
