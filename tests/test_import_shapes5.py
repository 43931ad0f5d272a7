"""`kg import` on page shapes written by rules about structure: small invented pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from tests.test_import_shapes import draft, titles


def _week_headings_page() -> str:
    text = "# Widget Making\n\nFall 2024\n\n## Schedule\n\n"
    weeks = [("Sep 9", "Gear basics", "Spring tension"), ("Sep 16", "Lever arms", "Pulley sets"),
             ("Sep 23", "Cam shapes", "Ratchet teeth")]
    for k, (day, a, b) in enumerate(weeks, 1):
        text += f"### Week {k} ({day})\n\n- **Mon:** {a} [[slides](s.pdf)]\n- **Wed:** {b}\n\n"
    return text + "## Grading\n\n- Projects 60%\n- Exams 40%\n"


class TestWeekdayItemsUnderDatedHeadings:
    def test_items_naming_their_weekday_take_the_heading_week_date(self) -> None:
        d = draft(_week_headings_page())
        assert titles(d) == ["Gear basics", "Spring tension", "Lever arms", "Pulley sets",
                             "Cam shapes", "Ratchet teeth"]
        assert [lec.date for lec in d.lectures] == [
            dt.date(2024, 9, 9), dt.date(2024, 9, 11), dt.date(2024, 9, 16),
            dt.date(2024, 9, 18), dt.date(2024, 9, 23), dt.date(2024, 9, 25)]

    def test_the_command_writes_the_dates(self, tmp_path: Path) -> None:
        page = tmp_path / "README.md"
        page.write_text(_week_headings_page())
        out = tmp_path / "c.yaml"
        res = CliRunner().invoke(cli, ["import", str(page), "--course-id", "c", "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert "6 lectures" in res.output
        text = out.read_text()
        assert "date: 2024-09-25" in text and "Mon:" not in text and "Projects 60%" not in text


class TestBufferWord:
    def test_a_title_naming_a_buffer_thing_is_a_lecture(self) -> None:
        rows = [("2025-01-14", "Disk pages"), ("2025-01-21", "Storage and buffer management"),
                ("2025-01-28", "Buffer (for slip)"), ("2025-02-04", "Slack week"),
                ("2025-02-11", "Ring buffer design")]
        text = "| Date | Topic |\n|---|---|\n" + "\n".join(f"| {d} | {t} |" for d, t in rows)
        d = draft(text)
        assert titles(d) == ["Disk pages", "Storage and buffer management", "Ring buffer design"]
        assert sorted(e.kind for e in d.events) == ["buffer", "buffer"]


class TestFrontMatter:
    def test_the_front_matter_title_names_the_course(self, tmp_path: Path) -> None:
        page = tmp_path / "schedule.qmd"
        page.write_text(
            '---\ntitle: "WID 101: Widget Making"\nsubtitle: "Spring 2025"\nformat: html\n---\n\n'
            "| Date | Topic |\n|:--|:--|\n| 2025-01-13 | Gear basics |\n| 2025-01-15 | Lever arms |\n"
            "| 2025-01-22 | Cam shapes |\n"
        )
        out = tmp_path / "c.yaml"
        res = CliRunner().invoke(cli, ["import", str(page), "--course-id", "c", "-o", str(out)])
        assert res.exit_code == 0, res.output
        text = out.read_text()
        assert "name: 'WID 101: Widget Making'" not in text  # (the code is the code, not the name)
        assert "name: Widget Making\n" in text and "code: WID 101\n" in text and "term: Spring 2025\n" in text

    def test_front_matter_that_is_not_yaml_is_passed_over(self) -> None:
        text = ("---\ntitle: [unclosed\n---\n\n| Date | Topic |\n|:--|:--|\n"
                "| 2025-01-13 | Gear basics |\n| 2025-01-15 | Lever arms |\n| 2025-01-22 | Cam shapes |\n")
        d = draft(text, "s.md", term="Spring 2025")
        assert titles(d) == ["Gear basics", "Lever arms", "Cam shapes"]


class TestUnnumberedDatedLinesAmongLectures:
    def test_a_dated_line_between_numbered_lectures_is_an_event(self, tmp_path: Path) -> None:
        page = tmp_path / "syllabus.txt"
        page.write_text(
            "WID 101  WIDGET MAKING  --  FALL 2024\n\n"
            "Lecture 1 — Tue Sep 3 — Gear basics\n"
            "Lecture 2 — Thu Sep 5 — Lever arms\n"
            "           Fri Sep 6 — Project report due\n"
            "Lecture 3 — Tue Sep 10 — Cam shapes\n"
            "           Thu Sep 12 — Midterm\n"
            "Lecture 4 — Tue Sep 17 — Ratchet teeth\n"
        )
        out = tmp_path / "c.yaml"
        res = CliRunner().invoke(cli, ["import", str(page), "--course-id", "c", "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert "4 lectures, 2 events" in res.output
        d = draft(page.read_text(), "syllabus.txt")
        assert titles(d) == ["Gear basics", "Lever arms", "Cam shapes", "Ratchet teeth"]
        assert [(e.kind, e.date) for e in d.events] == [
            ("deadline", dt.date(2024, 9, 6)), ("exam", dt.date(2024, 9, 12))]
