"""`kg import` on the page formats beside HTML and Markdown: LaTeX, CSV/TSV, AsciiDoc,
iCalendar, MDX components, Pandoc grid and simple tables, MyST list tables, HTML
definition lists; directories and files whose suffix says nothing.

Every fixture is short invented text written here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from kg.cli import State
from kg.cli.importer import import_cmd
from kg.importer.detect import parse_page
from kg.importer.pages import expand_pages

LATEX = r"""\documentclass{article}
\title{CS 4110: Machine Learning Methods}
\date{Fall 2025}
\begin{document}
\maketitle
\section{Schedule}
% the plan for this term
\begin{longtable}{|l|l|p{6cm}|}
\hline
\textbf{\#} & \textbf{Date} & \textbf{Topic} \\
\hline \endhead
1 & Tue 9/2 & Linear regression \href{https://example.org/l1.pdf}{[slides]} \\
2 & Thu 9/4 & \emph{Logistic} regression \\
% 3 & Tue 9/9 & A dropped session \\
3 & Tue 9/9 & Support vector machines \\
\multicolumn{3}{|c|}{Thu 9/11: no class (fall recess)} \\
4 & Tue 9/16 & Decision trees and random forests \\
\hline
\end{longtable}
\end{document}
"""

LATEX_LISTS = r"""\section*{Week 1}
\begin{itemize}
\item Mon Jan 12: Tokenization
\item Wed Jan 14: N-gram language models
\end{itemize}
\section*{Week 2}
\begin{enumerate}
\item Mon Jan 19: \textbf{Midterm exam}
\item Wed Jan 21: Word embeddings
\end{enumerate}
"""

CSV = (
    "\ufeffDS 2020: Data Mining (Spring 2025),,,\n"
    ",,,\n"
    "Date,Lecture,Topic,Due\n"
    '1/14/2025,1,"Introduction, and what data mining is",\n'
    '1/16/2025,2,"Frequent itemsets\nand association rules",\n'
    "1/21/2025,3,Clustering with k-means,HW1 due\n"
    "1/23/2025,,Spring holiday: no class,\n"
    "1/28/2025,4,Principal component analysis,\n"
)

ADOC = """= Graph Learning (GL 500)
:toc:

Spring 2025

== Schedule

.Sessions
[cols="1,2,4",options="header"]
|===
|# |Date |Topic

|1
|Feb 3
|Graph basics and random walks

|2
|Feb 5
|Spectral clustering

|
|Feb 10
|*Midterm exam*

|3
|Feb 12
|Graph neural networks
|===
"""

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//kg tests//EN
X-WR-CALNAME:OPT 300 Convex Optimization (Fall 2025)
BEGIN:VEVENT
UID:2@opt
DTSTART:20250911T140000
SUMMARY:Lecture 2: Convex sets and
  functions
END:VEVENT
BEGIN:VEVENT
UID:1@opt
DTSTART:20250909T140000
SUMMARY:Lecture 1: Introduction to optimization
END:VEVENT
BEGIN:VEVENT
UID:3@opt
DTSTART:20250916T140000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Lecture 3: Gradient descent
END:VEVENT
BEGIN:VEVENT
UID:4@opt
DTSTART;VALUE=DATE:20250922
DTEND;VALUE=DATE:20250925
SUMMARY:Exam week (no lectures)
END:VEVENT
END:VCALENDAR
"""

MDX = """---
title: Agents
---
import { Lecture } from '@site/src/components/Lecture';

# CS 301: Learning Agents (Fall 2025)

<Lecture date="2025-09-08" title="Introduction to agents" slides="/s/1.pdf" />
<Lecture
  date="2025-09-15"
  title={"Markov decision processes"}
/>
<Exam date="2025-09-22" title="Quiz 1" />
<Lecture date="2025-09-29" title="Q-learning">Notes posted later.</Lecture>
"""

GRID_MD = """# STAT 700: Bayesian Statistics (Spring 2025)

+------+--------+--------------------------------+
| Week | Date   | Topic                          |
+======+========+================================+
| 1    | Jan 13 | Bayes' theorem and conjugate   |
|      |        | priors                         |
+------+--------+--------------------------------+
| 2    | Jan 20 | Markov chain Monte Carlo       |
+------+--------+--------------------------------+
| 3    | Jan 27 | **Midterm exam**               |
+------+--------+--------------------------------+
| 4    | Feb 3  | Hierarchical models            |
+------+--------+--------------------------------+
"""

SIMPLE_MD = """# CS 200: Algorithms (Spring 2025)

Date      Topic
--------  ------------------------------
Jan 13    Sorting and searching
Jan 15    Divide and conquer
Jan 20    Dynamic programming
Jan 22    Greedy algorithms

Office hours are on Fridays.
"""

MYST_MD = """# CS 520: Robot Learning (Fall 2025)

```{list-table}
:header-rows: 1

* - Date
  - Topic
* - Sep 2
  - Imitation learning
* - Sep 4
  - Behaviour cloning and DAgger
* - Sep 9
  - Reinforcement learning for control
```
"""

RST = """CS 310: Compilers
=================

.. list-table:: Schedule
   :header-rows: 1

   * - Date
     - Topic
   * - Jan 8, 2025
     - Lexical analysis
   * - Jan 10, 2025
     - Parsing
   * - Jan 15, 2025
     - Type checking
"""

DL_HTML = """<!doctype html><html><head><title>IR 100 (Spring 2025)</title></head><body>
<h1>IR 100: Search Engines</h1>
<dl>
<dt>Jan 21</dt><dd>Inverted indexes</dd>
<dt>Jan 23</dt><dd>Ranking with BM25</dd>
<div><dt>Jan 28</dt><dd>Learning to rank</dd></div>
<dt>Jan 30</dt><dd>Query expansion</dd>
</dl>
</body></html>
"""


@pytest.fixture
def kg_import():
    group = click.Group(commands=[import_cmd])
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(group, ["import", *args], obj=State(None), catch_exceptions=False)

    return run


def draft(kg_import, path: Path, *extra: str) -> dict:
    result = kg_import(str(path), "--course-id", "x", *extra)
    assert result.exit_code == 0, result.output
    return yaml.safe_load(result.stdout)


def titles(d: dict) -> list[str]:
    return [lec["title"] for lec in d["lectures"]]


def dates(d: dict) -> list[str]:
    return [str(lec.get("date")) for lec in d["lectures"]]


def events(d: dict) -> list[tuple[str, str]]:
    return [(e["kind"], e["title"]) for e in d.get("events") or []]


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


class TestLatex:
    def test_longtable(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "ml.tex", LATEX))
        assert titles(d) == ["Linear regression", "Logistic regression", "Support vector machines",
                             "Decision trees and random forests"]
        assert dates(d)[:2] == ["2025-09-02", "2025-09-04"]
        assert d["name"] == "Machine Learning Methods" and d["term"] == "Fall 2025"
        assert [k for k, _ in events(d)] == ["holiday"]

    def test_lists_under_sections(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "nlp.tex", LATEX_LISTS), "--year", "2026")
        assert titles(d) == ["Tokenization", "N-gram language models", "Word embeddings"]
        assert ("exam", "Midterm exam") in events(d)

    def test_unclosed_tabular_still_reads(self, kg_import, tmp_path):
        text = "\\begin{tabular}{ll}\nDate & Topic \\\\\n9/3 & Sorting \\\\\n9/5 & Hashing \\\\\n9/10 & Graphs\n"
        d = draft(kg_import, write(tmp_path, "open.tex", text), "--year", "2025")
        assert titles(d) == ["Sorting", "Hashing", "Graphs"]

    def test_multirow_covers_the_rows_below(self):
        text = ("\\begin{tabular}{lll}\nWeek & Date & Topic\\\\\n\\multirow{2}{*}{1} & 9/3 & Sorting\\\\\n"
                " & 9/5 & Hashing\\\\\n2 & 9/10 & Graphs\\\\\n\\end{tabular}\n")
        page = parse_page(text, "w.tex")
        assert [(r.week, r.title) for r in page.rows] == [(1, "Sorting"), (1, "Hashing"), (2, "Graphs")]


class TestDelimited:
    def test_csv_with_title_rows_bom_and_quoted_newlines(self, kg_import, tmp_path):
        p = tmp_path / "dm.csv"
        p.write_bytes(CSV.encode("utf-8"))
        d = draft(kg_import, p)
        assert titles(d) == ["Introduction, and what data mining is", "Frequent itemsets and association rules",
                             "Clustering with k-means", "Principal component analysis"]
        assert dates(d)[1] == "2025-01-16"
        assert d["name"] == "Data Mining" and d["code"] == "DS 2020"
        assert any(k == "holiday" for k, _ in events(d))

    def test_tsv(self, kg_import, tmp_path):
        text = "Date\tTopic\n2025-02-03\tHash tables\n2025-02-05\tBinary search trees\n2025-02-10\tHeaps\n"
        d = draft(kg_import, write(tmp_path, "ds.tsv", text))
        assert titles(d) == ["Hash tables", "Binary search trees", "Heaps"]

    def test_ragged_rows(self, kg_import, tmp_path):
        text = "Date,Topic,Due\n9/3,Sorting\n9/5,Hashing,HW1 due,extra,cells\n9/10,\"Graphs\n"
        d = draft(kg_import, write(tmp_path, "r.csv", text), "--year", "2025")
        assert titles(d) == ["Sorting", "Hashing", "Graphs"]


class TestAsciiDoc:
    def test_table_with_cols(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "gl.adoc", ADOC))
        assert titles(d) == ["Graph basics and random walks", "Spectral clustering", "Graph neural networks"]
        assert dates(d)[0] == "2025-02-03"
        assert ("exam", "Midterm exam") in events(d)

    def test_spans(self):
        text = ("|===\n|Week |Date |Topic |Notes\n\n.2+|1\n|Mar 2\n|Sorting\n|\n\n|Mar 4\n|Hashing\n|HW1\n\n"
                "|2\n|Mar 9\n2+|Spring break\n\n|3\n|Mar 16\n|Graphs\n|\n|===\n")
        page = parse_page(text, "s.adoc")
        assert [(r.week, r.date.day if r.date else None, r.title) for r in page.rows] == [
            (1, 2, "Sorting"), (1, 4, "Hashing"), (2, 9, "Spring break"), (3, 16, "Graphs")]

    def test_lists(self):
        text = "= Course\n\n== Plan\n\n* Jan 6: Sorting\n* Jan 8: Hashing\n** slides\n* Jan 13: Graphs\n"
        page = parse_page(text, "l.adoc")
        assert [r.title for r in page.rows][:3] == ["Sorting", "Hashing", "Graphs"]


class TestCalendar:
    def test_events_by_date(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "opt.ics", ICS))
        assert titles(d) == ["Introduction to optimization", "Convex sets and functions", "Gradient descent"]
        assert dates(d) == ["2025-09-09", "2025-09-11", "2025-09-16"]
        assert d["name"] == "Convex Optimization" and d["term"] == "Fall 2025"
        assert any(k == "holiday" or "exam" in t.lower() for k, t in events(d))

    @pytest.mark.parametrize("text, message", [
        ("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "no events (VEVENT"),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20250901\nSUMMARY:x\nEND:VEVENT\n", "not closed"),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:someday\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
         "the event on line 2 has a DTSTART that is not a date: 'someday'"),
    ])
    def test_broken_calendars(self, kg_import, tmp_path, text, message):
        p = write(tmp_path, "bad.ics", text)
        result = kg_import(str(p), "--course-id", "x")
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert message in result.stderr and "bad.ics" in result.stderr


class TestMdx:
    def test_components(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "agents.mdx", MDX))
        assert titles(d) == ["Introduction to agents", "Markov decision processes", "Q-learning"]
        assert dates(d)[1] == "2025-09-15"
        # (The component's name says what the row is: the exam is no lecture.)
        assert "Quiz 1" in [a["title"] for a in d.get("assignments") or []] + [t for _, t in events(d)]

    def test_jsx_table(self, kg_import, tmp_path):
        text = ("import X from 'x';\n\n<table className=\"s\">\n<tr><th>Date</th><th>Topic</th></tr>\n"
                "<tr><td>{'Oct 1'}</td><td>Sorting</td></tr>\n<tr><td>Oct 3</td><td>Hashing</td></tr>\n"
                "<tr><td>Oct 8</td><td>Graphs</td></tr>\n</table>\n")
        d = draft(kg_import, write(tmp_path, "t.mdx", text), "--year", "2025")
        assert titles(d) == ["Sorting", "Hashing", "Graphs"]
        assert dates(d)[0] == "2025-10-01"


class TestMarkdownTables:
    def test_grid_table_with_multiline_cells(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "b.md", GRID_MD))
        assert titles(d) == ["Bayes' theorem and conjugate priors", "Markov chain Monte Carlo", "Hierarchical models"]
        assert ("exam", "Midterm exam") in events(d)

    def test_simple_table(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "a.md", SIMPLE_MD))
        assert titles(d) == ["Sorting and searching", "Divide and conquer", "Dynamic programming",
                             "Greedy algorithms"]

    def test_myst_list_table(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "r.md", MYST_MD))
        assert titles(d) == ["Imitation learning", "Behaviour cloning and DAgger", "Reinforcement learning for control"]
        assert dates(d)[2] == "2025-09-09"

    def test_rst_list_table(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "c.rst", RST))
        assert titles(d) == ["Lexical analysis", "Parsing", "Type checking"]


class TestDefinitionList:
    def test_html_dl(self, kg_import, tmp_path):
        d = draft(kg_import, write(tmp_path, "ir.html", DL_HTML))
        assert titles(d) == ["Inverted indexes", "Ranking with BM25", "Learning to rank", "Query expansion"]
        assert dates(d) == ["2025-01-21", "2025-01-23", "2025-01-28", "2025-01-30"]


class TestSuffixes:
    def test_directory_takes_the_new_suffixes(self, tmp_path):
        for name in ("a.tex", "b.csv", "c.tsv", "d.adoc", "e.asciidoc", "f.ics", "g.bak"):
            (tmp_path / name).write_text("x", encoding="utf-8")
        got = [Path(p).name for p in expand_pages([str(tmp_path)])]
        assert got == ["a.tex", "b.csv", "c.tsv", "d.adoc", "e.asciidoc", "f.ics"]

    @pytest.mark.parametrize("text, first", [
        (ICS, "Introduction to optimization"),
        (LATEX, "Linear regression"),
        (ADOC, "Graph basics and random walks"),
        ("Date,Topic\n2025-02-03,Hash tables\n2025-02-05,Binary search trees\n2025-02-10,Heaps\n", "Hash tables"),
    ])
    def test_unknown_suffix_sniffed(self, kg_import, tmp_path, text, first):
        d = draft(kg_import, write(tmp_path, "schedule.export", text), "--year", "2025")
        assert titles(d)[0] == first

    def test_text_file_not_read_as_csv(self):
        text = "Course notes, week by week\n\nJan 6 - Sorting, part one\nJan 8 - Hashing, part two\nJan 13 - Graphs\n"
        page = parse_page(text, "notes.txt")
        assert page.layout != "html-table"


def test_directory_as_a_process(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "ml.tex").write_text(LATEX, encoding="utf-8")
    (pages / "opt.ics").write_text(ICS, encoding="utf-8")
    (pages / "gl.adoc").write_text(ADOC, encoding="utf-8")
    (pages / "dm.csv").write_bytes(CSV.encode("utf-8"))
    out = tmp_path / "drafts"
    out.mkdir()
    kg = shutil.which("kg", path=str(Path(sys.executable).parent)) or ""
    argv = [kg] if kg else [sys.executable, "-c", "from kg.cli import main; main()"]
    proc = subprocess.run([*argv, "import", str(pages), "--out-dir", str(out)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["dm.yaml", "gl.yaml", "ml.yaml", "opt.yaml"]
    assert yaml.safe_load((out / "opt.yaml").read_text())["lectures"][0]["title"] == "Introduction to optimization"
    assert "Traceback" not in proc.stderr


class TestSpanningRows:
    """A dated cell across a table's row (a holiday, an exam) is a dated row."""

    @pytest.mark.parametrize("row", [
        '<tr><td colspan="3">Sep 9: no class, fall recess</td></tr>',  # from the first column
        '<tr><td>2</td><td colspan="2">Sep 9: no class, fall recess</td></tr>',  # from the date column
    ])
    def test_html(self, row):
        html = ("<html><body><table><tr><th>#</th><th>Date</th><th>Topic</th></tr>"
                "<tr><td>1</td><td>Sep 2</td><td>Linear regression</td></tr>"
                "<tr><td>2</td><td>Sep 4 (Thu)</td><td></td></tr>"  # a weekday is no title
                f"{row}<tr><td>3</td><td>Sep 16</td><td>Decision trees</td></tr></table></body></html>")
        page = parse_page(html, "s.html")
        assert [(r.date.day, r.title) for r in page.rows] == [
            (2, "Linear regression"), (9, "no class, fall recess"), (16, "Decision trees")]

    def test_asciidoc_span_from_the_date_column(self):
        text = "|===\n|Week |Date |Topic\n\n|1\n|Mar 2\n|Sorting\n\n|2\n2+|Mar 9: Spring break\n\n|3\n|Mar 16\n|Graphs\n|===\n"
        page = parse_page(text, "s.adoc")
        assert [(r.week, r.date.day, r.title) for r in page.rows] == [
            (1, 2, "Sorting"), (2, 9, "Spring break"), (3, 16, "Graphs")]


def test_pandoc_multiline_table(kg_import, tmp_path):
    text = ("# CS 250: Databases (Spring 2025)\n\n" + "-" * 50 + "\nDate      Topic                     Notes\n"
            "--------  ------------------------  ----------\nJan 13    The relational model and  Read ch. 1\n"
            "          relational algebra\n\nJan 15    SQL: queries and joins\n\nJan 20    *No class: MLK Day*\n\n"
            "Jan 22    Indexing with B+ trees    HW1 due\n" + "-" * 50 + "\n")
    d = draft(kg_import, write(tmp_path, "db.md", text))
    assert titles(d) == ["The relational model and relational algebra", "SQL: queries and joins",
                         "Indexing with B+ trees"]
    assert dates(d) == ["2025-01-13", "2025-01-15", "2025-01-22"]
    assert ("holiday", "No class: MLK Day") in events(d)


def test_rows_wider_than_the_header(kg_import, tmp_path):
    """A table whose rows have a dated cell beyond the header's cells reads (it crashed)."""
    rows = "".join(f"<tr><td>x</td><td>Sorting part {i}</td><td>Sep {i + 1}</td></tr>" for i in range(1, 5))
    p = write(tmp_path, "w.html", f"<html><body><table><tr><th>A</th><th>Topic</th></tr>{rows}</table></body></html>")
    result = kg_import(str(p), "--course-id", "x", "--year", "2025")
    assert result.exit_code == 0, result.output
    assert len(yaml.safe_load(result.stdout)["lectures"]) == 4
