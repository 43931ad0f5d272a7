"""`kg import` on more page shapes of its own: small synthetic pages (no course's prose),
each written the way some class of course sites writes its schedule, read through the
command's library entry points and the `kg import` command itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner, Result

from kg import importer as imp
from kg.cli import cli
from tests.test_import_shapes import VOCAB, draft, titles


def run_import(page: Path) -> tuple[Result, Path]:
    """``kg import PAGE`` through the CLI, its draft beside the page; it must succeed."""
    out = page.with_name("c.yaml")
    res = CliRunner().invoke(cli, ["import", str(page), "--course-id", "c", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return res, out


class TestDataFiles:
    def test_a_data_file_that_is_not_valid_yaml_is_read_item_by_item(self) -> None:
        # An unquoted colon in a title ("Part 1: Sorting") and an item indented one step
        # too far make the file invalid YAML; its items are still sessions.
        text = (
            "lectures:\n"
            "- name: Lecture 1\n  title: Part 1: Sorting\n  slide: l1.pdf\n"
            "- name: Lecture 2\n  title: Hash tables\n  slide: l2.pdf\n"
            "- name: Lecture 3\n  title: >\n    <strong>Graph theory</strong>\n  readings:\n    - a note\n"
            "  - name: Lecture 4\n  title: Attention\n"
        )
        d = draft(text, "lectures.yml")
        assert titles(d) == ["Part 1: Sorting", "Hash tables", "Graph theory", "Attention"]
        assert [lec.covers()[:1] for lec in d.lectures] == [
            ["sorting"], ["hashing"], ["graph-theory"], ["attention"]
        ]

    def test_the_command_reads_a_broken_data_file(self, tmp_path: Path) -> None:
        page = tmp_path / "lectures.yml"
        page.write_text(
            "- date: 2024/02/20\n  title: Topic one: basics\n"
            "- date: 2024/02/22\n  title: Topic two\n"
            "- date: 2024/02/27\n  title: Topic three\n"
        )
        res, out = run_import(page)
        assert "3 lectures" in res.output
        assert "Topic one: basics" in out.read_text()


class TestDates:
    def test_day_first_slashed_dates_are_read_day_first_on_the_whole_page(self) -> None:
        # "22/08" cannot be month first: the page writes day/month, so "05/09" is
        # 5 September, not 9 May.
        rows = [("15/08", "Sorting"), ("22/08", "Hashing"), ("05/09", "Graph theory"), ("12/09", "Attention")]
        text = "| Week | Date | Topic |\n|---|---|---|\n" + "\n".join(
            f"| {k} | {d} | {t} |" for k, (d, t) in enumerate(rows, 1)
        )
        d = draft(text, year=2023)
        assert [lec.date for lec in d.lectures] == [
            dt.date(2023, 8, 15), dt.date(2023, 8, 22), dt.date(2023, 9, 5), dt.date(2023, 9, 12)
        ]

    def test_month_first_slashed_dates_stay_month_first(self) -> None:
        rows = [("9/05", "Sorting"), ("9/12", "Hashing"), ("9/19", "Graph theory"), ("10/03", "Attention")]
        text = "| Date | Topic |\n|---|---|\n" + "\n".join(f"| {d} | {t} |" for d, t in rows)
        d = draft(text, year=2023)
        assert [lec.date for lec in d.lectures] == [
            dt.date(2023, 9, 5), dt.date(2023, 9, 12), dt.date(2023, 9, 19), dt.date(2023, 10, 3)
        ]


class TestTitleLabels:
    def test_a_word_that_ends_the_title_itself_is_kept(self) -> None:
        # Plain cells with no links: "code" and "web" are the titles' own last words.
        text = (
            "<table><tr><th>Date</th><th>Topic</th></tr>"
            "<tr><td>1/16</td><td>Proof-carrying code</td></tr>"
            "<tr><td>1/18</td><td>Security on the web</td></tr>"
            "<tr><td>1/23</td><td>Sorting slides video</td></tr>"
            "<tr><td>1/25</td><td>Hash tables | video</td></tr></table>"
        )
        d = draft(text, "page.html", year=2018)
        assert titles(d) == ["Proof-carrying code", "Security on the web", "Sorting", "Hash tables"]

    def test_a_row_of_bracketed_link_labels_and_the_count_leave_the_title(self) -> None:
        text = (
            "<table><tr><th>Date</th><th>Lecture</th></tr>"
            '<tr><td>Mon 1/24</td><td>2. Sorting <a href="s">(Slides)</a> | <a href="r">(Recording)</a>'
            ' | <a href="q">(Self-Check)</a></td></tr>'
            '<tr><td>Wed 1/26</td><td>3. Hash tables <a href="s">(Slides)</a></td></tr>'
            "<tr><td>Mon 1/31</td><td>4. Graph theory (trees) | (paths)</td></tr></table>"
        )
        d = draft(text, "page.html", year=2022)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory (trees) | (paths)"]
        assert [lec.number for lec in d.lectures] == ["2", "3", "4"]


class TestLinkLabelRows:
    def test_a_row_of_bracketed_links_after_a_title_are_labels(self) -> None:
        text = (
            "| Date | Topic |\n| --- | --- |\n"
            "| February 7 | Lecture 1: [Sorting](l1.md) [[PDF](l1.pdf)] [[Side notes](n1.pdf)] [[video](v1)] |\n"
            "| February 14 | Lecture 2: [Hash tables (HT)](l2.md) [[PDF](l2.pdf)] |\n"
            "| February 21 | Lecture 3: [Graph theory](l3.md) [[Side notes](n3.pdf)] [[Errata](e3.pdf)] |\n"
        )
        d = draft(text, year=2020)
        # The last row's labels hold no badge word: they stay (no rule says they are links).
        assert titles(d) == ["Sorting", "Hash tables (HT)", "Graph theory [Side notes] [Errata]"]


class TestSessionColumns:
    def test_a_column_per_weekday_gives_a_lecture_per_session(self) -> None:
        # "Week | Date (Mon) | Monday Lecture | Wednesday Lecture | Lab on Friday": two
        # lectures a row, dated from the Monday; the lab column's rows are tutorials and
        # a holiday in a lecture column is a holiday.
        text = (
            "| Week | Date (Mon) | Monday Lecture | Wednesday Lecture | Lab on Friday | HW |\n"
            "|---|---|---|---|---|---|\n"
            "| W1 | Sep 30 | HOLIDAY | Sorting | Sorting practice | HW1 |\n"
            "| W2 | Oct 7 | Hash tables | Graph theory | Hashing practice | HW2 |\n"
            "| W3 | Oct 14 | Attention | Review of hashing | HOLIDAY | |\n"
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory", "Attention", "Review of hashing"]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2024, 10, 2), dt.date(2024, 10, 7), dt.date(2024, 10, 9), dt.date(2024, 10, 14),
            dt.date(2024, 10, 16),
        ]
        assert [(e.kind, e.date) for e in d.events] == [
            ("holiday", dt.date(2024, 9, 30)), ("tutorial", dt.date(2024, 10, 4)),
            ("tutorial", dt.date(2024, 10, 11)), ("holiday", dt.date(2024, 10, 18)),
        ]
        assert [a.title for a in d.assignments] == ["HW1", "HW2"]

    def test_one_lecture_column_is_a_plain_title_column(self) -> None:
        text = (
            "| Date | Lecture | Lab on Friday |\n|---|---|---|\n"
            "| Oct 7 | Hash tables | Hashing practice |\n| Oct 14 | Attention | Sorting practice |\n"
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Hash tables", "Attention"]


class TestRestructuredText:
    def test_sphinx_roles_and_links_leave_titles_and_two_days_share_a_title(self) -> None:
        text = (
            "Schedule\n========\n\n"
            "Week 1: Basics\n--------------\n"
            "Jan. 3: Sorting.  :download:`slides <L1.pptx>`\n\n"
            "Jan. 5: Guest speaker: `Ann Smith <https://example.org/ann>`_\n\n"
            ":download:`Homework #1 <hw1.pdf>`\n\n"
            "Week 2: More\n------------\n"
            "Jan. 10 & 12: Hash tables\n\n"
            "Jan. 17: Graph theory :ref:`notes <graphs>`\n"
        )
        d = draft(text, "schedule.rst", year=2023)
        assert titles(d) == [
            "Sorting.", "Guest speaker: Ann Smith", "Hash tables", "Hash tables", "Graph theory"
        ]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2023, 1, 3), dt.date(2023, 1, 5), dt.date(2023, 1, 10), dt.date(2023, 1, 12),
            dt.date(2023, 1, 17),
        ]
        assert [lec.guest for lec in d.lectures] == [False, True, False, False, False]


class TestWorkAndLabels:
    def test_a_data_files_work_keys_give_assignments_dated_as_stated(self) -> None:
        text = (
            "- date: 9/15\n  title: Sorting\n  logistics: HW1 due Fri 9/18\n"
            "- date: 9/17\n  title: Hash tables\n"
            "  assignment: |\n    [Homework 2 Released: Tables](hw2.zip)\n"
            "- date: 9/22\n  title: Graph theory\n  logistics: Bring a laptop\n"
        )
        d = draft(text, "lectures.yml", year=2026)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        got = {a.title: (a.released, a.due) for a in d.assignments}
        assert got == {"HW1": (None, dt.date(2026, 9, 18)), "Homework 2": (dt.date(2026, 9, 17), None)}
        assert not any("laptop" in c.lower() for lec in d.lectures for c in lec.candidates)

    def test_a_kramdown_label_glued_to_its_link_and_a_project_row(self) -> None:
        text = (
            "Oct 5\n: **Lecture**{: .label .label-lecture }[Sorting](#)\n\n"
            "Oct 6\n: **Discussion**{: .label .label-discussion }[Hash tables](#)\n\n"
            "Oct 7\n: **Lecture**{: .label .label-lecture }[Graph theory](#)\n\n"
            "Oct 8\n: **Project**{: .label .label-project } [Project 1: Bees]({% link _projects/p1.md %})\n\n"
            "Oct 9\n: **Lecture**{: .label .label-lecture }[Attention](#)\n"
        )
        d = draft(text, year=2026)
        assert titles(d) == ["Sorting", "Graph theory", "Attention"]
        assert [(e.kind, e.title) for e in d.events] == [("discussion", "Discussion: Hash tables")]
        assert [(a.title, a.kind) for a in d.assignments] == [("Project 1", "project")]


class TestCandidates:
    def test_guest_speakers_counts_and_work_notes_make_no_candidate_topics(self) -> None:
        text = (
            "## Schedule\n\n"
            "- Sep 3: Guest speaker: Ann Smith\n"
            "- Sep 5: Quokka sampling (2 days - 2 cumulative)\n"
            "- Sep 10: Hash tables (continued)\n"
            "- Sep 12: Wombat estimation (3 lectures)\n"
        )
        d = draft(text, year=2024)
        assert titles(d) == ["Guest speaker: Ann Smith", "Quokka sampling", "Hash tables (continued)", "Wombat estimation"]
        assert d.lectures[0].guest and d.lectures[0].speakers == ["Ann Smith"]
        cands = [c for lec in d.lectures for c in lec.candidates]
        assert cands == ["Quokka sampling", "Wombat estimation"]

    def test_work_under_a_data_files_readings_is_work(self) -> None:
        text = (
            "- date: 1/13\n  title: Sorting\n  readings:\n    - HW1 out\n"
            "- date: 1/15\n  title: Hash tables\n  readings:\n    - HW1 due\n"
            "- date: 1/20\n  title: Graph theory\n"
        )
        d = draft(text, "lectures.yml", year=2025)
        assert not any(lec.candidates for lec in d.lectures)
        assert [(a.title, a.released, a.due) for a in d.assignments] == [
            ("HW1", dt.date(2025, 1, 13), dt.date(2025, 1, 15))
        ]


class TestListsAndPipes:
    def test_a_weeks_item_listing_dated_lectures_and_labs_is_a_row_each(self) -> None:
        text = (
            "# Content\n\n"
            "- Week 1 (Feb. 6-10).\n"
            "  - Lecture 1 (Feb. 6): Sorting [[slides (PDF)]](s1.pdf)\n"
            "  - Lecture 2 (Feb. 8): Hash tables\n"
            "- Week 2 (Feb. 13-17).\n"
            "  - Lecture 3 (Feb. 13): Graph theory\n"
            "  - Lab 1 (Feb. 14): Hash tables in practice\n"
            "  - Lecture 4 (Feb. 15): Attention\n"
        )
        d = draft(text, year=2023)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory", "Attention"]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2023, 2, 6), dt.date(2023, 2, 8), dt.date(2023, 2, 13), dt.date(2023, 2, 15)
        ]
        assert [(e.kind, e.title, e.date) for e in d.events] == [
            ("tutorial", "Hash tables in practice", dt.date(2023, 2, 14))
        ]

    def test_rows_with_a_leading_pipe_and_no_header_are_rows(self) -> None:
        # A delimiter row first: no Markdown table, but each line is a dated row.
        text = (
            "## Lectures\n\n| ---: | --- | :---: |\n| | **Part one** |\n"
            '| Aug 26 | Sorting | {% include cal id="a" %} |\n| Aug 28 | Hash tables | |\n'
            "| Sep 02 | Notebook lab | |\n| Sep 04 | Graph theory | |\n"
        )
        d = draft(text, year=2019)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [(e.kind, e.title) for e in d.events] == [("tutorial", "Notebook lab")]


class TestMoreDates:
    def test_dotted_day_month_dates_with_a_trailing_dot_and_w_weeks(self) -> None:
        text = "\n".join(
            f"- {d}: {t}" for d, t in [("03.09.", "Sorting"), ("10.09.", "Hash tables"), ("17.09.", "Graph theory")]
        )
        d = draft(text, year=2024)
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 9, 3), dt.date(2024, 9, 10), dt.date(2024, 9, 17)]
        rows = "| Week | Topic |\n|---|---|\n" + "\n".join(
            f"| W{k} Mon 9/{d} | {t} |" for k, (d, t) in enumerate([(2, "Sorting"), (9, "Hashing"), (16, "Attention")], 1)
        )
        d = draft(rows, year=2024)
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 9, 2), dt.date(2024, 9, 9), dt.date(2024, 9, 16)]


class TestHugoTables:
    def test_a_toml_data_file_of_tables_is_a_session_each(self, tmp_path: Path) -> None:
        page = tmp_path / "lectures.toml"
        page.write_text(
            '[01-sorting]\ntitle = "Sorting"\nexcerpt = "Sorting algorithms"\nhide = false\n\n'
            '[02-hashing]\ntitle = "Hash tables"\nexcerpt = "Buckets"\nhide = false\n\n'
            '[03-graphs]\ntitle = "Graph theory"\nexcerpt = "Paths"\nhide = true\n'
        )
        res, out = run_import(page)
        assert "3 lectures" in res.output and "(data-file)" in res.output
        text = out.read_text()
        assert text.index("title: Sorting") < text.index("title: Hash tables") < text.index("title: Graph theory")


class TestShortDelimiters:
    def test_a_table_with_short_centred_delimiters_is_read_as_a_table(self) -> None:
        text = (
            "| Week | Date | Topic | Material |\n| :--: | :--: | -- | :-: |\n"
            "| 1 | 15/08 | **Sorting**<br> Quick sort | [Slides](s1.pdf) |\n"
            "| 2 | 22/08 | **Hash tables**<br> Buckets | - |\n"
            "| 3 | 29/08 | **Graph theory** | - |\n"
        )
        page = imp.parse_page(text, "page.md")
        assert page.layout == "markdown-table"
        d = imp.build_draft(page, VOCAB, course_id="c", year=2023)
        assert titles(d) == ["Sorting", "Hash tables", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2023, 8, 15), dt.date(2023, 8, 22), dt.date(2023, 8, 29)]
