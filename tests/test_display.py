"""Where a step is taught stays readable with many courses: text views show the most useful
few places and "… and N more"; JSON keeps them all."""

from __future__ import annotations

import json
import re

from kg.cli.output import PATH_LIMITS, SHOW_LIMITS, rank_places


def lec(course: str, pos: int, title: str, date: str | None = None, term: str | None = None) -> dict:
    return {"course": course, "position": pos, "title": title, "date": date, "term": term}


class TestRankPlaces:
    def test_empty(self):
        assert rank_places([], ["Backpropagation"]) == []

    def test_one_place_per_course_first(self):
        places = [
            lec("a", 3, "Backpropagation", "2025-09-01"),
            lec("a", 5, "Backprop II", "2025-09-08"),
            lec("b", 2, "Training networks", "2020-01-10"),
        ]
        ranked = rank_places(places, ["Backpropagation", "backprop"])
        assert [(p["course"], p["position"]) for p in ranked] == [("a", 3), ("b", 2), ("a", 5)]

    def test_a_course_is_represented_by_the_lecture_that_names_the_topic(self):
        places = [lec("a", 1, "Neural networks", "2025-01-01"), lec("a", 4, "The chain rule and backprop", "2025-02-01")]
        assert rank_places(places, ["backprop"])[0]["position"] == 4

    def test_named_before_recent(self):
        places = [lec("new", 1, "Week 3", "2025-10-01"), lec("old", 1, "Attention and transformers", "2019-04-25")]
        assert [p["course"] for p in rank_places(places, ["Transformers"])] == ["old", "new"]

    def test_most_recent_first_then_term_year_then_undated(self):
        places = [
            lec("undated", 1, "Transformers"),
            lec("termed", 1, "Transformers", term="Spring 2021"),
            lec("dated", 1, "Transformers", "2021-03-01", "Spring 2021"),
            lec("newest", 1, "Transformers", "2025-09-23"),
        ]
        assert [p["course"] for p in rank_places(places, ["transformers"])] == ["newest", "dated", "termed", "undated"]

    def test_words_not_substrings(self):
        # "NN" must not make "CNN architectures" name neural networks
        places = [lec("a", 1, "CNN architectures", "2025-01-01"), lec("b", 1, "What is an NN?", "2020-01-01")]
        assert rank_places(places, ["NN"])[0]["course"] == "b"


def lines_fit(text: str) -> bool:
    return all(len(line) <= 80 for line in text.splitlines())


def test_path_text_shows_a_few_and_json_keeps_all(run):
    text = run("path", "backprop", "transformers").stdout
    data = json.loads(run("path", "backprop", "transformers", "--format", "json").stdout)
    assert lines_fit(text)
    crowded = [s for s in data["steps"] if len(s["lectures"]) > PATH_LIMITS["lectures"]]
    assert crowded, "the shipped graph has steps taught in more places than a plan lists"
    blocks = text.split("\n\n")
    for s in crowded:
        [block] = [b for b in blocks if f"[{s['id']}]" in b.splitlines()[0]]
        shown = re.findall(r"^\s+lecture  ", block, re.M)
        more = len(s["lectures"]) - PATH_LIMITS["lectures"]
        assert len(shown) == PATH_LIMITS["lectures"], block
        assert f"… and {more} more lecture{'s' if more != 1 else ''}" in block, block


def test_show_text_shows_a_few_and_json_keeps_all(run):
    text = run("show", "transformers").stdout
    data = json.loads(run("show", "transformers", "--format", "json").stdout)
    assert lines_fit(text)
    n = len(data["lectures"])
    assert n > SHOW_LIMITS["lectures"]
    part = text.split("Lectures:\n", 1)[1].split("\n\n", 1)[0]
    assert len(re.findall(r"^  \S", part, re.M)) == SHOW_LIMITS["lectures"] + 1  # + the "… and" line
    assert f"… and {n - SHOW_LIMITS['lectures']} more lectures" in part
    # the first places come from different courses
    courses = [line.split()[0] for line in part.splitlines()[:4]]
    assert len(set(courses)) == 4
