"""`kg import` on a third set of page shapes: small synthetic pages (no course's prose),
each written the way some class of course sites writes its schedule (Org tables,
spreadsheet dates, nested data files, calendar rows), read through the library entry
points and the `kg import` command itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kg import importer as imp
from tests.test_import_shapes import draft, titles
from tests.test_import_shapes2 import run_import

ORG_TABLE = """#+TITLE: Algorithms
|--------+-----------+--------+---------+--------------+----------------|
| week # | lecture # | date   | section | topic        | assignments    |
|--------+-----------+--------+---------+--------------+----------------|
|      1 |         1 | 26-Sep | intro   | sorting      | hw0 out        |
|        |         2 | 28-Sep | core    | hash tables  |                |
|--------+-----------+--------+---------+--------------+----------------|
|      2 |         3 | 3-Oct  | core    | graph theory | hw0 due        |
|        |         4 | 4-Oct  | latex   |              |                |
|        |      exam | 5-Oct  |         | written exam |                |
|        |         5 | 7-Oct  | core    | attention    |                |
|--------+-----------+--------+---------+--------------+----------------|
| thanksgiving |     |        |         |              |                |
|--------+-----------+--------+---------+--------------+----------------|
|      3 |         6 | 28-Nov | core    | sorting again |               |
|--------+-----------+--------+---------+--------------+----------------|
| final exam |       | 12-Dec |         |              | exam 3-6pm     |
|--------+-----------+--------+---------+--------------+----------------|
"""


class TestOrgTables:
    def test_an_org_table_is_a_schedule(self) -> None:
        # Org writes its tables with "|---+---|" rules (above the header, under it and
        # between groups of rows); the first row is the header.
        d = draft(ORG_TABLE, "schedule.org", term="Fall 2016")
        assert titles(d) == ["sorting", "hash tables", "graph theory", "latex", "attention", "sorting again"]
        assert [lec.date for lec in d.lectures][:3] == [dt.date(2016, 9, 26), dt.date(2016, 9, 28), dt.date(2016, 10, 3)]
        assert [lec.covers()[:1] for lec in d.lectures][:5] == [["sorting"], ["hashing"], ["graph-theory"], [], ["attention"]]

    def test_a_column_of_repeated_part_labels_headed_section_is_not_a_discussion(self) -> None:
        # (and it names a numbered lecture whose topic cell is empty: "latex")
        d = draft(ORG_TABLE, "schedule.org", term="Fall 2016")
        assert not [e for e in d.events if e.kind == "discussion"]

    def test_words_in_the_week_column_of_an_untitled_row_are_its_event(self) -> None:
        d = draft(ORG_TABLE, "schedule.org", term="Fall 2016")
        events = [(e.kind, e.title, e.date) for e in d.events]
        assert ("holiday", "thanksgiving", None) in events
        assert ("exam", "final exam", dt.date(2016, 12, 12)) in events
        assert ("exam", "written exam", dt.date(2016, 10, 5)) in events

    def test_the_command_imports_an_org_table(self, tmp_path: Path) -> None:
        page = tmp_path / "schedule.org"
        page.write_text(ORG_TABLE)
        res, out = run_import(page)
        assert "6 lectures" in res.output
        assert "graph theory" in out.read_text()


class TestDates:
    def test_spreadsheet_and_day_month_dates(self) -> None:
        for text, want in [
            ("03-Sep-2024 Sorting", (2024, 9, 3)),
            ("3-Sep-24 Sorting", (2024, 9, 3)),
            ("26-Sep Sorting", (None, 9, 26)),
            ("3 Sep 2024 Sorting", (2024, 9, 3)),
            ("3. September 2024: Sorting", (2024, 9, 3)),
            ("2024-09-03 Sorting", (2024, 9, 3)),
        ]:
            got = imp.dates.find_date(text)
            assert got is not None, text
            assert (got[0].year, got[0].month, got[0].day) == want, text

    def test_a_table_of_spreadsheet_dates(self) -> None:
        text = "| Date | Topic |\n|---|---|\n" + "\n".join(
            f"| {d} | {t} |" for d, t in
            [("03-Sep-2024", "Sorting"), ("05-Sep-2024", "Hashing"), ("10-Sep-2024", "Graph theory")]
        )
        d = draft(text)
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 9, 3), dt.date(2024, 9, 5), dt.date(2024, 9, 10)]


class TestKinds:
    def test_final_review_is_an_exam_review_like_midterm_review(self) -> None:
        text = "| Date | Topic |\n|---|---|\n" + "\n".join(
            f"| {d} | {t} |" for d, t in [
                ("9/3", "Sorting"), ("9/5", "Midterm review"), ("9/10", "Hashing"),
                ("9/12", "Final review"), ("9/17", "Final thoughts and wrap-up"), ("9/19", "End of finals"),
            ]
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Sorting", "Hashing", "Final thoughts and wrap-up"]
        assert [(e.kind, e.title) for e in d.events] == [
            ("exam", "Midterm review"), ("exam", "Final review"), ("exam", "End of finals")
        ]


class TestDataFileShapes:
    def test_weeks_each_with_their_sessions(self) -> None:
        # "weeks: - sessions: - title: ..." (with a homework list beside the sessions):
        # the sessions, in order, are the schedule.
        text = (
            "semester_start: 2025-01-12\nweeks:\n"
            "  - week_offset: 0\n    sessions:\n      - day: W\n        title: Class cancelled for MLK Day\n"
            "  - week_offset: 1\n    homework:\n      - title: Hashing problem set\n        out: W\n"
            "    sessions:\n      - day: M\n        title: Sorting\n      - day: W\n        title: Hash tables\n"
            "  - week_offset: 2\n    sessions:\n      - day: M\n        title: NONE - SPRING BREAK\n"
            "      - day: W\n        title: Graph theory\n"
        )
        d = draft(text, "schedule.yml")
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [(e.kind, e.title) for e in d.events] == [
            ("holiday", "Class cancelled for MLK Day"), ("holiday", "NONE - SPRING BREAK")
        ]

    def test_items_named_by_their_week_and_a_break(self) -> None:
        # No title key: each item's week names it ("week: Hash tables"); "break:" is a
        # holiday. A week that is a number names nothing.
        text = (
            "- week: Sorting\n  notes:\n    Intro: 01/slides\n"
            "- week: Hash tables\n  notes:\n    Hashing: 02/slides\n"
            "- break: <span>Reading Week</span>\n"
            "- week: Graph theory\n"
            "- week: 5\n"
        )
        d = draft(text, "lectures.yml")
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [(e.kind, e.title) for e in d.events] == [("holiday", "Reading Week")]


class TestHeadingsAndLabels:
    def test_a_dated_heading_with_nothing_under_it_is_an_event(self) -> None:
        text = (
            "# Algorithms\n\n## Week 1\n- Sorting\n- Hashing\n\n## Week 2\n- Graph theory\n- Attention\n\n"
            "## Midterm - Mar. 20\n\n## Week 9\n- Sorting networks\n- Hash functions\n"
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Sorting", "Hashing", "Graph theory", "Attention", "Sorting networks", "Hash functions"]
        assert [(e.kind, e.title, e.date) for e in d.events] == [("exam", "Midterm", dt.date(2024, 3, 20))]

    def test_a_heading_dated_at_its_end(self) -> None:
        text = (
            "# Algorithms\n\n## Lecture 1 - Jan. 16: Sorting\n## Lecture 2 - Jan. 18: Hashing\n"
            "## Midterm - Jan. 23\n## Lecture 3 - Jan. 25: Graph theory\n"
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]
        assert [(e.kind, e.title, e.date) for e in d.events] == [("exam", "Midterm", dt.date(2024, 1, 23))]

    def test_a_title_that_is_a_link_label_for_the_session(self) -> None:
        text = "| Date | Topic |\n|---|---|\n" + "\n".join(
            f"| {d} | {t} |" for d, t in
            [("9/3", "Sorting"), ("9/5", "[Slides for Class 02](s2.pdf)"), ("9/10", "Notes for Graph theory")]
        )
        assert titles(draft(text, year=2024)) == ["Sorting", "Class 02", "Graph theory"]

    def test_out_and_due_labels_name_work_and_no_lab_is_no_session(self) -> None:
        text = "| Date | Notes |\n|---|---|\n" + "\n".join(
            f"| {d} | {t} |" for d, t in [
                ("Tue, Jan 19", "**No class.**"), ("Wed, Jan 20", "**No lab.**"),
                ("Thu, Jan 21", "Out: [HW1]. Sorting"), ("Tue, Jan 26", "Hashing"),
                ("Thu, Jan 28", "Due: HW1. Out: HW2, HW3."), ("Fri, Jan 29", "**Not a class day.** Due: HW2."),
            ]
        )
        d = draft(text, year=2016)
        assert titles(d) == ["Sorting", "Hashing"]
        assert [(e.kind, e.date) for e in d.events if e.kind == "holiday"] == [
            ("holiday", dt.date(2016, 1, 19)), ("holiday", dt.date(2016, 1, 20)), ("holiday", dt.date(2016, 1, 29))
        ]
        got = {a.id: (a.released, a.due) for a in d.assignments}
        assert got["hw1"] == (dt.date(2016, 1, 21), dt.date(2016, 1, 28))
        assert got["hw2"] == (dt.date(2016, 1, 28), dt.date(2016, 1, 29))
        assert got["hw3"][0] == dt.date(2016, 1, 28)


class TestOtherLanguages:
    def test_a_spanish_table_with_day_first_month_names(self) -> None:
        text = (
            "# Cronograma\n\n| Fecha | Temas | Modalidad |\n|---|---|---|\n"
            "| 11 de Marzo | - Sorting<br/>- Intro | Virtual |\n"
            "| 15 de Marzo | Hash tables | Virtual |\n"
            "| 1 de Abril | **FERIADO** | **FERIADO** |\n"
            "| 5 de Abril | Graph theory | Virtual |\n"
            "| 8 de Abril | Examen parcial | Aula 3 |\n"
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 3, 11), dt.date(2024, 3, 15), dt.date(2024, 4, 5)]
        assert [(e.kind, e.date) for e in d.events] == [("holiday", dt.date(2024, 4, 1)), ("exam", dt.date(2024, 4, 8))]

    def test_german_and_french_dates(self) -> None:
        for text, want in [("3. Oktober 2024: Sorting", (2024, 10, 3)), ("15 janvier Sorting", (None, 1, 15)),
                           ("1 de abril de 2024", (2024, 4, 1))]:
            got = imp.dates.find_date(text)
            assert got is not None, text
            assert (got[0].year, got[0].month, got[0].day) == want, text


class TestRunsAndCards:
    def test_one_list_under_each_numbered_heading_is_one_run(self) -> None:
        # "# Week 1: ..." over "* [Lecture 1: Title](#)": the lectures, not the weeks.
        text = "".join(
            f"# Week {w}: Part {w}\n* [Lecture {2 * w - 1}: {a}](l{w}a.html)\n    - [video](v)\n"
            f"* [Homework {w} (due 18/05/2020)](hw)\n* [Lecture {2 * w}: {b}](l{w}b.html)\n\n"
            for w, (a, b) in enumerate([("Sorting", "Hash tables"), ("Graph theory", "Attention"),
                                        ("Sorting networks", "Hash functions")], start=1)
        )
        d = draft(text)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory", "Attention", "Sorting networks", "Hash functions"]
        assert [a.id for a in d.assignments] == ["homework-1", "homework-2", "homework-3"]

    def test_a_page_of_unnumbered_parts_is_not_one_run(self) -> None:
        text = (
            "# Course\n* About the course\n* Issues go to the tracker\n\n"
            "# Syllabus\n- **Week 1** Sorting\n- **Week 2** Hash tables\n- **Week 3** Graph theory\n\n"
            "# Staff\n- Ann Smith - lectures\n- Bob Jones - seminars\n"
        )
        assert titles(draft(text)) == ["Sorting", "Hash tables", "Graph theory"]

    def test_a_card_titled_by_its_day_number_takes_its_first_item(self) -> None:
        cards = [("Sep 11", "Day 01", ["Sorting", "Setup", "Assignment 1"]),
                 ("Sep 18", "Day 02", ["Hash tables", "Assignment 2"]),
                 ("Sep 25", "Day 03", ["Mid-term Exam", "Lab Time"]),
                 ("Oct 02", "Day 04", ["Git and GitHub"])]
        body = "".join(
            f'<article class="c"><div><h3>{d}</h3></div><div><h2 class="t">{t}</h2>'
            f'<ul>{"".join(f"<li>{x}</li>" for x in items)}</ul></div></article>'
            for d, t, items in cards
        )
        d = draft(f"<html><body><h1>Schedule</h1><section>{body}</section></body></html>", "s.html", year=2020)
        assert titles(d) == ["Sorting", "Hash tables", "Git and GitHub"]
        assert [lec.number for lec in d.lectures] == ["01", "02", "04"]
        assert [(e.kind, e.title) for e in d.events] == [("exam", "Mid-term Exam")]


class TestDataFileKinds:
    def test_unit_items_head_the_sessions_and_prelims_are_exams(self) -> None:
        text = (
            "- type: unit\n  name: Basics\n\n- topic: Sorting\n  num: class\n\n- topic: Hash tables\n\n"
            '- topic: "Prelim 1 - 02/28/2019"\n\n- type: unit\n  name: Graphs\n\n- topic: Graph theory\n\n'
            "- topic: Final Exam - 05/13/2019\n"
        )
        d = draft(text, "schedule.yml")
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [(e.kind, e.title, e.date) for e in d.events] == [
            ("exam", "Prelim 1", dt.date(2019, 2, 28)), ("exam", "Final Exam", dt.date(2019, 5, 13))
        ]

    def test_student_presentations_and_project_workshops_are_project_days(self) -> None:
        text = "".join(
            f"- date: '2025-{d}'\n  topic: '{t}'\n" for d, t in [
                ("11-18", "Sorting"), ("11-20", "Project workshop"), ("12-02", "Presentation: Ann, Bob, Carl"),
                ("12-04", "Hash tables"),
            ]
        )
        d = draft(text, "schedule.yml")
        assert titles(d) == ["Sorting", "Hash tables"]
        assert [e.kind for e in d.events] == ["project", "project"]


class TestSessionHeadings:
    def test_lists_under_session_headings_are_the_lectures(self) -> None:
        text = (
            "# Schedule\n\n* **Lectures** : 10 hours\n* **Practicals** : 30 hours.\n\n"
            "## Session 0\n* [Sorting](s.md)\n\n## Session 1\n- [Hash tables](h.md)\n- [Graph theory](g.md)\n\n"
            "## Session 2\n- [Attention](a.md)\n"
        )
        assert titles(draft(text)) == ["Sorting", "Hash tables", "Graph theory", "Attention"]


class TestChinesePages:
    def test_lessons_numbered_and_dated_the_chinese_way(self) -> None:
        text = (
            "# 课程\n\n## 第2次课：Hash tables\n- 📢 时间：2月24日 10:00~12:00\n- PPT[下载](s2.pptx)\n\n"
            "## 第1次课：Sorting\n- 📢 时间：2月17日 10:00~12:00\n- PPT[下载](s1.pptx)\n\n"
            "## 第0次课：Graph theory\n- 📢 时间：2024年2月14日（周五）14:30-16:30\n- PPT[下载](s0.pptx)\n"
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Hash tables", "Sorting", "Graph theory"]
        assert [lec.number for lec in d.lectures] == ["2", "1", "0"]
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 2, 24), dt.date(2024, 2, 17), dt.date(2024, 2, 14)]

    def test_undated_sections_after_the_dated_ones_are_the_afterword(self) -> None:
        text = "".join(
            f"## 第{k}次课：{t}\n- 时间：2月{d}日\n- PPT[下载](s.pptx)\n\n"
            for k, t, d in [(3, "Attention", 24), (2, "Hash tables", 17), (1, "Sorting", 10)]
        ) + "## 课前准备\n- 请完成问卷调查\n\n## 课程介绍\n- [点击查看课程介绍](intro.md)\n"
        assert titles(draft(text, year=2024)) == ["Attention", "Hash tables", "Sorting"]


class TestQuartoAndCalendars:
    def test_a_quarto_table_in_a_div_with_icons_and_a_longer_delimiter_row(self) -> None:
        # Pandoc reads a delimiter row with one cell too many; the slides column holds
        # only shortcode icons, the topic column the titles.
        text = (
            "---\ntitle: Schedule\n---\n\n::: column-screen-inset-right\n"
            "| Week | Date | Topic | Slides | HW |\n:-----:|:----|:----|:----:|:--:|:--:|\n"
            "| 1 | Mon, Aug 26 | Sorting | [{{< fa sharp presentation-screen >}}](s1.qmd) | |\n"
            "|   | Wed, Aug 28 | Hash tables | [{{< fa sharp presentation-screen >}}](s2.qmd) | "
            "[{{< fa pen >}}]{style=\"color:grey\"} |\n"
            "| 2 | Mon, Sep 02 | **No Class: Labor Day** | | |\n"
            "|   | Wed, Sep 04 | Graph theory | [{{< fa sharp presentation-screen >}}](s3.qmd) | |\n:::\n"
        )
        d = draft(text, "schedule.qmd", year=2024)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [(e.kind, e.title) for e in d.events] == [("holiday", "No Class: Labor Day")]

    def test_days_under_month_rows(self) -> None:
        text = (
            "| | Clases | Talleres |\n-----|----|----\n"
            "**Agosto** | | |\nJueves 10 | Sorting | Taller 1 |\nJueves 17 | *No hay clases* | |\n"
            "Jueves 24 | Hash tables | |\n**Septiembre** | | |\nJueves 07 | Graph theory | |\n"
            "Jueves 14 | *Receso* | |\nJueves 28 | **Prueba 1** | |\n"
        )
        d = draft(text, year=2023)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2023, 8, 10), dt.date(2023, 8, 24), dt.date(2023, 9, 7)]
        assert [(e.kind, e.date) for e in d.events] == [
            ("holiday", dt.date(2023, 8, 17)), ("holiday", dt.date(2023, 9, 14)), ("exam", dt.date(2023, 9, 28))
        ]

    def test_labels_that_say_none_are_no_event(self) -> None:
        text = "".join(
            f"### {d}\n\n-   Topics: {t}\n\n-   Readings: None\n\n-   Deadlines: None\n\n"
            for d, t in [("Tuesday, August 27", "Sorting"), ("Friday, August 30", "Hash tables"),
                         ("Tuesday, September 3", "Graph theory")]
        )
        d = draft("## Important Dates\n\n-   Assignment 1: Due Friday, September 13\n\n" + text, year=2024)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert d.events == []


class TestTitleRepairs:
    def test_an_open_link_bracket_and_a_compound_ending_in_notebook(self) -> None:
        text = (
            "# Week 1: A\n* [Lecture 1: Sorting [html coming soon)](#)\n* [Lecture 2: Hash tables](l2.html)\n\n"
            "# Week 2: B\n* [Lecture 3: pandas, jupyter notebook](l3.html)\n* [Lecture 4: Graph theory](l4.html)\n\n"
            "# Week 3: C\n* [Lecture 5: Attention](l5.html)\n* [Lecture 6:](#)\n"
        )
        got = titles(draft(text))
        assert got[0].startswith("Sorting") and got[1:] == [
            "Hash tables", "pandas, jupyter notebook", "Graph theory", "Attention", "Lecture 6"
        ]


class TestSessionsKeyedByDate:
    def test_a_week_item_maps_its_days_to_their_sessions(self) -> None:
        text = (
            '- week: "01"\n  dates:\n    Oct 22:\n      topics:\n        A: <a href="s1.pdf">Sorting (*)</a>\n'
            "        B: Hash tables\n    Oct 24:\n      topics:\n        lab: Sorting exercises\n"
            '- week: "02"\n  dates:\n    Oct 29:\n      topics:\n        A: Graph theory\n        B: Exam practice\n'
            '- week: "Sem. break"\n  dates:\n    " ": ""\n'
        )
        d = draft(text, "schedule.yml", year=2018)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2018, 10, 22), dt.date(2018, 10, 22), dt.date(2018, 10, 29)]
        assert [(e.kind, e.title) for e in d.events] == [("tutorial", "Sorting exercises"), ("exam", "Exam practice")]


class TestHolidayNames:
    def test_a_no_class_day_keeps_the_holidays_name(self) -> None:
        listed = draft("# CS\n\n- Jan 13: Sorting\n- Jan 15: Hash tables\n- Jan 20: No Class (MLK Day)\n"
                       "- Jan 22: Graph theory\n", year=2024)
        assert [(e.kind, e.title) for e in listed.events] == [("holiday", "No Class (MLK Day)")]
        table = draft("| Date | Lecture | Notes |\n|---|---|---|\n| Jan 13 | Sorting | |\n| Jan 15 | Hash tables | |\n"
                      "| Jan 20 | No Class | MLK Day |\n| Jan 22 | Graph theory | |\n"
                      "| Jan 27 | | No class (Presidents' Day) |\n| Jan 29 | Attention | |\n", year=2024)
        assert titles(table) == ["Sorting", "Hash tables", "Graph theory", "Attention"]
        assert [(e.kind, e.title) for e in table.events] == [
            ("holiday", "No Class (MLK Day)"), ("holiday", "No class (Presidents' Day)")
        ]


class TestDatedHeadingsOnly:
    def test_a_list_of_days_off_does_not_outrank_the_headings(self) -> None:
        # Dates after a dash date headings only: a list item "MLK - Jan 21st" is prose.
        text = (
            "# Schedule\n\nDays with no lecture:\n* MLK - Jan 21st\n* Midterm - Mar. 20th\n* Spring Break - Mar. 25th-29th\n\n"
            "## [Sorting](s.html) (1 day - 1 cumulative)\n\n## [Hash tables](h.html) (2 days - 3 cumulative)\n\n"
            "## [Graph theory](g.html) (3 days - 6 cumulative)\n\n## Midterm - Mar. 20\n\n## Spring Break - Mar. 25-29\n\n"
            "## [Attention](a.html) (2 days - 8 cumulative)\n\n## Final Exam - May 4-8\n"
        )
        d = draft(text, year=2019)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory", "Attention"]
        assert [(e.kind, e.title, e.date) for e in d.events] == [
            ("exam", "Midterm", dt.date(2019, 3, 20)), ("holiday", "Spring Break", dt.date(2019, 3, 25)),
            ("exam", "Final Exam", dt.date(2019, 5, 4)),
        ]
