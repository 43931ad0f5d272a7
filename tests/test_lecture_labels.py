"""Lecture labels: the page's own name for a lecture ("09", "1a", "5.2") is kept, checked,
and shown the same way by every command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg import vocab as V
from kg.build.sources import load_sources
from kg.graph import KnowledgeGraph
from kg.vocab import lecture_number

from .test_bad_input import _fails

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def g() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def _set_numbers(mini: Path, first: str | None, second: str | None) -> None:
    path = mini / "courses" / "c1.yaml"
    text = path.read_text()
    if first is not None:
        text = text.replace("  - title: Intro\n", f"  - number: {first}\n    title: Intro\n")
    if second is not None:
        text = text.replace("  - title: Backprop\n", f"  - number: {second}\n    title: Backprop\n")
    path.write_text(text)


class TestLectureNumbers:
    def test_whole_numbers_name_the_iri(self):
        assert V.lecture_numbers(["01", "02", "04"]) == [1, 2, 4]

    def test_unlabelled_lectures_take_their_position(self):
        assert V.lecture_numbers([None, "5", None]) == [1, 5, 3]

    def test_any_letter_keys_the_course_by_position(self):
        oxford = ["1a", "1b", "2a", "2b", "3", "4"]
        assert V.lecture_numbers(oxford) == [1, 2, 3, 4, 5, 6]
        assert V.lecture_numbers(["5.2", "6.1"]) == [1, 2]

    def test_non_ascii_digits_are_not_numbers(self):
        assert V.lecture_numbers(["²", "3"]) == [1, 2]

    def test_label_keys(self):
        assert V.lecture_label_key("09") == V.lecture_label_key("9")
        assert V.lecture_label_key("1A") == V.lecture_label_key("1a")
        assert V.lecture_label_key("1a") != V.lecture_label_key("1b")

    def test_shown(self):
        assert lecture_number("2a", 3) == "2a"
        assert lecture_number(None, 3) == "3"


class TestLoader:
    def test_letters_and_parts_load(self, mini):
        _set_numbers(mini, '"1a"', '"1.2"')
        c = load_sources(mini).courses["c1"]
        assert [(lec.number, lec.key) for lec in c.lectures] == [("1a", 1), ("1.2", 2)]

    def test_mixed_labels_do_not_collide(self, mini):
        # "2" is the 1st lecture: with a letter in the course, IRIs go by position.
        _set_numbers(mini, '"2"', '"1b"')
        c = load_sources(mini).courses["c1"]
        assert [lec.key for lec in c.lectures] == [1, 2]

    @pytest.mark.parametrize("bad", ['"Lecture 1a"', '"1 a"', '"a_b"', '"1a."', '"1234567890abc"', '""x""'])
    def test_bad_label(self, run, mini, cache, bad):
        _set_numbers(mini, None, bad)
        if bad == '""x""':  # not even YAML
            _fails(run, mini, cache, "c1.yaml:")
            return
        _fails(run, mini, cache, "c1.yaml:9", "invalid number", json.loads(bad))

    def test_fraction_is_refused(self, run, mini, cache):
        _set_numbers(mini, None, "5.10")
        _fails(run, mini, cache, "c1.yaml:9", "'number' must be a whole number or quoted text", "5.1")

    @pytest.mark.parametrize("first,second", [('"1a"', '"1A"'), ('"09"', "9"), ('"x"', '"x"')])
    def test_duplicate_label(self, run, mini, cache, first, second):
        _set_numbers(mini, first, second)
        _fails(run, mini, cache, "c1.yaml:10", "'Backprop'", "also labels 'Intro' (line 5)", "each lecture needs its own number")

    def test_number_clashing_with_a_position(self, run, mini, cache):
        # The 1st lecture says it is lecture 2; the unnumbered 2nd is lecture 2 by position.
        _set_numbers(mini, "2", None)
        _fails(run, mini, cache, "c1.yaml:10", "'Backprop'", "number every lecture, or none")


class TestShown:
    def test_every_command_shows_the_label(self, run, mini):
        _set_numbers(mini, '"1a"', '"1b"')
        path = run("path", "-", "backpropagation", data=mini)
        assert path.exit_code == 0, path.output
        assert "c1 #1b" in path.output
        lec = json.loads(run("show", "c1/1b", "--format", "json", data=mini).output)
        assert (lec["id"], lec["number"], lec["position"]) == ("c1/lecture/2", "1b", 2)
        shown = run("show", "c1/1B", data=mini).output
        assert "lecture 1b · 2nd in teaching order" in shown
        course = run("show", "c1", data=mini).output
        assert "\n1a " in course and "\n1b " in course
        check = json.loads(run("check", "c1", "--format", "json", data=mini).output)
        assert check["findings"] and {f["number"] for f in check["findings"]} == {"1b"}
        text = run("check", "c1", "--notes", data=mini).output
        assert "#1b backpropagation" in text and "#2 " not in text

    def test_unknown_label(self, run, mini):
        _set_numbers(mini, '"1a"', '"1b"')
        r = run("show", "c1/1c", data=mini)
        assert r.exit_code != 0
        assert "cannot read 'c1/1c' as a lecture" in r.stderr and "\n" not in r.stderr.strip()


# --------------------------------------------------------------------------- shipped data


def _oxford_page_labels() -> list[str]:
    page = DATA.parent.parent / "shared" / "import-pages" / "pages" / "oxford-deepnlp-ht17.md"
    if not page.exists():
        page = Path("/work/shared/import-pages/pages/oxford-deepnlp-ht17.md")
    if not page.exists():
        pytest.skip("the development pages are not beside the repository")
    return [m.group(1) for m in re.finditer(r"^## \d+\. Lecture (\w+)", page.read_text(), re.M)]


def test_oxford_keeps_its_page_labels(g):
    labels = _oxford_page_labels()
    assert labels[:5] == ["1a", "1b", "2a", "2b", "3"] and len(labels) == 15
    course = g.course("oxford-deepnlp-ht17")
    assert [lec["number"] for lec in course["lectures"]] == labels
    # Letters in the course: IRIs by position, so "3" (the 5th) is lecture/5.
    assert [lec["id"] for lec in course["lectures"]][4] == "oxford-deepnlp-ht17/lecture/5"


def test_suggest_and_evidence_name_lectures_as_path_does(run, g):
    shown = {
        c: {lec["position"]: lecture_number(lec["number"], lec["position"]) for lec in g.course(c)["lectures"]}
        for c in g.course_ids()
    }
    r = run("suggest", "--limit", "0", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    seen = 0
    for s in data["suggestions"]:
        for c, (pa, ta) in s["positions"].items():
            na, nt = s["numbers"][c]
            assert (lecture_number(na, pa), lecture_number(nt, ta)) == (shown[c][pa], shown[c][ta])
            seen += c == "cmu-11777-fa22"
    assert seen, "11-777 takes part in some suggestion"
    text = run("suggest").output
    assert "cmu-11777-fa22 #5.2<#9.1" in text.replace("\n        ", " ")
    ev = json.loads(run("evidence", "transformers", "attention", "--format", "json").output)
    [cmu] = [x for x in ev["courses"] if x["course"] == "cmu-11777-fa22"]
    assert cmu["topic_number"] == shown["cmu-11777-fa22"][cmu["topic_at"]] == "5.2"


def test_shapes_check_labels_merged_from_turtle(run, mini, cache):
    lec = "<https://w3id.org/coursekg/id/course/c1/lecture/{}>"
    (mini / "extra.ttl").write_text(
        "@prefix schema: <https://schema.org/> .\n"
        f'{lec.format(1)} schema:identifier "x1" .\n'
        f'{lec.format(2)} schema:identifier "X1" .\n'
    )
    r = run("validate", data=mini)
    assert r.exit_code == 1
    out = " ".join(r.stdout.split())
    assert "share the label" in out and "c1/lecture/1" in out and "c1/lecture/2" in out
    (mini / "extra.ttl").write_text(
        "@prefix schema: <https://schema.org/> .\n"
        f'{lec.format(1)} schema:identifier "Lecture 1" .\n'
    )
    r = run("validate", data=mini)
    assert r.exit_code == 1
    assert "the page's own label" in " ".join(r.stdout.split())
