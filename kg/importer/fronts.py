"""Front ends for the page formats that are neither HTML nor Markdown: each writes the
HTML that :func:`kg.importer.document.parse_document` reads (tables with spans, lists,
headings, paragraphs, block elements carrying their source line as ``data-line``).

- :func:`delimited_to_html`: CSV and TSV schedules (the standard library's ``csv``,
  its ``Sniffer`` for the delimiter): title rows above the header, the header, quoted
  cells with line breaks;
- :func:`asciidoc_to_html`: AsciiDoc headings, lists, ``|===`` tables (``[cols]``,
  ``2+|`` and ``.2+|`` spans), block titles;
- :func:`ics_to_html`: an iCalendar file (the ``icalendar`` library): each event a dated
  row, by its start;
- :func:`mdx_components`: an MDX page's JSX components (``<Lecture date=".." title=".."/>``)
  as a table, its ``import``/``export`` lines dropped;
- :func:`markdown_tables`: the tables of Pandoc Markdown that CommonMark lacks (grid
  tables, simple tables) and MyST's ``{list-table}``, as HTML tables in place;
- :func:`sniff_format`: the format of a page whose name does not say.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
from dataclasses import dataclass
from html import escape
from typing import Any

from kg.errors import PageError
from kg.importer.latex import looks_like_latex

__all__ = [
    "asciidoc_to_html", "delimited_to_html", "ics_to_html", "markdown_tables", "mdx_components",
    "sniff_format",
]


def _page(body: list[str], title: str | None = None) -> str:
    head = f"<head><title>{escape(title)}</title></head>" if title else ""
    return f"<html>{head}<body>" + "\n".join(body) + "</body></html>"


def _cell_html(text: str) -> str:
    r"""A cell's text as HTML: its line breaks kept as ``<br>``, but for a line that
    goes on in lower case (a title wrapped: "Memory management" / "and checkpointing").

    >>> _cell_html("Memory management\nand checkpointing\nReading: ch. 3")
    'Memory management and checkpointing<br>Reading: ch. 3'
    """
    out: list[str] = []
    for p in text.strip().split("\n"):
        p = p.strip()
        if out and p[:1].islower() and out[-1]:
            out[-1] += " " + escape(p)
        else:
            out.append(escape(p))
    return "<br>".join(out)


# ======================================================================= CSV / TSV

_HEADER_WORD = re.compile(
    r"(?i)^\W*(?:#|no\.?|num(?:ber)?|lec(?:ture)?s?|sessions?|class|week|wk|day|dates?|when|topics?|titles?|"
    r"subjects?|content|readings?|materials?|slides|notes?|due|deadlines?|assignments?|homework|hw|"
    r"events?|description|speakers?|instructors?|lecturers?|presenters?|location|time|module|unit|"
    r"videos?|summary|agenda|links?|resources?|remarks?|comments?)\b"
)


def delimited_to_html(text: str, *, delimiter: str | None = None, source: str = "<page>") -> str:
    """A CSV or TSV schedule as an HTML table.

    The delimiter is ``delimiter``, else the one :class:`csv.Sniffer` finds (comma,
    tab, semicolon or bar), else a comma. Rows before the header with one cell of text
    (a title) become headings; the header is the first row with two cells or more that
    holds no digit, or that names columns ("Date", "Topic"). Short rows are padded.

    >>> print(delimited_to_html('Course X,,\\nDate,Topic,Due\\n9/3,"Intro,\\nlogistics",\\n'))
    <html><body><h2 data-line="1">Course X</h2>
    <table data-line="2">
    <tr data-line="2"><th>Date</th><th>Topic</th><th>Due</th></tr>
    <tr data-line="3"><td>9/3</td><td>Intro, logistics</td><td></td></tr>
    </table></body></html>

    Raises
    ------
    PageError
        When the CSV cannot be read (a quote left open over a huge cell, a NUL), naming
        the line.
    """
    text = text.lstrip("\ufeff")
    if delimiter is None:
        sample = "\n".join(text.split("\n", 50)[:50])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for rec in reader:
            rows.append((start, rec))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PageError(f"cannot read the CSV on line {reader.line_num}: {exc}", source) from None
    body: list[str] = []
    k = 0
    # Title rows: one cell of text, above the header.
    while k < len(rows):
        ln, rec = rows[k]
        full = [c.strip() for c in rec if c.strip()]
        if len(full) >= 2:
            break
        if full:
            body.append(f'<h2 data-line="{ln}">{escape(full[0])}</h2>')
        k += 1
    rest = rows[k:]
    if not rest:
        return _page(body)
    width = max(len(r) for _, r in rest)
    header = 0
    first = [c.strip() for c in rest[0][1]]
    named = sum(1 for c in first if c and _HEADER_WORD.match(c))
    if named >= 1 and not any(ch.isdigit() for c in first for ch in c) or named >= 2:
        header = 1
    body.append(f'<table data-line="{rest[0][0]}">')
    for j, (ln, rec) in enumerate(rest):
        if not any(c.strip() for c in rec):
            continue
        tag = "th" if j < header else "td"
        cells = [*rec, *[""] * (width - len(rec))]
        body.append(f'<tr data-line="{ln}">' + "".join(f"<{tag}>{_cell_html(c)}</{tag}>" for c in cells) + "</tr>")
    body.append("</table>")
    return _page(body)


# ======================================================================= AsciiDoc

_ADOC_HEADING = re.compile(r"^(={1,6}|#{1,6})[ \t]+(\S.*?)[ \t]*(?:\1)?[ \t]*$")
_ADOC_ATTR_ENTRY = re.compile(r"^:!?[\w-]+!?:")
_ADOC_BLOCK_ATTR = re.compile(r"^\[(.*)\][ \t]*$")
_ADOC_TITLE = re.compile(r"^\.(?=[^.\s])(.+)$")
_ADOC_LIST = re.compile(r"^[ \t]*(\*{1,5}|\.{1,5}|-)[ \t]+(\S.*)$")
_ADOC_DLIST = re.compile(r"^[ \t]*(.+?)(::|;;|:::)(?:[ \t]+(.*))?$")
_ADOC_TABLE = re.compile(r"^([|!,:])===[ \t]*$")
_ADOC_CELL_SPEC = re.compile(r"(?:(\d+)\*)?(?:(\d+)?(?:\.(\d+))?\+)?[<^>]?(?:\.[<^>])?[adehlmsv]?$")
_ADOC_INLINE = [
    (re.compile(r"\b(?:link|xref|mailto):([^\s\[]+)\[([^\]]*)\]"), lambda m: m.group(2) or m.group(1)),
    (re.compile(r"\b(https?://[^\s\[]+)\[([^\]]*)\]"), lambda m: m.group(2) or m.group(1)),
    (re.compile(r"<<([^,>]+),\s*([^>]+)>>"), lambda m: m.group(2)),
    (re.compile(r"<<([^>]+)>>"), lambda m: m.group(1)),
    (re.compile(r"\b(?:image|icon|kbd|btn|menu|footnote|pass|stem|latexmath|asciimath):[^\s\[]*\[[^\]]*\]"),
     lambda m: ""),
    (re.compile(r"\{[\w-]+\}"), lambda m: m.group(0)),
]
_ADOC_BOLD = re.compile(r"(?<![\w*])\*\*?(?=\S)(.+?)(?<=\S)\*\*?(?![\w*])")
_ADOC_MARKS = re.compile(r"(?<![\w_`#])(?:__?|``?|##?)(?=\S)(.+?)(?<=\S)(?:__?|``?|##?)(?![\w_`#])")


def _adoc_inline(text: str) -> str:
    """AsciiDoc inline markup as HTML: links as their text, ``*bold*`` as ``<strong>``,
    other marks dropped."""
    for pat, rep in _ADOC_INLINE:
        if pat.pattern[0] != "\\" or "[" in text or "<<" in text:
            text = pat.sub(rep, text)
    text = re.sub(r" \+$", "", text)  # a hard line break's mark
    out = escape(text, quote=False)
    out = _ADOC_BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", out)
    return _ADOC_MARKS.sub(lambda m: m.group(1), out)


def _adoc_cols(attrs: str) -> int | None:
    m = re.search(r'cols\s*=\s*"([^"]*)"|cols\s*=\s*\'([^\']*)\'|cols\s*=\s*([^,\]\s]+)', attrs)
    if not m:
        return None
    spec = next(g for g in m.groups() if g is not None).strip()
    if re.fullmatch(r"\d+", spec):
        return int(spec)
    n = 0
    for part in re.split(r"[,;]", spec):
        mult = re.match(r"\s*(\d+)\*", part)
        n += int(mult.group(1)) if mult else 1
    return n or None


@dataclass
class _Cell:
    line: int
    colspan: int
    rowspan: int
    text: str


def _adoc_table(lines: list[tuple[int, str]], sep: str, attrs: str, start: int) -> list[str]:
    """A ``|===`` table's lines (without its delimiters) as HTML rows."""
    cols = _adoc_cols(attrs)
    header = bool(re.search(r"\b(?:options|opts)\s*=\s*\"?[^\]\"]*\bheader\b|%header\b", attrs))
    noheader = bool(re.search(r"%noheader\b|\bnoheader\b", attrs))
    # Cells: (line, colspan, rowspan, text); a cell starts at a separator, with its spec before it.
    cells: list[_Cell] = []
    first_line_cells = 0
    first_line_no: int | None = None
    blank_after_first = False
    for idx, (ln, text) in enumerate(lines):
        if not text.strip():
            if first_line_no is not None and cells and not blank_after_first and idx > 0:
                blank_after_first = first_line_cells > 0 and len(cells) == first_line_cells
            continue
        parts = re.split(r"(?<!\\)" + re.escape(sep), text)
        if len(parts) == 1:
            if cells:  # a cell's text goes on
                cells[-1].text += "\n" + text
            continue
        lead = parts[0].strip()
        if cells and lead and not _ADOC_CELL_SPEC.fullmatch(lead):
            cells[-1].text += "\n" + lead
            lead = ""
        for j, part in enumerate(parts[1:]):
            spec = lead if j == 0 else parts[j].strip()
            if j > 0 and spec:
                m = re.search(r"(\S+)$", parts[j])
                spec = m.group(1) if m and _ADOC_CELL_SPEC.fullmatch(m.group(1)) else ""
                if spec:
                    cells[-1].text = cells[-1].text[: -len(spec)].rstrip()
            colspan = rowspan = 1
            sm = _ADOC_CELL_SPEC.fullmatch(spec) if spec else None
            dup = 1
            if sm:
                dup = int(sm.group(1)) if sm.group(1) else 1
                colspan = int(sm.group(2)) if sm.group(2) else 1
                rowspan = int(sm.group(3)) if sm.group(3) else 1
            for _ in range(min(dup, 100)):
                cells.append(_Cell(ln, colspan, rowspan, part.strip()))
        if first_line_no is None:
            first_line_no = ln
            first_line_cells = len(cells)
    if cols is None:
        cols = max(1, sum(c.colspan for c in cells[:first_line_cells]) if first_line_cells else 1)
    if not header and not noheader and blank_after_first and first_line_cells == cols:
        header = True  # the first line's cells alone, then a blank line: the header (as Asciidoctor reads it)
    out: list[str] = [f'<table data-line="{start}">']
    filled = 0
    carried: dict[int, int] = {}  # column -> rows a row span above still covers
    row: list[str] = []
    row_line = 0
    r = 0

    def end_row() -> None:
        nonlocal row, filled, r, row_line
        tag_row = "".join(row)
        out.append(f'<tr data-line="{row_line}">{tag_row}</tr>')
        row, filled, row_line = [], 0, 0
        r += 1
        for c in list(carried):
            carried[c] -= 1
            if carried[c] <= 0:
                del carried[c]

    for cell in cells:
        while filled in carried:
            filled += 1
        if not row:
            row_line = cell.line
        tag = "th" if header and r == 0 else "td"
        attrs_html = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
            f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
        body = "<br>".join(_adoc_inline(p.strip()) for p in cell.text.split("\n") if p.strip())
        row.append(f"<{tag}{attrs_html}>{body}</{tag}>")
        if cell.rowspan > 1:
            for c in range(filled, filled + cell.colspan):
                carried[c] = cell.rowspan
        filled += cell.colspan
        while filled in carried:
            filled += 1
        if filled >= cols:
            end_row()
    if row:
        end_row()
    out.append("</table>")
    return out


def asciidoc_to_html(text: str) -> str:
    """An AsciiDoc page as HTML: ``=`` headings, ``.Title`` block titles, ``*``/``.``/``-``
    lists (nested by their marks), ``term::`` definitions, ``|===`` tables, paragraphs;
    comments and attribute entries dropped.

    >>> print(asciidoc_to_html("= Course\\n\\n[cols=\\"1,3\\"]\\n|===\\n|Date |Topic\\n\\n|Jan 4\\n|Intro\\n|==="))
    <html><head><title>Course</title></head><body><h1 data-line="1">Course</h1>
    <table data-line="4">
    <tr data-line="5"><th>Date</th><th>Topic</th></tr>
    <tr data-line="7"><td>Jan 4</td><td>Intro</td></tr>
    </table></body></html>
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    title: str | None = None
    para: list[str] = []
    para_line = 0
    lists: list[tuple[str, str]] = []  # open lists: (mark, tag)
    attrs = ""
    k = 0

    def flush() -> None:
        nonlocal para, para_line
        if para:
            out.append(f'<p data-line="{para_line}">' + "<br>".join(para) + "</p>")
        para, para_line = [], 0

    def close_lists(depth: int = 0) -> None:
        while len(lists) > depth:
            _mark, tag = lists.pop()
            out.append(f"</li></{tag}>")

    n = len(lines)
    while k < n:
        raw = lines[k]
        ln = k + 1
        k += 1
        s = raw.strip()
        if s.startswith("////"):  # a comment block
            while k < n and not lines[k].strip().startswith("////"):
                k += 1
            k += 1
            continue
        if s.startswith("//") or (_ADOC_ATTR_ENTRY.match(s) and not lists):
            continue
        if re.fullmatch(r"(-{4,}|\.{4,}|_{4,}|={4,}|\*{4,}|\+{4,}|-{2})", s):
            continue  # a delimited block's fence: its text is read as text
        tm = _ADOC_TABLE.match(s)
        if tm:
            flush()
            close_lists()
            sep = {"|": "|", "!": "!", ",": ",", ":": ":"}[tm.group(1)]
            body: list[tuple[int, str]] = []
            while k < n and not _ADOC_TABLE.match(lines[k].strip()):
                body.append((k + 1, lines[k]))
                k += 1
            k += 1
            if sep in ",:":
                delim = "," if sep == "," else ":"
                html = delimited_to_html("\n".join(t for _, t in body), delimiter=delim)
                out.append(html[len("<html><body>"):-len("</body></html>")])
            else:
                out.extend(_adoc_table(body, sep, attrs, ln))
            attrs = ""
            continue
        if not s:
            flush()
            if lists and k < n and not _ADOC_LIST.match(lines[k]) and lines[k].strip() != "+":
                # A blank line ends a list unless the next item (or a continuation) follows.
                nxt = k
                while nxt < n and not lines[nxt].strip():
                    nxt += 1
                if nxt >= n or not _ADOC_LIST.match(lines[nxt]):
                    close_lists()
            continue
        hm = _ADOC_HEADING.match(s)
        if hm and not raw[0].isspace():
            flush()
            close_lists()
            level = min(6, len(hm.group(1)))
            htext = _adoc_inline(hm.group(2))
            if level == 1 and title is None:
                title = re.sub(r"<[^>]+>", "", htext)
            out.append(f'<h{level} data-line="{ln}">{htext}</h{level}>')
            continue
        bm = _ADOC_BLOCK_ATTR.match(s)
        if bm and not para:
            attrs = bm.group(1)
            continue
        tim = _ADOC_TITLE.match(s)
        if tim and not para and not _ADOC_LIST.match(raw):
            flush()
            out.append(f'<p data-line="{ln}"><strong>{_adoc_inline(tim.group(1))}</strong></p>')
            continue
        lm = _ADOC_LIST.match(raw)
        if lm:
            flush()
            mark = lm.group(1)
            tag = "ol" if mark.startswith(".") else "ul"
            depth = next((d + 1 for d, (m0, _t) in enumerate(lists) if m0 == mark), None)
            if depth is None:
                out.append(f'<{tag} data-line="{ln}"><li data-line="{ln}">')
                lists.append((mark, tag))
            else:
                close_lists(depth)
                out.append(f'</li><li data-line="{ln}">')
            out.append(_adoc_inline(lm.group(2)))
            continue
        if s == "+" and lists:
            continue  # a list continuation: what follows belongs to the item
        dm = _ADOC_DLIST.match(raw)
        if dm and not raw[0].isspace() and not para:
            flush()
            close_lists()
            term = _adoc_inline(dm.group(1).strip())
            dd = _adoc_inline((dm.group(3) or "").strip())
            out.append(f'<div class="dl-entry" data-line="{ln}"><dt>{term}</dt><dd>{dd}</dd></div>')
            continue
        if lists and (raw[:1].isspace() or out[-1:] and not para):
            out.append("<br>" + _adoc_inline(s))
            continue
        if not para:
            para_line = ln
        para.append(_adoc_inline(s))
    flush()
    close_lists()
    return _page(out, title)


def looks_like_asciidoc(text: str) -> bool:
    """Whether a page is AsciiDoc: a ``|===`` table, or a ``= Title`` first line with
    ``==`` sections or ``:attribute:`` entries.

    >>> looks_like_asciidoc("= Course\\n:toc:\\n\\n== Schedule\\n")
    True
    """
    head = text[:200_000]
    if re.search(r"(?m)^\|===[ \t]*$", head) and re.search(r"(?m)^\|(?!===)", head):
        return True
    return bool(re.match(r"\A(?:\s*//[^\n]*\n)*\s*= \S", head)) and bool(
        re.search(r"(?m)^(?:== \S|:[\w-]+:)", head))


# ======================================================================= iCalendar


def ics_to_html(text: str, source: str = "<page>") -> str:
    """An iCalendar file as a table: each event (``VEVENT``) a row of its start date
    (a range for an all-day event of several days), its summary and its description;
    rows by start. A repeating event is its first date (``RRULE`` is not expanded).
    The calendar's name (``X-WR-CALNAME``) is the page's title.

    Raises
    ------
    PageError
        When the file is no calendar, or holds no event.
    """
    # (Imported here for start-up time: only calendar files need icalendar.)
    from icalendar import Calendar  # noqa: PLC0415

    try:
        cals = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # noqa: BLE001 - any failure of the calendar parser is the page's
        first = str(exc).strip().split("\n")[0][:200]
        raise PageError(f"cannot read the iCalendar file: {first}", source) from None
    if not cals:
        if re.search(r"(?m)^BEGIN:VCALENDAR", text) and not re.search(r"(?m)^END:VCALENDAR", text):
            raise PageError("the calendar is not closed (no END:VCALENDAR) in the iCalendar file", source)
        raise PageError("no calendar (BEGIN:VCALENDAR) in the iCalendar file", source)
    line_of: list[int] = []
    line, at = 1, 0
    for m in re.finditer(r"(?m)^BEGIN:VEVENT\s*$", text):
        line += text.count("\n", at, m.start())
        at = m.start()
        line_of.append(line)
    try:
        name, events = _ical_events(cals, line_of, source)
    except PageError:
        raise
    except Exception as exc:  # noqa: BLE001 - a value icalendar kept broken, read: the page's error
        first = str(exc).strip().split("\n")[0][:200]
        raise PageError(f"cannot read the iCalendar file: {first}", source) from None
    if not events:
        raise PageError("no events (VEVENT with a DTSTART) in the iCalendar file", source)
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    body = [f"<h1>{escape(name)}</h1>"] if name else []
    body.append(f'<table data-line="{events[0][2]}">')
    body.append("<tr><th>Date</th><th>Topic</th><th>Notes</th></tr>")
    for _d, _t, ln, when, summary, desc in events:
        body.append(f'<tr data-line="{ln}"><td>{escape(when)}</td><td>{_cell_html(summary)}</td>'
                    f"<td>{_cell_html(desc)}</td></tr>")
    body.append("</table>")
    return _page(body, name)


_Event = tuple[_dt.date, str, int, str, str, str]  # day, time, line, date text, summary, description


def _ical_events(cals: list[Any], line_of: list[int], source: str) -> tuple[str | None, list[_Event]]:
    """The calendars' name and events."""
    name: str | None = None
    tz: _dt.tzinfo | None = None
    events: list[_Event] = []
    k = 0
    for cal in cals:
        name = name or _ical_text(cal.get("X-WR-CALNAME"))
        tzname = _ical_text(cal.get("X-WR-TIMEZONE"))
        if tzname and tz is None:
            try:
                from zoneinfo import ZoneInfo  # noqa: PLC0415 - only for calendars that name one

                tz = ZoneInfo(tzname)
            except (KeyError, ValueError, OSError):
                tz = None
        for ev in cal.walk("VEVENT"):
            ln = line_of[k] if k < len(line_of) else 0
            k += 1
            start = _ical_date(ev.get("DTSTART"), tz, "DTSTART", ln, source)
            if start is None:
                continue
            end = _ical_date(ev.get("DTEND"), tz, "DTEND", ln, source)
            when = start[0].isoformat()
            if end is not None and start[1] == "" and end[1] == "" and end[0] > start[0] + _dt.timedelta(days=1):
                when += " – " + (end[0] - _dt.timedelta(days=1)).isoformat()  # (DTEND of a day is exclusive)
            summary = _ical_text(ev.get("SUMMARY")) or ""
            desc = _ical_text(ev.get("DESCRIPTION")) or ""
            events.append((start[0], start[1], ln, when, summary, desc))
    return name, events


def _ical_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        v = v[0] if v else None
        if v is None:
            return None
    return str(v).strip() or None


def _ical_date(
    prop: object, tz: _dt.tzinfo | None, name: str, line: int, source: str
) -> tuple[_dt.date, str] | None:
    """A DTSTART's day (in the calendar's own time zone) and time (empty for a day);
    a value that is no date is the page's error, naming the event's line."""
    if prop is None:
        return None
    try:
        v = getattr(prop, "dt", None)
    except Exception:  # noqa: BLE001 - icalendar keeps a value it could not read, and raises on its use
        raw = str(getattr(prop, "to_ical", lambda: b"")().decode("utf-8", "replace")
                  if hasattr(prop, "to_ical") else prop)
        raise PageError(f"the event on line {line} has a {name} that is not a date: {raw[:60]!r}", source) from None
    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None and tz is not None:
            v = v.astimezone(tz)
        return v.date(), v.strftime("%H:%M")
    if isinstance(v, _dt.date):
        return v, ""
    return None


# ======================================================================= MDX

_MDX_ESM = re.compile(r"(?m)^(?:import|export)\b[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*")
_JSX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.S)
_JSX_TAG = re.compile(r"<([A-Z][\w.]*)((?:[^<>{}\"']|\"[^\"]*\"|'[^']*'|\{(?:[^{}]|\{[^{}]*\})*\})*?)(/?)>", re.S)
_JSX_PROP = re.compile(
    r"([A-Za-z_][\w-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|\{\s*(?:\"([^\"]*)\"|'([^']*)'|`([^`]*)`|"
    r"([^{}]*(?:\{[^{}]*\}[^{}]*)*))\s*\}))?"
)
_JSX_EXPR_TEXT = re.compile(r"(?<!=)(?<!= )\{\s*(?:\"([^\"]*)\"|'([^']*)'|`([^`$]*)`)\s*\}")
# Props that are a session's own data, in the order a row shows them.
_ROW_PROPS = ("number", "num", "n", "lecture", "week", "date", "day", "when", "title", "topic", "name", "subject",
              "speaker", "instructor", "lecturer", "presenter", "guest", "description", "summary", "notes", "due")
_SKIP_PROPS = frozenset("key id classname class style type variant color icon size href url link slides video "
                        "recording code notes_url pdf src image".split())
_TITLE_PROPS = ("title", "topic", "name", "subject")


def mdx_components(text: str) -> str:
    """An MDX page's text with its ``import``/``export`` lines blanked and each run of
    JSX components that carry a session's props (``<Lecture date="Sep 8" title="..."/>``)
    written as an HTML table in place: one row per component, a column per prop (the
    component's name a column of its own when the run mixes kinds, and its children
    the title when no prop gives one). Lines stay where they are.

    >>> html = mdx_components('<Lecture date="9/8" title="Intro" />\\n<Exam date="9/15" title="Quiz" />\\n')
    >>> "<td>9/8</td><td>Intro</td><td>Lecture</td>" in html
    True
    """
    text = _MDX_ESM.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    if "{/*" in text:  # JSX comments
        text = _JSX_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = _JSX_EXPR_TEXT.sub(lambda m: next(g for g in m.groups() if g is not None), text) \
        if "{" in text else text
    found: list[tuple[int, int, str, dict[str, str], int]] = []  # start, end, name, props, line
    for m in _JSX_TAG.finditer(text):
        props: dict[str, str] = {}
        for pm in _JSX_PROP.finditer(m.group(2)):
            key = pm.group(1)
            vals = [g for g in pm.groups()[1:] if g is not None]
            props[key.lower()] = vals[0].strip() if vals else "true"
        if not any(p in props for p in ("date", "day", "when", "week", *_TITLE_PROPS)):
            continue
        end = m.end()
        if not m.group(3):  # <Lecture ...>children</Lecture>
            close = text.find(f"</{m.group(1)}>", end)
            nxt = _JSX_TAG.search(text, end)
            if close >= 0 and (nxt is None or nxt.start() >= close):
                props.setdefault("_children", re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", text[end:close])).strip())
                end = close + len(m.group(1)) + 3
        found.append((m.start(), end, m.group(1), props, text.count("\n", 0, m.start()) + 1))
    if len(found) < 2:
        return text
    # Runs: components with only space between them.
    runs: list[list[tuple[int, int, str, dict[str, str], int]]] = [[found[0]]]
    for f in found[1:]:
        if text[runs[-1][-1][1] : f[0]].strip() == "":
            runs[-1].append(f)
        else:
            runs.append([f])
    out: list[str] = []
    at = 0
    for run in runs:
        if len(run) < 2:
            continue
        keys = [p for p in _ROW_PROPS if any(p in r[3] for r in run)]
        kinds = len({r[2] for r in run}) > 1
        children = any("_children" in r[3] and not any(t in r[3] for t in _TITLE_PROPS) for r in run)
        extra = sorted({k for r in run for k in r[3] if k not in _ROW_PROPS and k not in _SKIP_PROPS
                        and not k.startswith("_")})[:4]
        cols = keys + (["_children"] if children else []) + extra + (["_kind"] if kinds else [])
        head = "".join(f"<th>{escape('Title' if c == '_children' else 'Kind' if c == '_kind' else c.capitalize())}</th>"
                       for c in cols)
        rows = [f'<table data-line="{run[0][4]}"><tr>{head}</tr>']
        for start, end, name, props, ln in run:
            cells = []
            for c in cols:
                v = name if c == "_kind" else props.get(c, "")
                if c == "guest" and v.lower() in ("true", "yes", "1"):
                    v = "Guest lecture"
                elif c == "guest" and v.lower() in ("false", "no", "0"):
                    v = ""
                cells.append(f"<td>{escape(v)}</td>")
            rows.append(f'<tr data-line="{ln}">{"".join(cells)}</tr>')
        rows.append("</table>")
        s, e = run[0][0], run[-1][1]
        out.append(text[at:s])
        # The table on the run's first line, its other lines kept as lines of the block.
        out.append("".join(rows) + "\n<!---->" * text.count("\n", s, e))
        at = e
    out.append(text[at:])
    return "".join(out)


# ======================================================================= Pandoc / MyST tables

_GRID_BORDER = re.compile(r"^[ \t]*\+(?:[-=:]+\+)+[ \t]*$")
_SIMPLE_RULE = re.compile(r"^[ \t]*-{3,}(?:[ \t]+-{3,})+[ \t]*$")
_FULL_RULE = re.compile(r"^[ \t]*-{6,}[ \t]*$")
# (A first look for any of them: most pages have none, and are not read line by line.)
_ANY_TABLE = re.compile(r"(?m)^[ \t]*(?:\+[-=:]+\+|-{3,}[ \t]+-{3,})")
_LIST_TABLE_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}|:{3,})[ \t]*\{list-table\}[ \t]*(.*)$")


def _md_cell(lines: list[str]) -> str:
    """A cell's Markdown lines as inline HTML (cmark-gfm), one paragraph's text."""
    import cmarkgfm  # noqa: PLC0415 - (already loaded with the Markdown reader)

    src = "\n".join(ln.rstrip() for ln in lines).strip()
    if not src:
        return ""
    html = str(cmarkgfm.github_flavored_markdown_to_html(src)).strip()
    html = re.sub(r"</p>\s*<p>", "<br>", html)
    return re.sub(r"^<p>|</p>$", "", html).replace("\n", " ")  # (a soft line break is a space)


def _table_html(rows: list[list[tuple[int, int, str]]], header_rows: int, lines: list[int]) -> str:
    """HTML of rows of (colspan, rowspan, html) cells, on one line."""
    out = [f'<table data-line="{lines[0] if lines else 0}">']
    for r, row in enumerate(rows):
        tag = "th" if r < header_rows else "td"
        cells = "".join(
            f"<{tag}" + (f' colspan="{cs}"' if cs > 1 else "") + (f' rowspan="{rs}"' if rs > 1 else "")
            + f">{html}</{tag}>" for cs, rs, html in row)
        out.append(f'<tr data-line="{lines[r] if r < len(lines) else 0}">{cells}</tr>')
    out.append("</table>")
    return "".join(out)


def _grid_table(block: list[str], first: int) -> str | None:
    """A grid table (Pandoc's and RST's ``+---+`` tables) through docutils' parser."""
    from docutils.parsers.rst.tableparser import GridTableParser, TableMarkupError  # noqa: PLC0415
    from docutils.statemachine import StringList  # noqa: PLC0415

    width = max(len(ln.rstrip()) for ln in block)
    padded = [ln.rstrip().ljust(width) for ln in block]
    # Pandoc's alignment colons in the border (":---:") are not RST's.
    padded = [ln.replace(":", "-") if _GRID_BORDER.match(ln) else ln for ln in padded]
    try:
        colspecs, head, body = GridTableParser().parse(StringList(padded))
    except (TableMarkupError, IndexError, ValueError, AssertionError):
        return None  # (docutils checks a table's cells with assertions): not a grid table; its lines stay text
    rows: list[list[tuple[int, int, str]]] = []
    lines: list[int] = []
    for row in [*head, *body]:
        cells = []
        at = None
        for cell in row:
            if cell is None:
                continue
            morerows, morecols, offset, content = cell
            at = offset if at is None else min(at, offset)
            cells.append((morecols + 1, morerows + 1, _md_cell(list(content))))
        rows.append(cells)
        lines.append(first + (at or 0))
    return _table_html(rows, len(head), lines)


def _simple_table(block: list[str], rule: int, first: int) -> str | None:
    """A Pandoc simple table: a header line (or none), a rule of dash runs that sets the
    columns, rows to the blank line; ``block[rule]`` is the rule."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", block[rule])]
    if len(spans) < 2:
        return None

    rows: list[list[tuple[int, int, str]]] = []
    lines: list[int] = []
    header = 0
    for k, ln in enumerate(block):
        if k == rule or (_SIMPLE_RULE.match(ln) or re.fullmatch(r"[ \t]*-{3,}[ \t]*", ln)):
            continue
        if not ln.strip():
            continue
        rows.append([(1, 1, _md_cell([c])) for c in _cut(ln, spans)])
        lines.append(first + k)
        if k < rule:
            header = len(rows)
    if len(rows) - header < 1:
        return None
    return _table_html(rows, header, lines)


def _cut(line: str, spans: list[tuple[int, int]]) -> list[str]:
    """A line's cells under a rule's dash runs (the first from the line's start, the
    last to its end)."""
    out = []
    for j, (a, _b) in enumerate(spans):
        start = 0 if j == 0 else a
        end = spans[j + 1][0] if j + 1 < len(spans) else len(line)
        out.append(line[start:end].strip())
    return out


def _multiline_table(block: list[str], rule: int, first: int) -> str | None:
    """A Pandoc multiline table: a full rule, header lines, a rule of dash runs that
    sets the columns, rows of several lines each separated by blank lines, a full rule
    (``block[0]`` and ``block[-1]``; ``block[rule]`` the column rule).

    >>> t = ["-" * 30, "Date    Topic", "------  --------------", "Jan 6   Sorting and", "        searching",
    ...      "", "Jan 8   Hashing", "-" * 30]
    >>> _multiline_table(t, 2, 1).count("<tr"), "Sorting and searching" in _multiline_table(t, 2, 1)
    (3, True)
    """
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", block[rule])]
    if len(spans) < 2:
        return None
    groups: list[tuple[int, list[str]]] = []
    head = [ln for ln in block[1:rule] if ln.strip()]
    if head:
        groups.append((first + 1, head))
    at: int | None = None
    for k in range(rule + 1, len(block) - 1):
        if block[k].strip():
            if at is None:
                at = k
                groups.append((first + k, []))
            groups[-1][1].append(block[k])
        else:
            at = None
    rows: list[list[tuple[int, int, str]]] = []
    lines: list[int] = []
    for ln, group in groups:
        cols = [_cut(g, spans) for g in group]
        rows.append([(1, 1, _md_cell([c[j] for c in cols if c[j]])) for j in range(len(spans))])
        lines.append(ln)
    if len(rows) < (3 if head else 2):
        return None
    return _table_html(rows, 1 if head else 0, lines)


def _list_table(body: list[str], options: dict[str, str], first: int) -> str | None:
    """MyST's ``{list-table}``: a bullet list of rows, each a bullet list of cells."""
    rows: list[list[list[str]]] = []
    lines: list[int] = []
    indent_row: int | None = None
    for k, ln in enumerate(body):
        m = re.match(r"^([ \t]*)([*+-])(?:[ \t]+(.*))?$", ln)
        if m and (indent_row is None or len(m.group(1)) <= indent_row):
            indent_row = len(m.group(1))
            rows.append([])
            lines.append(first + k)
            rest = m.group(3) or ""
            m2 = re.match(r"^([*+-])(?:[ \t]+(.*))?$", rest)
            if m2:
                rows[-1].append([m2.group(2) or ""])
            elif rest.strip():
                rows[-1].append([rest])
            continue
        if m and rows:
            rows[-1].append([m.group(3) or ""])
            continue
        if rows and rows[-1] and ln.strip():
            rows[-1][-1].append(ln.strip())
    if not rows:
        return None
    header = int(options.get("header-rows", "0") or 0) if options.get("header-rows", "0").isdigit() else 0
    cells = [[(1, 1, _md_cell(c)) for c in r] for r in rows]
    title = options.get("_title", "").strip()
    caption = f"<p><strong>{escape(title)}</strong></p>" if title else ""
    return caption + _table_html(cells, header, lines)


def markdown_tables(text: str) -> str:
    """Markdown with its Pandoc grid tables, Pandoc simple tables (a header line over
    a rule of dash runs) and MyST ``{list-table}`` blocks written as HTML tables in
    place (on the block's first line, its other lines kept as lines of the block, so
    lines stay where they are).

    >>> md = "+----+-------+\\n| A  | B     |\\n+====+=======+\\n| 1  | two   |\\n|    | lines |\\n+----+-------+"
    >>> "<td>two lines</td>" in markdown_tables(md)
    True
    """
    if not _ANY_TABLE.search(text) and "{list-table}" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    k = 0
    n = len(lines)
    fence: str | None = None
    while k < n:
        ln = lines[k]
        lt = _LIST_TABLE_FENCE.match(ln)
        if lt:
            close = lt.group(1)
            j = k + 1
            options: dict[str, str] = {"_title": lt.group(2)}
            while j < n and (m := re.match(r"^[ \t]*:([\w-]+):[ \t]*(.*)$", lines[j])):
                options[m.group(1)] = m.group(2).strip()
                j += 1
            end = j
            while end < n and lines[end].strip() != close[0] * len(close) and not lines[end].strip().startswith(close):
                end += 1
            html = _list_table(lines[j:end], options, j + 1)
            if html is not None:
                out.append(html)
                out.extend(["<!---->"] * (min(end, n - 1) - k))
                k = end + 1
                continue
        stripped = ln.strip()
        if stripped.startswith(("```", "~~~")):
            mark = stripped[:3]
            fence = None if fence == mark else (fence or mark)
        if fence is None and _GRID_BORDER.match(ln) and k + 1 < n and lines[k + 1].lstrip().startswith("|"):
            j = k + 1
            while j < n and (lines[j].lstrip().startswith(("|", "+"))):
                j += 1
            block = lines[k:j]
            while block and not _GRID_BORDER.match(block[-1]):
                block.pop()
            if len(block) >= 3:
                html = _grid_table(block, k + 1)
                if html is not None:
                    out.append("\n" + html if out and out[-1].strip() else html)
                    out.extend(["<!---->"] * (len(block) - 1))
                    k += len(block)
                    if k < n and lines[k].strip():
                        out.append("")
                    continue
        if fence is None and _FULL_RULE.match(ln) and (k == 0 or not lines[k - 1].strip()):
            r = k + 1
            while r < n and r <= k + 8 and lines[r].strip() and not _SIMPLE_RULE.match(lines[r]):
                r += 1
            if r < n and _SIMPLE_RULE.match(lines[r]):
                end = r + 1
                while end < n and not _FULL_RULE.match(lines[end]) and not _SIMPLE_RULE.match(lines[end]):
                    end += 1
                if end < n and _FULL_RULE.match(lines[end]):
                    html = _multiline_table(lines[k : end + 1], r - k, k + 1)
                    if html is not None:
                        out.append(html)
                        out.extend(["<!---->"] * (end - k))
                        k = end + 1
                        continue
        if fence is None and k + 1 < n and stripped and not stripped.startswith(("|", "#", ">")) \
                and _SIMPLE_RULE.match(lines[k + 1]) and (k == 0 or not lines[k - 1].strip()):
            j = k + 2
            while j < n and lines[j].strip():
                j += 1
            block = lines[k:j]
            if j - k >= 4:
                html = _simple_table(block, 1, k + 1)
                if html is not None:
                    out.append(html)
                    out.extend(["<!---->"] * (len(block) - 1))
                    k = j
                    continue
        out.append(ln)
        k += 1
    return "\n".join(out)


# ======================================================================= sniffing

_ICS_START = re.compile(r"\A\s*BEGIN:VCALENDAR\b", re.I)


def sniff_format(text: str) -> str | None:
    """The format a page's text shows when its name says none: ``ics``, ``latex``,
    ``asciidoc``, ``csv`` (many lines of as many delimited cells), or None.

    >>> sniff_format("BEGIN:VCALENDAR\\nVERSION:2.0\\n")
    'ics'
    >>> sniff_format("Date,Topic,Due\\n9/3,Intro,\\n9/5,Search,HW1\\n9/10,Games,\\n")
    'csv'
    >>> sniff_format("# Course\\n\\n- 9/3 Intro\\n") is None
    True
    """
    if _ICS_START.match(text):
        return "ics"
    if looks_like_latex(text):
        return "latex"
    if looks_like_asciidoc(text):
        return "asciidoc"
    if _looks_delimited(text):
        return "csv"
    return None


def _looks_delimited(text: str) -> bool:
    lines = [ln for ln in text[:50_000].splitlines()[:40] if ln.strip()]
    if len(lines) < 4 or any(ln.lstrip().startswith(("#", "<", "|", "-", "*")) for ln in lines[:3]):
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;")
    except csv.Error:
        return False
    try:
        widths = [len(r) for r in csv.reader(lines, dialect)]
    except csv.Error:
        return False
    common = max(set(widths), key=widths.count)
    return common >= 2 and widths.count(common) >= 0.8 * len(widths)
