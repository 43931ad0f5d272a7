"""`kg import`: reading syllabus pages into draft course files.

The seed pages are read from ../shared/seeds beside the repository (the pages the
curated course files were written from; kg keeps no copy of their prose), or from
$KG_SEEDS; syllabus-table.html and syllabus.md are layouts the seeds do not have. The figures the importer reaches on the seeds are held by
TestEvaluation (bench/import_eval.py prints them).
"""

from __future__ import annotations

import datetime as dt
import os
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from kg import importer as imp
from kg.cli import State
from kg.errors import DataError, KGError, PageError, UsageError
from kg.graph import KnowledgeGraph
from kg.cli.importer import LONG_PAGE_ROWS, import_cmd, want_progress
from kg.build.sources import load_sources
from kg.build.store import default_data_dir

from .conftest import import_eval

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = Path(os.environ.get("KG_SEEDS") or ROOT.parent / "shared" / "seeds")
HTML_PAGE = FIXTURES / "syllabus-table.html"
MD_PAGE = FIXTURES / "syllabus.md"
SEED_COURSES = {
    "mit-6.7960-fa25.txt": "mit-6.7960-fa25",
    "mit-6.s898-fa22.txt": "mit-6.s898-fa22",
    "berkeley-cs182-fa25.txt": "berkeley-cs182-fa25",
    "berkeley-cs182-fa25.table.txt": "berkeley-cs182-fa25",
    "bu-deep-learning-lectures.txt": "bu-deep-learning",
}


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def vocab(graph: KnowledgeGraph) -> imp.Vocabulary:
    return imp.Vocabulary.from_graph(graph)


@pytest.fixture(scope="module")
def curated():
    return load_sources(default_data_dir()).courses


def draft_of(path: Path, vocab: imp.Vocabulary, **kw) -> imp.Draft:
    kw.setdefault("course_id", "draft-course")
    return imp.import_page(path, vocab, **kw)


def loads_in_data_dir(tmp_path: Path, files: dict[str, str]):
    """Copy the shipped data, add the course files, load everything with kg.build.sources."""
    data = tmp_path / "shipped-copy" / "data"
    shutil.copytree(default_data_dir(), data)
    for name, text in files.items():
        (data / "courses" / name).write_text(text, encoding="utf-8")
    return load_sources(data)


# --------------------------------------------------------------------------- pages


class TestReadPage:
    def test_empty(self, tmp_path):
        p = tmp_path / "empty.html"
        p.write_text("")
        with pytest.raises(PageError, match=r"empty\.html: page is empty"):
            imp.read_page(p)

    def test_whitespace_only(self, tmp_path):
        p = tmp_path / "blank.txt"
        p.write_text("  \n\t\n")
        with pytest.raises(PageError, match="page is empty"):
            imp.read_page(p)

    def test_binary(self, tmp_path):
        p = tmp_path / "image.png"
        p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        with pytest.raises(PageError, match=r"image\.png: page is binary"):
            imp.read_page(p)

    def test_not_utf8(self, tmp_path):
        p = tmp_path / "latin1.txt"
        p.write_bytes(b"Week 1\nTue 9/9 | Caf\xe9 and backprop |\n")
        with pytest.raises(PageError, match=r"latin1\.txt: page is not UTF-8 text \(byte 0xe9 on line 2\)"):
            imp.read_page(p)

    def test_enormous(self, tmp_path):
        p = tmp_path / "huge.html"
        with open(p, "wb") as f:
            f.truncate(imp.MAX_PAGE_BYTES + 1)  # sparse: size without the disk
        with pytest.raises(PageError, match=r"huge\.html: page is 5,000,001 bytes, over the 5,000,000-byte limit"):
            imp.read_page(p)

    def test_missing(self, tmp_path):
        with pytest.raises(PageError, match=r"nope\.html: cannot read page"):
            imp.read_page(tmp_path / "nope.html")

    def test_directory(self, tmp_path):
        with pytest.raises(PageError, match="is a directory"):
            imp.read_page(tmp_path)

    def test_bom_is_dropped(self, tmp_path):
        p = tmp_path / "bom.txt"
        p.write_bytes("\ufeffhello".encode("utf-8"))
        assert imp.read_page(p) == "hello"

    def test_errors_are_data_errors(self):
        assert issubclass(PageError, DataError) and issubclass(PageError, KGError)


class TestParseDate:
    @pytest.mark.parametrize(
        "text, want",
        [
            ("Tue 9/9 | x", (9, 9, None, 1)),
            ("Thu 10/23 |", (10, 23, None, 3)),
            ("Sep 2 Basic", (9, 2, None, None)),
            ("September 12, 2024", (9, 12, 2024, None)),
            ("Sept. 4", (9, 4, None, None)),
            ("12 Oct", (10, 12, None, None)),
            ("2025-10-02", (10, 2, 2025, None)),
            ("Mon 1/5/26", (1, 5, 2026, 0)),
        ],
    )
    def test_forms(self, text, want):
        got = imp.parse_date(text)
        assert got is not None
        d = got[0]
        assert (d.month, d.day, d.year, d.weekday) == want

    @pytest.mark.parametrize("text", ["Lectures: Tue/Thu", "Fall 2025", "13/40 | x", "March 2020 saw", "Week 3"])
    def test_not_dates(self, text):
        assert imp.parse_date(text) is None


class TestLayouts:
    @pytest.mark.parametrize(
        "name, layout, rows",
        [
            ("mit-6.7960-fa25.txt", "pipe-rows", 32),
            ("mit-6.s898-fa22.txt", "pipe-rows", 28),
            ("berkeley-cs182-fa25.txt", "dated-lines", 31),
            ("berkeley-cs182-fa25.table.txt", "pipe-rows", 31),
            ("bu-deep-learning-lectures.txt", "numbered-list", 28),
        ],
    )
    def test_seed_layouts(self, name, layout, rows):
        page = imp.parse_page(imp.read_page(SEEDS / name), name)
        assert page.layout == layout
        assert len(page.rows) == rows

    def test_mit_rows(self):
        page = imp.parse_page(imp.read_page(SEEDS / "mit-6.s898-fa22.txt"))
        assert (page.name, page.code, page.term) == ("Deep Learning", "6.S898", "Fall 2022")
        by_title = {r.title: r for r in page.rows}
        r = by_title["Generative models – representation learning meets generative modeling"]
        assert (r.week, r.date.month, r.date.day) == (9, 11, 3)
        assert r.speakers == ["Phillip Isola"]
        assert r.detail == "VAEs, latent variables"
        assert r.assignments == ["pset 4 due", "pset 5 out", "project handout"]
        diffdock = by_title["DiffDock: Diffusion Steps, Twists, and Turns for Molecular Docking"]
        assert diffdock.guest and diffdock.speakers == ["Gabriele Corso"]
        assert by_title["Course overview, introduction to deep neural networks and their basic building blocks"].speakers == [
            "Phillip Isola", "Stefanie Jegelka"]

    def test_berkeley_renderings_agree(self):
        plain = imp.parse_page(imp.read_page(SEEDS / "berkeley-cs182-fa25.txt"))
        table = imp.parse_page(imp.read_page(SEEDS / "berkeley-cs182-fa25.table.txt"))

        def key(r):
            return (r.week, r.date.month, r.date.day, r.title, r.discussion, r.assignments)

        assert [key(r) for r in plain.rows] == [key(r) for r in table.rows]
        assert plain.rows[1].week == 1 and plain.rows[2].week == 1  # "Sep 4" continues week 1
        assert plain.rows[1].discussion == "Dis 1: SGD and Visualizing an MLP"
        assert plain.rows[0].assignments == ["HW0 - Basics"]

    def test_bu_rows(self):
        page = imp.parse_page(imp.read_page(SEEDS / "bu-deep-learning-lectures.txt"))
        r = next(r for r in page.rows if r.number == "09")
        assert r.title == "Backpropagation"
        assert r.materials == ["slides", "annotated-slides", "recording"]
        assert [x.text for x in r.readings] == ["Understanding Deep Learning, Chapters 7.1 - 7.4"]
        assert r.detail.startswith("In this lecture we show how")
        r17 = next(r for r in page.rows if r.number == "17")
        assert [(x.text, x.optional) for x in r17.readings] == [
            ("Understanding Deep Learning, Chapter 12", False), ("The Illustrated Transformer", True)]

    def test_html_table(self):
        page = imp.parse_page(imp.read_page(HTML_PAGE), "syllabus-table.html")
        assert page.layout == "html-table"
        assert (page.name, page.code, page.term) == ("Neural Networks & Learning", "CS 4780", "Spring 2026")
        assert [r.title for r in page.rows] == [
            "Introduction and course logistics", "Linear regression and least squares",
            "Backpropagation & automatic differentiation", "Convolutional networks (CNNs)",
            "No class: snow day", "Midterm exam", "Transformers and self-attention",
        ]
        # rowspan: week 1 spans two rows; the <br> splits title from detail.
        assert [r.week for r in page.rows] == [1, 1, 2, 2, 3, 3, 4]
        assert page.rows[1].detail == "Loss functions, maximum likelihood, gradient descent"
        assert page.rows[6].guest
        assert [x.text for x in page.rows[2].readings] == [
            "Understanding Deep Learning, Chapters 7.1 - 7.4", "The Illustrated Transformer"]
        assert page.rows[2].readings[1].optional

    def test_markdown_table(self):
        page = imp.parse_page(imp.read_page(MD_PAGE), "syllabus.md")
        assert page.layout == "markdown-table"
        assert (page.name, page.code) == ("Deep Generative Models", "DGM 101")
        assert [r.number for r in page.rows] == ["1", "2", "3", None, "4", "5"]
        assert page.rows[1].speakers == ["Alan Turing", "Grace Hopper"]
        assert page.rows[4].title == "Normalizing flows and flow matching"
        assert page.rows[5].title == "Quokka sampling for generative models"  # ** dropped

    def test_html_list_without_table(self):
        html = """<html><body><h1>Lectures</h1><ul>
            <li>01 - Intro to GANs<p>tl;dr: adversarial training of generators</p></li>
            <li>02 - Variational autoencoders</li>
            <li>03 - Diffusion models</li></ul></body></html>"""
        page = imp.parse_page(html, "list.html")
        assert page.layout == "numbered-list"
        assert [(r.number, r.title) for r in page.rows] == [
            ("01", "Intro to GANs"), ("02", "Variational autoencoders"), ("03", "Diffusion models")]
        assert page.rows[0].detail == "adversarial training of generators"

    def test_html_table_rowspan_and_colspan(self):
        html = """<table>
          <tr><th>Date</th><th>Lecture</th><th>Notes</th></tr>
          <tr><td rowspan="2">Oct 1</td><td>Attention</td><td>slides</td></tr>
          <tr><td>Transformers</td><td>notes</td></tr>
          <tr><td>Oct 8</td><td colspan="2">Fall break: no class</td></tr>
        </table>"""
        page = imp.parse_page(html, "t.html")
        assert [(r.date.day if r.date else None, r.title) for r in page.rows] == [
            (1, "Attention"), (1, "Transformers"), (8, "Fall break: no class")]
        assert page.rows[0].materials == ["slides"]

    @pytest.mark.parametrize(
        "text",
        [
            "Welcome to the course. We will learn a lot.\nOffice hours are on Fridays.\n",
            "<html><body><p>Nothing scheduled yet.</p><table><tr><td>a</td><td>b</td></tr></table></body></html>",
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
        ],
    )
    def test_no_schedule(self, text):
        with pytest.raises(PageError, match=r"^page\.txt: no schedule found"):
            imp.parse_page(text, "page.txt")

    def test_only_calendar_rows(self, vocab):
        page = imp.parse_page("Tue 9/9 | No class |\nThu 9/11 | Midterm |\nTue 9/16 | Holiday |\n", "cal.txt")
        with pytest.raises(PageError, match="no lectures"):
            imp.build_draft(page, vocab, course_id="c")


# --------------------------------------------------------------------------- linking

TOPICS = [
    imp.TopicName("reinforcement-learning", "Reinforcement learning", ("RL",)),
    imp.TopicName("generative-adversarial-networks", "Generative adversarial networks", ("GAN", "GANs")),
    imp.TopicName("transformers", "Transformers", ("transformer",)),
    imp.TopicName("neural-networks", "Neural networks", ("neural net",)),
    imp.TopicName("deep-learning", "Deep learning", ("deep neural networks",), None),
    imp.TopicName("maximal-update-parameterization", "Maximal update parameterization", ("muP",)),
    imp.TopicName("density-estimation", "Density estimation", ("density models",)),
    imp.TopicName("energy-based-models", "Energy-based models", ("energy models",)),
    imp.TopicName("gradient", "Gradient", ()),
    imp.TopicName("lora", "Low-rank adaptation", ("LoRA",)),
    imp.TopicName("u-net", "U-Net", ("U-Nets",)),
]


@pytest.fixture(scope="module")
def linker():
    return imp.Linker(TOPICS)


class TestLinker:
    def ids(self, links, threshold=imp.COVER_THRESHOLD):
        return [lk.topic for lk in links if lk.confidence >= threshold]

    def test_label_and_plural(self, linker):
        assert self.ids(linker.link("A transformer, then Transformers")) == ["transformers"]

    def test_short_alias_needs_its_case(self, linker):
        assert self.ids(linker.link("Deep RL")) == ["reinforcement-learning"]
        assert linker.link("the rl in world") == []
        assert self.ids(linker.link("Conditional GANs")) == ["generative-adversarial-networks"]
        assert linker.link("a gan of thieves") == []
        assert self.ids(linker.link("muP: width scaling")) == ["maximal-update-parameterization"]
        assert self.ids(linker.link("Fine-tuning with LORA")) == ["lora"]
        assert linker.link("lora of the rings") == []

    def test_hyphenated_alias_is_not_an_acronym(self, linker):
        assert self.ids(linker.link("Fully convolutional nets and U-nets")) == ["u-net"]

    def test_fuzzy_typo(self, linker):
        links = linker.link("muP: maximal update parameteriation")
        assert links[0].topic == "maximal-update-parameterization"
        assert any(lk.how == "fuzzy" for lk in linker.link("maximal update parameteriation"))

    def test_fuzzy_goes_word_by_word(self, linker):
        assert self.ids(linker.link("Transfomers")) == ["transformers"]
        assert self.ids(linker.link("Generative adversarial netwrks")) == ["generative-adversarial-networks"]
        # A long shared word must not carry a different one.
        assert linker.link("Generative adversarial nonsense") == []
        assert linker.link("Maximal update nonsense") == []

    def test_span_inside_longer_match_counts_less(self, linker):
        links = {lk.topic: lk for lk in linker.link("Intro to deep neural networks")}
        assert links["deep-learning"].confidence >= imp.COVER_THRESHOLD
        assert links["neural-networks"].confidence < imp.COVER_THRESHOLD
        assert links["neural-networks"].how == "sub-span"

    def test_coordination(self, linker):
        ids = self.ids(linker.link("Generative models", "Density and energy models, samplers, GANs"))
        assert set(ids) == {"density-estimation", "energy-based-models", "generative-adversarial-networks"}

    def test_detail_list_counts_more_than_prose(self, linker):
        listed = linker.link("Optimisation", "Gradient, momentum, Adam")
        prose = linker.link("Optimisation", "In this lecture we consider gradient as a general technique for training.")
        assert self.ids(listed) == ["gradient"]
        assert self.ids(prose) == [] and prose[0].topic == "gradient"
        assert listed[0].confidence > prose[0].confidence

    def test_reading_support_raises_confidence(self, linker):
        prose = "In this lecture we consider gradient as a general technique for training."
        plain = linker.link("x", prose)[0].confidence
        backed = linker.link("x", prose, support={"gradient"})[0].confidence
        assert backed > plain

    def test_unmatched_terms(self, linker):
        assert linker.unmatched("Transformers and Quokka sampling") == ["Quokka sampling"]
        assert linker.unmatched("Introduction: course logistics") == ["logistics"]
        assert linker.unmatched("Transformers", "In this lecture we see many things.") == []
        assert linker.unmatched("Transformers", "Quokka nets, wombat search") == ["Quokka nets", "wombat search"]

    def test_empty(self, linker):
        assert linker.link("") == [] and linker.unmatched("") == []


class TestReadings:
    def library(self, vocab):
        return imp.Library(vocab)

    @pytest.mark.parametrize(
        "line, want",
        [
            ("Understanding Deep Learning, Chapter 1", [("udl/1", None, False, None)]),
            ("Understanding Deep Learning, Chapters 7.1 - 7.4", [("udl/7", "7.1-7.4", False, None)]),
            ("Understanding Deep Learning, Chapter 7.5", [("udl/7", "7.5", False, None)]),
            ("Mathematics for Machine Learning, Chapters 6 and 8, especially 8.1.3",
             [("mml/6", None, False, None), ("mml/8", None, False, "especially 8.1.3")]),
            ("Understanding Deep Learning, Chapter 14, 17 (optional)",
             [("udl/14", None, False, None), ("udl/17", None, True, None)]),
            ("understanding deep learning ch. 3-4", [("udl/3", None, False, None), ("udl/4", None, False, None)]),
        ],
    )
    def test_chapters(self, vocab, line, want):
        refs, unmatched = self.library(vocab).line(imp.ReadingLine(line))
        assert unmatched is None
        assert [(r.chapter, r.sections, r.optional, r.note) for r in refs] == want

    def test_readings_by_title(self, vocab):
        lib = self.library(vocab)
        refs, _ = lib.line(imp.ReadingLine("Human-level control through deep reinforcement learning (access via BU)"))
        assert [(r.reading, r.note) for r in refs] == [("human-level-control-through-deep-rl", "access via BU")]
        refs, _ = lib.line(imp.ReadingLine("Maximum Likelihood Estimation Examples from an MIT course. This video walks through"))
        assert [r.reading for r in refs] == ["mle-examples-video"]
        refs, _ = lib.line(imp.ReadingLine("The Illustrated Transformer", optional=True))
        assert [(r.reading, r.optional) for r in refs] == [("the-illustrated-transformer", True)]

    def test_unknown_book_and_reading(self, vocab):
        lib = self.library(vocab)
        assert lib.line(imp.ReadingLine("Deep Learning (Goodfellow et al.), Chapter 6")) == (
            [], "Deep Learning (Goodfellow et al.), Chapter 6")
        assert lib.line(imp.ReadingLine("Understanding Deep Learning, Chapter 99"))[0] == []
        assert lib.line(imp.ReadingLine("A paper nobody has heard of")) == ([], "A paper nobody has heard of")

    def test_titles_in_a_materials_cell(self, vocab):
        found = self.library(vocab).in_text("slides optional readings: notation for this course neural networks")
        assert [(r.reading, r.optional) for r in found] == [
            ("notation-for-this-course", True), ("neural-networks-notes", True)]
        found = self.library(vocab).in_text("slides required readings: gradient-based learning backprop")
        assert [(r.reading, r.optional) for r in found] == [
            ("gradient-based-learning", False), ("backprop-notes", False)]


# --------------------------------------------------------------------------- drafts


class TestDraft:
    def test_seed_events_and_assignments_match_the_curated_file(self, vocab, curated):
        draft = draft_of(SEEDS / "mit-6.7960-fa25.txt", vocab)
        gold = curated["mit-6.7960-fa25"]
        assert [(e.kind, e.date) for e in draft.events] == [(e.kind, e.date) for e in gold.events]
        assert [(a.id, a.kind, a.released, a.due) for a in draft.assignments] == [
            (a.id, a.kind, a.released, a.due) for a in gold.assignments]
        guests = [lec.title for lec in draft.lectures if lec.guest]
        assert guests == ["Guest Lecture 1", "Guest Lecture 2"]

    def test_berkeley_events(self, vocab, curated):
        draft = draft_of(SEEDS / "berkeley-cs182-fa25.txt", vocab)
        gold = curated["berkeley-cs182-fa25"]
        assert [(e.kind, e.date, e.week) for e in draft.events] == [(e.kind, e.date, e.week) for e in gold.events]
        discussion = draft.events[0]
        assert {lk.topic for lk in discussion.links if lk.confidence >= 0.8} == {
            "stochastic-gradient-descent", "multilayer-perceptron"}
        assert [(a.id, a.kind, a.week) for a in draft.assignments] == [
            (a.id, a.kind, a.week) for a in gold.assignments]

    def test_bu_chapters_and_tutorial(self, vocab):
        draft = draft_of(SEEDS / "bu-deep-learning-lectures.txt", vocab)
        backprop = next(lec for lec in draft.lectures if lec.number == "09")
        assert backprop.readings == [imp.DraftReading(chapter="udl/7", sections="7.1-7.4")]
        assert [(e.kind, e.title) for e in draft.events] == [("tutorial", "Shared Compute Cluster Tutorial")]
        assert "06" not in [lec.number for lec in draft.lectures]
        assert all(lec.date is None for lec in draft.lectures)
        assert draft.notes == []  # the page has no dates, so no year is missing

    def test_year_from_term_option_and_page(self, vocab):
        table = SEEDS / "berkeley-cs182-fa25.table.txt"
        undated = draft_of(table, vocab)
        assert all(lec.date is None for lec in undated.lectures)
        assert undated.notes == ["no year known: dates left out (give --term 'Fall 2025' or --year 2025)"]
        dated = draft_of(table, vocab, term="Fall 2025")
        assert dated.lectures[0].date == dt.date(2025, 8, 28) and dated.term == "Fall 2025"
        assert draft_of(table, vocab, year=2025).lectures[-1].date == dt.date(2025, 12, 4)

    def test_schedule_into_the_new_year(self, vocab):
        page = imp.parse_page("Mon 12/1 | Transformers |\nMon 12/8 | Attention |\nMon 1/5 | Diffusion models |\n", "p.txt")
        draft = imp.build_draft(page, vocab, course_id="c", term="Fall 2025")
        assert [lec.date for lec in draft.lectures] == [dt.date(2025, 12, 1), dt.date(2025, 12, 8), dt.date(2026, 1, 5)]

    def test_year_from_weekdays(self, vocab):
        page = imp.parse_page("Tue 9/9 | Transformers |\nThu 9/11 | Attention |\nTue 9/16 | Diffusion models |\n", "p.txt")
        draft = imp.build_draft(page, vocab, course_id="c")
        if draft.lectures[0].date is None:  # more than one recent year fits
            assert "no year known" in draft.notes[0]
        else:
            assert all(lec.date.weekday() in (1, 3) for lec in draft.lectures)
            assert "weekdays fit" in draft.notes[0]

    def test_weekday_mismatch_is_noted(self, vocab):
        draft = draft_of(SEEDS / "mit-6.7960-fa25.txt", vocab, year=2024)
        assert any("other weekdays in 2024" in n for n in draft.notes)

    def test_impossible_date(self, vocab):
        page = imp.parse_page("Tue 2/30 | Transformers |\nThu 3/2 | Attention |\n", "p.txt")
        draft = imp.build_draft(page, vocab, course_id="c", year=2025)
        assert draft.lectures[0].date is None
        assert any("impossible date" in n for n in draft.notes)

    def test_due_before_release(self, vocab):
        page = imp.parse_page("Tue 9/9 | Transformers | pset 1 due |\nThu 9/11 | Attention | pset 1 out |\n", "p.txt")
        draft = imp.build_draft(page, vocab, course_id="c", year=2025)
        assert [(a.id, a.released, a.due) for a in draft.assignments] == [("pset-1", None, dt.date(2025, 9, 9))]

    def test_course_subject_is_context_except_in_the_introduction(self, vocab):
        draft = draft_of(SEEDS / "mit-6.s898-fa22.txt", vocab)
        first = draft.lectures[0]
        assert "deep-learning" in first.covers()
        later = [lec for lec in draft.lectures[1:] if "deep-learning" in lec.covers()]
        assert later == []

    def test_invalid_course_id(self, vocab):
        page = imp.parse_page(imp.read_page(MD_PAGE))
        with pytest.raises(UsageError, match="invalid course id 'Bad Id'"):
            imp.build_draft(page, vocab, course_id="Bad Id")

    def test_progress_callback(self, vocab):
        page = imp.parse_page(imp.read_page(SEEDS / "mit-6.7960-fa25.txt"))
        seen = []
        imp.build_draft(page, vocab, course_id="c", progress=lambda done, total: seen.append((done, total)))
        assert seen[0] == (1, 32) and seen[-1] == (32, 32)

    def test_json_dict(self, vocab):
        d = draft_of(HTML_PAGE, vocab).to_dict()
        json.dumps(d)
        assert d["lectures"][2]["readings"][0] == {"chapter": "udl/7", "sections": "7.1-7.4"}
        assert d["lectures"][0]["date"] == "2026-01-20"


# --------------------------------------------------------------------------- YAML


class TestYaml:
    def test_every_draft_loads_with_kg_sources(self, vocab, tmp_path):
        files = {}
        pages = [*(SEEDS / n for n in SEED_COURSES), HTML_PAGE, MD_PAGE]
        for n, page in enumerate(pages):
            cid = f"draft-{n}"
            files[f"{cid}.yaml"] = imp.render_yaml(draft_of(page, vocab, course_id=cid))
        src = loads_in_data_dir(tmp_path, files)
        for n, page in enumerate(pages):
            assert f"draft-{n}" in src.courses, page
        mit = src.courses["draft-0"]
        assert mit.term == "Fall 2025" and mit.code == "6.7960"
        assert mit.lectures[1].readings[0].reading == "gradient-based-learning"
        bu = src.courses["draft-4"]
        assert [(r.chapter, r.sections) for r in bu.lectures[7].readings] == [(("udl", 7), "7.1-7.4")]
        html = src.courses["draft-5"]
        assert [lec.date for lec in html.lectures][:2] == [dt.date(2026, 1, 20), dt.date(2026, 1, 22)]
        assert [(e.kind, e.date) for e in html.events] == [
            ("holiday", dt.date(2026, 2, 3)), ("exam", dt.date(2026, 2, 5))]
        assert [(a.id, a.released, a.due) for a in html.assignments] == [
            ("hw1", dt.date(2026, 1, 22), dt.date(2026, 1, 29)), ("project-proposal", None, dt.date(2026, 2, 10))]

    def test_comments_carry_confidence_weaker_links_and_candidates(self, vocab):
        text = imp.render_yaml(draft_of(MD_PAGE, vocab, year=2025))
        assert re.search(r"covers: \[variational-autoencoders\]  # variational-autoencoders 0\.9\d\n", text)
        assert "# weaker: autoencoders 0.73 ('autoencoders')" in text
        assert "#   Quokka sampling [5]" in text
        assert "    date: 2025-09-02" in text

    def test_no_year_leaves_dates_as_comments(self, vocab):
        text = imp.render_yaml(draft_of(MD_PAGE, vocab))
        assert "date: 20" not in text
        assert "    # date: Sep 2 (no year known)" in text

    def test_detail_text_is_not_copied(self, vocab):
        mit = imp.render_yaml(draft_of(SEEDS / "mit-6.7960-fa25.txt", vocab))
        bu = imp.render_yaml(draft_of(SEEDS / "bu-deep-learning-lectures.txt", vocab))
        assert "How well can you approximate" not in mit
        assert "opinionated anecdotes" not in mit
        assert "We go a little deeper" not in bu and "tl;dr" not in bu
        assert "Approximation theory" in mit  # titles are kept

    @pytest.mark.parametrize(
        "title",
        ["yes", "No", "Intro: part 1", "C# # and more", "[Guest] talk", "'quoted' and \"double\"",
         "50% off", "- dash", "Transformers: a survey, part 2", "2025-09-09", "1.5", "null", "a: b #c"],
    )
    def test_titles_survive_quoting(self, title):
        text = f"title: {imp.quote(title)}\n"
        assert yaml.safe_load(text)["title"] == " ".join(title.split())

    def test_missing_name_is_a_todo(self, vocab):
        text = imp.render_yaml(draft_of(SEEDS / "bu-deep-learning-lectures.txt", vocab, course_id="bu-x"))
        assert "name: bu-x  # TODO" in text
        text = imp.render_yaml(draft_of(SEEDS / "bu-deep-learning-lectures.txt", vocab, course_id="bu-x", name="Deep Learning"))
        assert "name: Deep Learning\n" in text


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def invoke():
    group = click.Group(commands=[import_cmd])
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(group, ["import", *args], obj=State(None), input=stdin, catch_exceptions=False)

    return run


def one_line_error(result, name: str) -> str:
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and name in lines[0]
    return lines[0]


class TestCLI:
    def test_stdout(self, invoke):
        r = invoke(str(HTML_PAGE), "--course-id", "cs4780-sp26")
        assert r.exit_code == 0, r.output
        doc = yaml.safe_load(r.stdout)
        assert doc["id"] == "cs4780-sp26" and doc["term"] == "Spring 2026"
        assert len(doc["lectures"]) == 5
        assert r.stderr == ""

    def test_output_file_and_force(self, invoke, tmp_path):
        out = tmp_path / "c.yaml"
        r = invoke(str(MD_PAGE), "--course-id", "dgm-101", "--year", "2025", "-o", str(out))
        assert r.exit_code == 0, r.output
        assert r.stdout == ""
        assert f"wrote {out}: 5 lectures, 1 events, 0 assignments" in r.stderr
        first = out.read_text()
        assert "date: 2025-09-02" in first
        # Never over an existing file without --force; the file is left as it was.
        r = invoke(str(MD_PAGE), "--course-id", "dgm-101", "-o", str(out))
        assert "exists; add --force to overwrite it" in one_line_error(r, str(out))
        assert out.read_text() == first
        r = invoke(str(MD_PAGE), "--course-id", "dgm-101", "-o", str(out), "--force")
        assert r.exit_code == 0
        assert "date: 2025" not in out.read_text()
        assert "note: no year known" in r.stderr
        assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]  # no temp files left

    def test_term_and_name_options(self, invoke):
        r = invoke(str(SEEDS / "berkeley-cs182-fa25.table.txt"), "--course-id", "b", "--term", "Fall 2025", "--name", "Deep Neural Networks")
        doc = yaml.safe_load(r.stdout)
        assert doc["lectures"][0]["date"] == dt.date(2025, 8, 28)
        assert doc["name"] == "Deep Neural Networks" and doc["term"] == "Fall 2025"
        assert r.stderr == ""

    def test_json(self, invoke):
        r = invoke(str(SEEDS / "bu-deep-learning-lectures.txt"), "--course-id", "bu", "--format", "json")
        assert "note: no course name" in r.stderr
        r = invoke(str(SEEDS / "bu-deep-learning-lectures.txt"), "--course-id", "bu", "--format", "json",
                   "--name", "Deep Learning")
        doc = json.loads(r.stdout)
        assert doc["layout"] == "numbered-list" and len(doc["lectures"]) == 27
        backprop = next(lec for lec in doc["lectures"] if lec["number"] == "09")
        # "deep neural networks" in its prose is the course's subject, not this lecture's.
        assert backprop["covers"] == ["backpropagation"] and backprop["position"] == 8
        assert r.stderr == ""

    def test_threshold(self, invoke):
        low = yaml.safe_load(invoke(str(HTML_PAGE), "--course-id", "x", "--threshold", "0.5").stdout)
        high = yaml.safe_load(invoke(str(HTML_PAGE), "--course-id", "x", "--threshold", "0.99").stdout)
        n_low = sum(len(lec.get("covers") or []) for lec in low["lectures"])
        n_high = sum(len(lec.get("covers") or []) for lec in high["lectures"])
        assert n_low > n_high

    def test_stdin(self, invoke):
        r = invoke("-", "--course-id", "x", "--year", "2025", stdin=MD_PAGE.read_text())
        assert yaml.safe_load(r.stdout)["source"] == "<stdin>"

    @pytest.mark.parametrize(
        "name, content, message",
        [
            ("empty.html", b"", "page is empty"),
            ("blob.bin", b"\x00\x01\x02binary", "page is binary"),
            ("latin1.txt", b"Tue 9/9 | Caf\xe9 |\n", "not UTF-8"),
            ("prose.txt", b"Welcome! We meet on Fridays.\n", "no schedule found"),
            ("calendar.txt", b"Tue 9/9 | No class |\nThu 9/11 | Midterm |\n", "no lectures"),
        ],
    )
    def test_bad_pages(self, invoke, tmp_path, name, content, message):
        page = tmp_path / name
        page.write_bytes(content)
        out = tmp_path / "out.yaml"
        r = invoke(str(page), "--course-id", "x", "-o", str(out))
        assert message in one_line_error(r, str(page))
        assert not out.exists()

    def test_enormous_page(self, invoke, tmp_path):
        page = tmp_path / "huge.html"
        with open(page, "wb") as f:
            f.truncate(imp.MAX_PAGE_BYTES + 1)
        assert "over the 5,000,000-byte limit" in one_line_error(invoke(str(page), "--course-id", "x"), str(page))

    def test_missing_page(self, invoke, tmp_path):
        assert "cannot read page" in one_line_error(invoke(str(tmp_path / "none.html"), "--course-id", "x"), "none.html")

    def test_bad_course_id(self, invoke):
        assert "invalid course id 'Not An Id'" in one_line_error(invoke(str(MD_PAGE), "--course-id", "Not An Id"), "Not An Id")

    def test_missing_output_directory(self, invoke, tmp_path):
        out = tmp_path / "no" / "such" / "c.yaml"
        assert "does not exist" in one_line_error(invoke(str(MD_PAGE), "--course-id", "x", "-o", str(out)), str(out))

    def test_course_id_required(self, invoke):
        r = invoke(str(MD_PAGE))
        assert r.exit_code == 2 and "--course-id" in r.stderr

    def test_default_threshold_is_the_library_default(self):
        option = next(p for p in import_cmd.params if p.name == "threshold")
        assert option.default == imp.COVER_THRESHOLD

    def test_vocabulary_of_the_data_directory(self, mini, cache, tmp_path):
        # ctx.obj is kg.cli.State: the vocabulary is the graph of --data, not the shipped one.
        page = tmp_path / "p.txt"
        page.write_text("Tue 9/9 | Backprop and the chain rule |\nThu 9/11 | Transformers |\n")
        group = click.Group(commands=[import_cmd])
        r = CliRunner().invoke(group, ["import", str(page), "--course-id", "c2", "--year", "2025"], obj=State(mini))
        doc = yaml.safe_load(r.stdout)
        assert doc["lectures"][0]["covers"] == ["chain-rule", "backpropagation"]
        assert "covers" not in doc["lectures"][1]
        assert "#   Transformers [2]" in r.stdout
        loads_in_data_dir(tmp_path, {"c2.yaml": r.stdout})

    def test_no_progress_bar_in_pipes(self, invoke):
        r = invoke(str(SEEDS / "mit-6.7960-fa25.txt"), "--course-id", "x")
        assert "importing" not in r.stderr and "━" not in r.stderr

    def test_progress_bar_only_on_a_terminal_for_long_pages(self):
        class Tty(io.StringIO):
            def isatty(self) -> bool:
                return True

        assert want_progress(Tty(), LONG_PAGE_ROWS)
        assert not want_progress(Tty(), LONG_PAGE_ROWS - 1)
        assert not want_progress(io.StringIO(), 10_000)

    def test_as_a_process(self, tmp_path):
        out = tmp_path / "c.yaml"
        argv = [sys.executable, "-c", "from kg.cli.importer import import_cmd; import_cmd(prog_name='kg import')",
                str(HTML_PAGE), "--course-id", "cs4780-sp26", "-o", str(out)]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.startswith(f"wrote {out}: 5 lectures")
        assert "\x1b[" not in proc.stderr  # no bar, no colour: stderr is a pipe
        again = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        assert again.returncode == 1
        assert again.stderr.strip() == f"Error: {str(out)!r} exists; add --force to overwrite it"


class TestShortcuts:
    """The importer's shortcuts for big pages give what the plain reading gives."""

    def test_trailing_badges_only_where_they_can_be(self):
        import random

        from kg.importer import rows

        def plain(text: str) -> str:  # strip_badges as first written: every pattern, every line
            out = []
            for ln in text.split("\n"):
                s = rows._ICONS.sub(" ", ln)
                tail = rows._LINK_ROW.search(s)
                if tail is not None and rows._BADGE_OPEN.search(tail.group()) and tail.start() > 0:
                    s = s[: tail.start()]
                prev = None
                while prev != s:
                    prev = s
                    s = rows._LABEL_LIST.sub("", rows._BADGES.sub("", s))
                    s = re.sub(r"\[\s*\]|\(\s*\)", "", s)
                bare = rows._TRAILING_BADGES.sub("", s)
                own = re.fullmatch(r"(?i)\s+(?:part\s*\d+|code|web|videos?|audio|paper|demo|live|website|blog|new)\s*", s[len(bare):])
                if bare.strip() and not own:
                    s = bare
                out.append(rows.clean(s))
            return "\n".join(x for x in out if x)

        words = ["slides", "PDF", "Video", "code", "lecture   notes", "annotated slides", "part 12",
                 "part   7", "pre-recorded", "Transformers", "(", ")", "[", "]", "[[", "]]", "|", ",", " - ",
                 "3", "17", "html5", "new", "webinar", "\U0001F4C4", "x" * 30, "notes.", "\t", "GitHub", "\n",
                 "\u017flides", "\u212aeynote", "prerecorded", "recorded", "sparse"]
        rng = random.Random(12)
        for _ in range(20000):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
            assert imp.rows.strip_badges(text) == plain(text), repr(text)

    def test_record_detail_is_cut_where_the_whole_would_be(self):
        from kg.importer.document import Line, Record
        from kg.importer.records import record_rows
        from kg.importer.rows import clean, strip_badges

        for n, width in [(3, 10), (300, 9), (40, 120), (2, 1500)]:
            extra = [f"Detail {k} " + "w" * (k % width) + " [slides]" for k in range(n)]
            lines = [Line("Sep 9: Attention", titled=True, line=1)] + [Line(t, line=2 + k) for k, t in enumerate(extra)]
            row = record_rows(Record(lines, 1))[0]
            assert row.detail == clean("; ".join(x for x in (strip_badges(t) for t in extra) if x.strip()))[:2000]

    def test_title_kinds_checked_by_their_words_first(self):
        import random

        from kg.importer import draft

        def plain(title: str) -> str:  # every rule, in order
            if draft._OH.search(title):
                return "office-hours"
            return next((kind for kind, pat in draft._KIND_RULES if pat.search(title)), "lecture")

        words = ["Office", "hours", "OH", "OHs", "poster", "session", "mid-term", "Midterms", "final", "exam",
                 "quiz", "due", "Deadline", "released", "Release", "no", "class", "lectures", "spring", "break",
                 "MLK", "day", "Labour", "Thanksgiving", "new", "year", "RRR", "reading", "week", "catch-up",
                 "REC", "lab", "Lab3", "TA", "Dis 2", "Section", "4", "project", "presentations", "check-ins",
                 "presenting", "their", "projects", "Attention", "Transformers", "\u212a", "ſ", ".", ",", ":",
                 "  ", "\t", "Kernels"]
        rng = random.Random(5)
        for _ in range(20000):
            title = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
            assert draft._title_kind.__wrapped__(title) == plain(title), repr(title)

    def test_rules_only_skipped_without_their_words(self):
        import random

        from kg.importer import rows

        words = ["pset", "P-Set", "problem  sets", "HW", "homework", "Assignment", "labs", "quiz", "mini-project",
                 "final project", "out", "due", "1", "#2", "dis 3:", "Discussion 4:", "no section", "Recitation 2:",
                 "guest", "[Guest lecture]", "(guest)", "\u212a", "ſ", "Attention", ":", "-", "  "]
        rules = [(rows._ASSIGN_KEY, rows.ASSIGN), (rows._DISCUSSION_KEY, rows._DISCUSSION),
                 (rows._GUEST_KEY, rows._GUEST_MARK), (rows._GUEST_KEY, rows._GUEST_WORD)]
        rng = random.Random(7)
        for _ in range(20000):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
            for key, rule in rules:
                if rule.search(text):
                    assert rows._may_hold(key, text), (key.pattern, text)

    def test_fuzzy_runs_pruned_only_where_no_name_fits(self, vocab):
        import random

        from rapidfuzz import fuzz, process

        linker = imp.Linker(vocab.topics)
        names = [w for by_width in linker._fuzzy.values() for w in by_width]
        rng = random.Random(3)

        def typo(w: str) -> str:
            k = rng.randrange(len(w))
            return w[:k] + rng.choice("aeiourst") + w[k + 1:] if rng.random() < 0.5 else w[:k] + w[k + 1:]

        found = 0
        for _ in range(3000):
            words = [typo(w) if rng.random() < 0.4 else w for w in rng.choice(names).split(" ")]
            s = " ".join(words)
            if len(s) < 8:
                continue
            hit = linker._fuzzy_name(s, len(words), process, fuzz)
            key = "".join(w[:2] + "|" for w in words)
            if hit is not None:
                found += 1
                assert key in linker._fuzzy_whole, s
                assert all("".join(w[:2] + "|" for w in words[:k]) in linker._fuzzy_starts for k in range(1, len(words)))
        assert found > 100

    def test_text_cells_read_as_the_walker_reads_them(self):
        import random

        from selectolax.lexbor import LexborHTMLParser

        from kg.importer import document

        parts = ["Attention", " is ", "<a href='x'>all</a>", "<em>you</em>", "&amp;", " need ", "<!-- c -->",
                 "<span>q<code>k</code></span>", "<br>", "<strong>T</strong>", "<img src='a.png' alt='x'>",
                 "<p>para</p>", "<ul><li>i</li></ul>", "\n", "\u00a0", "<script>x</script>", "<sup>2</sup>"]
        rng = random.Random(11)
        cells = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 6))) for _ in range(400)]
        html = "<table>" + "".join(f"<tr><td>{c}</td><td>9/9</td></tr>" for c in cells) + "</table>"
        root = LexborHTMLParser(html).body
        [table] = document._tables(root, document._Locator(html, sourced=False))
        tree = LexborHTMLParser(html).body
        plain = [[document.node_lines(td, sourced=False) for td in tr.css("td")] for tr in tree.css("tr")]
        assert len(table.rows) == len(plain) == 400
        for row, want in zip(table.rows, plain):
            for cell, lines in zip(row, want):
                assert [(ln.text, ln.titled) for ln in cell.lines] == [(ln.text, ln.titled) for ln in lines]
                assert cell.text == "\n".join(ln.text for ln in lines)

    def test_locator_answers_as_a_fresh_search_would(self):
        import bisect
        import random

        from kg.importer.document import _Locator

        rng = random.Random(2)
        source = "\n".join(" ".join(rng.choice(["alpha", "beta", "gamma", "delta", "eps"]) for _ in range(4))
                            for _ in range(300))
        loc = _Locator(source)
        pos = 0
        starts = [0] + [m.end() for m in re.finditer("\n", source)]
        for n in range(3000):
            if n % 500 == 0:
                loc.pos = pos = 0  # as parse_document does between tables and groups
            probe = rng.choice(["alpha", "beta", "gamma", "delta", "eps", "zeta", "beta gamma"])
            p = source.find(probe.split()[0], pos)
            if p < 0:
                p = source.find(probe.split()[0])
            else:
                pos = p
            want = bisect.bisect_right(starts, p) if p >= 0 else 0
            assert loc.line_of(probe) == want

    def test_garbage_collection_is_restored(self):
        import gc

        page = imp.read_page(MD_PAGE)
        assert gc.isenabled()
        imp.parse_page(page, str(MD_PAGE))
        assert gc.isenabled()
        gc.disable()
        try:
            imp.parse_page(page, str(MD_PAGE))
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_collector_pause_leaves_the_frozen_as_they_were(self):
        import gc

        from kg import collector

        before = gc.get_freeze_count()
        with collector.paused():
            made = [[k] for k in range(1000)]
        assert gc.isenabled()
        if before:  # someone froze objects: they stay frozen, made joins them
            assert gc.get_freeze_count() >= before + len(made)
            return
        assert gc.get_freeze_count() == 0  # made went to the old generation, nothing is frozen
        gc.freeze()  # as kg's command line does after its start-up
        try:
            frozen = gc.get_freeze_count()
            with collector.paused():
                more = [[k] for k in range(1000)]
            assert gc.get_freeze_count() >= frozen + len(more)  # still frozen, and the block's too
        finally:
            gc.unfreeze()
        assert made and more

    def test_markdown_lines_are_source_lines(self):
        from kg.importer.document import markdown_to_html, parse_document

        text = "# Course\n\nIntro *text*.\n\n| Date | Topic |\n|---|---|\n| 9/9 | [Intro](a.html) |\n| 9/11 | `Attention` |\n"
        doc = parse_document(markdown_to_html(text), text)
        assert [[c.line for c in r] for r in doc.tables[0].rows] == [[5, 5], [7, 7], [8, 8]]
        assert doc.text.split("\n") == ["Course", "Intro text.", "Date", "Topic", "9/9", "Intro", "9/11", "Attention"]
        assert doc.first_lines(2) == ["Course", "Intro text."]


# --------------------------------------------------------------------------- figures


@pytest.fixture(scope="module")
def scores():
    return import_eval().evaluate(SEEDS)


class TestEvaluation:
    """Floors a little under what the importer reaches on the seeds (see the bench)."""

    def test_every_seed_is_scored(self, scores):
        assert [s.page for s in scores[:-1]] == sorted(SEED_COURSES)

    def test_lectures(self, scores):
        for s in scores:
            assert s.lecture_precision >= 0.95, s.page
            assert s.lecture_recall >= 0.95, s.page

    def test_dates(self, scores):
        for s in scores:
            if s.date_accuracy is not None:
                assert s.date_accuracy >= 0.95, s.page

    def test_topics(self, scores):
        total = scores[-1]
        assert total.topic_precision >= 0.90
        # 0.82 before a name inside a longer term stopped linking on its own ("DiffDock:
        # Diffusion Steps" no longer covers diffusion models); the seeds' curated covers
        # count such links (277 of 338 hits, one short of 0.82).
        assert total.topic_recall >= 0.81
        for s in scores[:-1]:
            assert s.topic_precision >= 0.85, s.page
            assert s.topic_recall >= 0.70, s.page

    def test_events(self, scores):
        assert scores[-1].event_accuracy >= 0.95

    def test_table_prints(self, scores):
        text = import_eval().table(scores)
        assert "all pages" in text and "topic P" in text
