"""`kg import` topic links for titles written in other languages.

The vocabulary holds the most common course-topic names in German, French, Spanish,
Italian, Portuguese and Dutch as aliases, and the linker reads "und" and "et" as "and",
so a title coordinating two foreign names links both, as an English one does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import importer as imp
from kg.build.sources import load_sources

DATA = Path(__file__).resolve().parent.parent / "data"

TOPICS = [
    imp.TopicName("logistic-regression", "Logistic regression", ("logistische Regression",)),
    imp.TopicName("classification", "Classification", ("Klassifikation",)),
    imp.TopicName("backpropagation", "Backpropagation", ("rétropropagation",)),
    imp.TopicName("multilayer-perceptron", "Multilayer perceptron", ("perceptron multicouche",)),
]


def covers(links: list[imp.Link]) -> set[str]:
    return {lk.topic for lk in links if lk.confidence >= imp.COVER_THRESHOLD}


@pytest.fixture(scope="module")
def linker() -> imp.Linker:
    return imp.Linker(TOPICS)


@pytest.fixture(scope="module")
def shipped() -> imp.Linker:
    return imp.Linker(imp.Vocabulary.from_sources(load_sources(DATA)).topics)


class TestForeignAnd:
    def test_und_joins_two_names(self, linker):
        assert covers(linker.link("Logistische Regression und Klassifikation")) == {
            "logistic-regression", "classification"}

    def test_et_joins_two_names(self, linker):
        assert covers(linker.link("Perceptron multicouche et rétropropagation")) == {
            "multilayer-perceptron", "backpropagation"}

    def test_an_unknown_word_still_joins_nothing(self, linker):
        # Only "und" and "et" read as "and": another word between two names leaves
        # the title one unknown run, as before.
        assert covers(linker.link("Logistische Regression zwischen Klassifikation")) != {
            "logistic-regression", "classification"}


class TestShippedNames:
    @pytest.mark.parametrize("title, topic", [
        ("Réseaux de neurones", "neural-networks"),
        ("Regresión lineal", "linear-regression"),
        ("Hauptkomponentenanalyse", "principal-component-analysis"),
        ("Alberi di decisione", "decision-trees"),
        ("Redes neurais convolucionais", "convolutional-neural-networks"),
        ("Lineaire regressie", "linear-regression"),
    ])
    def test_a_common_topic_in_another_language(self, shipped, title, topic):
        assert topic in covers(shipped.link(title))

    def test_english_titles_link_as_before(self, shipped):
        assert covers(shipped.link("Neural networks and backpropagation")) == {
            "neural-networks", "backpropagation"}
