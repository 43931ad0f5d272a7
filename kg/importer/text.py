"""Plain-text schedule layouts: pipe records, dated lines, numbered lecture lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from kg.importer.dates import WEEK_WORDS, PageDate, parse_date
from kg.importer.rows import (
    ReadingLine, Row, absorb, clean, set_title, split_title_markers, strip_badges, take_materials,
)

_WEEK_LEAD = re.compile(rf"(?i)^(?:{WEEK_WORDS})\.?\s*(\d{{1,2}})\s*[:.)–—-]\s*(?=\S)")
WEEK_ROW = re.compile(rf"^\s*+(?:{WEEK_WORDS})\.?\s*(\d{{1,2}})\b\s*[:.)-]?\s*$", re.I)
_LEAD_WEEK = re.compile(r"^\s*+(\d{1,2})\s+(?=\S)")


_ONE_OR_TWO_DIGITS = re.compile(r"\d{1,2}")
_MATERIALS_ONLY = re.compile(r"\s*(\[[^\]\[]{1,40}\]\s*)+")
_OPTIONAL_LABEL = re.compile(r"(?i)^optional\b[:\s-]*")


def _lead_date(cells: list[str]) -> tuple[int | None, PageDate, list[str]] | None:
    """Week and date at the start of a pipe row, and the cells after them."""
    first = cells[0].strip()
    week: int | None = None
    rest = cells[1:]
    if _ONE_OR_TWO_DIGITS.fullmatch(first) and rest:
        week = int(first)
        first, rest = rest[0].strip(), rest[1:]
    got = parse_date(first)
    if got is None:
        return None
    date, after = got
    if after.strip():
        rest = [after, *rest]
    return week, date, rest


Later = list[Callable[[], None]]
"""Work a reader leaves for later: what its rows hold besides their title, date, number
and week (speakers, readings, materials, assignments, detail), which a row's score does
not use. :func:`kg.importer.detect.parse_page` does it for the structure it keeps."""


def _now_or_later(later: Later | None, work: Callable[[], None]) -> None:
    if later is None:
        work()
    else:
        later.append(work)


def _pipe_cells(text: str, leading: bool) -> list[str]:
    """A row's cells between pipes; with ``leading``, a row's leading pipe ("| Aug 26 |
    Title |") opens its first cell."""
    cells = text.split("|")
    return cells[1:] if leading and len(cells) > 2 and not cells[0].strip() else cells


# (Each run of spaces written once, "\s*(?:\|\s*)?" and not "\s*\|?\s*": a line of
# thousands of spaces is matched in one pass, not one pass a space.)
_DELIMITER_ROW = re.compile(r"^\s*+(?:\|\s*)?:?-+:?\s*(?:\|\s*:?-+:?\s*)*(?:\|\s*)?$")


def _markdown_table(lines: list[str]) -> bool:
    """Whether the lines hold a Markdown table (a row, then a delimiter row): then its
    rows are read as a table, and rows with a leading pipe are not read here."""
    return any(_DELIMITER_ROW.match(ln) and i and "|" in lines[i - 1] and not _DELIMITER_ROW.match(lines[i - 1])
               for i, ln in enumerate(lines) if "-" in ln)


def parse_pipe_rows(lines: list[str], *, later: Later | None = None) -> list[Row] | None:
    """MIT-style captures: 'Tue 9/9 | Title+ detailsText |' records over several lines."""
    starts: list[tuple[int, str]] = []
    leading = not _markdown_table(lines)
    for i, line in enumerate(lines):
        if "|" not in line:
            continue
        cells = _pipe_cells(line, leading)
        if WEEK_ROW.match(cells[0]) and not "".join(cells[1:]).strip():
            starts.append((i, "week"))
        elif _lead_date(cells) is not None:
            starts.append((i, "row"))
    if sum(1 for _, k in starts if k == "row") < 2:
        return None
    rows: list[Row] = []
    week: int | None = None
    for n, (i, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        if kind == "week":
            m = WEEK_ROW.match(lines[i].split("|")[0])
            assert m is not None
            week = int(m.group(1))
            continue
        cells = _pipe_cells("\n".join(lines[i:end]), leading)
        lead = _lead_date(cells)
        assert lead is not None
        wk, date, rest = lead
        if wk is not None:
            week = wk
        row = Row(line=i + 1, week=week, date=date)
        while rest and not rest[0].strip():
            rest.pop(0)
        if rest:
            set_title(row, rest[0])
            row.title = split_title_markers(row, row.title).strip(" |-–—:;,")
            if len(rest) > 1:
                _now_or_later(later, partial(_absorb_all, row, rest[1:]))
        rows.append(row)
    return rows


def _absorb_all(row: Row, cells: list[str]) -> None:
    for c in cells:
        absorb(row, c)


def _absorb_lines(row: Row, lines: list[str], i: int, end: int) -> None:
    for k in range(i, end):
        extra = lines[k]
        if len(extra) > 200:  # prose after the schedule, not a cell
            break
        absorb(row, extra)


def parse_dated_lines(lines: list[str], *, later: Later | None = None) -> list[Row] | None:
    """Plain captures of a table: 'W Date Title Discussion Homework' on one line each."""
    starts: list[tuple[int, int | None, PageDate, str]] = []
    for i, line in enumerate(lines):
        week: int | None = None
        # "1 Sep 2 Basic Principles" is week 1, Sep 2 (not 1 Sep): a leading week
        # number is tried first, then a date at the start of the line.
        m = _LEAD_WEEK.match(line)
        got = parse_date(line[m.end():]) if m is not None else None
        if got is not None and m is not None:
            week = int(m.group(1))
        else:
            got = parse_date(line)
        if got is None:
            continue
        date, after = got
        if after and not after[0].isspace() and after[0] not in ":|-–,":
            continue
        starts.append((i, week, date, after))
    if len(starts) < 3:
        return None
    rows: list[Row] = []
    current: int | None = None
    for n, (i, week, date, after) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        if week is not None:
            current = week
        # "Jan. 24 & 26: Guest talks": one title on two days of the same month.
        also = _SECOND_DAY.match(after)
        if also is not None and int(also.group(1)) > date.day:
            after = after[also.end():]
        row = Row(line=i + 1, week=current, date=date)
        title = strip_badges(after.strip(" :|-–,"))
        set_title(row, title)
        row.title = split_title_markers(row, row.title).strip(" |-–—:;,")
        if i + 1 < end:
            _now_or_later(later, partial(_absorb_lines, row, lines, i + 1, end))
        rows.append(row)
        if also is not None and int(also.group(1)) > date.day:
            second = PageDate(date.month, int(also.group(1)), date.year, None, also.group(1))
            rows.append(Row(line=i + 1, week=current, date=second, title=row.title, detail=row.detail,
                            guest=row.guest, speakers=list(row.speakers)))
    return rows


_SECOND_DAY = re.compile(r"^\s*(?:&|and)\s*(\d{1,2})\b(?![/.:]\d)")


_NUMBERED = re.compile(
    r"^\s*+(?:[-*•]\s+)?(?:(?:lecture|lec|class|session)\s*)?(\d{1,3})\s*(?:[-–—:.)]|\s-)\s*([^\W\d_].*)$", re.I
)
_READINGS_HEAD = re.compile(
    r"^\s*+(?P<kind>extra|optional|additional|further|required|suggested)?\s*(?:readings?|references)\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_TLDR = re.compile(r"^\s*+(?:tl;?\s*dr|summary|abstract|description)\s*:\s*(.*)$", re.I)
BULLET = re.compile(r"^\s*+[-*•·]\s*(.*)$")


def parse_numbered(lines: list[str], *, later: Later | None = None) -> list[Row] | None:
    """BU-style lists: '01 - Title', then 'tl;dr:', '[slides]' and 'Readings:' lines."""
    starts = [(i, m) for i, line in enumerate(lines) if (m := _NUMBERED.match(line)) and len(line) < 200]
    if len(starts) < 3:
        return None
    nums = [int(m.group(1)) for _, m in starts]
    rising = sum(1 for a, b in zip(nums, nums[1:]) if b > a)
    if rising < 0.7 * (len(nums) - 1):
        return None
    # Numbered lines dated with a separator after the date ("Lecture 5 — Tue Oct 1 —
    # Title"): an unnumbered line between them dated the same way ("Thu Oct 3 —
    # Midterm") is a row of the schedule too (an exam, a deadline), not a lecture's detail.
    seps = [_DATE_SEP.match(got[1]) for _, m in starts if (got := parse_date(m.group(2))) is not None]
    sep_chars = {x.group(1) for x in seps if x is not None}
    dated_sep = len(sep_chars) == 1 and len(seps) >= 0.8 * len(starts) and all(seps)
    rows: list[Row] = []
    for n, (i, m) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        row = Row(line=i + 1, number=m.group(1))
        title = m.group(2)
        got = parse_date(title)
        if got is not None:
            row.date, title = got[0], got[1].lstrip(" -–:|,")
        elif (w := _WEEK_LEAD.match(title)) is not None:
            row.week, title = int(w.group(1)), title[w.end():]  # "1. Week 1: Title", "2. Woche 2: Title"
        set_title(row, title)
        row.title = split_title_markers(row, row.title).strip(" |-–—:;,")
        rows.append(row)
        cuts = [i]
        if dated_sep:
            for k in range(i + 1, end):
                own = parse_date(lines[k].strip()) if len(lines[k]) < 200 else None
                sep = _DATE_SEP.match(own[1]) if own is not None else None
                if own is None or sep is None or sep.group(1) not in sep_chars:
                    continue
                ev = Row(line=k + 1, date=own[0])
                set_title(ev, own[1][sep.end():])
                ev.title = split_title_markers(ev, ev.title).strip(" |-–—:;,")
                if ev.title:
                    rows.append(ev)
                    cuts.append(k)
        cuts.append(end)
        owners = [row] + rows[len(rows) - len(cuts) + 2:]
        for owner, (a, b) in zip(owners, zip(cuts, cuts[1:])):
            if a + 1 < b:
                _now_or_later(later, partial(_numbered_extras, owner, lines, a + 1, b))
    return rows


_DATE_SEP = re.compile(r"\s*([—–|:-])\s+(?=\S)")


def _numbered_extras(row: Row, lines: list[str], start: int, end: int) -> None:
    """The lines under a numbered lecture: summary, readings, materials, detail."""
    in_readings: bool | None = None  # None: not in a list; else: the list is optional
    detail = [row.detail]
    for k in range(start, end):
        extra = lines[k]
        if not extra.strip():
            continue
        if (t := _TLDR.match(extra)) is not None:
            detail.append(t.group(1))
            in_readings = None
        elif (r := _READINGS_HEAD.match(extra)) is not None and len(extra) < 60:
            kind = (r.group("kind") or "").lower()
            in_readings = kind in ("extra", "optional", "additional", "further", "suggested")
            if r.group("rest").strip():
                _add_reading(row, r.group("rest"), in_readings)
        elif (b := BULLET.match(extra)) is not None:
            if b.group(1).strip() and in_readings is not None:
                _add_reading(row, b.group(1), in_readings)
        elif _MATERIALS_ONLY.fullmatch(extra):
            take_materials(row, extra)
        elif in_readings is None and len(extra) < 1000:
            detail.append(extra)
    row.detail = clean(" ".join(detail))


def _add_reading(row: Row, text: str, optional: bool) -> None:
    text = clean(text)
    m = _OPTIONAL_LABEL.match(text)
    if m:
        optional, text = True, text[m.end():]
    if text:
        row.readings.append(ReadingLine(text, optional))
