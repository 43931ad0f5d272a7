"""`kg import` on a fourth set of page shapes: small synthetic pages (no course's prose),
each written the way some class of course sites writes its schedule (Org headings with
labelled titles, RST day sections, indented Org tables with hyphenated dates), read
through the library entry points and the `kg import` command itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kg import importer as imp
from tests.test_import_shapes import draft, titles
from tests.test_import_shapes2 import run_import


class TestDates:
    def test_a_weekday_joined_by_a_hyphen(self) -> None:
        got = imp.dates.find_date("Wed-18-Aug")
        assert got is not None
        assert (got[0].month, got[0].day, got[0].weekday) == (8, 18, 2)

    def test_month_day_with_a_hyphen_after_a_weekday(self) -> None:
        got = imp.dates.find_date("TUE 01-21 Lecture 1")
        assert got is not None
        assert (got[0].month, got[0].day, got[0].weekday, got[2]) == (1, 21, 1, " Lecture 1")

    def test_two_numbers_joined_by_a_hyphen_alone_are_no_date(self) -> None:
        # "10-12" alone may be a range of weeks or of pages.
        assert imp.dates.find_date("10-12") is None
        assert imp.dates.find_date("Weeks 01-03") is None

    def test_slashes_with_spaces_and_a_year(self) -> None:
        got = imp.dates.find_date("2 / 20 / 2015")
        assert got is not None
        assert (got[0].year, got[0].month, got[0].day) == (2015, 2, 20)
        assert imp.dates.find_date("3 / 4 of the class") is None  # (no year: a fraction)


ORG_HEADINGS = """#+title: Schedule
* Week 1: Basics
** TUE 01-21 Lecture 1
:PROPERTIES:
:CUSTOM_ID: 01-21
:END:
*** Title: *Sorting*
*** Topics:
+ Discuss the course structure
+ Install the tools
*** Reading:
+ Book 1: [[https://example.org/b1][Getting Started]]
** THU 01-23 Lecture 2
:PROPERTIES:
:CUSTOM_ID: 01-23
:END:
*** Title: *Hash tables*
*** Topics:
+ Open addressing
* Week 2: Graphs
** TUE 01-28 Lecture 3
:PROPERTIES:
:CUSTOM_ID: 01-28
:END:
*** Title: *Workshop: A graph library*
*** Topics:
+ Build one together
** THU 01-30 Midterm Exam
+ [[file:midterm.zip][midterm.zip]]
** TUE 02-04 Lecture 4
*** Title: *Attention*
"""


class TestOrgHeadings:
    def test_lectures_under_week_headings_with_labelled_titles(self) -> None:
        # "** TUE 01-21 Lecture 1" (a weekday, then month-day) over "*** Title: *X*":
        # the labelled line is the title, the heading gives the date and the number.
        d = draft(ORG_HEADINGS, "schedule.org", term="Spring 2025")
        assert titles(d) == ["Sorting", "Hash tables", "Workshop: A graph library", "Attention"]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2025, 1, 21), dt.date(2025, 1, 23), dt.date(2025, 1, 28), dt.date(2025, 2, 4)]
        assert [(e.kind, e.date) for e in d.events] == [("exam", dt.date(2025, 1, 30))]

    def test_a_numbered_lecture_titled_workshop_is_a_lecture(self) -> None:
        # The page calls it "Lecture 3": a word of its title ("Workshop") does not make
        # it a tutorial.
        d = draft(ORG_HEADINGS, "schedule.org", term="Spring 2025")
        assert "Workshop: A graph library" in titles(d)
        assert not [e for e in d.events if e.kind == "tutorial"]

    def test_property_drawers_are_not_text(self) -> None:
        md = imp.document.org_to_markdown(ORG_HEADINGS)
        assert "PROPERTIES" not in md and "CUSTOM_ID" not in md
        assert "### Title: *Sorting*" in md

    def test_the_command_imports_org_headings(self, tmp_path: Path) -> None:
        page = tmp_path / "schedule.org"
        page.write_text(ORG_HEADINGS)
        res, out = run_import(page)
        assert "4 lectures" in res.output
        assert "Hash tables" in out.read_text()


RST_DAYS = """########
Schedule
########

****************************
Day 1 : sorting and hashing
****************************

2 / 20 / 2015

Reading:

* A chapter on sorting

Day:

* merge sort
* hash tables

*********************
Day 2: graph theory
*********************

2 / 27 / 2015

Day:

* breadth-first search
* shortest paths

**********************
Day 3: attention
**********************

3 / 6 / 2015

* queries and keys

*******************
Possible extra days
*******************

* Something else
"""


class TestRstDays:
    def test_day_sections_dated_on_the_line_below(self) -> None:
        # docutils sections "Day N: title", the date on its own line ("M / D / YYYY").
        d = draft(RST_DAYS, "schedule.rst")
        assert titles(d) == ["sorting and hashing", "graph theory", "attention"]
        assert [lec.date for lec in d.lectures] == [dt.date(2015, 2, 20), dt.date(2015, 2, 27), dt.date(2015, 3, 6)]


ORG_TABLE_INDENTED = """* Schedule
   | Wk | No | DATE       | PRESENTATIONS               | PROJECTS   |
   |----+----+------------+-----------------------------+------------|
   |  1 |  1 | Wed-18-Aug | Sorting (AB)                |            |
   |    |  2 | Fri-20-Aug | Hashing (AB)                |            |
   |----+----+------------+-----------------------------+------------|
   |  2 |  3 | Mon-23-Aug | --LABOR DAY--               |            |
   |    |  4 | Wed-25-Aug | Graph theory (AB)           | review     |
   |    |  5 | Fri-27-Aug | Attention (AB)              |            |
   |----+----+------------+-----------------------------+------------|
"""


class TestOrgTableWithWeekdayDates:
    def test_an_indented_org_table_with_weekday_day_month_dates(self) -> None:
        # An Org table indented under its heading, dates "Wed-18-Aug", a title column
        # headed by what the sessions are ("PRESENTATIONS").
        d = draft(ORG_TABLE_INDENTED, "schedule.org", term="Fall 2021")
        assert titles(d) == ["Sorting (AB)", "Hashing (AB)", "Graph theory (AB)", "Attention (AB)"]
        assert d.lectures[0].date == dt.date(2021, 8, 18)
        assert [(e.kind, e.date) for e in d.events if e.kind == "holiday"] == [("holiday", dt.date(2021, 8, 23))]


HTML_TABLE_IN_MARKDOWN = """<table class="schedule-table">
  <thead>
    <tr><th>Semana</th><th>Data</th><th>Aula</th><th>Estudo</th></tr>
  </thead>
  <tbody>

    <!-- week 1 -->
    <tr>
      <td rowspan=3>1</td>
      <th>Seg<br />3/2</th>
      <td>Não haverá aula</td>
      <td></td>
    </tr>
    <tr>
      <th>Ter<br />4/2</th>
      <td>Aula inaugural</td>
      <td></td>
    </tr>
    <tr>
      <th>Qua<br />5/2</th>
      <td></td>
      <td></td>
    </tr>

    <!-- week 2 -->
    <tr>
      <td rowspan=3>2</td>
      <th>Seg<br />17/2</th>
      <td>Chapter 1:<br />
          Sorting</td>
      <td></td>
    </tr>
    <tr>
      <th>Ter<br />18/2</th>
      <td>Chapter 2:<br />
          Hash tables</td>
      <td></td>
    </tr>
    <tr>
      <th>Qua<br />19/2</th>
      <td>FERIADO</td>
      <td></td>
    </tr>
  </tbody>
</table>
"""


class TestHtmlTableInMarkdown:
    def test_blank_lines_inside_an_html_table_do_not_end_it(self) -> None:
        # CommonMark ends an HTML block at a blank line (and reads the indented rows
        # after it as code); browsers show the table whole, and so does kg. ("17/2":
        # the page's dates are day first.)
        d = draft(HTML_TABLE_IN_MARKDOWN, "calendario.md", term="Spring 2025")
        assert titles(d) == ["Aula inaugural", "Chapter 1: Sorting", "Chapter 2: Hash tables"]
        assert [lec.date for lec in d.lectures] == [dt.date(2025, 2, 4), dt.date(2025, 2, 17), dt.date(2025, 2, 18)]
        assert [(e.kind, e.date) for e in d.events] == [
            ("holiday", dt.date(2025, 2, 3)), ("holiday", dt.date(2025, 2, 19))]

    def test_a_label_broken_from_its_title_is_one_title(self) -> None:
        # "Chapter 1:<br>Sorting": the line ending in a colon opens the title.
        row = imp.Row(line=1)
        imp.rows.set_title(row, "Chapter 1:\nSorting\nmore words", breaks=True)
        assert row.title == "Chapter 1: Sorting"
        assert "more words" in row.detail


QUALIFIED_HEADERS = """| **Week** | **Date** | **Lecture x 1 hour** | **Lab x 2 hours** | **Project** |
|---|---|---|---|---|
| 1 | Jan 3 | Introduction | Getting started with the tools | |
| 2 | Jan 10 | Sorting | Sorting numbers | |
| 3 | Jan 17 | Hash tables | Word counts | Submit an idea |
| 4 | Jan 24 | Graph theory | Shortest paths | |
"""

THEORY_PRACTICE = """| Semana | Fecha | Teórica (Mar / Mier) | Fecha | Práctica | Entregas |
|---|---|---|---|---|---|
| 1 | 11/03/2025  12/03/2025 | Introducción | 14/03/2025 | Presentación lab fork | |
| 2 | 18/03/2025  19/03/2025 | Kernel | 21/03/2025 | Continuar lab fork | Entrega **fork** [^fork] |
| 3 | 25/03/2025  26/03/2025 | Procesos | 28/03/2025 | Continuar TP1 | |
| 4 | 01/04/2025  02/04/2025 | Memoria | 04/04/2025 | **FERIADO** | |
| 5 | 08/04/2025  09/04/2025 | **PARCIAL** | 11/04/2025 | Continuar TP1 | |
| 6 | 15/04/2025  16/04/2025 | **Recuperatorio** [^recu] | 18/04/2025 | Continuar TP2 | |

[^fork]: la fecha de entrega es el domingo
[^recu]: el segundo recuperatorio
"""


class TestHeaders:
    def test_a_header_qualified_by_how_long_names_its_role(self) -> None:
        # "Lecture x 1 hour" is the lecture column, "Lab x 2 hours" the lab column: the
        # labs are not the titles (though their cells are as long).
        d = draft(QUALIFIED_HEADERS, "README.md", term="Winter 2022")
        assert titles(d) == ["Introduction", "Sorting", "Hash tables", "Graph theory"]
        assert d.lectures[0].date == dt.date(2022, 1, 3)

    def test_theory_and_practice_columns(self) -> None:
        # "Teórica (Mar / Mier)" (its days in brackets) holds the lectures; "Práctica"
        # the practice sessions; "[^fork]" is a footnote's mark; "Recuperatorio" (a
        # make-up exam) and "Parcial" are exams.
        d = draft(THEORY_PRACTICE, "calendario.md")
        assert titles(d) == ["Introducción", "Kernel", "Procesos", "Memoria"]
        assert d.lectures[1].date == dt.date(2025, 3, 18)
        exams = [e.title for e in d.events if e.kind == "exam"]
        assert exams == ["PARCIAL", "Recuperatorio"]
        assert not any("[^" in e.title for e in d.events)
        assert not any("Continuar" in t for t in titles(d))

    def test_the_command_reads_the_theory_column(self, tmp_path: Path) -> None:
        page = tmp_path / "calendario.md"
        page.write_text(THEORY_PRACTICE)
        res, out = run_import(page)
        assert "4 lectures" in res.output
        assert "Kernel" in out.read_text()


MEETINGS_YAML = """- section: "Part one"
  topics:
    - title: "Sorting"
      lectures:
        - type: "Lecture"
          date: "08.09.2025"
          link: "https://example.org/1"
        - type: "Seminar"
          date: "12.09.2025"
          link: "https://example.org/2"
    - title: "Hash tables"
      lectures:
        - type: "Лекция"
          date: "15.09.2025"
        - type: "Семинар"
          date: "19.09.2025"
- section: "Part two"
  topics:
    - title: "Graph theory"
      lectures:
        - type: "Lecture"
          date: "22.09.2025"
"""

WEEKS_DAYS_YAML = """- week: 50
  year: 2020
  days:
  - day: 2020-12-07
    lectures:
    - lecture: "Sorting"
      number: "L1"
    - lecture: "Standup"
      number: "S1"
  - day: 2020-12-08
    lectures:
    - lecture: "Workshop, team 1"
      number: "W1"
  - day: 2020-12-09
    lecture: null
- week: 01
  year: 2021
  days:
  - day: 2021-01-04
    lectures:
    - lecture: "Daily standup"
    - lecture: "Hash tables"
  - day: 2021-01-05
    lectures:
    - lecture: "Sprint start"
  - day: 2021-01-08
    lectures:
    - lecture: "Salstenta"
"""


class TestNestedDataFiles:
    def test_a_topic_listing_its_dated_meetings(self) -> None:
        # Sections, their topics, each topic's meetings (a date and a kind, no title):
        # a session a meeting, titled by its topic; seminars are tutorials.
        d = draft(MEETINGS_YAML, "lectures.yml")
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2025, 9, 8), dt.date(2025, 9, 15), dt.date(2025, 9, 22)]
        assert [(e.kind, e.title, e.date) for e in d.events] == [
            ("tutorial", "Sorting", dt.date(2025, 9, 12)), ("tutorial", "Hash tables", dt.date(2025, 9, 19))]

    def test_weeks_their_days_and_the_days_sessions(self) -> None:
        # Three levels (weeks, days, sessions): each session takes its day's date; a
        # term running from December into January; stand-ups and sprints are project
        # work, a "tenta" an exam.
        d = draft(WEEKS_DAYS_YAML, "lectures.yml")
        assert titles(d) == ["Sorting", "Hash tables"]
        assert [lec.date for lec in d.lectures] == [dt.date(2020, 12, 7), dt.date(2021, 1, 4)]
        kinds = {e.title: e.kind for e in d.events}
        assert kinds == {"Standup": "project", "Workshop, team 1": "tutorial", "Daily standup": "project",
                         "Sprint start": "project", "Salstenta": "exam"}

    def test_the_command_imports_nested_data_files(self, tmp_path: Path) -> None:
        page = tmp_path / "lectures.yml"
        page.write_text(WEEKS_DAYS_YAML)
        res, out = run_import(page)
        assert "2 lectures" in res.output
        assert "Hash tables" in out.read_text()


FRENCH_TABLE = """# Programme
| Jour/Date | Heure       | Type        | Enseignant | Contenu |
|-----------|-------------|-------------|------------|------------|
| L 22/09   | 9h45-13h    | CM+TP       | Ann        | Sorting |
| L 29/09   | 9h45-13h    | CM+TP       | Ann        | Hash tables |
| L 17/11   | 8h00-11h15  | CM+TP       | Bob        | Graph theory |
| L 05/01   | 9h45-13h    | CM+TP       | Bob        | Attention |
| J 15/01   | 9h45-13h    | Présentations | Bob      | Présentations |
"""


class TestFrenchTable:
    def test_weekday_letters_and_a_header_of_two_names(self) -> None:
        # "Jour/Date" is the date column, "Contenu" the titles; "L 22/09" is a weekday
        # letter before a day-first date; the term runs into January; "Présentations"
        # is project work.
        d = draft(FRENCH_TABLE, "TAA.md", term="Fall 2025")
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory", "Attention"]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2025, 9, 22), dt.date(2025, 9, 29), dt.date(2025, 11, 17), dt.date(2026, 1, 5)]
        assert [(e.kind, e.date) for e in d.events] == [("project", dt.date(2026, 1, 15))]


TWO_SESSIONS_A_ROW = """Date format MM-DD.

| Week | Dates Concepts | **Concepts Topics** | Dates Tools | **Tools Topic** |
|------|--------|-----------------------------|----------|:------------:|
| 1    | 09-02  | *No class, Academic Opening* | 09-05    | R            |
| 2    | 09-09  | W#1 [Sorting](W01.qmd)       | 09-12    | R            |
| 3    | 09-16  | W#2 Hash tables              | 09-19    | R            |
| 4    | 09-23  | W#3 Graph theory             | 09-26    | python       |
| 5    | 10-14  | W#4 Attention                | 10-17    | python       |
"""


class TestNamedColumns:
    def test_headers_naming_a_date_or_a_topic_among_other_words(self) -> None:
        # "Dates Concepts" is a date column, "Concepts Topics" the titles (the longer of
        # the two topic columns); "09-02" alone in a date column is month-day.
        d = draft(TWO_SESSIONS_A_ROW, "schedule.qmd", term="Fall 2024")
        assert [t.split()[-1] for t in titles(d)] == ["Sorting", "tables", "theory", "Attention"]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2024, 9, 9), dt.date(2024, 9, 16), dt.date(2024, 9, 23), dt.date(2024, 10, 14)]
        assert [(e.kind, e.date) for e in d.events] == [("holiday", dt.date(2024, 9, 2))]

    def test_month_day_alone_is_a_date_only_in_a_date_column(self) -> None:
        text = "| Week | Topic |\n|---|---|\n| 01-02 | Sorting |\n| 03-04 | Hash tables |\n| 05-06 | Graphs |\n"
        d = draft(text, "s.md")
        assert all(lec.date is None for lec in d.lectures)


def _grid(rows: list[tuple[str, str, str]]) -> str:
    """An RST grid table whose columns fit the raw cells (roles and all)."""
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [rule]
    for k, r in enumerate(rows):
        out.append("|" + "|".join(f" {c:<{w}} " for c, w in zip(r, widths)) + "|")
        out.append(rule.replace("-", "=") if k == 0 else rule)
    return "\n".join(out) + "\n"


RST_GRID = "=========\nSyllabus\n=========\n\n" + _grid([
    ("Date", "Topic", "Due"),
    ("Monday 4/3", "Getting set up: :code:`python` and :code:`git`", ""),
    ("Wednesday 4/5", "Sorting and searching.", ""),
    ("Friday 4/7", "**Lab**: Sorting puzzles", ""),
    ("Monday 4/10", "**Hash tables**", "HW1 (python)"),
    ("Wednesday 4/12", "", ""),
    ("Monday 5/29", "Memorial Day. No class.", ""),
    ("Wednesday 5/31", "Final project in class", ""),
])


class TestRstGridTables:
    def test_roles_in_a_grid_table_keep_its_columns(self) -> None:
        # ":code:`python`" read as its label is padded to its width: docutils reads the
        # table (its cells no longer cross the column rules), and its "+---+" rules are
        # never rows.
        d = draft(RST_GRID, "s.rst", term="Spring 2017")
        assert titles(d) == ["Getting set up: python and git", "Sorting and searching.", "Hash tables"]
        assert d.lectures[0].date == dt.date(2017, 4, 3)
        kinds = [(e.kind, e.title) for e in d.events]
        assert ("tutorial", "Lab: Sorting puzzles") in kinds
        assert ("project", "Final project in class") in kinds
        assert not any("+--" in t for t in titles(d))


LISTED_TITLES_YAML = """- date: 9/4
  title: >
    - Course overview
- date: 9/11
  title: >
    - Chapter 1. Sorting<br>
    - Chapter 2. Hash tables
- date: 9/18
  title: >
    <strong>No School</strong> Harvest festival <br>
    <span style="color: red">(made up on 10/16)</span>
- date: 10/16
  title: >
    <span style="color: red">10/16 evening - make-up for week 3</span><br>
    - Chapter 3. Graph theory
- date: 12/18
  title: >
    <strong>Final Test</strong>
"""


class TestListedTitles:
    def test_a_title_written_as_a_list_is_a_session_an_item(self) -> None:
        # "- Chapter 1<br>- Chapter 2": two sessions that day; a note above the list
        # ("10/16 evening - make-up...") is not a title; "No School" is a holiday,
        # "Final Test" an exam.
        d = draft(LISTED_TITLES_YAML, "lectures.yml", term="Fall 2023")
        assert titles(d) == ["Course overview", "Chapter 1. Sorting", "Chapter 2. Hash tables", "Chapter 3. Graph theory"]
        assert [lec.date for lec in d.lectures][1:3] == [dt.date(2023, 9, 11)] * 2
        assert [(e.kind, e.date) for e in d.events] == [
            ("holiday", dt.date(2023, 9, 18)), ("exam", dt.date(2023, 12, 18))]


RAW_HTML_QMD = """---
title: Schedule
---

```{=html}
<table>
    <tr>
        <th>Date</th>
        <th>Description</th>
        <th>Course Materials</th>
        <th>Handouts and Due Dates</th>
    </tr>
    <tr>
        <td colspan="4"><b>Week 1</b> <i>(Preliminaries)</i></td>
    </tr>
    <tr>
        <td>Tue Jan 21</td>
        <td>01 -- Welcome and sorting (AB).</td>
        <td><a href="s1.pdf">Lecture Slides</a></td>
        <td><b>Assigned:</b> <ul><li>Survey</li></ul> <br><b>Due:</b> tonight </td>
    </tr>
    <tr>
        <td>Thu Jan 23</td>
        <td> 02 -- Topics (AB)
            <ul>
                <li>Hash tables</li>
                <li>Bloom filters</li>
            </ul>
        </td>
        <td> None </td>
        <td><b>Assigned:</b>  <br><b>Due:</b>   </td>
    </tr>

    <tr>
        <td>Tue Jan 28</td>
        <td> Lab Time </td>
        <td> None </td>
        <td><b>Assigned:</b>  <br><b>Due:</b>   </td>
    </tr>
    <tr>
        <td>Thu Jan 30</td>
        <td>03 -- Graph theory (Guest Lecturer)</td>
        <td> None </td>
        <td><b>Assigned:</b>  <br><b>Due:</b>   </td>
    </tr>
    <tr>
        <td>Tue Feb 4</td>
        <td><b>Project Definition and Research Presentations</b></td>
        <td> TBA </td>
        <td><b>Assigned:</b>  <br><b>Due:</b>   </td>
    </tr>
    <tr>
        <td>Fri Feb 7</td>
        <td> 4pm -- 7pm Demo Day </td>
        <td> TBA </td>
        <td><b>Assigned:</b>  <br><b>Due:</b>   </td>
    </tr>
</table>
```
"""


class TestRawHtmlInQuarto:
    def test_a_raw_html_block_is_read_as_html(self) -> None:
        # A Quarto raw block ("```{=html}") is HTML, not code. "NN -- Title" is the
        # session's number; "02 -- Topics" over a list is what the list names; a column
        # repeating "Assigned: Due:" says what is due (here nothing), not each row's kind;
        # "Handouts and Due Dates" names no date column.
        d = draft(RAW_HTML_QMD, "schedule.qmd", term="Spring 2025")
        assert titles(d) == ["Welcome and sorting (AB).", "Hash tables, Bloom filters", "Graph theory (Guest Lecturer)"]
        assert [lec.date for lec in d.lectures] == [dt.date(2025, 1, 21), dt.date(2025, 1, 23), dt.date(2025, 1, 30)]
        assert [(e.kind, e.date) for e in d.events] == [
            ("tutorial", dt.date(2025, 1, 28)), ("project", dt.date(2025, 2, 4)), ("project", dt.date(2025, 2, 7))]


GERMAN_WEEKS_YAML = """-   week: "KW40"
    date: "Mi, 05.10.22 (Sprechstunde: Ann)"
    lecture:
        -   topic: "/search/dfs"
        -   topic: "/search/bfs"
    misc_lecture:
        -   notes: ">> nur @A"

-   week: "KW41"
    date: "Mi, 12.10.22 (Sprechstunde: Ann)"
    lecture:
        -   topic: "/csp/intro"
    assignment:
        -   topic: "sheet01"
            due: "12.10.22"

-   week: "KW01"
    date: "Mi, 04.01.23"
    lecture:
        -   topic: "/nn/perceptron"
"""

OUTLINE_YAML = """- date: 2022-09-16
  topic: "1.1 Representation"
- date: 2022-09-22
  topic: "1.2 Mental model"
- date: 2022-09-23
  topic: "1.5 Exercises"
- date: 2022-09-29
  topic: "2.1 Notions"
"""


class TestMoreDataFiles:
    def test_weeks_listing_their_topics_under_a_weekday_date(self) -> None:
        # "Mi, 05.10.22": a weekday abbreviated (any language) before a comma, a dotted
        # date with two-digit parts; the items of a week's "lecture:" list take its date
        # (a list is no title of the week's).
        d = draft(GERMAN_WEEKS_YAML, "schedule.yaml")
        assert titles(d) == ["/search/dfs", "/search/bfs", "/csp/intro", "/nn/perceptron"]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2022, 10, 5), dt.date(2022, 10, 5), dt.date(2022, 10, 12), dt.date(2023, 1, 4)]

    def test_outline_numbers_and_exercise_sessions(self) -> None:
        # "1.1 Representation": an outline's number is not the title; "Exercises" is a
        # tutorial.
        d = draft(OUTLINE_YAML, "lessons.yml")
        assert titles(d) == ["Representation", "Mental model", "Notions"]
        assert [(e.kind, e.title) for e in d.events] == [("tutorial", "Exercises")]


class TestNumberedTables:
    """Tables whose rows are numbered by a column of session labels."""

    def test_a_title_column_beside_a_topics_column_gives_the_titles(self, tmp_path: Path) -> None:
        # "Number | Title | Topics": the column the page calls the title is the title,
        # though the topics are wordier; "Lecture 3" numbers its lecture 3.
        text = "| Lecture Number | Title | Topics |\n| :--- | :---: | ---: |\n" + "".join(
            f"| Lecture {k} | {t} | {d} |\n" for k, t, d in [
                (1, "Sorting", "Insertion sort, merge sort, the lower bound for comparison sorts"),
                (2, "Hashing", "Chaining, open addressing, universal families of hash functions"),
                (3, "Graphs", "Breadth-first search, depth-first search, topological order"),
            ])
        page = tmp_path / "lectures.md"
        page.write_text(text, encoding="utf-8")
        _res, out = run_import(page)  # the draft loads: "Lecture 1" is no label kg keeps, "1" is
        d = draft(text)
        assert titles(d) == ["Sorting", "Hashing", "Graphs"]
        assert [lec.number for lec in d.lectures] == ["1", "2", "3"]
        assert 'number: "3"' in out.read_text(encoding="utf-8")

    def test_numbers_that_are_no_labels_are_left_out_not_a_failed_draft(self, tmp_path: Path) -> None:
        text = "| No. | Topic |\n|---|---|\n" + "".join(
            f"| {n} | {t} |\n" for n, t in [("1 (first half)", "Sorting"), ("2", "Hashing"), ("3", "Graphs")])
        page = tmp_path / "lectures.md"
        page.write_text(text, encoding="utf-8")
        res, out = run_import(page)
        d = draft(text)
        assert titles(d) == ["Sorting", "Hashing", "Graphs"]
        assert [lec.number for lec in d.lectures] == [None, None, None]
        assert "number:" not in out.read_text(encoding="utf-8")

    def test_a_column_of_session_labels_numbers_a_table_without_a_title_header(self) -> None:
        # "Event Type | Description | Videos", no dates: the labels say each row is a
        # session, and the wordy column after them is its title.
        text = "| Event Type | Description | Videos |\n|:--:|:--:|:--:|\n" + "".join(
            f"| {lab} | {t} | [video](https://example.org/{i}) |\n" for i, (lab, t) in enumerate([
                ("Lecture 2", "Sorting and searching"), ("Lecture 3", "Hash tables"),
                ("Guest Lecture 1", "A talk on graph algorithms"), ("Lecture 4", "Dynamic programming"),
            ]))
        assert titles(draft(text)) == [
            "Sorting and searching", "Hash tables", "A talk on graph algorithms", "Dynamic programming"]

    def test_a_spaced_delimiter_row_wider_than_its_header_keeps_the_table(self) -> None:
        # GitHub's Markdown drops a table whose delimiter row has more cells than its
        # header; the pages' readers show it.
        text = "| Lecture # | Date | Topic |\n| --- | --- | --- | --- |\n" + "".join(
            f"|{k}| {d} Jan| {t} |\n" for k, d, t in [(1, 7, "Sorting"), (2, 8, "Hashing"), (3, 15, "Graphs")])
        assert titles(draft(text, year=2021)) == ["Sorting", "Hashing", "Graphs"]


class TestDefinitionListSchedules:
    """Kramdown definition lists: a date (and its weekday) over the session's parts."""

    PAGE = """---
title: Schedule
---

01/20 Tue
: Introduction

01/27 Tue
: Language models
: **Assignment 1 released**{: .label .label-yellow}

01/29 Thu
: Recurrent models

02/10 Tue
: Attention
: **Assignment 1 due**{: .label .label-yellow}

02/12 Thu
: Project presentations
: **Project report due by 02/20 (Fri)**{: .label .label-yellow}
"""

    def test_a_weekday_after_the_date_is_the_dates(self) -> None:
        got = imp.dates.find_date("01/20 Tue")
        assert got is not None and got[0].weekday == 1 and got[2] == ""
        got = imp.dates.find_date("9/15 (Mon) Sorting")
        assert got is not None and got[0].weekday == 0 and got[2].strip() == "Sorting"
        got = imp.dates.find_date("10/2 Monte Carlo methods")  # a word, not a weekday
        assert got is not None and got[0].weekday is None and got[2].strip() == "Monte Carlo methods"

    def test_a_bold_marker_labels_the_session_it_does_not_title_it(self) -> None:
        d = draft(self.PAGE, year=2026)
        assert titles(d) == ["Introduction", "Language models", "Recurrent models", "Attention"]
        [a] = [a for a in d.assignments if a.id == "assignment-1"]
        assert (a.released, a.due) == (dt.date(2026, 1, 27), dt.date(2026, 2, 10))
        assert "Project presentations" in [e.title for e in d.events]
        assert not any(t.startswith("by ") for t in titles(d))


def test_a_session_titled_only_final_project_is_a_project_day() -> None:
    text = "| Date | Topic |\n|---|---|\n" + "".join(
        f"| {d} | {t} |\n" for d, t in [
            ("4/1", "Neural networks"), ("4/3", "Reinforcement learning"), ("4/8", "Final Project"),
            ("4/10", "Final Projects"), ("4/15", "Project 2"),
        ])
    d = draft(text, year=2025)
    assert titles(d) == ["Neural networks", "Reinforcement learning"]
    assert [e.title for e in d.events if e.kind == "project"] == ["Final Project", "Final Projects"]


def test_a_study_day_is_no_class() -> None:
    text = "| Date | Topic |\n|---|---|\n| 3/2 | Parsing |\n| 3/4 | Study day |\n| 3/9 | Tagging |\n"
    d = draft(text, year=2025)
    assert titles(d) == ["Parsing", "Tagging"]
    assert [e.kind for e in d.events] == ["holiday"]


class TestLectureAndTopicsColumns:
    """"Lecture | Topics": which of two columns a header calls a title holds the titles."""

    ROWS = [
        ("Sep 2", "Course overview", ""),
        ("Sep 9", "Linear regression", "least squares, gradient descent"),
        ("Sep 16", "Classifiers", "logistic regression; softmax"),
        ("Sep 23", "Kernel methods", "support vector machines, kernels"),
        ("Sep 30", "Deep networks", "hash tables, graph theory"),
    ]

    def page(self, rows: list[tuple[str, str, str]]) -> str:
        return "| Date | Lecture | Topics |\n|---|---|---|\n" + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)

    def test_the_column_of_phrases_is_the_title_and_the_lists_its_detail(self) -> None:
        d = draft(self.page(self.ROWS), year=2025)
        assert titles(d) == [t for _, t, _ in self.ROWS]
        # The lists still teach their topics.
        assert sorted(d.lectures[4].covers()) == ["graph-theory", "hashing"]

    def test_numbered_labels_leave_the_topics_the_title(self) -> None:
        rows = [(a, f"Lecture {k}", c or "Introduction") for k, (a, _, c) in enumerate(self.ROWS, 1)]
        d = draft(self.page(rows), year=2025)
        assert titles(d)[1:] == [c for _, _, c in self.ROWS[1:]]

    def test_without_lists_the_wordier_column_is_the_title(self) -> None:
        rows = [(a, f"L{k}", f"{t} and its uses in practice") for k, (a, t, _) in enumerate(self.ROWS, 1)]
        d = draft(self.page(rows), year=2025)
        assert titles(d)[0] == "Course overview and its uses in practice"

    def test_through_the_command(self, tmp_path: Path) -> None:
        page = tmp_path / "course.md"
        page.write_text("# A course\n\n" + self.page(self.ROWS))
        _, out = run_import(page)
        text = out.read_text()
        assert "title: Kernel methods" in text
        assert "title: support vector machines" not in text.lower()
