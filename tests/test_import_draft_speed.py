"""The draft step's shortcuts give what the plain way gives (speed only, never results)."""

from __future__ import annotations

import random
import re

import pytest

from kg.importer import draft, link
from kg.importer.vocab import TopicName


def _random_titles(words: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    seps = [" ", " ", " ", ", ", ": ", "-", " and ", "; ", " & ", " (", ") "]
    out = []
    for _ in range(n):
        k = rng.randint(1, 7)
        parts = [rng.choice(words) for _ in range(k)]
        title = parts[0]
        for p in parts[1:]:
            title += rng.choice(seps) + p
        out.append(rng.choice([title, title.upper(), title.title(), title.lower()]))
    return out


def test_kind_words_trie_finds_what_the_word_list_finds():
    plain = re.compile("|".join(draft._KIND_WORD_LIST))
    words = [w.replace("\\s", " ") for w in draft._KIND_WORD_LIST]
    # Words of the list, their pieces and neighbours ("feri" and "ferien", "day" in
    # "holidays"), and words holding none of them.
    pieces = words + [w[:-1] for w in words] + [w[1:] for w in words] + [
        "holidays", "nose", "sin", "semester", "attention", "kernels", "nothing", "prelude", "check-in",
    ]
    for title in _random_titles(pieces, 20000, seed=7):
        low = title.lower()
        assert bool(draft._KIND_WORDS.search(low)) == bool(plain.search(low)), title


def test_kind_rules_on_lowercase_ascii_match_as_the_rules_do():
    # The literal words of every rule, in every case, joined in random ways.
    words = sorted({w for _, pat in draft._KIND_RULES for w in re.findall(r"[A-Za-z]{2,}", pat.pattern)})
    words += ["Attention", "Kernels", "no", "final", "2", "#3", ".", "  ", "-", "day"]
    titles = _random_titles(words, 30000, seed=11)
    lowered = {kind: (pat, flag) for kind, pat, flag in draft._ASCII_KIND_RULES}
    assert all(flag for _, flag in lowered.values())  # every rule as it is now takes the shortcut
    for title in titles:
        for kind, pat in draft._KIND_RULES:
            fast, flag = lowered[kind]
            got = fast.search(title.lower() if flag else title) is not None
            assert got == (pat.search(title) is not None), (kind, title)


@pytest.mark.parametrize("pattern", [
    r"(?i)\Sfoo",          # an escape in capitals
    "(?i)\u212aelvin",     # the Kelvin sign matches "k" in any case
    "(?i)lo\u017fe",       # the long s matches "s"
    "(?i)\u0130stanbul",   # lower-cases to an ASCII "i" and a mark
    "Foo",                 # not case-insensitive
    "(?i)a(?-i:B)",        # not case-insensitive throughout
    "(?i)[@-Z]x",          # a range whose capitals lower-case to another range
])
def test_rules_the_lowercase_shortcut_cannot_take(pattern):
    assert draft._for_lowercase(re.compile(pattern)) is None


def test_title_kind_of_non_ascii_and_odd_titles():
    for title in ["Office hours", "OH", "Midterm Exam", "K\u212aernels", "Pro\u017fect presentations",
                  "Семинар 3", "Prüfung", "REC 2", "TA session", "Labour Day", "Attention"]:
        plain = next((k for k, p in draft._KIND_RULES if p.search(title)), "lecture")
        if draft._OH.search(title):
            plain = "office-hours"
        assert draft._title_kind.__wrapped__(title) == plain, title


def _topics() -> list[TopicName]:
    names = [
        ("multilayer-perceptron", "Multilayer perceptron", ["MLP"]),
        ("self-supervised-learning", "Self-supervised learning", ["SSL"]),
        ("supervised-learning", "Supervised learning", []),
        ("pretraining", "Pretraining", ["pre-training"]),
        ("fine-tuning", "Fine-tuning", ["finetuning"]),
        ("density-models", "Density models", []),
        ("energy-models", "Energy models", []),
        ("transformers", "Transformers", []),
        ("attention", "Attention", []),
        ("gradient-descent", "Gradient descent", ["SGD"]),
        ("word-embeddings", "Word embeddings", ["word2vec"]),
        ("large-scale-learning", "Large-scale learning", []),
    ]
    return [TopicName(id=i, label=label, aliases=tuple(a)) for i, label, a in names]


def test_joined_reading_skipped_only_where_it_finds_nothing(monkeypatch):
    words = ["Multi-layer", "perceptron", "Self-supervised", "learning", "Pre-training", "fine-tuning",
             "Fine-Tuning", "word-embeddings", "Large-Scale", "Density", "and", "energy", "models",
             "Transformers", "attention", "state-of-the-art", "low-rank", "co-training", "gradient", "descent",
             "Supervised", "and self-supervised learning", "non-linear", "k-means", "&", "/"]
    titles = _random_titles(words, 3000, seed=3)
    details = _random_titles(words, 300, seed=4) + [""] * 300
    fast = link.Linker(_topics())
    slow = link.Linker(_topics())
    monkeypatch.setattr(slow, "_joined_may_name", lambda joined, words: True)
    skipped = 0
    for k, title in enumerate(titles):
        detail = details[k % len(details)]
        assert fast.link(title, detail) == slow.link(title, detail), (title, detail)
        assert fast.unmatched(title, detail) == slow.unmatched(title, detail), (title, detail)
        if "-" in title and not fast._joined_may_name(title.replace("-", ""), link._joined_words(title)):
            skipped += 1
    assert skipped > 100  # the shortcut is taken, and often


def test_unmatched_terms_deduplicated_in_any_case():
    out: list[str] = []
    low: set[str] = set()
    link._add_terms(out, ["Gaussian processes", "Boosting", "gaussian Processes"], low)
    link._add_terms(out, ["BOOSTING", "Hidden Markov models"], low)
    assert out == ["Gaussian processes", "Boosting", "Hidden Markov models"]
