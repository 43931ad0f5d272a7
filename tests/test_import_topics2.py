"""`kg import` topic links: the ways a syllabus writes a name the vocabulary knows.

Each rule is about language, not about a page: an acronym's plural, a version after a
model's name, a gerund name with its object, a plus sign on a letter, an acronym the page
defines in brackets, coordinated titles. Every rule has a near case where it must not link
(no substring links: "Support Vector Machines" names no vectors, "Gradient Boosting" no
gradient descent). The titles are invented for these tests.
"""

from __future__ import annotations

import click
import pytest
import yaml
from click.testing import CliRunner

from kg import importer as imp
from kg.cli import State
from kg.cli.importer import import_cmd
from kg.graph import KnowledgeGraph

TOPICS = [
    imp.TopicName("gru", "Gated recurrent unit", ("GRU",)),
    imp.TopicName("activation-functions", "Activation functions", ("ReLU",)),
    imp.TopicName("lstm", "Long short-term memory", ("LSTM",)),
    imp.TopicName("recurrent-neural-networks", "Recurrent neural networks", ("RNN", "recurrent networks")),
    imp.TopicName("decoder-only-transformers", "Decoder-only transformers", ("GPT",)),
    imp.TopicName("residual-networks", "Residual networks", ("ResNet",)),
    imp.TopicName("fine-tuning", "Fine-tuning"),
    imp.TopicName("prompting", "Prompting"),
    imp.TopicName("pretraining", "Pre-training", ("pretraining",)),
    imp.TopicName("large-language-models", "Large language models", ("LLM",)),
    imp.TopicName("transformers", "Transformers", ("transformer",)),
    imp.TopicName("monte-carlo-sampling", "Monte Carlo sampling", ("sampling",)),
    imp.TopicName("programming", "Programming"),
    imp.TopicName("clustering", "Clustering"),
    imp.TopicName("deep-learning", "Deep learning", ("DL",)),
    imp.TopicName("deep-learning-optimization", "Optimization for deep learning", ("optimizers",)),
    imp.TopicName("optimization", "Mathematical optimization"),
    imp.TopicName("decision-trees", "Decision trees", ("trees",)),
    imp.TopicName("ensemble-methods", "Ensemble methods", ("gradient boosting", "boosting")),
    imp.TopicName("gradient-descent", "Gradient descent", ("gradient method",)),
    imp.TopicName("gradient", "Gradient"),
    imp.TopicName("vectors-and-matrices", "Vectors and matrices", ("vector",)),
    imp.TopicName("support-vector-machines", "Support vector machines", ("SVM",)),
    imp.TopicName("policy-gradient", "Policy gradient methods", ("policy gradients",)),
    imp.TopicName("actor-critic", "Actor-critic methods"),
    imp.TopicName("density-estimation", "Density estimation", ("density models",)),
    imp.TopicName("energy-based-models", "Energy-based models", ("energy models",)),
    imp.TopicName("maximum-likelihood-estimation", "Maximum likelihood estimation", ("maximum likelihood",)),
    imp.TopicName("self-attention", "Self-attention"),
    imp.TopicName("attention", "Attention mechanism", ("attention",)),
    imp.TopicName("bayes-rule", "Bayes' rule", ("Bayes theorem",)),
    imp.TopicName("regularization", "Regularization"),
    imp.TopicName("semi-supervised-learning", "Semi-supervised learning"),
    imp.TopicName("self-supervised-learning", "Self-supervised learning", ("SSL",)),
    imp.TopicName("gaussian-discriminant-analysis", "Gaussian discriminant analysis",
                  ("linear discriminant analysis",)),
    imp.TopicName("markov-random-fields", "Markov random fields"),
    imp.TopicName("markov-reward-functions", "Markov reward functions"),
    imp.TopicName("logistic-regression", "Logistic regression"),
    imp.TopicName("linear-regression", "Linear regression"),
    imp.TopicName("neural-networks", "Neural networks", ("NN", "neural net")),
    imp.TopicName("supervised-learning", "Supervised learning"),
    imp.TopicName("unsupervised-learning", "Unsupervised learning"),
    imp.TopicName("naive-bayes", "Naive Bayes"),
]


@pytest.fixture(scope="module")
def linker() -> imp.Linker:
    return imp.Linker(TOPICS)


def covers(links: list[imp.Link]) -> set[str]:
    return {lk.topic for lk in links if lk.confidence >= imp.COVER_THRESHOLD}


class TestMorphology:
    def test_an_acronyms_plural(self, linker):
        assert covers(linker.link("GRUs")) == {"gru"}
        assert covers(linker.link("RNNs, LSTMs, and GRUs")) == {"recurrent-neural-networks", "lstm", "gru"}
        assert covers(linker.link("ReLUs and their variants")) == {"activation-functions"}
        # Lower case is no acronym, and "corpus" is no plural.
        assert covers(linker.link("grus")) == set()
        assert linker.unmatched("Corpus construction") == ["Corpus construction"]

    def test_a_version_after_a_name_names_the_same_thing(self, linker):
        assert covers(linker.link("GPT-3")) == {"decoder-only-transformers"}
        assert covers(linker.link("From GPT-2 to GPT-4o")) == {"decoder-only-transformers"}
        assert covers(linker.link("ResNet-50 in practice")) == {"residual-networks"}
        # A word after the hyphen is another word's part, not a version.
        assert covers(linker.link("GPT-Neo")) == set()

    def test_spellings_hyphens_possessives_and_ampersands(self, linker):
        for title in ("Self Attention", "Selfattention", "Self-attention"):
            assert covers(linker.link(title)) == {"self-attention"}, title
        assert covers(linker.link("Bayes Rule")) == {"bayes-rule"}
        assert covers(linker.link("Bayes's theorem")) == {"bayes-rule"}
        assert covers(linker.link("Regularisation")) == {"regularization"}
        assert covers(linker.link("Linear & Logistic Regression")) == {"linear-regression", "logistic-regression"}

    def test_accents_as_the_ascii_name_has_them(self, linker):
        assert covers(linker.link("Naïve Bayes")) == {"naive-bayes"}
        assert covers(linker.link("Classifiers", "naïve Bayes, logistic regression")) == {
            "naive-bayes", "logistic-regression"}

    def test_max_is_maximum(self, linker):
        assert covers(linker.link("Max Likelihood")) == {"maximum-likelihood-estimation"}

    def test_a_kind_word_after_a_name(self, linker):
        assert covers(linker.link("Self-Attention Mechanisms")) == {"self-attention"}
        assert covers(linker.link("Attention layers")) == {"attention"}


class TestGerundAndObject:
    def test_a_one_word_gerund_name_with_a_named_object_links_both(self, linker):
        assert covers(linker.link("Fine-Tuning LLMs")) == {"fine-tuning", "large-language-models"}
        assert covers(linker.link("Prompting large language models")) == {"prompting", "large-language-models"}
        assert covers(linker.link("Pretraining Transformers")) == {"pretraining", "transformers"}

    def test_a_gerund_before_a_word_that_is_no_name_stays_one_term(self, linker):
        assert covers(linker.link("Sampling Distributions")) == set()
        assert covers(linker.link("Programming Languages")) == set()
        assert covers(linker.link("Clustering Coefficients")) == set()

    def test_a_gerund_at_the_head_of_a_longer_name_is_a_noun(self, linker):
        # "learning" in "deep learning" takes no object: "Deep learning optimizers" is
        # about optimizers.
        got = covers(linker.link("Deep Learning Optimizers"))
        assert "deep-learning" not in got


class TestNoSubstringLinks:
    def test_a_name_inside_a_longer_term(self, linker):
        assert covers(linker.link("Support Vector Machines")) == {"support-vector-machines"}
        assert covers(linker.link("Gradient Boosting")) == {"ensemble-methods"}
        assert "gradient-descent" not in covers(linker.link("Gradient Boosting Machines"))

    def test_a_plus_sign_on_a_letter_is_part_of_a_name(self, linker):
        assert covers(linker.link("B+ Trees")) == set()
        assert covers(linker.link("Indexing: B+ trees and hashing")) == set()
        # Between two names it still joins them.
        assert covers(linker.link("RNN+LSTM")) == {"recurrent-neural-networks", "lstm"}

    def test_the_head_of_a_name_is_no_modifier_shared_across_and(self, linker):
        got = covers(linker.link("Policy Gradients and Actor-Critic Methods"))
        assert got == {"policy-gradient", "actor-critic"}
        # A modifier still is: "density and energy models" names density models.
        assert covers(linker.link("Density and energy models")) == {"density-estimation", "energy-based-models"}


class TestTitleStructure:
    @pytest.mark.parametrize("title", [
        "Neural Networks, part 2", "Neural Networks (cont.)", "Neural Networks II", "Intro to Neural Networks",
        "Lecture 4: Neural Networks", "Neural Nets I/II",
    ])
    def test_session_words_around_a_name(self, linker, title):
        assert covers(linker.link(title)) == {"neural-networks"}

    def test_several_topics_in_one_title(self, linker):
        assert covers(linker.link("Linear Regression vs. Logistic Regression")) == {
            "linear-regression", "logistic-regression"}
        assert covers(linker.link("GRUs; LSTMs / Transformers")) == {"gru", "lstm", "transformers"}
        assert covers(linker.link("Decision Trees: Boosting")) == {"decision-trees", "ensemble-methods"}


class TestVersus:
    def test_a_contrast_of_two_names_with_one_head_names_both(self, linker):
        both = {"supervised-learning", "unsupervised-learning"}
        assert covers(linker.link("Supervised vs. Unsupervised Learning")) == both
        assert covers(linker.link("Supervised or unsupervised learning?")) == both
        # The end of a hyphenated word modifies nothing alone.
        assert covers(linker.link("Self-supervised & supervised learning")) == {
            "self-supervised-learning", "supervised-learning"}
        assert covers(linker.link("Self-supervised & unsupervised learning")) == {
            "self-supervised-learning", "unsupervised-learning"}
        # In a detail list: an item contrasting two terms.
        assert covers(linker.link("What is learning?", "supervised vs unsupervised learning, data")) == both

    def test_what_a_sentence_compares_with_stays_related(self, linker):
        got = linker.link("Transformers", "We compare transformers versus recurrent networks in detail.")
        assert covers(got) == {"transformers"}
        assert "recurrent-neural-networks" in {lk.topic for lk in got}


class TestCandidates:
    def test_a_name_with_a_plus_sign_is_one_candidate(self, linker):
        assert linker.unmatched("Indexing: B+ trees") == ["Indexing", "B+ trees"]
        assert linker.unmatched("C++ templates") == ["C++ templates"]


class TestPageAcronyms:
    def test_an_acronym_the_page_defines(self, linker):
        got = linker.defined_acronyms([
            "Semi-Supervised Learning (SSL)", "Linear Discriminant Analysis (LDA)", "Gated Recurrent Units (GRUs)",
        ])
        # SSL already names self-supervised learning: the page's own definition wins;
        # GRU was the topic's name already: nothing to learn.
        assert got == {
            "ssl": ("semi-supervised-learning", "SSL"),
            "lda": ("gaussian-discriminant-analysis", "LDA"),
        }
        on_page = imp.Linker(imp.with_acronyms(TOPICS, got))
        assert covers(on_page.link("SSL in practice")) == {"semi-supervised-learning"}
        assert covers(on_page.link("LDA vs. logistic regression")) == {"gaussian-discriminant-analysis",
                                                                       "logistic-regression"}

    def test_no_definition_where_the_letters_or_the_name_do_not_fit(self, linker):
        assert linker.defined_acronyms([
            "Markov Random Fields (CS)",        # initials that spell something else
            "Random Fields (RF) in vision",     # the words are no whole name
            "Deep Learning (Part 2)",            # no acronym
        ]) == {}
        # One acronym for two topics on one page: neither.
        assert linker.defined_acronyms(["Markov Random Fields (MRF)", "Markov Reward Functions (MRF)"]) == {}

    def test_a_draft_links_the_acronym_on_every_row(self):
        md = "\n".join([
            "# Learning with few labels, Fall 2025", "",
            "| Date | Lecture |", "|---|---|",
            "| Sep 2 | Semi-Supervised Learning (SSL) |",
            "| Sep 9 | SSL with consistency losses |",
            "| Sep 16 | Self-supervised learning |", "",
        ])
        draft = imp.build_draft(imp.parse_page(md, "p.md"), imp.Vocabulary(topics=TOPICS), course_id="p", year=2025)
        got = [set(lec.covers()) for lec in draft.lectures]
        assert got == [{"semi-supervised-learning"}, {"semi-supervised-learning"}, {"self-supervised-learning"}]


@pytest.fixture(scope="module")
def shipped() -> imp.Linker:
    return imp.Linker(imp.Vocabulary.from_graph(KnowledgeGraph.open()).topics)


class TestShippedNames:
    @pytest.mark.parametrize("title, topic", [
        ("LSTMs and GRUs", "gru"),
        ("Gibbs Sampling", "markov-chain-monte-carlo"),
        ("The Lasso", "regularization"),
        ("XGBoost", "ensemble-methods"),
        ("Convex Sets", "convexity"),
        ("Skip-gram", "embeddings"),
        ("Gaussian Mixtures", "gaussian-mixture-models"),
        ("Sequence-to-Sequence Learning", "sequence-to-sequence-models"),
        ("Xavier Initialization", "weight-initialization"),
        ("Denoising Autoencoders", "autoencoders"),
        ("Matrix Calculus", "calculus"),
    ])
    def test_a_common_name_of_a_topic(self, shipped, title, topic):
        assert topic in covers(shipped.link(title))

    @pytest.mark.parametrize("title", [
        "Hash Tables", "Binary Search Trees", "B+ Trees", "Shortest Paths", "Query Optimization",
        "Concurrency Control", "Network Flow", "Sorting Algorithms",
    ])
    def test_a_topic_of_another_field_links_nothing(self, shipped, title):
        assert covers(shipped.link(title)) == set()


def test_kg_import_reads_an_acronym_the_page_defines(tmp_path):
    page = tmp_path / "few-labels.md"
    page.write_text("\n".join([
        "# Learning with few labels, Fall 2025", "",
        "| Date | Lecture |", "|---|---|",
        "| Sep 2 | Semi-Supervised Learning (SSL) |",
        "| Sep 9 | SSL with pseudo-labels |",
        "| Sep 16 | Fine-tuning LLMs |", "",
    ]), encoding="utf-8")
    group = click.Group(commands=[import_cmd])
    r = CliRunner().invoke(group, ["import", str(page), "--course-id", "fl-f25"], obj=State(None),
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    lectures = yaml.safe_load(r.stdout)["lectures"]
    assert [lec.get("covers", []) for lec in lectures] == [
        ["semi-supervised-learning"], ["semi-supervised-learning"], ["fine-tuning", "large-language-models"],
    ]
