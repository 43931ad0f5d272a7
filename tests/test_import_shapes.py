"""`kg import` on page shapes of its own: small synthetic pages (no course's prose), each
written the way some class of course sites writes its schedule."""

from __future__ import annotations

import datetime as dt

from kg import importer as imp

VOCAB = imp.Vocabulary(topics=[
    imp.TopicName("attention", "Attention"),
    imp.TopicName("graph-theory", "Graph theory"),
    imp.TopicName("sorting", "Sorting", ("sorting algorithms",)),
    imp.TopicName("hashing", "Hashing", ("hash tables",)),
])


def draft(text: str, source: str = "page.md", **kw: object) -> imp.Draft:
    page = imp.parse_page(text, source)
    return imp.build_draft(page, VOCAB, course_id="c", **kw)  # type: ignore[arg-type]


def titles(d: imp.Draft) -> list[str]:
    return [lec.title for lec in d.lectures]


class TestTitles:
    def test_bold_title_with_stray_underscore_and_week_folder(self) -> None:
        # "[__week03___](dir) __Title__": the stray "_" outside the bold run and glued
        # to the week number leaves the line a title, and the week its week.
        text = "# Course\n\n" + "\n".join(
            f"- [__week0{k}{'___' if k == 3 else '__'}](./w{k}) __Topic {name}__\n"
            f"  - Lecture: words about {name.lower()}.\n  - Seminar: practice {k}\n"
            for k, name in [(1, "Sorting"), (2, "Hashing"), (3, "Graph theory"), (4, "Attention")]
        )
        d = draft(text)
        assert titles(d) == ["Topic Sorting", "Topic Hashing", "Topic Graph theory", "Topic Attention"]

    def test_guest_label_under_a_title(self) -> None:
        text = "\n".join(
            f"- __Session {n}__\n  - {'Guest lecture' if n == 3 else 'Lecture'}: about topic {n}\n"
            for n in range(1, 5)
        )
        d = draft(text)
        assert [lec.guest for lec in d.lectures] == [False, False, True, False]

    def test_lecture_label_beats_the_heading_count(self) -> None:
        # Headings counted "1.", "2.", ... hold the page's own labels "Lecture 1a".
        labels = ["1a", "1b", "2", "3a"]
        text = "# Lectures\n\n" + "\n".join(
            f"## {k}. Lecture {lab} - Subject {k} [Ann Smith]\n\nSome words.\n"
            for k, lab in enumerate(labels, start=1)
        )
        d = draft(text)
        assert [lec.number for lec in d.lectures] == labels
        assert titles(d) == [f"Subject {k}" for k in range(1, 5)]

    def test_a_lecture_about_the_practicals_is_a_lecture(self) -> None:
        text = "\n".join(
            f"## Lecture {n}: {t}\n\nWords.\n"
            for n, t in enumerate(["Sorting", "Overview of the practicals", "Hashing"], start=1)
        )
        d = draft(text)
        assert titles(d) == ["Sorting", "Overview of the practicals", "Hashing"]
        # Without the label it is a tutorial.
        d = draft("\n".join(f"- 9/{n} {t}" for n, t in enumerate(["Sorting", "Practical 1", "Hashing"], start=1)),
                  year=2024)
        assert titles(d) == ["Sorting", "Hashing"]

    def test_part_n_stays_in_the_title(self) -> None:
        assert imp.rows.strip_badges("Sorting Part 2") == "Sorting Part 2"
        assert imp.rows.strip_badges("Sorting | slides | part 2") == "Sorting"
        assert imp.rows.strip_badges("Sorting [Part 2]") == "Sorting"

    def test_bracketed_link_labels_leave_the_title(self) -> None:
        # A bracketed list of short link labels, starting with a badge word, is links:
        # "exam review" in it does not make the lecture an exam.
        assert imp.rows.strip_badges("Wrap-up (slides, course review, exam 2 review)") == "Wrap-up"
        assert imp.rows.strip_badges("Intro (notes on sets)") == "Intro (notes on sets)"
        rows = "\n".join(f"| Sep {n} | {t} |" for n, t in enumerate(
            ["Sorting", "Hashing", "Wrap-up (slides, course review, exam 2 review)"], start=1))
        d = draft("| Date | Topic |\n|---|---|\n" + rows, year=2024)
        assert titles(d) == ["Sorting", "Hashing", "Wrap-up"]
        assert d.lectures[2].date == dt.date(2024, 9, 3)

    def test_invited_and_industry_talks_are_guest_lectures(self) -> None:
        text = "\n".join(f"- 9/{n} {t}" for n, t in enumerate(
            ["Sorting", "Industry talk: hashing at scale", "Invited talk on graphs", "Attention"], start=1))
        d = draft(text, year=2024)
        assert [lec.guest for lec in d.lectures] == [False, True, True, False]

    def test_optional_homework_is_not_the_lectures_content(self) -> None:
        text = "\n".join(
            f"- __Week {n}: {t}__\n  - Lecture: {t.lower()} basics\n  - Optional homework: hashing practice\n"
            for n, t in enumerate(["Sorting", "Graph theory", "Attention"], start=1)
        )
        d = draft(text)
        assert [lec.covers() for lec in d.lectures] == [["sorting"], ["graph-theory"], ["attention"]]


class TestDefinitionLists:
    """Kramdown / Markdown Extra definition lists: the term a date, the definitions a
    title, links and labelled lines (the Just-the-Class course template)."""

    PAGE = (
        "---\ntitle: Schedule\n---\n\n"
        "<!-- Jan 1\n: [Template entry](#)\n  : [x](#)\n-->\n\n"
        "Mon, Sep 9\n: Sorting\n  : [Slides](s1.pdf)\n: Readings: [A book](b.pdf)\n\n"
        "Wed, Sep 11\n: Hashing **HW1 OUT**{: .label .label-blue }\n  : [Slides](s2.pdf)\n  [Notes](n2.pdf)\n\n"
        "Mon, Sep 16\n: **PROJECT OUT**{: .label } Graph theory\n  : [Slides](s3.pdf)\n\n"
        "Wed, Sep 18\n: Attention, discuss HW1 **HW1 DUE**{: .label }\n\n"
        "Mon, Sep 23\n: No class (holiday)\n"
    )

    def test_entries_are_sessions(self) -> None:
        d = draft(self.PAGE, year=2024)
        assert titles(d) == ["Sorting", "Hashing", "Graph theory", "Attention, discuss HW1"]
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 9, k) for k in (9, 11, 16, 18)]
        assert [lec.line for lec in d.lectures] == [10, 15, 20, 24]  # the dates' lines
        assert [(e.kind, e.date) for e in d.events if e.kind == "holiday"] == [("holiday", dt.date(2024, 9, 23))]

    def test_inline_labels_date_the_assignments(self) -> None:
        # (A marker in a lecture's row dates its assignment; it makes no event, as in
        # the curated courses.)
        d = draft(self.PAGE, year=2024)
        project = next(a for a in d.assignments if a.id == "project")
        assert project.released == dt.date(2024, 9, 16)
        hw1 = next(a for a in d.assignments if a.id == "hw1")
        assert (hw1.released, hw1.due) == (dt.date(2024, 9, 11), dt.date(2024, 9, 18))

    def test_colon_lines_in_code_and_comments_stay(self) -> None:
        text = "```\nterm\n: not a definition\n```\n<!--\nterm\n: nor this\n-->\n"
        out, origin = imp.document.definition_lists(text)
        assert out == text and origin == list(range(1, 10))
        out, _ = imp.document.definition_lists("Sep 3 <!-- moved -->\n: Sorting\n")
        assert '<div class="dl-entry">' in out


class TestMarkersInTitles:
    def test_table_title_with_leading_marker(self) -> None:
        rows = "\n".join(f"| Sep {n} | {t} |" for n, t in enumerate(
            ["Sorting", "pset 1 out: Hashing", "Graph theory (pset 1 due)"], start=1))
        d = draft("| Date | Topic |\n|---|---|\n" + rows, year=2024)
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]
        [pset] = d.assignments
        assert (pset.released, pset.due) == (dt.date(2024, 9, 2), dt.date(2024, 9, 3))

    def test_a_bare_mention_stays_in_the_title(self) -> None:
        row = imp.Row(line=1)
        assert imp.rows.split_title_markers(row, "Review of HW2 HW2 due") == "Review of HW2 "
        assert row.assignments == ["HW2 due"]


class TestLinking:
    def test_overlapping_names_of_one_topic_are_one_name(self) -> None:
        # An alias and the label overlapping ("models for music", "music generation"):
        # one mention, not a name followed by a modifier.
        linker = imp.Linker([imp.TopicName("music-generation", "Music generation", ("models for music",))])
        [lk] = linker.link("Models for Music Generation")
        assert (lk.topic, lk.how) == ("music-generation", "name")
        assert lk.confidence >= imp.COVER_THRESHOLD


class TestDates:
    def test_dotted_day_month_year_and_date_labels(self) -> None:
        assert imp.parse_date("14.10.2025 Kernels")[0] == imp.PageDate(10, 14, 2025, None, "14.10.2025")
        assert imp.parse_date("2024/09/03 Sorting")[0] == imp.PageDate(9, 3, 2024, None, "2024/09/03")
        assert imp.parse_date("2024.9.3")[0] == imp.PageDate(9, 3, 2024, None, "2024.9.3")
        assert imp.parse_date("2024/09-03") is None
        got = imp.dates.find_date("**Date:** Sept. 3")
        assert got is not None and (got[0].month, got[0].day) == (9, 3)

    def test_generated_docs_sections(self) -> None:
        # Sphinx-style: a section per week, a heading anchor, the date on a labelled line.
        sections = "".join(
            f'<div class="section" id="w{k}"><h2>Week {k}: {t}<a class="headerlink" href="#w{k}">\u00b6</a></h2>'
            f"<p><strong>Date:</strong> Sept. {2 + 7 * k}</p><ul><li><p>Some words</p></li></ul></div>"
            for k, t in enumerate(["Sorting", "Hashing", "Midterm exam", "Graph theory"], start=1)
        )
        page = f"<html><body><h1>Algorithms, Fall 2024</h1>{sections}</body></html>"
        d = draft(page, "page.html")
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 9, 9), dt.date(2024, 9, 16), dt.date(2024, 9, 30)]
        assert [(e.kind, e.date) for e in d.events] == [("exam", dt.date(2024, 9, 23))]

    def test_the_one_year_at_the_top_dates_a_term_into_january(self) -> None:
        # HTML5 that omits </td> and </tr>; the year only in the title.
        rows = "".join(f"<tr><td>{d}<td>{t}\n" for d, t in [
            ("Dec 2", "Sorting"), ("Dec 4", "Hashing"), ("Dec 9", "Winter break"), ("Jan 6", "Graph theory")])
        page = f"<!doctype html><title>Schedule 2024</title><table><tr><th>Date<th>Topic\n{rows}</table>"
        d = draft(page, "page.html")
        assert [lec.date for lec in d.lectures] == [dt.date(2024, 12, 2), dt.date(2024, 12, 4), dt.date(2025, 1, 6)]
        assert [e.kind for e in d.events] == ["holiday"]
        # Two years named at the top: neither is taken.
        two = page.replace("Schedule 2024", "Schedule 2024, archive 2021")
        assert [lec.date for lec in draft(two, "page.html").lectures] == [None, None, None]
        # An academic year ("2024/25", "2024-2025"): a schedule from December is in its first year.
        for academic in ("Schedule 2024/25", "Schedule 2024-2025"):
            d = draft(page.replace("Schedule 2024", academic), "page.html")
            assert [lec.date for lec in d.lectures] == [dt.date(2024, 12, 2), dt.date(2024, 12, 4), dt.date(2025, 1, 6)]


class TestTables:
    def test_headerless_table_with_a_kind_column(self) -> None:
        # No <th>: the first row is a row; the column of a few repeated words says
        # what each row is, the title is elsewhere.
        rows = [("Lecture", "Sep 4", "Sorting"), ("Lecture", "Sep 6", "Hashing"), ("Pset 1 due", "Sep 9", ""),
                ("Lecture", "Sep 11", "Graph theory"), ("Recitation", "Sep 12", "Graph drills"),
                ("Lecture", "Sep 13", "Attention")]
        body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        d = draft(f"<html><body><table>{body}</table></body></html>", "page.html", year=2019)
        assert titles(d) == ["Sorting", "Hashing", "Graph theory", "Attention"]
        assert [(e.kind, e.title, e.date) for e in d.events] == [("tutorial", "Graph drills", dt.date(2019, 9, 12))]
        assert [(a.id, a.due) for a in d.assignments] == [("pset-1", dt.date(2019, 9, 9))]

    def test_deadline_for_homework_keeps_its_object(self) -> None:
        rows = "\n".join(f"| Jan {n} | {t} |" for n, t in enumerate(
            ["Sorting", "Deadline for Homework 1", "Hashing"], start=14))
        d = draft("| Day and Date | Topic (tentative) |\n|---|---|\n" + rows, year=2025)
        assert [(e.kind, e.title) for e in d.events] == [("deadline", "Deadline for Homework 1")]

    def test_guest_named_in_the_title(self) -> None:
        rows = "\n".join(f"| Sep {n} | {t} |" for n, t in enumerate(
            ["Sorting", "Hashing (guest lecture: Ann Smith)", "Graph theory"], start=1))
        d = draft("| Date | Topic |\n|---|---|\n" + rows, year=2024)
        assert [(lec.title, lec.guest, lec.speakers) for lec in d.lectures][1] == (
            "Hashing (guest lecture: Ann Smith)", True, ["Ann Smith"])

    def test_a_row_of_several_dated_sessions(self) -> None:
        rows = [("1", "9/3<br>9/5", "Sorting<br>Hashing"), ("2", "9/10<br>9/12", "Graph theory<br>No class"),
                ("3", "9/17", "Attention<br>Sorting and hashing, again")]
        body = "".join(f"<tr><td>{w}</td><td>{d}</td><td>{t}</td></tr>" for w, d, t in rows)
        page = f"<table><tr><th>Week</th><th>Date</th><th>Topic</th></tr>{body}</table>"
        d = draft(page, "page.html", year=2024)
        assert [(lec.title, lec.date) for lec in d.lectures] == [
            ("Sorting", dt.date(2024, 9, 3)), ("Hashing", dt.date(2024, 9, 5)),
            ("Graph theory", dt.date(2024, 9, 10)), ("Attention", dt.date(2024, 9, 17))]
        assert [(e.kind, e.date) for e in d.events] == [("holiday", dt.date(2024, 9, 12))]

    def test_a_schedule_in_parts_one_table_each(self) -> None:
        def part(head: str, rows: list[tuple[str, str]]) -> str:
            return f"## {head}\n\n| Date | Topic |\n|---|---|\n" + "".join(f"| {a} | {b} |\n" for a, b in rows) + "\n"

        units = [("Unit 1", [("Nov 26", "Sorting"), ("Dec 3", "Hashing")]),
                 ("Unit 2", [("Dec 10", "Graph theory"), ("Jan 7", "Midterm")]),
                 ("Unit 3", [("Jan 14", "Attention")])]
        text = "# Algorithms, Fall 2024\n\n" + "".join(part(h, r) for h, r in units)
        d = draft(text)
        assert titles(d) == ["Sorting", "Hashing", "Graph theory", "Attention"]
        assert d.lectures[-1].date == dt.date(2025, 1, 14)
        # Two offerings of a course, newest first, are not one schedule.
        old = [("Older", [("Sep 3", "Sorting"), ("Sep 5", "Hashing"), ("Sep 10", "Graph theory")])]
        newer = [("Newer", [("Oct 1", "Attention"), ("Oct 3", "Sorting again")])]
        d = draft("# Archive, 2024\n\n" + "".join(part(h, r) for h, r in newer + old))
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]

    def test_guest_line_in_the_title_cell(self) -> None:
        rows = [("Sep 3", "Sorting"), ("Sep 5", "Hashing<br><i>Guest Lecture: Ann Smith (<a href=v>video</a>)</i>"),
                ("Sep 10", "Graph theory")]
        body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
        d = draft(f"<table><tr><th>Date</th><th>Lecture</th></tr>{body}</table>", "page.html", year=2024)
        assert [(lec.title, lec.guest, lec.speakers) for lec in d.lectures][1] == ("Hashing", True, ["Ann Smith"])
        assert not any("Smith" in c for c in d.candidates)

    def test_title_term_and_markers_in_a_notes_column(self) -> None:
        rows = [("1", "Sept. 5 (Tue)", "Sorting", "HW1 out"), ("2", "Sept. 7 (Thu)", "Hashing", ""),
                ("3", "Sept. 12 (Tue)", "Graph theory", "HW1 due")]
        body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{e}</td></tr>" for a, b, c, e in rows)
        page = (f"<html><head><title>CS 800: Algorithms (Fall 2023)</title></head><body><h1>CS 800: Algorithms</h1>"
                f"<table><tr><th>Lec</th><th>Date</th><th>Topic</th><th>Notes</th></tr>{body}</table></body></html>")
        d = draft(page, "page.html")
        assert (d.term, d.code, d.name) == ("Fall 2023", "CS 800", "Algorithms")
        [hw] = d.assignments
        assert (hw.id, hw.released, hw.due) == ("hw1", dt.date(2023, 9, 5), dt.date(2023, 9, 12))


class TestDataFiles:
    def test_type_and_guest_speaker_keys(self) -> None:
        text = "\n".join([
            "lectures:",
            "  - {date: 2024-09-03, topic: Sorting}",
            "  - {date: 2024-09-05, topic: Hashing, speaker: Ann Smith (guest)}",
            "  - {date: 2024-09-06, topic: Graph drills, type: recitation}",
            "  - {date: 2024-09-10, topic: Graph theory}",
        ])
        d = draft(text, "lectures.yml")
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]
        assert (d.lectures[1].guest, d.lectures[1].speakers) == (True, ["Ann Smith"])
        assert [(e.kind, e.date) for e in d.events] == [("tutorial", dt.date(2024, 9, 6))]


class TestSourceFormats:
    def test_org_headings_with_timestamps(self) -> None:
        text = "#+TITLE: Algorithms\n" + "".join(
            f"* Lecture {k}: {t}\n<2022-09-{d:02d} {wd}>\n" for k, (t, d, wd) in enumerate(
                [("Sorting", 5, "Mon"), ("Hashing", 7, "Wed"), ("Graph theory", 12, "Mon")], start=1)
        )
        d = draft(text, "page.org")
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2022, 9, 5), dt.date(2022, 9, 7), dt.date(2022, 9, 12)]
        assert [lec.number for lec in d.lectures] == ["1", "2", "3"]

    def test_rst_simple_table_keeps_its_columns(self) -> None:
        rule = "=======  ==============  ======"
        rows = [("Sep 3", "Sorting", "slides"), ("Sep 5", "Hashing", ""), ("Sep 10", "Midterm exam", ""),
                ("Sep 12", "Graph theory", "notes")]
        body = "\n".join(f"{a:<7}  {b:<14}  {c}".rstrip() for a, b, c in rows)
        text = f"CS 300 Schedule, Fall 2024\n==========================\n\n{rule}\nDate     Topic           Notes\n{rule}\n{body}\n{rule}\n"
        d = draft(text, "page.rst")
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]
        assert d.lectures[2].date == dt.date(2024, 9, 12)
        assert [e.kind for e in d.events] == ["exam"]
        assert (d.code, d.name, d.term) == ("CS 300", None, "Fall 2024")  # "Schedule" names the page

    def test_rst_sections_with_field_lists(self) -> None:
        text = "Algorithms 2023\n###############\n\n" + "".join(
            f"Lecture {k}: {t}\n{'=' * (12 + len(t))}\n:Date: Sep {d}\n\nSome words.\n\n"
            for k, (t, d) in enumerate([("Sorting", 5), ("Hashing", 7), ("Graph theory", 12)], start=1)
        )
        d = draft(text, "page.rst")
        assert titles(d) == ["Sorting", "Hashing", "Graph theory"]
        assert [lec.date for lec in d.lectures] == [dt.date(2023, 9, 5), dt.date(2023, 9, 7), dt.date(2023, 9, 12)]

    def test_rst_cannot_read_files(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        secret = tmp_path / "secret.txt"
        secret.write_text("Sep 3 Secret lecture\n")
        html = imp.document.rst_to_html(f".. include:: {secret}\n\n.. raw:: html\n\n   <b>x</b>\n\nText.\n")
        assert html is not None and "Secret" not in html and "<b>x</b>" not in html

    def test_lists_under_week_headings_keep_their_weeks(self) -> None:
        text = "# Algorithms\n\n" + "".join(
            f"## Week {w} (Jan {6 + 7 * w} - Jan {10 + 7 * w})\n- Lecture {2 * w - 1}: {a}\n- {b}\n\n"
            for w, (a, b) in enumerate([("Sorting", "Lecture 2: Hashing"), ("Graph theory", "Midterm exam"),
                                        ("Attention", "Lecture 6: Sorting networks")], start=1)
        )
        page = imp.parse_page(text, "page.md")
        assert [(r.title, r.week) for r in page.rows] == [
            ("Sorting", 1), ("Hashing", 1), ("Graph theory", 2), ("Midterm exam", 2), ("Attention", 3),
            ("Sorting networks", 3)]

    def test_hugo_json_and_toml_data(self) -> None:
        toml = "".join(f'[[lectures]]\ndate = "2024-09-{d:02d}"\ntitle = "{t}"\n\n'
                       for d, t in [(3, "Sorting"), (5, "Hashing"), (10, "Graph theory")])
        js = '{"lectures": [' + ", ".join(f'\n  {{"date": "Sep {d}", "title": "{t}"}}'
                                           for d, t in [(3, "Sorting"), (5, "Hashing"), (10, "Graph theory")]) + "]}"
        for text, source in [(toml, "lectures.toml"), (js, "lectures.json")]:
            d = draft(text, source, year=2024)
            assert titles(d) == ["Sorting", "Hashing", "Graph theory"], source
            assert d.lectures[2].date == dt.date(2024, 9, 10)
            assert [lec.line for lec in d.lectures] == ([2, 6, 10] if source.endswith("toml") else [2, 3, 4])
        assert ".json" in imp.pages.PAGE_SUFFIXES and ".toml" in imp.pages.PAGE_SUFFIXES
