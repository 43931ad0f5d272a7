"""`kg import` topic links: which mentions count, and releases as events of their own.

Each rule of the linker has a case where it decides and a near case where it must not:
a name inside a longer name, a name in a title against the same name in a sentence of a
description, a name that is the setting or an aspect's object rather than the subject,
a name the description only compares with, reading titles, a page's running theme.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from kg import importer as imp
from kg.build.sources import EVENT_KINDS, read_course_file
from kg.cli import State
from kg.cli.importer import import_cmd
from kg.errors import DataError
from kg.graph import KnowledgeGraph
from kg.importer.link import without_readings

TOPICS = [
    imp.TopicName("supervised-learning", "Supervised learning"),
    imp.TopicName("self-supervised-learning", "Self-supervised learning", ("SSL",)),
    imp.TopicName("contrastive-learning", "Contrastive learning"),
    imp.TopicName("natural-language-processing", "Natural language processing", ("NLP",)),
    imp.TopicName("reinforcement-learning", "Reinforcement learning", ("RL",)),
    imp.TopicName("machine-learning", "Machine learning", ("ML",)),
    imp.TopicName("deep-learning", "Deep learning", ("DL",)),
    imp.TopicName("transformers", "Transformers", ("transformer",)),
    imp.TopicName("multilayer-perceptron", "Multilayer perceptron", ("MLP", "MLPs")),
    imp.TopicName("convolutional-neural-networks", "Convolutional neural networks", ("CNN", "CNNs")),
    imp.TopicName("multimodal-representation-learning", "Multimodal representation learning",
                  ("multimodal representations",)),
    imp.TopicName("representation-learning", "Representation learning"),
    imp.TopicName("text-generation", "Text generation"),
    imp.TopicName("applications", "Applications of deep learning", ("applications",)),
    imp.TopicName("backpropagation", "Backpropagation", ("backprop",)),
    imp.TopicName("k-nearest-neighbors", "k-nearest neighbours", ("kNNs",)),
    imp.TopicName("nearest-neighbor-search", "Nearest neighbour search", ("kNN",)),
    imp.TopicName("gradient", "Gradient"),
    imp.TopicName("large-scale-machine-learning", "Large-scale machine learning", ("large-scale ML",)),
    imp.TopicName("deep-learning-optimization", "Optimization for deep learning", ("neural network optimization",)),
    imp.TopicName("optimization", "Mathematical optimization", ("optimisation",)),
    imp.TopicName("neural-networks", "Neural networks", ("NN",)),
    imp.TopicName("language-modeling", "Language modeling", ("language model",)),
    imp.TopicName("diffusion-models", "Diffusion models"),
    imp.TopicName("vanishing-gradients", "Vanishing gradients"),
    imp.TopicName("speech-recognition", "Speech recognition", ("ASR",)),
    imp.TopicName("recurrent-neural-networks", "Recurrent neural networks", ("RNN", "RNNs", "recurrent networks")),
    imp.TopicName("convnets", "Convnets", ("ConvNets", "convnet")),
    imp.TopicName("adversarial-training", "Adversarial training"),
    imp.TopicName("adversarial-examples", "Adversarial examples", ("adversarial attacks",)),
    imp.TopicName("pytorch", "PyTorch"),
    imp.TopicName("meteor", "METEOR"),
]


@pytest.fixture(scope="module")
def linker() -> imp.Linker:
    return imp.Linker(TOPICS)


def covers(links: list[imp.Link]) -> set[str]:
    return {lk.topic for lk in links if lk.confidence >= imp.COVER_THRESHOLD}


def by_topic(links: list[imp.Link]) -> dict[str, imp.Link]:
    return {lk.topic: lk for lk in links}


class TestLongestMatch:
    def test_a_name_inside_a_longer_name_does_not_link(self, linker):
        links = linker.link("Contrastive learning / self-supervised learning")
        assert covers(links) == {"contrastive-learning", "self-supervised-learning"}
        assert "supervised-learning" not in covers(linker.link("Self-Supervised Learning II"))
        assert "supervised-learning" not in covers(linker.link("x", "Contrastive learning; self-supervised learning"))

    def test_the_shorter_name_alone_still_links(self, linker):
        assert covers(linker.link("Supervised learning")) == {"supervised-learning"}
        assert covers(linker.link("Supervised and self-supervised learning")) >= {
            "supervised-learning", "self-supervised-learning"}

    def test_no_typo_links_across_word_starts(self, linker):
        # "unimodal" is one edit class away from "multimodal" but starts otherwise;
        # "selfsupervised" (the hyphen read joined) is no typo of "supervised".
        assert "multimodal-representation-learning" not in by_topic(linker.link("Unimodal representations"))
        assert "supervised-learning" not in by_topic(linker.link("Selfsupervised learning"))
        # A real typo keeps its link.
        assert covers(linker.link("Multimodal representatoins")) == {"multimodal-representation-learning"}


class TestWhereTheNameIs:
    def test_title_against_a_sentence_of_the_description(self, linker):
        assert covers(linker.link("Backpropagation")) == {"backpropagation"}
        prose = "In this lecture we recall why backpropagation matters before moving on to other things."
        links = by_topic(linker.link("Course logistics", prose))
        assert links["backpropagation"].place == "prose"
        assert links["backpropagation"].confidence < imp.COVER_THRESHOLD
        listed = by_topic(linker.link("Training", "Backpropagation, gradient"))
        assert listed["backpropagation"].place == "list"
        assert listed["backpropagation"].confidence >= imp.COVER_THRESHOLD

    def test_the_setting_of_a_subject_is_not_the_subject(self, linker):
        assert covers(linker.link("Reinforcement learning for NLP")) == {"reinforcement-learning"}
        assert covers(linker.link("Interpretability in NLP")) == set()
        links = by_topic(linker.link("Reinforcement learning for NLP"))
        assert links["natural-language-processing"].how == "context"
        prose = "Representing the meanings of words is a fundamental task in NLP and in this lecture we meet embeddings."
        links = by_topic(linker.link("Word level semantics", prose))
        assert links["natural-language-processing"].how == "context"
        assert links["natural-language-processing"].confidence < imp.COVER_THRESHOLD

    def test_after_a_word_that_only_says_what_session_it_is_the_name_is_the_subject(self, linker):
        assert covers(linker.link("Lecture on NLP")) == {"natural-language-processing"}
        assert covers(linker.link("Topics in deep learning")) == {"deep-learning"}
        assert covers(linker.link("Introduction to RL")) == {"reinforcement-learning"}

    def test_a_kind_word_with_a_modifier_before_a_setting_is_a_subject_of_its_own(self, linker):
        # "Linear models for classification", "Unsupervised methods in NLP": the name
        # after "for"/"in" is the setting; "Topics in NLP" stays about NLP.
        assert covers(linker.link("Supervised methods for NLP")) == set()
        assert by_topic(linker.link("Supervised methods for NLP"))["natural-language-processing"].how == "context"
        assert covers(linker.link("Advanced topics in NLP")) == {"natural-language-processing"}
        assert covers(linker.link("Methods for NLP")) == {"natural-language-processing"}

    def test_what_comes_before_or_without_a_name_is_its_setting(self, linker):
        assert covers(linker.link("Text generation before transformers")) == {"text-generation"}
        assert by_topic(linker.link("Text generation before transformers"))["transformers"].how == "context"
        assert covers(linker.link("Deep learning without backprop")) == {"deep-learning"}
        assert covers(linker.link("Transformers")) == {"transformers"}

    def test_an_aspect_of_a_topic_teaches_the_aspect(self, linker):
        assert covers(linker.link("The Ethics of Machine Learning")) == set()
        assert covers(linker.link("History of Deep Learning")) == set()
        assert covers(linker.link("Basics of machine learning")) == {"machine-learning"}
        assert covers(linker.link("Building blocks of modern transformers")) == {"transformers"}

    def test_topics_named_as_related_are_not_covered(self, linker):
        detail = ("Transformers. Relationship between transformers and MLPs, CNNs, and GNNs "
                  "-- they are all variations on the same themes!")
        got = covers(linker.link("Architectures: Transformers", detail))
        assert got == {"transformers"}
        # A comparison in a comma list of terms ends at its comma.
        got = covers(linker.link("RL", "RL vs supervised learning, backpropagation, MLPs"))
        assert {"backpropagation", "multilayer-perceptron"} <= got

    def test_reading_titles_are_not_topics(self, linker):
        title = "Human evaluation : Slides : Readings: Evaluation of Text Generation: A Survey"
        assert "text-generation" not in by_topic(linker.link(title))
        assert "text-generation" not in by_topic(linker.link("Evaluation", "Required reading: Text generation survey"))
        assert covers(linker.link("Text generation")) == {"text-generation"}

    def test_a_generic_word_names_its_topic_only_in_a_title(self, linker):
        assert covers(linker.link("Applications")) == {"applications"}
        assert "applications" not in covers(linker.link("Backprop", "Backprop: theory and applications"))

    def test_a_generic_word_followed_by_what_it_is_of_names_that(self, linker):
        # "Applications to statistical physics" are physics's applications, not the topic
        # "applications" names; a name after it is still linked on its own.
        assert covers(linker.link("Ising model. Applications to statistical physics.")) == set()
        assert covers(linker.link("Applications in biology")) == set()
        assert covers(linker.link("Transformers: applications")) == {"transformers", "applications"}
        assert "applications" in covers(linker.link("Applications of deep learning"))

    def test_a_shared_acronym_names_the_topic_it_abbreviates(self, linker):
        assert covers(linker.link("Clustering and kNN")) == {"k-nearest-neighbors"}
        assert covers(linker.link("Nearest neighbour search")) == {"nearest-neighbor-search"}


class TestHowNamesAreWritten:
    def test_an_acronym_in_place_of_a_label_inside_a_longer_name(self, linker):
        # "DL" abbreviates "deep learning": "Optimization for DL" is the longer name.
        assert covers(linker.link("Optimization for DL")) == {"deep-learning-optimization"}
        assert covers(linker.link("NN optimization")) == {"deep-learning-optimization"}
        # The acronym alone still names its own topic, and only as an acronym.
        assert covers(linker.link("DL")) == {"deep-learning"}
        assert covers(linker.link("Optimization for dl")) == {"deep-learning-optimization"}
        assert covers(linker.link("Optimization")) == {"optimization"}

    def test_british_spellings(self, linker):
        assert covers(linker.link("Language Modelling")) == {"language-modeling"}
        assert covers(linker.link("Optimisation")) == {"optimization"}
        assert imp.link.normal_form("Promise, surprise, noise; unsupervised") == "promise surprise noise unsupervised"

    def test_a_name_given_in_any_case_matches_in_any_case(self, linker):
        # "ConvNets" (an acronym-like spelling) and "convnet" both given: any case.
        assert covers(linker.link("Convnets")) == {"convnets"}
        assert covers(linker.link("Recurrent networks")) == {"recurrent-neural-networks"}

    def test_joined_hyphens_add_only_the_names_they_make(self, linker):
        # "ML" is inside "Large-Scale ML" read apart; read joined ("LargeScale ML")
        # it would be a name of its own.
        got = by_topic(linker.link("Productionizing Large-Scale ML"))
        assert "machine-learning" not in covers(got.values())
        assert got["machine-learning"].how == "sub-span"


class TestCoordination:
    def test_a_modifier_shared_across_and(self, linker):
        # "Adversarial attacks and training" names adversarial training too; never
        # across a mark ("Adversarial attacks, and training").
        assert covers(linker.link("Adversarial attacks and training")) == {"adversarial-examples", "adversarial-training"}
        assert covers(linker.link("Adversarial attacks, and training")) == {"adversarial-examples"}
        assert covers(linker.link("Density and energy models")) == set()  # no such topics here


class TestCase:
    def test_a_long_mixed_case_name_matches_in_any_case(self, linker):
        assert covers(linker.link("Pytorch basics")) == {"pytorch"}
        # Capitals and short names keep their case: "meteor" is a word.
        assert covers(linker.link("BLEU and METEOR")) == {"meteor"}
        assert covers(linker.link("A meteor shower")) == set()


class TestWhatASessionDoesWithItsSubject:
    def test_a_word_saying_what_is_done_with_a_name_makes_no_longer_term(self, linker):
        # "questions", "notation", "properties": the session is about the name ...
        assert covers(linker.link("Live session", "Backpropagation questions.")) == {"backpropagation"}
        assert covers(linker.link("Live session", "Notation for backprop. Answer on Wed.")) == {"backpropagation"}
        # ... where a content word makes a longer term of another concept.
        assert "backpropagation" not in covers(linker.link("Live session", "Backpropagation circuits."))

    def test_a_word_after_a_subject_pronoun_is_a_verb(self, linker):
        assert "gradient" not in covers(linker.link("Overview", "what it gradient, and more"))
        assert "gradient" in covers(linker.link("Overview", "the gradient, and more"))

    def test_a_teaching_verb_is_no_modifier(self, linker):
        text = "In this lecture, we consider diffusion models."
        assert "diffusion-models" in covers(linker.link("Latent models", text + " Short. Items. Here."))
        assert covers(linker.link("Latent diffusion models")) == set()

    def test_an_aspect_of_a_name_in_a_detail_list(self, linker):
        got = by_topic(linker.link("Generalization", "margin theory, complexity of neural networks"))
        assert got["neural-networks"].how == "context"
        got = by_topic(linker.link("RNNs", "LSTMs, the problem of vanishing gradients"))
        assert got["vanishing-gradients"].confidence >= imp.COVER_THRESHOLD

    def test_the_inverse_of_a_task_is_related(self, linker):
        text = "Text to speech is the inverse process to ASR, but with differences in the models."
        assert "speech-recognition" not in covers(linker.link("Text to speech", text))
        assert "speech-recognition" in covers(linker.link("Speech", "ASR and its models."))


class TestCandidateTerms:
    def test_a_candidate_takes_a_whole_linked_head_never_across_a_joining_word(self, linker):
        assert linker.unmatched("Efficient fine-tuning for transformers") == ["Efficient fine-tuning"]
        assert linker.unmatched("History of Deep Learning") == ["History"]
        assert linker.unmatched("Quokka transformers") == ["Quokka transformers"]

    def test_a_candidate_starts_at_a_word_start(self, linker):
        assert "shot" not in linker.unmatched("One-shot/Zero-shot learning")
        assert "gradient-based learning" in linker.unmatched("Modules, gradient-based learning")

    def test_a_one_word_name_that_modifies_a_longer_term_is_part_of_a_candidate(self, linker):
        # "Gradient Boosting" is not about gradients: the whole term is the candidate.
        assert "gradient" not in covers(linker.link("Gradient Boosting"))
        assert linker.unmatched("Gradient Boosting") == ["Gradient Boosting"]

    def test_square_brackets_hold_references_not_topics(self, linker):
        detail = "Max pooling [Section 9.3 of DLB]; LSTM [Hochreiter: Long short-term memory with transformers]"
        assert "transformers" not in by_topic(linker.link("CNNs", detail))
        assert "transformers" in by_topic(linker.link("CNNs", "Max pooling; LSTM with transformers"))
        assert linker.unmatched("Graph transformer nets [A][B]") == ["Graph transformer nets"]

    def test_no_candidate_names_who_gives_a_talk_or_holds_markup(self, linker):
        assert linker.unmatched("Privacy in ML by dr. Ann Smith") == ["Privacy"]
        assert linker.unmatched('[IO]({{< relref "io" >}})') == []

    def test_a_title_of_sentences_gives_a_term_a_sentence(self, linker):
        # Full stops end a title's sentences, but not after an initial or an
        # abbreviation; a lecture's own label ("Lec2") and admin words start no term.
        got = linker.unmatched("Lec2 Undirected Graphical Models. Markov Random Fields. Ising Model.")
        assert got[:2] == ["Undirected Graphical Models", "Markov Random Fields"]
        assert linker.unmatched("Geospatial data analysis by Dr. Ann Smith") == ["Geospatial data analysis"]
        assert linker.unmatched("Guest lecture: Prof. Jean Yang on privacy") == []
        assert linker.unmatched("Introduction (incl. Language Guessing)") == ["Language Guessing"]
        assert linker.unmatched("i18n & l10n") == ["i18n", "l10n"]
        assert linker.unmatched("L1 regularization") == ["L1 regularization"]
        # A part's number ends no term: "Flow Matching 1" is flow matching.
        assert linker.unmatched("Flow matching 1") == ["Flow matching"]

    def test_references_codes_and_compound_tails_make_no_candidate(self, linker):
        # A book's chapter or edition, a course's code, a session's code ("GR1",
        # "HW2"), the tail of a compound a name took the head of ("Model free").
        assert linker.unmatched("Image filtering", "Szeliski (2nd Edition) Chapter 1") == ["Image filtering"]
        assert linker.unmatched("Welcome to CS 231N, Abstraction") == ["Abstraction"]
        assert linker.unmatched("GR1") == [] and linker.unmatched("HW2") == []
        assert linker.unmatched("Model free") == []

    def test_an_estimate_is_a_kind_word(self, linker):
        # "Least square estimate", "Gradient estimators": what kind of thing the name
        # is, not a longer term the name modifies ("Gradient boosting").
        assert covers(linker.link("Gradient estimators")) == {"gradient"}
        assert linker.unmatched("Gradient estimators") == []
        assert linker.unmatched("Estimate") == []
        assert covers(linker.link("Gradient boosting")) == set()

    def test_determiners_and_kind_words_make_no_candidate(self, linker):
        assert linker.unmatched("From RL to (any) autoencoder, tasks, research") == ["autoencoder"]
        assert linker.unmatched("Classifiers, such as Naive Bayes") == ["Classifiers", "Naive Bayes"]


def _page(descriptions: list[tuple[str, str]]) -> str:
    out = ["# Course, Fall 2025", ""]
    for day, (title, text) in enumerate(descriptions, start=1):
        out += [f"## Sep {day}: {title}", "", text, ""]
    return "\n".join(out)


class TestPageThemes:
    def test_a_topic_every_description_mentions_is_background(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        md = _page([
            ("Deep learning", "An overview of the field and its history."),
            ("Backpropagation", "We derive the algorithm that trains deep learning models end to end."),
            ("Transformers", "This lecture shows why attention won in deep learning practice."),
            ("Contrastive learning", "How deep learning systems learn from pairs of views."),
            ("Reinforcement learning", "Agents and rewards, as deep learning practitioners see them."),
        ])
        draft = imp.build_draft(imp.parse_page(md, "p.md"), vocab, course_id="p", year=2025)
        got = {lec.title: set(lec.covers()) for lec in draft.lectures}
        assert got["Deep learning"] == {"deep-learning"}
        for title in ("Backpropagation", "Transformers", "Contrastive learning", "Reinforcement learning"):
            assert "deep-learning" not in got[title], title
        themed = [lk for lec in draft.lectures for lk in lec.links if lk.how == "theme"]
        assert themed and {lk.topic for lk in themed} == {"deep-learning"}

    def test_a_topic_few_descriptions_mention_still_counts(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        md = _page([
            ("Optimisation", "This lecture covers how deep learning models are fitted by gradient methods."),
            ("Transformers", "Attention and its uses."),
            ("Contrastive learning", "Pairs of views."),
            ("Reinforcement learning", "Agents and rewards."),
        ])
        draft = imp.build_draft(imp.parse_page(md, "p.md"), vocab, course_id="p", year=2025)
        assert "deep-learning" in draft.lectures[0].covers()


class TestRunningSubject:
    """A topic the titles keep naming as a setting or a kind of something else is the
    course's subject: covered where a title names it as a part of its own."""

    def test_a_subject_the_titles_keep_naming_around_other_things(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        md = _page([
            ("Course overview", "Logistics."),
            ("Word vectors", "Counting."),
            ("Transformers for NLP", "Attention."),
            ("Reinforcement learning for NLP", "Rewards."),
            ("NLP deep dive: speech", "Sounds."),
            ("Diffusion models and NLP", "Noise."),
            ("NLP basics: backprop", "Chain rule."),
            ("Speech recognition", "Sounds."),
        ])
        draft = imp.build_draft(imp.parse_page(md, "p.md"), vocab, course_id="p", year=2025)
        got = {lec.title: set(lec.covers()) for lec in draft.lectures}
        assert got["Diffusion models and NLP"] == {"diffusion-models"}
        assert got["NLP basics: backprop"] == {"natural-language-processing", "backpropagation"}
        weak = {lk.topic: lk.how for lk in draft.lectures[5].links}
        assert weak["natural-language-processing"] == "course"

    def test_a_topic_the_titles_name_as_their_own_stays_covered(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        md = _page([
            ("Course overview", "Logistics."),
            ("Word vectors", "Counting."),
            ("Transformers: attention", "Keys."),
            ("Transformers and RNNs", "Sequences."),
            ("Efficient transformers", "Speed."),
            ("Transformers for speech", "Sounds."),
        ])
        draft = imp.build_draft(imp.parse_page(md, "p.md"), vocab, course_id="p", year=2025)
        got = {lec.title: set(lec.covers()) for lec in draft.lectures}
        assert "transformers" in got["Transformers for speech"]
        assert "transformers" in got["Transformers and RNNs"]

    def test_a_heading_names_the_course_subject_also_as_a_kind_of_it(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        md = "\n".join([
            "# ACME Natural Language Processing course", "",
            "## Sep 1: Speech recognition", "", "Sounds.", "",
            "## Sep 2: Backprop", "", "Gradients.", "",
            "## Sep 3: Diffusion models in NLP", "", "Noise.", "",
            "## Sep 4: Transformers", "", "Attention, NLP tasks.", "",
        ])
        draft = imp.build_draft(imp.parse_page(md, "p.md"), vocab, course_id="p", year=2025)
        last = draft.lectures[-1]
        assert "natural-language-processing" not in last.covers()
        assert {lk.topic: lk.how for lk in last.links}["natural-language-processing"] == "course"


class TestDataFileReadings:
    def test_cited_readings_are_not_detail(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        data = """
- date: 9/6/2022
  title: Background concepts
  topics:
    - Gradient and backpropagation
  readings:
    - Bengio et al., <a href="https://arxiv.org/pdf/1206.5538.pdf">Representation Learning</a>
- date: 9/8/2022
  title: Transformers
  readings:
    Representation learning with attention, text generation.
"""
        draft = imp.build_draft(imp.parse_page(data, "lectures.yml"), vocab, course_id="d")
        first, second = draft.lectures
        assert "representation-learning" not in {lk.topic for lk in first.links}
        assert {"gradient", "backpropagation"} <= set(first.covers())
        # A plain outline under the same key is the lecture's detail.
        assert {"representation-learning", "text-generation"} <= set(second.covers())


# --------------------------------------------------------------------------- releases

RELEASES_MD = """# Probabilistic ML, Fall 2025

- **Sep 3**
  - Topic: Backpropagation
  - Released: Starter code for the project
- **Sep 5**
  - Topic: Transformers
  - Released: HW1: Vectorization
- **Sep 10**
  - Topic: Reinforcement learning
"""

TABLE_MD = """# Deep learning, Fall 2025

| Date | Topic |
|---|---|
| Sep 3 | Backpropagation |
| Sep 4 | HW1 out |
| Sep 5 | Transformers |
| Sep 12 | HW1 due |
"""


class TestReleases:
    def test_release_is_an_event_kind_kg_loads(self, tmp_path):
        assert "release" in EVENT_KINDS
        course = tmp_path / "c.yaml"
        course.write_text(
            "id: c\nname: C\nlectures:\n  - title: Backpropagation\n"
            "events:\n  - kind: release\n    title: HW1 released\n    date: 2025-09-04\n",
            encoding="utf-8",
        )
        got, _refs = read_course_file(course, "c.yaml")
        assert [(e.kind, e.title, str(e.date)) for e in got.events] == [("release", "HW1 released", "2025-09-04")]
        course.write_text(course.read_text(encoding="utf-8").replace("kind: release", "kind: releaze"), encoding="utf-8")
        with pytest.raises(DataError, match="releaze"):
            read_course_file(course, "c.yaml")

    def test_released_lines_become_release_events(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        draft = imp.build_draft(imp.parse_page(RELEASES_MD, "p.md"), vocab, course_id="p")
        assert [lec.title for lec in draft.lectures] == ["Backpropagation", "Transformers", "Reinforcement learning"]
        assert [(e.kind, e.title, str(e.date)) for e in draft.events] == [
            ("release", "Starter code for the project", "2025-09-03"),
            ("release", "HW1: Vectorization", "2025-09-05"),
        ]
        assert ("hw1", "2025-09-05") in [(a.id, str(a.released)) for a in draft.assignments]
        text = imp.render_yaml(draft)
        imp.check_draft(text, "p", vocab, "p.md")  # kg's loader takes the draft
        assert yaml.safe_load(text)["events"][1] == {"kind": "release", "title": "HW1: Vectorization", "date": yaml.safe_load("2025-09-05")}

    def test_a_row_that_hands_work_out_is_a_release_not_a_lecture(self):
        vocab = imp.Vocabulary(topics=TOPICS)
        draft = imp.build_draft(imp.parse_page(TABLE_MD, "t.md"), vocab, course_id="t")
        assert [lec.title for lec in draft.lectures] == ["Backpropagation", "Transformers"]
        assert [(e.kind, e.title, str(e.date)) for e in draft.events] == [("release", "HW1 released", "2025-09-04")]
        assert [(a.id, str(a.released), str(a.due)) for a in draft.assignments] == [("hw1", "2025-09-04", "2025-09-12")]

    def test_kg_import_writes_release_events(self, tmp_path):
        page = tmp_path / "releases.md"
        page.write_text(RELEASES_MD, encoding="utf-8")
        group = click.Group(commands=[import_cmd])
        r = CliRunner().invoke(group, ["import", str(page), "--course-id", "pml-f25"], obj=State(None),
                               catch_exceptions=False)
        assert r.exit_code == 0, r.output
        doc = yaml.safe_load(r.stdout)
        assert [e["kind"] for e in doc["events"]] == ["release", "release"]
        out = tmp_path / "pml-f25.yaml"
        out.write_text(r.stdout, encoding="utf-8")
        course, _ = read_course_file(out, out.name)
        assert [e.kind for e in course.events] == ["release", "release"]


def test_vocabulary_queries_are_kgs_own(tmp_path):
    """The vocabulary is read with kg/queries/internal/importer-*.rq, no inline SPARQL."""
    from kg.graph import KnowledgeGraph

    source = (Path(imp.__file__).parent / "vocab.py").read_text(encoding="utf-8")
    assert "SELECT" not in source and ".select(" not in source
    vocab = imp.Vocabulary.from_graph(KnowledgeGraph.open())
    ids = {t.id for t in vocab.topics}
    assert {"backpropagation", "transformers"} <= ids
    assert any(t.aliases for t in vocab.topics) and vocab.books and vocab.readings


def test_the_shipped_vocabulary_names_spelling_variants():
    # "Back propagation" (two words) is a common spelling of backpropagation.
    linker = imp.Linker(imp.Vocabulary.from_graph(KnowledgeGraph.open()).topics)
    assert "backpropagation" in covers(linker.link("Gradient descent and back propagation"))


def test_the_shipped_vocabulary_keeps_dynamic_programming_apart_from_bellman():
    # Dynamic programming is also an algorithms course's technique (knapsack, edit
    # distance): the name alone does not stand for the Bellman equation.
    linker = imp.Linker(imp.Vocabulary.from_graph(KnowledgeGraph.open()).topics)
    assert "bellman-equation" not in covers(linker.link("Dynamic programming: knapsack and edit distance"))
    assert "bellman-equation" not in covers(linker.link("Programación dinámica I"))
    assert "bellman-equation" in covers(linker.link("Bellman equations and value iteration"))


# Names for the rules below: hyphenated names, two names of one topic, a name a
# misspelling could reach, a kind word after a name.
MORE_TOPICS = [
    imp.TopicName("n-gram-language-models", "N-gram language models", ("n-gram", "n-grams")),
    imp.TopicName("constituency-parsing", "Constituency parsing", ("CFG", "parsing")),
    imp.TopicName("computational-graph", "Computational graph", ("compute graph",)),
    imp.TopicName("empirical-risk-minimization", "Empirical risk minimization", ("ERM",)),
    imp.TopicName("kernel-methods", "Kernel methods", ("kernels",)),
    imp.TopicName("sequence-labeling", "Sequence labeling"),
    imp.TopicName("multilayer-perceptron", "Multilayer perceptron", ("MLP",)),
    imp.TopicName("sequence-modeling", "Sequence modeling"),
    imp.TopicName("deep-learning", "Deep learning", ("DL",)),
    imp.TopicName("data-preparation", "Data preparation", ("data cleaning",)),
]


@pytest.fixture(scope="module")
def more() -> imp.Linker:
    return imp.Linker(MORE_TOPICS)


class TestWordForms:
    def test_a_hyphenated_name_also_matches_closed_up(self, more):
        assert "n-gram-language-models" in covers(more.link("Ngram and log-linear models"))
        assert "n-gram-language-models" in covers(more.link("N-gram models"))
        # Closed up only: no typo of it ("engram") and no word inside another.
        assert "n-gram-language-models" not in by_topic(more.link("Engram memory"))

    def test_a_long_first_word_written_as_two_words_matches(self, linker):
        assert "backpropagation" in covers(linker.link("Back prop derivation (part one)"))
        assert linker.unmatched("Back prop derivation (part one)") == []
        assert "backpropagation" in covers(linker.link("Back propagation and its uses"))
        # Short words are never joined ("NN" and a word is no name), nor across a mark.
        assert "backpropagation" not in by_topic(linker.link("Back, prop"))

    def test_a_name_read_joined_is_no_candidate(self, more):
        assert "multilayer-perceptron" in covers(more.link("Multi-layer perceptron. Gradient calculation"))
        assert more.unmatched("Multi-layer perceptron. Gradient calculation") == ["Gradient calculation"]
        # The near case: a hyphenated term that names nothing stays a candidate.
        assert more.unmatched("Multi-armed bandits") == ["Multi-armed bandits"]

    def test_a_typo_changes_a_word_not_every_word_of_a_name(self, more):
        assert "computational-graph" not in by_topic(more.link("Applications to Computer Graphics"))
        assert "computational-graph" in covers(more.link("Computational grahp"))

    def test_two_names_of_one_topic_side_by_side_name_it(self, more):
        # "CFG" and "parsing" both name constituency parsing: "CFG parsing" is that
        # topic, not a kind of it and no candidate.
        assert "constituency-parsing" in covers(more.link("Syntax & CFG Parsing"))
        assert more.unmatched("Syntax & CFG Parsing") == ["Syntax"]
        # The near case: another word before a name makes a kind of it.
        assert "constituency-parsing" not in covers(more.link("Shallow Parsing"))
        assert more.unmatched("Shallow Parsing") == ["Shallow Parsing"]

    def test_a_gerund_first_and_its_object_in_the_plural_name_the_topic(self, more):
        assert "sequence-modeling" in covers(more.link("Modelling sequences"))
        assert "sequence-labeling" in covers(more.link("Labeling sequences with HMMs"))
        # No plural, no object: "learning deep" is no deep learning, "cleaning data" no name.
        assert "deep-learning" not in by_topic(more.link("Learning deep architectures"))
        assert "data-preparation" not in by_topic(more.link("Cleaning data"))

    def test_what_a_sentence_lists_after_such_as_are_list_terms(self, linker):
        listed = "In this lecture we apply the same idea to many architectures such as transformers and CNNs."
        assert "transformers" in covers(linker.link("Conditional models", listed))
        prose = "In this lecture we apply the idea to several architectures and see why transformers win."
        assert "transformers" not in covers(linker.link("Conditional models", prose))

    def test_principle_after_a_name_says_what_kind_of_thing_it_is(self, more):
        assert "empirical-risk-minimization" in covers(more.link("The Empirical Risk Minimization Principle"))
        assert more.unmatched("The Empirical Risk Minimization Principle") == []
        # Another noun after it still makes a longer term.
        assert "empirical-risk-minimization" not in covers(more.link("Empirical Risk Minimization Games"))

    def test_systems_after_a_name_are_systems_of_it(self, linker):
        assert "speech-recognition" in covers(linker.link("Speech Recognition Systems"))
        assert linker.unmatched("Speech Recognition Systems") == []
        assert "speech-recognition" not in covers(linker.link("Speech Recognition Benchmarks"))


class TestCandidateNoise:
    def test_dates_are_no_candidates(self, more):
        assert more.unmatched("Resampling and the Bootstrap (Nov 12-15)") == ["Resampling", "Bootstrap"]
        assert more.unmatched("Sampling (Sep 29-Oct 4)") == ["Sampling"]
        # A month's name in a term with other words is kept.
        assert more.unmatched("March madness models") == ["March madness models"]

    def test_citations_and_book_abbreviations_are_no_candidates(self, more):
        assert more.unmatched("Prompting", "[SLP Ch 10](x), [Xie and Min 2022](y)") == ["Prompting"]
        assert more.unmatched("Ethics and Safety", "Bender et al, 2021; NNLP Ch 13.") == ["Ethics", "Safety"]
        assert more.unmatched("Xie and Min 2022") == []
        assert more.unmatched("Ethics ;amp; Safety in NLP+Guest Lec") == ["Ethics", "Safety"]
        # A name and a number that is no year is a term ("Wombat 3000" is no citation).
        assert more.unmatched("Wombat 3000 engines") == ["Wombat 3000 engines"]

    def test_a_word_that_only_qualifies_is_no_candidate_alone(self, more):
        assert more.unmatched("Regularized Solutions") == []
        assert more.unmatched("Selected Topic: Wavelets and Frames") == ["Wavelets", "Frames"]
        assert more.unmatched("Current Topics of Research V: Bagging") == ["Bagging"]
        # With its noun it is a term.
        assert more.unmatched("Regularized wombats") == ["Regularized wombats"]

    def test_setting_words_end_a_candidate(self, more):
        assert more.unmatched("Quokka Bounds for Wombat Regression") == ["Quokka Bounds", "Wombat Regression"]
        assert more.unmatched("Regression in more detail") == ["Regression"]
        # "of" stays inside a term ("bag of words"); what a session does with one goes.
        assert more.unmatched("Bag of wombats") == ["Bag of wombats"]
        assert more.unmatched("Wombats", "- example of DCT transforms") == ["Wombats", "DCT transforms"]

    def test_a_generic_head_stays_with_the_word_before_it(self, more):
        assert more.unmatched("Hierarchical Models & Empirical Bayes") == ["Hierarchical Models", "Empirical Bayes"]
        assert more.unmatched("Estimators & Decision Theory") == ["Decision Theory"]
        # Alone, or after a word that is no term, it is none.
        assert more.unmatched("Part I: Theory") == [] and more.unmatched("Other methods") == []

    def test_a_description_list_splits_its_candidates_at_and(self, more):
        # One word of a description list is no term: "separable and FFT" gives none.
        assert more.unmatched("Imaging", "- cost of filters, separable and FFT") == ["Imaging", "cost of filters"]
        assert more.unmatched("Imaging", "- rolling shutter and tristimulus encoding") == [
            "Imaging", "rolling shutter", "tristimulus encoding"
        ]

    def test_reference_labels_end_what_names_topics(self, more):
        detail = "- linear filters\n- gaussian smoother\n\nLiterature:\n- Learning a Separable Kernel\n"
        assert "kernel-methods" not in by_topic(more.link("Image Processing", detail))
        assert "kernel-methods" in by_topic(more.link("Image Processing", detail.replace("Literature:", "Also:")))
        assert without_readings("Filters. Book: Szeliski Chapter 3") == "Filters."

    def test_admin_words_times_rooms_and_who_speaks_are_no_candidates(self, more):
        assert more.unmatched("Final exam (Dec 12, 9am-12pm, Room 101)") == []
        assert more.unmatched("Poster session") == [] and more.unmatched("Worksheet 3") == []
        assert more.unmatched("See Piazza for details") == []
        assert more.unmatched("Guest: Jane Doe (Google)") == []
        # "Guest lecture:" says what kind of session; what follows is its subject.
        assert more.unmatched("Guest lecture: Quokka transfer") == ["Quokka transfer"]
        assert more.unmatched("Recitation: Wombat algebra refresher") == ["Wombat algebra"]
