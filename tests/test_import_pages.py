"""`kg import` on the development pages (../shared/import-pages), many pages at once,
drafts checked by kg's loader, hostile pages, and property-based fuzzing.

The pages are read from ../shared/import-pages beside the repository (or
$KG_IMPORT_PAGES); kg keeps no copy. The floors in TestDevelopmentPages sit at or just
under what bench/import_eval.py measures, so a regression fails here.

Fuzzing runs a bounded number of examples by default (well under a minute); set
KG_FUZZ_EXAMPLES=10000 for a long run (``KG_FUZZ_EXAMPLES=10000 pytest tests/test_import_pages.py -k fuzz``).
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import importer as imp
from kg.build.sources import load_sources
from kg.cli import State
from kg.cli.importer import import_cmd
from kg.errors import PageError
from kg.graph import KnowledgeGraph
from kg.importer.detect import parse_page

from .conftest import import_eval

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(os.environ.get("KG_IMPORT_PAGES") or ROOT.parent / "shared" / "import-pages")
FUZZ_EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "150"))

needs_pages = pytest.mark.skipif(not (PAGES / "gold").is_dir(), reason=f"no development pages at {PAGES}")


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def vocab(graph: KnowledgeGraph) -> imp.Vocabulary:
    return imp.Vocabulary.from_graph(graph)


# --------------------------------------------------------------------------- the 20 pages


@pytest.fixture(scope="module")
def gold_scores():
    return import_eval().evaluate_gold(PAGES)


@needs_pages
class TestDevelopmentPages:
    """Floors on the development pages (the figures bench/import_eval.py prints)."""

    def test_every_page_is_scored_and_none_fails(self, gold_scores):
        pages = sorted(p.name for p in (PAGES / "pages").iterdir() if p.name != "MANIFEST.md")
        assert [s.page for s in gold_scores[:-1]] == pages
        assert [s.page for s in gold_scores if s.failed] == []

    def test_lectures(self, gold_scores):
        total = gold_scores[-1]
        assert total.lecture_precision >= 0.95
        assert total.lecture_recall >= 0.95
        for s in gold_scores[:-1]:
            assert s.lecture_recall >= 0.8, s.page
            assert s.lecture_precision >= 0.8, s.page

    def test_dates(self, gold_scores):
        assert gold_scores[-1].date_accuracy >= 0.95

    def test_non_lectures_made_lectures(self, gold_scores):
        assert gold_scores[-1].made_lectures <= 2

    def test_topics(self, gold_scores):
        total = gold_scores[-1]
        assert total.topic_precision >= 0.85
        assert total.topic_recall >= 0.93

    def test_table_prints(self, gold_scores):
        text = import_eval().gold_table(gold_scores)
        assert "all pages" in text and "pages failed: 0 of 20" in text


# --------------------------------------------------------------------------- structures


class TestStructures:
    def test_html_without_closing_tags(self):
        html = """<!doctype html><title>T</title><table>
          <tr><th>Date<th>Topic
          <tr><td>Sep 3<td>Backpropagation
          <tr><td>Sep 5<td>Convolutional networks
          <tr><td>Sep 10<td>Transformers
        </table>"""
        page = parse_page(html, "t.html")
        assert [r.title for r in page.rows] == ["Backpropagation", "Convolutional networks", "Transformers"]

    def test_several_lectures_in_one_cell(self):
        md = ("| Week | Lectures |\n|---|---|\n"
              "| 1 | Lecture 1. Basics [[GitHub](x)] <br> Lecture 2: Convolutions <br> Lecture 3. Training |\n"
              "| 2 | Lecture 4. Attention |\n")
        page = parse_page(md, "t.md")
        assert [r.title for r in page.rows] == ["Basics", "Convolutions", "Training", "Attention"]

    def test_header_less_table_and_dates_with_periods(self):
        md = ("| | |\n|---|---|\n| Feb. 6 | Support vector machines |\n| Oct. 18, 2017 | Kernels |\n"
              "| Sept. 3 | Boosting |\n")
        page = parse_page(md, "t.md")
        assert [(r.date.month, r.date.day) for r in page.rows] == [(2, 6), (10, 18), (9, 3)]

    def test_dated_list_lines(self):
        md = "# Schedule\n\n- Week 1 (08.22): Introduction\n- Week 2 (08.29): Linear models\n- Week 3 (09.05): Trees\n"
        page = parse_page(md, "t.md")
        assert [(r.week, r.date.month, r.date.day, r.title) for r in page.rows] == [
            (1, 8, 22, "Introduction"), (2, 8, 29, "Linear models"), (3, 9, 5, "Trees")]

    def test_badges_and_link_labels_leave_titles(self):
        md = ("| Date | Topic |\n|---|---|\n| 9/1 | Transformers [PDF] [video] [code] |\n"
              "| 9/3 | Kernel methods (slides, video) |\n")
        assert [r.title for r in parse_page(md, "t.md").rows] == ["Transformers", "Kernel methods"]

    def test_title_cell_with_only_details(self, vocab):
        text = "Tue 9/9 | + details Backprop |\nThu 9/11 | Transformers |\nTue 9/16 | Attention |\n"
        page = parse_page(text, "p.txt")  # no IndexError
        draft = imp.build_draft(page, vocab, course_id="c", year=2025)
        assert all(lec.title for lec in draft.lectures)

    def test_jekyll_data_file(self):
        yml = ("- date: 9/1\n  title: >\n    Lecture 1.1: <strong>Course introduction</strong>\n"
               "  topics:\n    - Gradient descent\n- date: 9/3\n  title: Backpropagation\n"
               "- date: 9/8\n  title: Thanksgiving break\n")
        page = parse_page(yml, "_data/lectures.yml")
        assert page.layout == "data-file"
        assert [r.title for r in page.rows] == ["Course introduction", "Backpropagation", "Thanksgiving break"]

    def test_events_of_their_kind(self, vocab):
        md = ("| Date | Topic |\n|---|---|\n| 9/1 | Neural networks |\n| 9/3 | Recitation: PyTorch |\n"
              "| 9/8 | No class: Labor Day |\n| 9/10 | Midterm exam |\n| 9/15 | Project presentations |\n"
              "| 9/17 | US Independence Day |\n| 9/22 | Seminar: word vectors |\n")
        draft = imp.build_draft(parse_page(md, "t.md"), vocab, course_id="c", year=2025)
        assert [lec.title for lec in draft.lectures] == ["Neural networks"]
        assert [e.kind for e in draft.events] == ["tutorial", "holiday", "exam", "project", "holiday", "tutorial"]


class TestTopicLinks:
    @pytest.mark.parametrize(
        "title, not_linked",
        [
            ("Support Vector Machines", "vectors-and-matrices"),
            ("Gradient Boosting", "gradient"),
            ("Gaussian Processes", "gaussian-distribution"),
        ],
    )
    def test_no_links_from_words_inside_other_terms(self, vocab, title, not_linked):
        linker = imp.Linker(vocab.topics)
        covers = [lk.topic for lk in linker.link(title) if lk.confidence >= imp.COVER_THRESHOLD]
        assert not_linked not in covers

    def test_hyphens_are_spaces(self, vocab):
        linker = imp.Linker(vocab.topics)
        assert "multilayer-perceptrons" in [lk.topic for lk in linker.link("Multi-layer perceptron")] or any(
            "perceptron" in lk.topic for lk in linker.link("Multi-layer perceptron"))

    def test_candidates_are_terms_not_noise(self, vocab):
        linker = imp.Linker(vocab.topics)
        got = [c.lower() for c in linker.unmatched("Hidden Markov Models [PDF] [video]")]
        assert not any(w in " ".join(got).split() for w in ("pdf", "video"))


# --------------------------------------------------------------------------- CLI, many pages


@pytest.fixture
def invoke():
    group = click.Group(commands=[import_cmd])
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(group, ["import", *args], obj=State(None), catch_exceptions=False)

    return run


def _pages(tmp_path: Path) -> Path:
    d = tmp_path / "pages"
    d.mkdir()
    (d / "a.md").write_text("| Date | Topic |\n|---|---|\n| 9/1 | Backpropagation |\n| 9/3 | Transformers |\n")
    (d / "b.txt").write_text("Tue 9/9 | Attention |\nThu 9/11 | Diffusion models |\nTue 9/16 | GANs |\n")
    (d / "notes.pdf").write_bytes(b"%PDF-1.4")  # not a page suffix: skipped
    return d


class TestManyPages:
    def test_directory_to_out_dir(self, invoke, tmp_path):
        out = tmp_path / "drafts"
        out.mkdir()
        r = invoke(str(_pages(tmp_path)), "--out-dir", str(out), "--year", "2025")
        assert r.exit_code == 0, r.output
        assert sorted(p.name for p in out.iterdir()) == ["a.yaml", "b.yaml"]
        assert "2 of 2 pages drafted" in r.stderr
        assert all(len(ln) <= 80 for ln in r.stderr.splitlines())
        for f in out.iterdir():
            assert yaml.safe_load(f.read_text())["id"] == f.stem

    def test_one_bad_page_does_not_stop_the_others(self, invoke, tmp_path):
        d = _pages(tmp_path)
        (d / "empty.html").write_text("")
        out = tmp_path / "drafts"
        out.mkdir()
        r = invoke(str(d / "a.md"), str(d / "empty.html"), str(d / "b.txt"), "-d", str(out), "--year", "2025")
        assert r.exit_code == 1
        assert "page is empty" in r.stderr and "2 of 3 pages drafted" in r.stderr
        assert sorted(p.name for p in out.iterdir()) == ["a.yaml", "b.yaml"]

    def test_several_pages_need_an_out_dir(self, invoke, tmp_path):
        d = _pages(tmp_path)
        r = invoke(str(d / "a.md"), str(d / "b.txt"))
        assert r.exit_code == 1 and "--out-dir" in r.stderr

    def test_course_id_is_for_one_page(self, invoke, tmp_path):
        d = _pages(tmp_path)
        r = invoke(str(d / "a.md"), str(d / "b.txt"), "--course-id", "x", "-d", str(tmp_path))
        assert r.exit_code == 1 and "--course-id" in r.stderr

    def test_existing_drafts_are_kept_without_force(self, invoke, tmp_path):
        d = _pages(tmp_path)
        out = tmp_path / "drafts"
        out.mkdir()
        (out / "a.yaml").write_text("mine\n")
        r = invoke(str(d), "-d", str(out), "--year", "2025")
        assert r.exit_code == 1 and "exists; add --force" in r.stderr
        assert (out / "a.yaml").read_text() == "mine\n"
        assert invoke(str(d), "-d", str(out), "--year", "2025", "--force").exit_code == 0


# --------------------------------------------------------------------------- drafts load


class TestDraftsLoad:
    def test_control_characters_are_dropped(self, invoke, tmp_path):
        page = tmp_path / "ctl.txt"
        page.write_text("Tue 9/9 | Back\x08prop\x1b[0m and \x07attention |\nThu 9/11 | Trans\x0bformers |\n"
                        "Tue 9/16 | GANs\x7f |\n")
        out = tmp_path / "c.yaml"
        r = invoke(str(page), "--course-id", "ctl", "--year", "2025", "-o", str(out))
        assert r.exit_code == 0, r.output
        text = out.read_text()
        assert not any(ord(c) < 32 and c not in "\n" for c in text)
        assert "\x7f" not in text
        courses = tmp_path / "data"
        import shutil

        from kg.build.store import default_data_dir

        shutil.copytree(default_data_dir(), courses)
        (courses / "courses" / "ctl.yaml").write_text(text)
        assert "ctl" in load_sources(courses).courses

    def test_a_draft_kg_would_refuse_is_not_written(self, vocab, tmp_path, graph):
        draft = imp.import_page(_pages(tmp_path) / "a.md", vocab, course_id="ok", year=2025)
        text = imp.render_yaml(draft).replace("id: ok", "id: ok\nbogus: 1")
        with pytest.raises(PageError, match="would not load"):
            imp.check_draft(text, "ok", vocab, "a.md")


# --------------------------------------------------------------------------- fuzzing

_PIECES = st.sampled_from([
    "|", "||", "\n", "<br>", "<td>", "<tr>", "</td>", "<table>", "<ul><li>", "- ", "* ", "1. ", "## ",
    "Week 3", "Sep. 6", "9/15", "2/6/2020", "Mon 1/13", "<2021-11-10 Wed>", "Lecture 2:", "+ details",
    "[PDF]", "(slides, video)", "Midterm", "No class", "HW1 due", "Backpropagation", "Transformers",
    "\x00", "\x1b", "\r", "\u2028", "---", "date: 9/1", "title: x", "@item{", "}", "]", "&nbsp;", "<!--",
])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40), st.sampled_from(["p.md", "p.html", "p.txt", "p.yml"]))
def test_fuzz_parse_page_fails_only_cleanly(pieces, name):
    text = "".join(pieces)
    try:
        page = parse_page(text, name)
    except PageError as exc:
        assert "\n" not in str(exc)
        return
    assert page.rows
    for r in page.rows:
        assert isinstance(r.title, str)


@pytest.fixture(scope="module")
def fuzz_vocab():
    return imp.Vocabulary.from_graph(KnowledgeGraph.open())


@settings(max_examples=max(FUZZ_EXAMPLES // 3, 20), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), min_size=1, max_size=30))
def test_fuzz_drafts_render_and_parse_as_yaml(fuzz_vocab, pieces):
    text = "Tue 9/9 | Intro |\nThu 9/11 | " + "".join(pieces).replace("\n", " ") + " |\nTue 9/16 | GANs |\n"
    try:
        draft = imp.build_draft(parse_page(text, "f.txt"), fuzz_vocab, course_id="f", year=2025)
    except PageError:
        return
    doc = yaml.safe_load(imp.render_yaml(draft))
    assert doc["id"] == "f" and doc["lectures"]
    assert all(isinstance(lec["title"], str) and lec["title"] for lec in doc["lectures"])
