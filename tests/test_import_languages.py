"""`kg import` on pages written in German, French, Spanish, Italian, Portuguese, Dutch
and Japanese, and on date forms of every kind: small invented pages (no course's prose)."""

from __future__ import annotations

import datetime as dt

import click
import pytest
import yaml
from click.testing import CliRunner

from kg import importer as imp
from kg.cli import State
from kg.cli.importer import import_cmd
from kg.importer.dates import day_first, find_date, parse_date

VOCAB = imp.Vocabulary(topics=[
    imp.TopicName("attention", "Attention"),
    imp.TopicName("sorting", "Sorting"),
])


def draft(text: str, source: str = "page.md", **kw: object) -> imp.Draft:
    page = imp.parse_page(text, source)
    return imp.build_draft(page, VOCAB, course_id="c", **kw)  # type: ignore[arg-type]


def md(d: dt.date | None) -> tuple[int, int] | None:
    return (d.month, d.day) if d else None


class TestDateForms:
    @pytest.mark.parametrize("text, month, day, weekday", [
        ("Di., 3. Okt.", 10, 3, 1),
        ("Do 3.10.", 10, 3, 3),
        ("mardi 3 octobre", 10, 3, 1),
        ("mer. 1er nov.", 11, 1, 2),
        ("martes 3 de octubre", 10, 3, 1),
        ("Mar 3-oct", 10, 3, 1),            # Spanish "martes", then the month
        ("Mar 3", 3, 3, None),              # English: March
        ("3 de out.", 10, 3, None),
        ("03/out", 10, 3, None),
        ("lun 2 ott. 2023", 10, 2, 0),
        ("ma 13 nov", 11, 13, 0),           # Dutch "maandag"
        ("wo 15 mrt", 3, 15, 2),
        ("Tue Oct 3", 10, 3, 1),
        ("3rd October", 10, 3, None),
        ("October 3rd", 10, 3, None),
        ("2023-10-03", 10, 3, None),
        ("03.10.2023", 10, 3, None),
        ("3.10.", 10, 3, None),
        ("10月3日", 10, 3, None),
        ("3. Mai", 5, 3, None),
        ("17 janv.", 1, 17, None),
        ("Montag, 16. Oktober 2023", 10, 16, 0),
    ])
    def test_form(self, text: str, month: int, day: int, weekday: int | None) -> None:
        got = find_date(text + " Title")
        assert got is not None, text
        assert (got[0].month, got[0].day, got[0].weekday) == (month, day, weekday)
        assert got[2].strip(" .") == "Title"

    @pytest.mark.parametrize("text", [
        "3 out of 5 students", "2 sets of slides", "Mar", "Do the exercises", "Woche 3: Sorting",
    ])
    def test_not_a_date(self, text: str) -> None:
        assert find_date(text) is None

    @pytest.mark.parametrize("text, start, end", [
        ("Oct 3–5", (10, 3), (10, 5)),
        ("3.–5. Okt.", (10, 3), (10, 5)),
        ("18–20 sept.", (9, 18), (9, 20)),
        ("Oct 30 – Nov 2", (10, 30), (11, 2)),
        ("Sept. 18th – 20th", (9, 18), (9, 20)),
        ("26 févr.–1er mars", (2, 26), (3, 1)),
    ])
    def test_range_takes_the_first_day(self, text: str, start: tuple[int, int], end: tuple[int, int]) -> None:
        got = find_date(text)
        assert got is not None and got[3] is not None
        assert (got[0].month, got[0].day) == start and (got[3].month, got[3].day) == end

    def test_an_impossible_day_is_no_date_in_the_draft(self) -> None:
        d = draft("| Datum | Thema |\n|---|---|\n| 27.02. | Sorting |\n| 31.02. | Attention |\n| 3.03. | Hashing |\n",
                  year=2025)
        assert [lec.date for lec in d.lectures] == [dt.date(2025, 2, 27), None, dt.date(2025, 3, 3)]
        assert any("impossible date '31.02" in n for n in d.notes)


class TestDayFirst:
    def dates(self, *texts: str) -> list[tuple[int, int]]:
        parsed = [got[0] for t in texts if (got := parse_date(t)) is not None]
        fixed = day_first(parsed) or parsed
        return [(d.month, d.day) for d in fixed]

    def test_one_date_that_fits_day_first_only_decides_the_page(self) -> None:
        assert self.dates("3/10", "10/10", "17/10") == [(10, 3), (10, 10), (10, 17)]

    def test_one_date_that_fits_month_first_only_decides_the_page(self) -> None:
        assert self.dates("10/3", "10/10", "10/17") == [(10, 3), (10, 10), (10, 17)]

    def test_with_no_deciding_date_the_schedule_runs_week_by_week(self) -> None:
        assert self.dates("04/03", "06/03", "11/03", "13/03") == [(3, 4), (3, 6), (3, 11), (3, 13)]
        assert self.dates("9/5", "9/7", "9/12") == [(9, 5), (9, 7), (9, 12)]

    def test_conflicting_dates_leave_the_page_month_first(self) -> None:
        assert self.dates("15/08", "08/16", "09/09") == [(8, 15), (8, 16), (9, 9)]

    def test_the_page_decides_not_the_cell(self) -> None:
        # "05/02" alone reads month first; the page's "14/02" makes every date day first.
        rows = "".join(f"| {d} | {t} |\n" for d, t in [
            ("05/02", "Sorting"), ("07/02", "Hashing"), ("12/02", "Graphs"), ("14/02", "Attention")])
        d = draft("| Data | Tema |\n|---|---|\n" + rows, year=2024)
        assert [md(lec.date) for lec in d.lectures] == [(2, 5), (2, 7), (2, 12), (2, 14)]


GERMAN = """# Algorithmen (Wintersemester 2023/24)

| Datum | Thema | Literatur |
|---|---|---|
| Di., 12. Dez. | Sortieren | Kap. 2 |
| Di., 19. Dez. | Hashing | Kap. 11 |
| Di., 26. Dez. | Weihnachtsferien – keine Vorlesung | |
| Di., 9. Jan. | Übung 1: Graphen | |
| Di., 16. Jan. | Gastvortrag: Suchmaschinen | |
| Fr., 19. Jan. | Abgabe Blatt 3 | |
| Di., 23. Jan. | Graphen | Kap. 22 |
| Mi., 14. Feb. | Klausur | |
"""

FRENCH = """<html><body><h1>Algorithmique</h1>
<p>Année universitaire 2024-2025, semestre de printemps. Les séances ont lieu le lundi matin en amphi B.</p>
<table>
<tr><th>Séance</th><th>Date</th><th>Sujet</th><th>Lectures</th></tr>
<tr><td>1</td><td>lundi 3 février</td><td>Tri et recherche</td><td>Cormen, ch. 2</td></tr>
<tr><td>2</td><td>lundi 10 février</td><td>Tables de hachage</td><td>Cormen, ch. 11</td></tr>
<tr><td>–</td><td>mercredi 12 février</td><td>TD 1 : complexité</td><td></td></tr>
<tr><td>–</td><td>lundi 17 février</td><td>Vacances d'hiver — pas de cours</td><td></td></tr>
<tr><td>3</td><td>lundi 24 février</td><td>Graphes</td><td>Cormen, ch. 22</td></tr>
<tr><td>–</td><td>vendredi 28 février</td><td>Rendu du projet</td><td></td></tr>
<tr><td>–</td><td>lundi 3 mars</td><td>Examen partiel</td><td></td></tr>
</table></body></html>
"""


class TestPages:
    def test_german_table_into_january(self) -> None:
        d = draft(GERMAN)
        assert [(lec.title, lec.date) for lec in d.lectures] == [
            ("Sortieren", dt.date(2023, 12, 12)), ("Hashing", dt.date(2023, 12, 19)),
            ("Gastvortrag: Suchmaschinen", dt.date(2024, 1, 16)), ("Graphen", dt.date(2024, 1, 23)),
        ]
        assert d.lectures[2].guest
        assert [(e.kind, e.date) for e in d.events] == [
            ("holiday", dt.date(2023, 12, 26)), ("tutorial", dt.date(2024, 1, 9)),
            ("deadline", dt.date(2024, 1, 19)), ("exam", dt.date(2024, 2, 14)),
        ]

    def test_french_table_readings_column_and_spring_of_an_academic_year(self) -> None:
        d = draft(FRENCH, "page.html")
        assert [(lec.title, lec.date) for lec in d.lectures] == [
            ("Tri et recherche", dt.date(2025, 2, 3)), ("Tables de hachage", dt.date(2025, 2, 10)),
            ("Graphes", dt.date(2025, 2, 24)),
        ]
        # "Lectures" in a French header: the readings, not the lecture titles.
        assert d.lectures[0].unmatched_readings == ["Cormen, ch. 2"]  # (no such book in the graph)
        assert [e.kind for e in d.events] == ["tutorial", "holiday", "deadline", "exam"]

    @pytest.mark.parametrize("header, rows", [
        ("| Semana | Fecha | Tema |", [("1", "martes 5 de marzo", "Ordenamiento"), ("1", "jueves 7 de marzo", "Feriado"),
                                         ("2", "martes 12 de marzo", "Primer parcial"),
                                         ("2", "jueves 14 de marzo", "Entrega TP1")]),
        ("| Settimana | Data | Argomento |", [("1", "mar 5 mar. 2024", "Ordinamento"),
                                               ("1", "gio 7 mar. 2024", "Nessuna lezione"),
                                               ("2", "mar 12 mar. 2024", "Prova intermedia"),
                                               ("2", "gio 14 mar. 2024", "Consegna del progetto")]),
        ("| Week | Datum | Onderwerp |", [("10", "di 5 mrt", "Sorteren"), ("10", "do 7 mrt", "Voorjaarsvakantie"),
                                          ("11", "di 12 mrt", "Tentamen"), ("11", "do 14 mrt", "Deadline opdracht 1")]),
        ("| Aula | Data | Conteúdo |", [("1", "05/03", "Ordenação"), ("-", "07/03", "Feriado"),
                                        ("-", "12/03", "Prova 1"), ("-", "14/03", "Entrega do trabalho 1")]),
    ])
    def test_kinds_and_headers_of_other_languages(self, header: str, rows: list[tuple[str, str, str]]) -> None:
        text = header + "\n" + "|---" * 3 + "|\n" + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)
        d = draft(text, year=2024)
        assert [(lec.title, lec.date) for lec in d.lectures] == [(rows[0][2], dt.date(2024, 3, 5))]
        assert [(e.kind, e.date) for e in d.events] == [
            ("holiday", dt.date(2024, 3, 7)), ("exam", dt.date(2024, 3, 12)), ("deadline", dt.date(2024, 3, 14))]

    def test_japanese_dates_and_kinds(self) -> None:
        text = "# 講義 (2023年度)\n\n| 回 | 日付 | 内容 |\n|---|---|---|\n" + "".join(
            f"| {n} | {d} | {t} |\n" for n, d, t in [
                (1, "12月5日(火)", "ソート"), (2, "12月12日(火)", "ハッシュ"), ("-", "12月19日(火)", "休講"),
                (3, "1月9日(火)", "グラフ"), ("-", "1月16日(火)", "期末試験")])
        d = draft(text)
        assert [lec.date for lec in d.lectures] == [dt.date(2023, 12, 5), dt.date(2023, 12, 12), dt.date(2024, 1, 9)]
        assert [(e.kind, e.date) for e in d.events] == [("holiday", dt.date(2023, 12, 19)), ("exam", dt.date(2024, 1, 16))]

    def test_weeks_in_other_languages(self) -> None:
        text = "# Kurs\n\n" + "\n".join(f"{k}. Woche {k}: {t}" for k, t in enumerate(
            ["Sortieren", "Hashing", "Graphen", "Keine Vorlesung (Pfingstmontag)", "Attention"], start=1))
        d = draft(text)
        assert [lec.title for lec in d.lectures] == ["Sortieren", "Hashing", "Graphen", "Attention"]
        assert [e.kind for e in d.events] == ["holiday"]

    def test_english_words_that_look_foreign_stay_lectures(self) -> None:
        text = "| Date | Topic |\n|---|---|\n" + "".join(f"| Oct {d} | {t} |\n" for d, t in [
            (2, "TD learning"), (4, "TD-learning and Q-learning"), (9, "Provable guarantees"), (11, "Renderings")])
        d = draft(text, year=2024)
        assert len(d.lectures) == 4 and d.events == []

    def test_a_code_is_no_year(self) -> None:
        d = draft("# Sorting (IN2064)\n\n| Date | Topic |\n|---|---|\n| Oct 3 | Sorting |\n| Oct 5 | Attention |\n")
        assert [lec.date for lec in d.lectures] == [None, None]


def test_cli_imports_a_german_page(tmp_path) -> None:
    page = tmp_path / "algo.md"
    page.write_text(GERMAN, encoding="utf-8")
    r = CliRunner().invoke(click.Group(commands=[import_cmd]), ["import", str(page), "--course-id", "algo-ws23"],
                           obj=State(None), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    doc = yaml.safe_load(r.stdout)
    assert [lec["date"] for lec in doc["lectures"]] == [
        dt.date(2023, 12, 12), dt.date(2023, 12, 19), dt.date(2024, 1, 16), dt.date(2024, 1, 23)]
    assert [(e["kind"], e["date"]) for e in doc["events"]][-1] == ("exam", dt.date(2024, 2, 14))


def test_project_sessions_and_a_term_number_after_the_year() -> None:
    text = "# Redes — 2025.2\n\n| Data | Tema |\n|---|---|\n" + "".join(f"| {d} | {t} |\n" for d, t in [
        ("ter., 5 de ago.", "Camadas"), ("qui., 7 de ago.", "Sockets"), ("ter., 12 de ago.", "Roteamento"),
        ("qui., 18 de set.", "Apresentação dos projetos")])
    d = draft(text)
    assert [lec.date for lec in d.lectures] == [dt.date(2025, 8, 5), dt.date(2025, 8, 7), dt.date(2025, 8, 12)]
    assert [(e.kind, e.date) for e in d.events] == [("project", dt.date(2025, 9, 18))]
    assert not any("weekdays fit" in n for n in d.notes)  # the year is the page's, not a guess
