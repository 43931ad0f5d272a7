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
from kg.importer.link import normal_form

DATA = Path(__file__).resolve().parent.parent / "data"

TOPICS = [
    imp.TopicName("logistic-regression", "Logistic regression", ("logistische Regression",)),
    imp.TopicName("classification", "Classification", ("Klassifikation",)),
    imp.TopicName("backpropagation", "Backpropagation", ("rétropropagation",)),
    imp.TopicName("multilayer-perceptron", "Multilayer perceptron", ("perceptron multicouche",)),
    imp.TopicName("supervised-learning", "Supervised learning", ("apprentissage supervisé",)),
    imp.TopicName("neural-networks", "Neural networks", ("réseaux de neurones",)),
    imp.TopicName("transformers", "Transformers"),
    imp.TopicName("computer-vision", "Computer vision", ("visión",)),
    imp.TopicName("probability", "Probability", ("kansrekening", "Wahrscheinlichkeitsrechnung")),
    imp.TopicName("dimensionality-reduction", "Dimensionality reduction", ("dimensiereductie",)),
    imp.TopicName("principal-component-analysis", "Principal component analysis", ("PCA",)),
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


    def test_dutch_en_joins_two_names(self, linker):
        assert covers(linker.link("Dimensiereductie en PCA")) == {
            "dimensionality-reduction", "principal-component-analysis"}


class TestOtherLanguagesWords:
    def test_an_elided_article_leaves_its_word(self, linker):
        assert covers(linker.link("Introduction à l'apprentissage supervisé")) == {"supervised-learning"}
        assert covers(linker.link("Rappels d'apprentissage supervisé")) == {"supervised-learning"}

    def test_an_article_preposition_before_a_name(self, linker):
        assert covers(linker.link("Introduction aux réseaux de neurones")) == {"neural-networks"}
        assert covers(linker.link("Les réseaux de neurones")) == {"neural-networks"}

    def test_a_session_word_before_a_name(self, linker):
        assert covers(linker.link("Einführung Wahrscheinlichkeitsrechnung")) == {"probability"}
        assert covers(linker.link("Überblick kansrekening")) == {"probability"}

    def test_a_preposition_ends_a_name(self, linker):
        assert covers(linker.link("Transformers para visión")) == {"transformers", "computer-vision"}

    def test_an_elision_needs_a_word_after_it(self):
        assert normal_form("l'apprentissage") == normal_form("apprentissage")
        assert normal_form("don't") == "dont"


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
