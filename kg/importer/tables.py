"""Tables (HTML and Markdown): header roles, span expansion, rows from a grid."""

from __future__ import annotations

import html as _html
import re
from html.parser import HTMLParser

from kg.importer.dates import parse_date
from kg.importer.rows import ReadingLine, Row, absorb, clean, looks_like_names, set_title, split_title_markers, take_assignments, take_materials
from kg.importer.text import BULLET, WEEK_ROW

_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("week", re.compile(r"^(?:w|wk|week|weeks)\.?$")),
    ("date", re.compile(r"^(?:date|dates|day|days|when|class date|lecture date)$")),
    ("number", re.compile(r"^(?:#|no\.?|num|number|lec\.?|lecture\s*(?:#|no\.?|number)|session)$")),
    ("title", re.compile(r"^(?:topics?|lecture topics?|lectures?|title|subject|contents?|lecture title|theme|class)$")),
    ("speaker", re.compile(r"^(?:speakers?|lecturers?|instructors?|presenters?|who|teachers?|guest)$")),
    ("readings", re.compile(
        r"^(?:(?:required |optional |suggested )?readings?|resources|materials|course materials|"
        r"references|slides|notes|preparation|textbook|book|chapters?|lecture notes|videos?)$")),
    ("assignments", re.compile(r"^(?:assignments?|homeworks?|hw|due|deliverables|psets?|problem sets?|labs?|out)$")),
    ("discussion", re.compile(r"^(?:discussion(?: sections?)?|sections?|recitations?|tutorials?)$")),
    ("details", re.compile(r"^(?:details|description|summary|notes on the lecture|abstract|tl;dr)$")),
]


def _role(header: str) -> str | None:
    h = clean(re.sub(r"[*_`]", "", header)).lower().rstrip(":")
    for role, pat in _ROLE_PATTERNS:
        if pat.match(h):
            return role
    return None


def _header_roles(header: list[str], body: list[tuple[int, list[str]]]) -> list[str | None] | None:
    roles = [_role(h) for h in header]
    titles = [i for i, r in enumerate(roles) if r == "title"]
    if len(titles) > 1:
        # "Lecture | Topic": the column of short numbers is the lecture number.
        def mean_len(i: int) -> float:
            vals = [len(c[i]) for _, c in body if i < len(c) and c[i].strip()]
            return sum(vals) / len(vals) if vals else 0.0

        keep = max(titles, key=mean_len)
        for i in titles:
            if i != keep:
                numeric = all(
                    re.fullmatch(r"\s*(?:\w{0,4}\d+|[-–—]*)\s*", c[i]) for _, c in body if i < len(c)
                )
                roles[i] = "number" if numeric else None
    if "title" not in roles:
        return None
    return roles


def _rows_from_grid(header: list[str], body: list[tuple[int, list[str]]]) -> list[Row] | None:
    roles = _header_roles(header, body)
    if roles is None:
        return None
    rows: list[Row] = []
    week: int | None = None
    for line, cells in body:
        cells = cells + [""] * (len(roles) - len(cells))
        by_role: dict[str, list[str]] = {}
        others: list[str] = []
        for role, cell in zip(roles, cells):
            if role is None:
                others.append(cell)
            else:
                by_role.setdefault(role, []).append(cell)
        texts = [c for c in cells if c.strip()]
        if not texts:
            continue
        wm = WEEK_ROW.match(texts[0])
        if wm and len(texts) == 1:
            week = int(wm.group(1))
            continue
        for w in by_role.get("week", []):
            m = re.search(r"\d{1,2}", w)
            if m:
                week = int(m.group(0))
        row = Row(line=line, week=week)
        for d in by_role.get("date", []):
            got = parse_date(d.strip())
            if got is not None:
                row.date = got[0]
                break
        for num in by_role.get("number", []):
            if re.search(r"\d", num):
                row.number = clean(num)
        title = next((t for t in by_role.get("title", []) if t.strip()), "")
        set_title(row, title, breaks=True)
        row.title = split_title_markers(row, row.title).strip(" |-–—:;,")
        for d in by_role.get("details", []):
            row.detail = clean(f"{row.detail} {d}")
        for s in by_role.get("speaker", []):
            names = looks_like_names(clean(s))
            if names:
                row.speakers.extend(names)
            elif clean(s):
                row.speakers.extend(p.strip() for p in re.split(r"\s*(?:&|;|,|\band\b)\s*", clean(s)) if p.strip())
        for cell in by_role.get("readings", []):
            for ln in cell.split("\n"):
                ln = take_materials(row, clean(ln))
                if not ln:
                    continue
                b = BULLET.match(ln)
                text = b.group(1) if b else ln
                optional = bool(re.search(r"(?i)\boptional\b", text))
                text = re.sub(r"(?i)^\s*(?:optional|required)\s*(?:readings?)?\s*:\s*", "", text)
                text = re.sub(r"(?i)^\s*readings?\s*:\s*", "", text)
                if text:
                    row.readings.append(ReadingLine(text, optional))
        for cell in by_role.get("assignments", []):
            for ln in cell.split("\n"):
                take_assignments(row, ln)
        for cell in by_role.get("discussion", []):
            d = clean(cell)
            if d and not re.match(r"(?i)no\s+(?:discussion|section)|^-+$", d):
                row.discussion = d
        for cell in others:
            absorb(row, cell)
        if not row.title and not row.assignments and not row.discussion:
            continue
        rows.append(row)
    return rows


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", s)]


_MD_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _md_inline(s: str) -> str:
    s = re.sub(r"<br\s*/?>", "\n", s, flags=re.I)
    s = re.sub(r"</?[A-Za-z][^<>]*>", "", s)  # inline HTML
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"(\*\*|__|~~|`)", "", s)
    s = re.sub(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", s)
    return _html.unescape(s)


def parse_markdown_table(lines: list[str]) -> list[Row] | None:
    for s, line in enumerate(lines):
        if not _MD_SEP.match(line) or s == 0:
            continue
        header = [_md_inline(c).strip() for c in _cells(lines[s - 1])]
        body: list[tuple[int, list[str]]] = []
        for j in range(s + 1, len(lines)):
            if "|" not in lines[j]:
                if lines[j].strip():
                    break
                continue
            body.append((j + 1, [_md_inline(c).strip() for c in _cells(lines[j])]))
        if not body:
            continue
        # A real Markdown table has a row per line; a capture that only looks like one
        # (cells broken over lines) is left to the pipe-row reader.
        fit = sum(1 for _, c in body if abs(len(c) - len(header)) <= 1)
        if fit < 0.8 * len(body):
            continue
        rows = _rows_from_grid(header, body)
        if rows:
            return rows
    return None


class _HTMLReader(HTMLParser):
    """Tables as grids of cell text, and the page as text with one block per line."""

    _BLOCK = frozenset(
        "p div br li tr h1 h2 h3 h4 h5 h6 table section article ul ol dl dt dd pre hr "
        "header footer blockquote tbody thead tfoot caption".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[list[list[tuple[str, bool, int, int, int]]]] = []
        self._stack: list[list[list[tuple[str, bool, int, int, int]]]] = []
        self._cell: list[str] | None = None
        self._cell_meta: tuple[bool, int, int, int] = (False, 1, 1, 0)
        self._skip = 0
        self.title: str | None = None
        self._in_title = False
        self._h1: str | None = None
        self._in_h1 = False
        self.line = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
        if tag == "h1" and self._h1 is None:
            self._in_h1 = True
            self._h1 = ""
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            a = dict(attrs)
            self._cell = []
            self._cell_meta = (tag == "th", _int(a.get("rowspan")), _int(a.get("colspan")), self.getpos()[0])
        if tag in self._BLOCK:
            self._newline()
        if tag == "li":
            self._put("- ")
        if tag in ("td", "th"):
            self._put(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in ("td", "th") and self._cell is not None and self._stack:
            th, rs, cs, line = self._cell_meta
            text = "".join(self._cell)
            text = "\n".join(clean(x) for x in text.split("\n") if x.strip())
            self._stack[-1][-1].append((text, th, rs, cs, line))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        if tag in self._BLOCK:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title = clean((self.title or "") + " " + data)
        if self._in_h1:
            self._h1 = clean((self._h1 or "") + " " + data)
        self._put(data.replace("\n", " "))

    def _put(self, s: str) -> None:
        self.text.append(s)
        if self._cell is not None:
            self._cell.append(s if s != " | " else " ")

    def _newline(self) -> None:
        self.text.append("\n")
        if self._cell is not None:
            self._cell.append("\n")

    @property
    def heading(self) -> str | None:
        return self._h1 or self.title


def _int(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 100))
    except ValueError:
        return 1


def _grid(table: list[list[tuple[str, bool, int, int, int]]]) -> list[tuple[int, list[str], bool]]:
    """Expand rowspan/colspan: every row gets a value in every column it spans."""
    out: list[tuple[int, list[str], bool]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows left)
    for tr in table:
        row: list[str] = []
        col = 0
        line = tr[0][4] if tr else 0
        header = bool(tr) and all(c[1] for c in tr)
        cells = list(tr)
        while cells or any(c >= col for c in pending):
            if col in pending:
                text, left = pending[col]
                row.append(text)
                if left > 1:
                    pending[col] = (text, left - 1)
                else:
                    del pending[col]
                col += 1
                continue
            if not cells:
                break
            text, _th, rs, cs, _ln = cells.pop(0)
            for k in range(cs):
                row.append(text if k == 0 else "")
                if rs > 1:
                    pending[col + k] = (text if k == 0 else "", rs - 1)
            col += cs
        if row:
            out.append((line, row, header))
    return out


def parse_html(text: str) -> tuple[list[Row] | None, str, str | None]:
    reader = _HTMLReader()
    try:
        reader.feed(text)
        reader.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; anything else is a bad page
        return None, "", None
    best: list[Row] | None = None
    for table in reader.tables:
        grid = _grid(table)
        if len(grid) < 2:
            continue
        # The header: the first all-<th> row, else the first row.
        h = next((i for i, (_, _, is_h) in enumerate(grid[:3]) if is_h), 0)
        header = [c.split("\n")[0] for c in grid[h][1]]
        body = [(ln, cells) for ln, cells, _ in grid[h + 1 :]]
        rows = _rows_from_grid(header, body)
        if rows and (best is None or len(rows) > len(best)):
            best = rows
    page_text = "".join(reader.text)
    page_text = "\n".join(clean(x) for x in page_text.split("\n"))
    return best, page_text, reader.heading
