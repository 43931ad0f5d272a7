"""Tables (HTML and Markdown): header roles, span expansion, rows from a grid."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache, partial

from kg.importer.dates import WEEK_WORDS, PageDate, days_later, find_date, month_number, weekday_number
from kg.importer.rows import (
    ASSIGN, ReadingLine, Row, absorb, clean, looks_like_names, set_title, split_title_markers, strip_badges,
    take_assignments, take_materials,
)
from kg.importer.text import BULLET, WEEK_ROW, Later

# (Headers of pages in German, French, Spanish, Italian, Portuguese and Dutch too:
# "Datum", "Fecha", "Temas", "Semaine", "Onderwerp", "Literatur"; a column named for a
# session, "Vorlesung", "Séance", "Aula", "College", is its title, or its number when
# another column holds the titles: see _header_roles.)
_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("week", re.compile(r"^(?:w|wk|week|weeks|semana|woche|semaine|settimana|kw)\.?(?:\s*(?:#|no\.?|number))?$")),
    ("date", re.compile(
        r"^(?:date|dates|day|days|when|class date|lecture date|day and date|date and day|class|week and date|date/time|"
        r"fecha|fechas|data|datas|datum|termin|termine|giorno|jour|d[íi]a|wann|日付|日期|日時|时间)$")),
    ("number", re.compile(r"^(?:#|no\.?|num|number|lec\.?|lecture\s*(?:#|no\.?|number)|session)$")),
    ("title", re.compile(
        r"^(?:topics?|topics? \(tentative\)|lecture topics?|lectures?|lecture notebooks?|title|subject|contents?|"
        r"lecture title|theme|class|session|sessions|slides|lecture slides|what|"
        r"temas?|t[óo]picos?|contenidos?|conte[úu]dos?|thema|themen|inhalte?|sujets?|th[èe]mes?|argomenti?|aula|"
        r"clases?|sesi[óo]n|sesiones|vorlesung|vorlesungen|cours|s[ée]ances?|lezione|lezioni|te[óo]ricas?|teor[íi]as?|"
        r"contenus?|intitul[ée]|titel|t[íi]tulo|titre|titolo|argomento|onderwerp|onderwerpen|inhoud|college|"
        r"hoorcollege|programma|programa|内容|主题|テーマ)$")),
    ("speaker", re.compile(r"^(?:speakers?|lecturers?|instructors?|presenters?|who|teachers?|guest)$")),
    ("readings", re.compile(
        r"^(?:(?:required |optional |suggested )?readings?|resources|materials|course materials|"
        r"references|slides|notes|preparation|textbook|book|chapters?|lecture notes|videos?|"
        r"literatur|literatuur|lektüre|unterlagen|folien|bibliograf[íi]a|bibliographie|lecturas?|letture|leituras?|"
        r"lecturas? recomendadas|material|materiales|materiais|materiali|ressources|recursos|"
        r"r[ée]f[ée]rences|referencias|refer[êe]ncias|riferimenti|参考文献|教材)$")),
    ("assignments", re.compile(
        r"^(?:assignments?|homeworks?|hw|due|deliverables|psets?|problem sets?|labs?|out|abgabe|abgaben|hausaufgaben|"
        r"devoirs|rendus?|tareas?|entregas?|compiti|consegne|opdrachten|trabalhos|tarefas)$")),
    ("discussion", re.compile(
        r"^(?:discussion(?: sections?)?|sections?|recitations?|tutorials?|pr[áa]cticas?|pr[áa]ticas?|"
        r"travaux dirig[ée]s|td|übungen?|ubungen?|esercitazioni?)$")),
    ("details", re.compile(r"^(?:details|description|summary|notes on the lecture|abstract|tl;dr)$")),
]


_EMPHASIS_MARKS = re.compile(r"[*_`]")
_SHORT_NUMBER = re.compile(r"\s*(?:\w{0,4}\d+|[-–—]*)\s*")
_WORDY = re.compile(r"[^\W\d_]{3}")
_ONE_OR_TWO_DIGITS = re.compile(r"\d{1,2}")
_DIGIT = re.compile(r"\d")
_WEEK_BEFORE = re.compile(rf"(?i)^\W*(?:{WEEK_WORDS})\s*(\d{{1,2}})")
_SPEAKER_SEP = re.compile(r"\s*(?:&|;|,|\band\b)\s*")
_OPTIONAL = re.compile(r"(?i)\boptional\b")
_READING_LABEL = re.compile(r"(?i)^\s*(?:optional|required)\s*(?:readings?)?\s*:\s*")
_READINGS_LABEL = re.compile(r"(?i)^\s*readings?\s*:\s*")
_ACTION_WORD = re.compile(r"(?i)\b(?:out|released?|due|handout|assigned|deadline)\b")
_NO_DISCUSSION = re.compile(r"(?i)no\s+(?:discussion|section|class(?:es)?\b|lab\b)|^-+$|holiday")
_SECTIONS_HEAD = re.compile(r"^sections?$")


def _role(header: str) -> str | None:
    h = clean(_EMPHASIS_MARKS.sub("", header)).lower().rstrip(":")
    for role, pat in _ROLE_PATTERNS:
        if pat.match(h):
            return role
    if "/" in h:
        # "Jour/Date", "Readings/Videos": the first of the names with a role.
        for part in h.split("/"):
            got = _role(part)
            if got is not None:
                return got
    # "Lecture x 1 hour", "Teórica (Mar / Mier)", "Lab (2h)": the column's role before
    # what qualifies it (how long, which days).
    bare = _HEAD_QUALIFIER.sub("", h)
    if bare and bare != h:
        for role, pat in _ROLE_PATTERNS:
            if pat.match(bare):
                return role
    # "Dates Concepts", "Tools Topic": one word that names a date or a title column
    # (and no other role).
    named = {_WORD_ROLES[w] for w in _WORDS.findall(h) if w in _WORD_ROLES}
    return named.pop() if len(named) == 1 else None


_WORDS = re.compile(r"[^\W\d_]+")
_WORD_ROLES = {
    "date": "date", "dates": "date", "fecha": "date", "fechas": "date", "datum": "date",
    "topic": "title", "topics": "title", "title": "title", "subject": "title", "theme": "title",
    # (Work named too makes the header ambiguous: "Handouts and Due Dates".)
    "due": "assignments", "deadline": "assignments", "deadlines": "assignments", "handouts": "assignments",
    "handout": "assignments", "homework": "assignments", "assignments": "assignments", "assignment": "assignments",
}


_TITLE_HEAD = re.compile(r"^(?:lecture |session |class )?(?:title|titel|t[íi]tulo|titre|titolo)$")
_HEAD_QUALIFIER = re.compile(
    r"\s*(?:\([^()]*\)|[x×]\s*\d+(?:[.,]\d+)?\s*(?:hours?|hrs?|h|min(?:utes)?)\b\.?)\s*$")


# French headers: where a table's header is French, "Lectures" are its readings.
_FRENCH_HEAD = re.compile(
    r"^(?:s[ée]ances?|sujets?|th[èe]mes?|cours|contenus?|intitul[ée]s?|titres?|jours?|semaines?|horaires?|salles?|"
    r"intervenants?|remarques?|travaux dirig[ée]s|td|tp|devoirs|rendus?)$")
_FRENCH_READINGS = re.compile(r"^lectures?(?:\s+(?:conseill[ée]es|obligatoires|recommand[ée]es|compl[ée]mentaires))?$")


def _header_roles(header: list[str], body: list[tuple[int, list[str]]]) -> list[str | None] | None:
    roles = [_role(h) for h in header]
    heads = [clean(_EMPHASIS_MARKS.sub("", h)).lower().rstrip(":") for h in header]
    if any(_FRENCH_HEAD.match(h) for h in heads):
        for i, h in enumerate(heads):
            if _FRENCH_READINGS.match(h):
                roles[i] = "readings"  # ("lecture": a reading, in French)
    titles = [i for i, r in enumerate(roles) if r == "title"]
    if len(titles) > 1:
        # "Lecture | Topic": the column of short numbers is the lecture number.
        def mean_len(i: int) -> float:
            vals = [len(c[i]) for _, c in body if i < len(c) and c[i].strip()]
            return sum(vals) / len(vals) if vals else 0.0

        # A column headed "Title" beside "Topics": the one the page calls the title
        # is, and the topics are its detail ("Title | Topics"). Else the wordiest.
        named = [i for i in titles if _TITLE_HEAD.match(clean(_EMPHASIS_MARKS.sub("", header[i])).lower())]
        if not named:
            # "Lecture | Topics" with a title in each lecture's cell and a list of
            # subtopics in the other: the column of single phrases names the sessions,
            # the column of lists is their detail, however much wordier it is.
            lists = [i for i in titles if _list_column(body, i)]
            phrases = [i for i in titles if i not in lists and _wordy_column(body, i)
                       and not _labels_column(body, i)]
            if lists and len(phrases) == 1:
                named = phrases
        keep = named[0] if len(named) == 1 else max(titles, key=mean_len)
        for i in titles:
            if i != keep:
                numeric = all(
                    _SHORT_NUMBER.fullmatch(c[i]) for _, c in body if i < len(c)
                )
                roles[i] = "number" if numeric else ("details" if named and keep in named else None)
    if "title" not in roles:
        # "Event Type | Description": a column of numbered session labels ("Lecture 2",
        # "Guest Lecture 1") numbers the rows, and the wordy column after it is their title.
        label = next((i for i in range(len(header)) if roles[i] in (None, "number") and _labels_column(body, i)), None)
        if label is None:
            return None
        title = next((i for i in range(label + 1, len(header))
                      if roles[i] in (None, "details") and _wordy_column(body, i)), None)
        if title is None:
            return None
        roles[label], roles[title] = "number", "title"
    for i, r in enumerate(roles):
        if r == "discussion" and _SECTIONS_HEAD.match(clean(header[i]).lower()):
            # "Section | py | py | C++": a few labels repeated down the column name the
            # part of the course, not a discussion section.
            cells = [clean(c[i]) for _, c in body if i < len(c) and c[i].strip()]
            if len(cells) >= 4 and len(set(cells)) * 2 <= len(cells) and all(len(c.split()) <= 2 for c in cells):
                roles[i] = "theme"
    return roles


# A session's label with its number: "Lecture 2", "Guest Lecture 1", "Lec. 3", "Session #4".
_SESSION_LABEL = re.compile(
    r"(?i)^\W*(?:[^\W\d_]+\s+)?(?:lecture|lec\.?|session|class|seminar|lesson|talk|l|s)\s*#?\s*\d+[a-z]?(?:\.\d+)?\W*$")


def _labels_column(body: list[tuple[int, list[str]]], i: int) -> bool:
    """Whether three or more of column ``i``'s cells are numbered session labels, and
    four in five of those not empty."""
    cells = [clean(c[i]) for _, c in body if i < len(c) and c[i].strip()]
    hits = sum(1 for c in cells if _SESSION_LABEL.match(c))
    return hits >= 3 and hits * 5 >= len(cells) * 4


_LIST_SEP = re.compile(r"[,;]\s+\S|\n")


def _list_column(body: list[tuple[int, list[str]]], i: int) -> bool:
    """Whether most of column ``i``'s filled cells are lists ("REINFORCE, baselines"):
    items parted by commas, semicolons or lines, in half its cells or more, and at least
    three of them."""
    cells = [c[i] for _, c in body if i < len(c) and c[i].strip()]
    lists = sum(1 for c in cells if _LIST_SEP.search(c.strip()))
    return lists >= 3 and lists * 2 >= len(cells)


def _wordy_column(body: list[tuple[int, list[str]]], i: int) -> bool:
    """Whether most of column ``i``'s cells hold words (not links, numbers or marks)."""
    cells = [c[i] for _, c in body if i < len(c)]
    return bool(cells) and sum(1 for c in cells if len(_WORDY.findall(c)) >= 1) * 2 > len(cells)


_BARE_NO_CLASS = re.compile(r"(?i)\s*no\s+(?:class|classes|lecture|lectures)\W*")
_NO_CLASS_NOTE = re.compile(
    r"(?i)\bno\s+(?:class|classes|lecture|lectures)\b|\bholiday\b|\brecess\b|\bcancell?ed\b|\bbreak\b")
_DAY_ONLY = re.compile(r"(?:[^\W\d_]{2,12}\.?,?\s+)?(\d{1,2})")  # "Jueves 10", "Thu 10", "10"


def _month_day_column(body: list[tuple[int, list[str]]]) -> int | None:
    """The column of days ("Jueves 10") in a table whose months are rows of their own
    ("Agosto", then its days): the first column, when three of its cells or more are
    days and two rows or more hold only a month's name."""
    months = 0
    days = 0
    for _, cells in body:
        texts = [c for c in cells if c.strip()]
        if len(texts) == 1 and month_number(clean(_EMPHASIS_MARKS.sub("", texts[0]))) is not None:
            months += 1
        elif cells and _DAY_ONLY.fullmatch(clean(cells[0])):
            days += 1
    return 0 if months >= 2 and days >= 3 else None


def content_roles(body: list[tuple[int, list[str]]]) -> list[str | None] | None:
    """Roles from what the columns hold, for a table whose header names none: the
    column of dates (most cells start with one), and the title column (the longest
    mostly-textual cells among the rest)."""
    width = max((len(c) for _, c in body), default=0)
    if width < 2 or len(body) < 2:
        return None
    roles: list[str | None] = [None] * width

    def col(i: int) -> list[str]:
        return [c[i] for _, c in body if i < len(c) and c[i].strip()]

    for i in range(width):
        cells = col(i)
        if cells and sum(1 for c in cells if find_date(c.split("\n")[0]) is not None) >= 0.5 * len(cells):
            roles[i] = "date"
            break
    best, best_len = None, 0.0
    kinds: list[int] = []
    for i in range(width):
        if roles[i] is not None:
            continue
        cells = col(i)
        if len(cells) < 0.4 * len(body):
            continue
        wordy = [c for c in cells if _WORDY.search(c)]
        if len(wordy) < 0.6 * len(cells):
            continue
        common = Counter(c.casefold() for c in cells).most_common(1)[0]
        if len(cells) >= 4 and common[1] >= 0.4 * len(cells) and ":" not in common[0]:
            # A few words repeated down the column ("Lecture", "Recitation",
            # "Holiday"): what kind each row is, not its title. (Not a template of
            # labels, "Assigned: Due:", repeated where nothing is due.)
            kinds.append(i)
            continue
        mean = sum(min(len(c), 80) for c in wordy) / len(wordy)
        if mean > best_len:
            best, best_len = i, mean
    if best is None and kinds:
        best, kinds = kinds[0], kinds[1:]
    if best is None or "date" not in roles:
        return None
    roles[best] = "title"
    for i in kinds:
        roles[i] = "kind"
    return roles


_WD = r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# "Monday Lecture", "Lecture (Tue)", "Lab on Friday", "Thursday": a column of one weekly
# session.
_SESSION_HEAD = re.compile(
    rf"(?i)^(?:(?P<wd1>{_WD})\.?'?s?\s+)?(?P<what>lectures?|class|classes|sessions?|labs?|recitations?|sections?|"
    rf"tutorials?)(?:\s*\(?\s*(?:on\s+)?(?P<wd2>{_WD})\.?\s*\)?)?$|^(?P<wd3>{_WD})\.?$"
)
_TUTORIAL_HEAD = re.compile(r"(?i)lab|recitation|section|tutorial")
_DATE_HEAD = re.compile(rf"(?i)^(?:date|day|week of|date of)\s*\(?\s*(?P<wd>{_WD})?\.?\s*\)?$")


def _session_columns(header: list[str]) -> list[tuple[int, int, bool]]:
    """The columns of weekly sessions, each (column, weekday, a lab/tutorial?), when at
    least two lecture columns name their weekdays ("Monday Lecture | Wednesday
    Lecture"), else []."""
    out = []
    for i, h in enumerate(header):
        m = _SESSION_HEAD.match(clean(_EMPHASIS_MARKS.sub("", h)).rstrip(":"))
        if m is None:
            continue
        wd = weekday_number(m.group("wd1") or m.group("wd2") or m.group("wd3") or "")
        if wd is None:
            continue
        out.append((i, wd, bool(m.group("what") and _TUTORIAL_HEAD.match(m.group("what")))))
    lectures = {wd for _, wd, lab in out if not lab}
    return out if len(lectures) >= 2 else []


def _session_rows(
    header: list[str], body: list[tuple[int, list[str]]], sessions: list[tuple[int, int, bool]],
    *, later: Later | None, marked: bool,
) -> list[Row] | None:
    """Rows of a table with a column per weekly session: each column read as the title
    column of the table, its dates moved from the date column's weekday (its header's,
    "Date (Mon)", else the first session's) to the column's; lab columns' rows are
    tutorials. The week's other cells go with its first session."""
    cols = {i for i, _, _ in sessions}
    base_wd: int | None = None
    header2 = list(header)
    for i, h in enumerate(header):
        m = _DATE_HEAD.match(clean(_EMPHASIS_MARKS.sub("", h)))
        if m is not None:
            header2[i] = "Date"
            if m.group("wd"):
                base_wd = weekday_number(m.group("wd"))
    if base_wd is None:
        base_wd = sessions[0][1]
    keep = {i for i, h in enumerate(header2) if _role(h) in ("date", "week", "number")}
    found: list[tuple[int, int, Row]] = []
    for k, (j, wd, lab) in enumerate(sessions):
        shown = [i for i in range(len(header2)) if i == j or i in keep or (k == 0 and i not in cols)]
        h2 = ["Topic" if i == j else header2[i] for i in shown]
        b2 = [(ln, [cells[i] if i < len(cells) else "" for i in shown]) for ln, cells in body]
        got = rows_from_grid(h2, b2, later=later, marked=marked)
        for r in got or []:
            if r.date is not None and r.date.weekday in (None, base_wd) and wd != base_wd:
                r.date = days_later(r.date, (wd - base_wd) % 7)
            if lab and r.title and not r.kind_text:
                r.kind_text = "Lab"  # (a holiday or an exam in the column stays one)
            found.append((r.line, k, r))
    if not found:
        return None
    found.sort(key=lambda x: (x[0], x[1]))
    return [r for _, _, r in found]


def rows_from_grid(
    header: list[str], body: list[tuple[int, list[str]]], header_row: tuple[int, list[str]] | None = None,
    *, later: Later | None = None, marked: bool = True,
) -> list[Row] | None:
    """Schedule rows of a table: columns by their header's role, else by their content.
    A table with a column per weekly session ("Tuesday | Thursday") gives a row per
    session (:func:`_session_rows`).

    With ``later``, what the other cells hold (speakers, readings, assignments...) is
    read when the work left there is done (see :data:`~kg.importer.text.Later`).
    """
    sessions = _session_columns(header)
    if sessions:
        return _session_rows(header, body, sessions, later=later, marked=marked)
    roles = _header_roles(header, body)
    if roles is not None and not marked and any(find_date(h) for h in header):
        roles = None  # a first row that is not marked a header and holds a date is a row
    if roles is not None and "date" not in roles and "week" not in roles and "number" not in roles:
        by_content = content_roles(body)
        at = by_content.index("date") if by_content is not None else -1
        # (A row may be wider than the header: a date beyond it has no role to take.)
        if 0 <= at < len(roles) and at != roles.index("title"):
            roles[at] = "date"
    month_col = None
    if roles is not None and "date" not in roles and "week" not in roles:
        month_col = _month_day_column(body)
        if month_col is not None and roles[month_col] is None:
            roles[month_col] = "date"
        else:
            month_col = None
    if roles is None:
        # No header names a title column: the first row may be a row like the others.
        roles = content_roles([(0, header), *body])
        if roles is None:
            return None
        dcol = roles.index("date")
        if dcol < len(header) and find_date(header[dcol]) is not None:
            body = [header_row or (body[0][0] - 1 if body else 0, header), *body]
    rows: list[Row] = []
    unsure: set[int] = set()  # rows kept only if what ``later`` finds gives them a part
    week: int | None = None
    # The columns of each role, and of none, found once for the table.
    width = len(roles)
    role_cols: dict[str, list[int]] = {}
    for i, role in enumerate(roles):
        if role is not None:
            role_cols.setdefault(role, []).append(i)
    other_cols = [i for i, role in enumerate(roles) if role is None]
    dated: dict[str, _CellDate | None] = {}  # a date cell's text -> what it gives
    month_ctx: int | None = None
    for line, cells in body:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        by_role = {role: [cells[i] for i in cols] for role, cols in role_cols.items()}
        others = [cells[i] for i in other_cols]
        texts = [c for c in cells if c.strip()]
        if not texts:
            continue
        wm = WEEK_ROW.match(texts[0]) if len(texts) == 1 else None
        if wm:
            week = int(wm.group(1))
            continue
        if month_col is not None and len(texts) == 1:
            month = month_number(clean(_EMPHASIS_MARKS.sub("", texts[0])))
            if month is not None:
                month_ctx = month  # "Agosto" over "Jueves 10", "Jueves 17"
                continue
        for w in by_role.get("week", []):
            m = _ONE_OR_TWO_DIGITS.search(w)
            if m:
                week = int(m.group(0))
        if len(texts) == 1 and width >= 2 and "date" in role_cols and not any(
                cells[i].strip() for i in role_cols["date"]):
            # One cell across the row, outside the date column ("Thu 10/1: no class
            # (fall break)" spanning the table): a dated line of its own, when it
            # starts with a date.
            found = find_date(clean(texts[0]))
            if found is not None and not found[1].strip() and _WORDY.search(found[2]):
                r = Row(line=line, week=week, date=found[0], end_date=found[3])
                set_title(r, found[2].strip(" :-–—,;|"), breaks=True)
                if r.title:
                    rows.append(r)
                    continue
        if len(texts) == 1 and not by_role.get("date", [""])[0].strip() and not any(
            c.strip() for c in by_role.get("number", []) + by_role.get("week", [])
        ) and len(cells) > 2:
            continue  # a section heading across the table ("Representation of text")
        row = Row(line=line, week=week)
        for d in by_role.get("date", []):
            if d in dated:
                got = dated[d]
            else:
                got = dated[d] = _cell_date(d)
            if got is None and month_ctx is not None:
                dm = _DAY_ONLY.fullmatch(clean(d))
                if dm is not None and 1 <= int(dm.group(1)) <= 31:
                    got = (PageDate(month_ctx, int(dm.group(1)), None, None, clean(d)), None, None)
            if got is not None:
                row.date, row.end_date, week_before = got
                if week_before is not None:
                    row.week = week = week_before
                break
        if not any(t.strip() for t in by_role.get("title", [])):
            # "Oct 1: fall break" in the date column, spanning the title's: the date
            # and the title in one cell (one line, and more than a weekday after the date).
            for d in by_role.get("date", []):
                found = find_date(clean(d)) if d.strip() and "\n" not in d.strip() else None
                rest = found[2].strip(" :-–—,;|()[]") if found is not None else ""
                if found is not None and not found[1].strip() and _WORDY.search(rest) \
                        and weekday_number(rest) is None and month_number(rest) is None:
                    if row.date is None:
                        row.date, row.end_date = found[0], found[3]
                    by_role["title"] = [rest]
                    break
        if row.date is None and "date" not in role_cols:
            # "W1 Mon 9/2" in a Week column: the table's only dates.
            for w in by_role.get("week", []):
                got = dated[w] if w in dated else dated.setdefault(w, _cell_date(w))
                if got is not None:
                    row.date, row.end_date = got[0], got[1]
                    break
        for num in by_role.get("number", []):
            if _DIGIT.search(num):
                row.number = clean(num)
        tcell = next((t for t in by_role.get("title", []) if t.strip()), "")
        if "\n" in tcell:
            pairs = _dated_lines(by_role.get("date", []), tcell)
            if pairs:
                # "9/3<br>9/5" beside "Sorting<br>Hashing": a session a line.
                for on, text in pairs:
                    r = Row(line=line, week=week, date=on)
                    set_title(r, text, breaks=True)
                    r.title = split_title_markers(r, r.title).strip(" |-–—:;,")
                    rows.append(r)
                continue
        read = _title_cell(tcell)
        if isinstance(read, list):
            for part in read:
                r = Row(line=line, week=week, date=row.date)
                set_title(r, part, breaks=True)
                rows.append(r)
            continue
        title, detail, guest, number, markers, discussion, speakers, labelled = read
        row.title, row.detail, row.lecture_label = title, detail, labelled
        if speakers:
            row.speakers.extend(speakers)
        for k in by_role.get("kind", []):
            if k.strip():
                row.kind_text = clean(k)
                if not row.title:
                    row.title = row.kind_text  # "Pset 1 due" in a row with no title
        if not row.title or _BARE_NO_CLASS.fullmatch(row.title):
            # "No class" with the holiday named in a Notes cell, or only there: the
            # event keeps its name ("No class (MLK Day)").
            notes = others + by_role.get("readings", []) + by_role.get("details", [])
            note = next((clean(c) for c in notes if c.strip() and len(c.split()) <= 6 and "http" not in c), "")
            if note and not row.title and _NO_CLASS_NOTE.search(note):
                row.title = note
            elif note and row.title and not _NO_CLASS_NOTE.fullmatch(note):
                row.title = f"{row.title.rstrip('.')} ({note.strip('()')})"
        if not row.title and row.number and row.number.isdigit():
            # Lecture 13 with an empty topic: its part of the course names it ("latex").
            row.title = next((clean(t) for t in by_role.get("theme", []) if t.strip()), "")
        if not row.title:
            # "Thanksgiving" or "Spring break" written in the Week column of a row
            # with no title: the row is that (a number of weeks is not).
            w = next((clean(w) for w in by_role.get("week", []) if _WORDY.search(w) and not _DIGIT.search(w)), "")
            if w:
                row.title = w
        if guest:
            row.guest = True
        if number is not None and row.number is None:
            row.number = number
        if markers:
            row.assignments.extend(markers)
        if discussion is not None:
            row.discussion = discussion
        if later is None:
            _other_cells(row, by_role, others)
            if not _kept(row):
                continue
        else:
            later.append(partial(_other_cells, row, by_role, others))
            if not row.title:
                unsure.add(id(row))
        rows.append(row)
    if later is not None and unsure:
        later.append(partial(_drop_empty, rows, unsure))
    return rows


_CellDate = tuple[PageDate, PageDate | None, int | None]


def _dated_lines(date_cells: list[str], title: str) -> list[tuple[PageDate, str]] | None:
    """(date, title) pairs when a date cell's lines are each a date and the title
    cell has as many lines (several sessions in one row), else None."""
    dcell = next((d for d in date_cells if "\n" in d), None)
    if dcell is None:
        return None
    dates = [find_date(x.strip()) for x in dcell.split("\n") if x.strip()]
    titles = [x for x in strip_badges(title).split("\n") if x.strip()]
    if len(dates) < 2 or len(dates) != len(titles) or any(d is None or d[1].strip() for d in dates):
        return None
    return [(d[0], t) for d, t in zip(dates, titles) if d is not None]


def _cell_date(cell: str) -> _CellDate | None:
    """The first date of a date cell's lines: (date, end date, the week written before
    it), or None."""
    for dl in cell.split("\n"):
        got = find_date(dl.strip())
        if got is None and (md := _MONTH_DAY.fullmatch(dl.strip())) is not None:
            # "09-02" alone in a date column: month and day (day first when the first
            # cannot be a month).
            a, b = int(md.group(1)), int(md.group(2))
            month, day = (b, a) if a > 12 >= b else (a, b)
            if 1 <= month <= 12 and 1 <= day <= 31:
                return PageDate(month, day, None, None, md.group(0)), None, None
        if got is None:
            # "L 22/09", "Mer. 12/03": a weekday abbreviated in the page's language.
            wd = _SHORT_WORD.match(dl)
            got = find_date(dl[wd.end():]) if wd else None
            if got is not None and got[1].strip():
                got = None
        if got is not None:
            wm = _WEEK_BEFORE.match(got[1])
            return got[0], got[3], int(wm.group(1)) if wm else None
    return None


_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")
_SHORT_WORD = re.compile(r"\s*[^\W\d_]{1,3}\.?\s+(?=\d)")


_TitleCell = tuple[str, str, bool, str | None, tuple[str, ...], str | None, tuple[str, ...], bool]


@lru_cache(maxsize=1 << 14)
def _title_cell(text: str) -> list[str] | _TitleCell:
    """What a title cell gives a fresh row (memoised: schedules repeat their titles):
    the cell's parts when it holds several numbered lectures (:func:`split_numbered`),
    else (title, detail, guest, number, assignment markers, discussion, speakers,
    whether it is labelled a lecture) as
    :func:`set_title` and :func:`split_title_markers` read them."""
    title = strip_badges(text)
    multi = split_numbered(title)
    if len(multi) > 1:
        return multi
    row = Row(line=0)
    set_title(row, title, breaks=True)
    row.title = split_title_markers(row, row.title).strip(" |-–—:;,")
    return (
        row.title, row.detail, row.guest, row.number, tuple(row.assignments), row.discussion,
        tuple(row.speakers), row.lecture_label,
    )


def _kept(row: Row) -> bool:
    """A row of a table is kept when it has a title, an assignment or a discussion."""
    return bool(row.title or row.assignments or row.discussion)


def _drop_empty(rows: list[Row], unsure: set[int]) -> None:
    rows[:] = [r for r in rows if id(r) not in unsure or _kept(r)]


def _other_cells(row: Row, by_role: dict[str, list[str]], others: list[str]) -> None:
    """What a row's cells hold besides its title, date, number and week."""
    for d in by_role.get("details", []):
        row.detail = clean(f"{row.detail} {d}")
    for s in by_role.get("speaker", []):
        names = looks_like_names(clean(s))
        if names:
            row.speakers.extend(names)
        elif clean(s):
            row.speakers.extend(p.strip() for p in _SPEAKER_SEP.split(clean(s)) if p.strip())
    for cell in by_role.get("readings", []):
        for ln in cell.split("\n"):
            ln = take_materials(row, clean(ln))
            if not ln:
                continue
            m = ASSIGN.search(ln) if _ACTION_WORD.search(ln) else None
            if m is not None and m.group("act"):
                ln = take_assignments(row, ln).strip()  # "HW1 out" in a Notes column
                if not ln:
                    continue
            b = BULLET.match(ln)
            text = b.group(1) if b else ln
            optional = bool(_OPTIONAL.search(text))
            text = _READING_LABEL.sub("", text)
            text = _READINGS_LABEL.sub("", text)
            if text:
                row.readings.append(ReadingLine(text, optional))
    for cell in by_role.get("assignments", []):
        for ln in cell.split("\n"):
            take_assignments(row, ln)
    for cell in by_role.get("discussion", []):
        d = clean(cell)
        if d and not _NO_DISCUSSION.match(d):
            row.discussion = d
    for cell in others:
        absorb(row, cell)


_NUMBERED_LINE = re.compile(r"(?i)^\s*(?:lecture|lec|class|session)\s*\d{1,3}(?:\.\d{1,2})?\s*[-–—:.)]\s*\S")


def split_numbered(cell: str) -> list[str]:
    """The lectures of a cell holding several, each on its own line and numbered
    ("Lecture 1. A" / "Lecture 2: B"); else the cell as one."""
    parts = [p for p in cell.split("\n") if p.strip()]
    if len(parts) >= 2 and sum(1 for p in parts if _NUMBERED_LINE.match(p)) >= 2:
        out: list[str] = []
        for p in parts:
            if _NUMBERED_LINE.match(p) or not out:
                out.append(p)
            else:
                out[-1] += "\n" + p
        return out
    return [cell]


GRID_COLUMNS = 256
"""A table's rows are read for their first this many columns once spans are expanded
(a schedule has a few; spans of 100 on every cell of thousands of rows would make a grid
of millions)."""


def grid(table: list[list[tuple[str, bool, int, int, int]]]) -> list[tuple[int, list[str], bool]]:
    """Expand rowspan/colspan: every row gets a value in every column it spans (up to
    :data:`GRID_COLUMNS`)."""
    if all(c[2] == 1 and c[3] == 1 for tr in table for c in tr):
        # No spans at all (most tables): each row's texts as they are.
        return [(tr[0][4], [c[0] for c in tr], all([c[1] for c in tr])) for tr in table if tr]
    out: list[tuple[int, list[str], bool]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows left)
    for tr in table:
        if not pending and all(c[2] == 1 and c[3] == 1 for c in tr):
            # No span open and none starting: the row's texts as they are.
            if tr:
                out.append((tr[0][4], [c[0] for c in tr], all(c[1] for c in tr)))
            continue
        row: list[str] = []
        col = 0
        line = tr[0][4] if tr else 0
        header = bool(tr) and all(c[1] for c in tr)
        cells = list(tr)
        while (cells or any(c >= col for c in pending)) and col < GRID_COLUMNS:
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
            for k in range(min(cs, GRID_COLUMNS - col)):
                row.append(text if k == 0 else "")
                if rs > 1:
                    pending[col + k] = (text if k == 0 else "", rs - 1)
            col += cs
        if row:
            out.append((line, row, header))
    return out


def table_rows(table: list[list[tuple[str, bool, int, int, int]]], *, later: Later | None = None) -> list[Row] | None:
    """Schedule rows of one table (cells as (text, is_th, rowspan, colspan, line))."""
    g = grid(table)
    if len(g) < 2:
        return None
    # The header: the first all-<th> row among the first three, else the first row.
    marked = next((i for i, (_, _, is_h) in enumerate(g[:3]) if is_h), None)
    h = marked or 0
    header = [c.split("\n")[0] for c in g[h][1]]
    body = [(ln, cells) for ln, cells, _ in g[h + 1 :]]
    return rows_from_grid(header, body, (g[h][0], g[h][1]), later=later, marked=marked is not None)


