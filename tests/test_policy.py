"""The data policy of data/README.md, checked over the shipped data.

Each check names the topic (or edge, or lecture) that breaks a rule, so a failure says
what to fix.
"""

from __future__ import annotations

import re

import networkx as nx
import pytest

from kg import plan as P
from kg.build.sources import Sources, load_sources
from kg.build.store import default_data_dir
from kg.errors import NotFound
from kg.graph import KnowledgeGraph

CORE = {"loss-functions", "gradient-descent", "backpropagation"}
TRAINING = "neural-network-training"

# Reasons that describe teaching order or relatedness instead of a dependency.
WEAK_REASON = re.compile(
    r"usually (taught|covered|introduced)|taught (before|first|earlier)|comes? first in|"
    r"is related to|courses (cover|teach)|before (moving|going) on",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def src() -> Sources:
    return load_sources(default_data_dir())


@pytest.fixture(scope="module")
def g() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def requires_graph(src: Sources) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(src.topics)
    for t in src.topics.values():
        for r in t.requires:
            G.add_edge(r.topic, t.id)
    return G


def areas(src: Sources) -> set[str]:
    return {t.id for t in src.topics.values() if t.kind == "area"}


def problems(found: list[str]) -> str:
    return "\n".join(found)


# --------------------------------------------------------------------------- requires


def test_every_edge_says_why(src):
    bad = [
        f"{t.id} -> {r.topic}: {r.reason!r}"
        for t in src.topics.values()
        for r in t.requires
        if len(r.reason.split()) < 5 or WEAK_REASON.search(r.reason)
    ]
    assert not bad, "edges whose reason is missing, too short or teaching order:\n" + problems(bad)


def test_sources_state_the_dependency(src):
    # A cited chapter or reading covers the topic or its prerequisite: it is where the
    # dependency is discussed, not an unrelated page.
    bad = []
    for t in src.topics.values():
        for r in t.requires:
            if r.source is None or r.source.startswith(("http://", "https://")):
                continue
            book, sep, num = r.source.partition("/")
            covers = (
                src.chapter(book, int(num)).covers  # type: ignore[union-attr]
                if sep
                else src.readings[r.source].covers
            )
            if not {t.id, r.topic} & set(covers):
                bad.append(f"{t.id} -> {r.topic}: {r.source} covers neither topic")
    assert not bad, problems(bad)


# --------------------------------------------------------------------------- kinds, broader


def test_broader_points_only_at_areas(src):
    A = areas(src)
    bad = [f"{t.id}: broader {t.broader} is not an area" for t in src.topics.values() if t.broader and t.broader not in A]
    assert not bad, problems(bad)


def test_areas_have_parts_and_no_requires(src):
    A = areas(src)
    parts = {t.broader for t in src.topics.values() if t.broader}
    bad = [f"{a}: an area with no parts" for a in sorted(A - parts)]
    bad += [f"{a}: an area with requires of its own" for a in sorted(A) if src.topics[a].requires]
    bad += [f"{t.id} -> {r.topic}: requires an area" for t in src.topics.values() for r in t.requires if r.topic in A]
    assert not bad, problems(bad)


def test_parts_never_build_on_their_area(src):
    # With parts as prerequisites of their area, the derived graph stays acyclic.
    G = requires_graph(src)
    for t in src.topics.values():
        if t.broader:
            G.add_edge(t.id, t.broader)
    assert nx.is_directed_acyclic_graph(G), nx.find_cycle(G)


def test_architectures_and_techniques_reach_the_training_core(src):
    G = requires_graph(src)
    bad = []
    for t in src.topics.values():
        if t.kind in ("architecture", "technique"):
            below = nx.ancestors(G, t.id)
            if TRAINING not in below or not CORE <= below:
                bad.append(f"{t.id} ({t.kind}): misses {sorted((CORE | {TRAINING}) - below)}")
    assert not bad, problems(bad)
    # training itself is defined by the core, through SGD
    assert CORE <= nx.ancestors(G, TRAINING)
    assert "stochastic-gradient-descent" in G.pred[TRAINING]


def test_kinds_are_assigned(src):
    kinds = {t.kind for t in src.topics.values()}
    assert {"area", "architecture", "technique"} <= kinds
    for tid in ("multilayer-perceptron", "convolutional-neural-networks", "recurrent-neural-networks", "transformers"):
        assert src.topics[tid].kind == "architecture", tid
    for tid in ("dropout", "lora", "rlhf", "batch-normalization"):
        assert src.topics[tid].kind == "technique", tid
    for tid in ("reinforcement-learning", "probability", "linear-algebra", "deep-learning"):
        assert src.topics[tid].kind == "area", tid


# --------------------------------------------------------------------------- named defects


def edges(src: Sources) -> set[tuple[str, str]]:
    return {(t.id, r.topic) for t in src.topics.values() for r in t.requires}


@pytest.mark.parametrize(
    "edge",
    [
        ("generalization", "overfitting"),  # reversed
        ("autoregressive-models", "bayes-rule"),
        ("conditional-generative-models", "bayes-rule"),
        ("molecular-docking", "diffusion-models"),
        ("molecular-docking", "graph-neural-networks"),
        ("cross-encoders", "encoder-decoder-transformers"),
        ("upsampling", "pooling"),
        ("lora", "singular-value-decomposition"),
        ("rlhf", "instruction-tuning"),
        ("multimodal-models", "vision-transformers"),
        ("multimodal-models", "contrastive-learning"),
        ("graphs", "vectors-and-matrices"),
        ("automatic-differentiation", "backpropagation"),
        ("diffusion-models", "variational-inference"),
        ("metric-learning", "neural-network-training"),
        ("image-to-image-translation", "generative-adversarial-networks"),
        ("late-interaction", "cross-encoders"),
        ("algorithmic-stability", "stochastic-gradient-descent"),
    ],
)
def test_wrong_and_weak_edges_are_gone(src, edge):
    assert edge not in edges(src)


@pytest.mark.parametrize(
    "edge",
    [
        ("overfitting", "generalization"),
        ("autoregressive-models", "conditional-probability"),
        ("cross-encoders", "encoder-only-transformers"),
        ("rlhf", "kl-divergence"),
        ("rlhf", "reward-models"),
        ("dropout", "neural-network-training"),
        ("embeddings", "neural-network-training"),
        ("learned-representations", "neural-network-training"),
        ("backpropagation", "loss-functions"),
        ("linear-regression", "vectors-and-matrices"),
        ("gradient", "vectors-and-matrices"),
        ("diffusion-models", "markov-chains"),
        ("q-learning", "bellman-equation"),
    ],
)
def test_essential_edges_are_there(src, edge):
    assert edge in edges(src)


def test_named_topics_exist(src, g):
    for tid in (
        "conditional-probability", "markov-chains", "bellman-equation", "reward-models",
        "encoder-only-transformers", "programming", "python", "pytorch",
    ):
        assert tid in src.topics, tid
    assert not src.topics["molecular-docking"].requires
    assert g.resolve_topic("BERT") == "encoder-only-transformers"
    assert g.resolve_topic("seq2seq") == "sequence-to-sequence-models"
    assert g.resolve_topic("Bellman equations") == "bellman-equation"
    # (Dynamic programming is an algorithms course's technique too: not the equation's name.)
    with pytest.raises(NotFound, match="approximate-dynamic-programming"):
        g.resolve_topic("dynamic programming")


# --------------------------------------------------------------------------- covers


def lectures(src: Sources):
    for c in src.courses.values():
        for lec in c.lectures:
            yield c, lec


def test_transformer_lectures_teach_transformers_not_their_relatives(src):
    bad = [
        f"{c.id} #{lec.number or lec.position} {lec.title}: {t}"
        for c, lec in lectures(src)
        if "transformers" in lec.covers and "Transformers" in lec.title
        for t in ("convolutional-neural-networks", "graph-neural-networks")
        if t in lec.covers
    ]
    bad += [
        f"{c.id} #{lec.position} {lec.title}: multilayer-perceptron"
        for c, lec in lectures(src)
        if c.id.startswith("mit-") and "transformers" in lec.title.casefold() and "multilayer-perceptron" in lec.covers
    ]
    assert not bad, problems(bad)


def test_reinforcement_learning_is_taught_somewhere(src):
    taught = {t for _, lec in lectures(src) for t in lec.covers}
    for tid in ("markov-decision-processes", "q-learning", "policy-gradient", "rlhf", "normalizing-flows"):
        assert tid in taught, tid


def test_covers_follow_what_the_page_says(src):
    by_title = {(c.id, lec.title): lec for c, lec in lectures(src)}
    assert "human-evaluation" not in by_title[("mit-6.7960-fa25", "Evaluation")].covers
    assert "world-models" not in by_title[("bu-deep-learning", "Reasoning and World Models")].covers
    graphs = by_title[("mit-6.s898-fa22", "Architectures – Graphs")].covers
    assert {"message-passing-neural-networks", "graph-convolutional-networks", "graph-attention-networks"} <= set(graphs)
    ood = by_title[("mit-6.s898-fa22", "Generalization (OOD)")].covers
    assert {"adversarial-examples", "robust-optimization", "shortcut-learning"} <= set(ood)
    assert "classification" not in by_title[("bu-deep-learning", "Using Pre-Trained Models")].covers


def test_discussion_sections_teach(g):
    where = g.where_taught(["backpropagation", "newton-schulz-iteration"])
    for t in where:
        assert any(s["course"] == "berkeley-cs182-fa25" and s["kind"] == "discussion" for s in where[t]["sessions"]), t


def test_lectures_keep_their_page_numbers(src, g):
    bu = src.courses["bu-deep-learning"]
    assert [lec.number for lec in bu.lectures][:6] == ["01", "02", "03", "04", "05", "07"]
    assert all(lec.key == int(lec.number) for lec in bu.lectures if lec.number)
    lec = g.lecture("bu-deep-learning", 9)
    assert (lec["title"], lec["number"], lec["position"]) == ("Backpropagation", "09", 8)
    [taught] = [x for x in g.where_taught(["backpropagation"])["backpropagation"]["lectures"] if x["course"] == "bu-deep-learning"]
    assert taught["number"] == "09" and taught["id"] == "bu-deep-learning/lecture/9"


# --------------------------------------------------------------------------- what users see


def steps(p):
    return [s["id"] for s in p["steps"]]


def test_architectures_are_planned_with_training(g):
    for target in ("convolutional-neural-networks", "recurrent-neural-networks", "multilayer-perceptron", "transformers"):
        pre = {t["id"] for t in P.prereqs(g, target)["prerequisites"]}
        assert CORE | {"stochastic-gradient-descent", TRAINING} <= pre, target


def test_umbrellas_mean_their_parts(g):
    rl = {t["id"] for t in P.prereqs(g, "reinforcement-learning")["prerequisites"]}
    assert {"markov-decision-processes", "bellman-equation", "q-learning", "policy-gradient"} <= rl
    p = P.plan(g, None, "diffusion-models", known=["calculus", "linear algebra"])
    assert not {"vectors-and-matrices", "dot-product", "gradient", "chain-rule"} & set(steps(p))
    assert "linear-algebra" in {d["id"] for d in P.needed_for(g, "dot-product")["dependents"]}
    nxt = {t["id"] for t in P.next_topics(g, ["probability"])["next"]}
    assert "conditional-probability" not in nxt and "bayes-rule" not in nxt
    # the other reading, for graphs written that way
    assert not P.prereqs(g, "reinforcement-learning", umbrellas="overview")["prerequisites"]


def test_plans_put_foundations_first(g):
    p = steps(P.plan(g, None, "rlhf", known=["calculus", "linear-algebra", "probability"]))
    llm = p.index("large-language-models")
    for t in ("classification", "cross-entropy-loss", "logistic-regression", "loss-functions"):
        assert p.index(t) < llm, t
    assert p.index("kl-divergence") < llm


def test_known_python(g):
    p = P.plan(g, None, "pytorch", known=["python"])
    assert "python" not in steps(p) and steps(p)[-1] == "pytorch"
    assert g.resolve_topic("low rank adaptation") == "lora"
    assert g.resolve_topic("diffusion") == "diffusion-models"
