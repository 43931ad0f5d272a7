"""Schedule rows from records: a list item, a block, a heading section, a calendar cell.

A record is a few lines of text (:class:`~kg.importer.document.Line`). Its date is the
first date near the start of one of its first lines; its title is the first line that
reads as a title (a heading, button or bold run, or a line labelled "Topic:"/"Lecture:"),
else the first line that is neither a date, a list of links nor a labelled aside
("Readings:", "Slides:"); the other lines are detail, read for linking only. Lines
labelled with an event ("Seminar:", "Due:", "Released:", "Homework:") become rows of
their own, of that kind, on the record's date.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.importer.dates import WEEK_WORDS, PageDate, find_date, trailing_date
from kg.importer.document import Line, Record
from kg.importer.rows import (
    ASSIGN, Row, absorb, clean, looks_like_names, only_acted_markers, set_title, strip_badges,
    take_acted_markers, take_marker_line,
)

_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z -]{0,24}?)\s*:\s*(?P<rest>.*)$")
_TITLE_LABELS = frozenset(
    "topic topics lecture lectures title class session talk guest lecture guest talk "
    "lecture topic subject theme".split(" ")
) | {"guest lecture", "guest talk", "lecture topic"}
_EVENT_LABELS = {
    "seminar": "tutorial", "seminars": "tutorial", "lab": "tutorial", "labs": "tutorial",
    "recitation": "tutorial", "tutorial": "tutorial", "practice": "tutorial", "practical": "tutorial",
    "practicum": "tutorial", "section": "tutorial", "homework": "assignment", "assignment": "assignment",
    "assignments": "assignment", "due": "deadline", "deadline": "deadline", "deadlines": "deadline",
    "released": "release", "release": "release", "out": "release", "exam": "exam", "quiz": "exam",
}
_NOTHING = re.compile(r"(?i)\W*(?:none|nothing|n/?a|tba|tbd|-+|—)\W*")  # "Deadlines: None"
_ASIDE_LABELS = frozenset(
    "readings reading pre-class preclass pre class slides video videos notes materials material "
    "resources references optional extra-credit extra credit further reading suggested reading "
    "recording recordings code notebook notebooks documents lecture recordings required reading "
    "optional reading optional readings required readings additional reading links location "
    "time room speaker speakers instructor lecturer presenter tldr tl;dr summary abstract "
    "description supplementary materials kind type".split(" ")
) | {"pre-class", "extra credit", "further reading", "lecture recordings", "optional readings",
     "required readings", "suggested readings", "additional readings", "supplementary materials",
     "tl;dr"}
_LINKS_ONLY = re.compile(
    r"(?i)^(?:[\[\(]?\s*(?:slides?|pdf|video|videos|code|notes|notebook|colab|github|recording|"
    r"lecture recording|youtube|html|ipynb|handout|link|solutions?|part\s*\d+|\d+)\s*[\]\)]?[\s,|/·•]*)+$"
)
_WEEK_MARK = re.compile(
    rf"(?i)^\s*(?:(?:{WEEK_WORDS})\s*0*(\d{{1,2}})(?![^\W_])|第\s*0*(\d{{1,2}})\s*周)[\s_:.)：-]*(?:\(extra\)[\s_]*)?")
_PART_MARK = re.compile(r"(?i)^\s*(?:session|day|module|unit|part|lesson|block)\s*0*(\d{1,2})\s*(?:$|[:.)–—-])")
_NUMBERED = re.compile(r"(?i)^\s*(?:lecture|lec|class|session|day|lesson|meeting)\s*(\d{1,3}[a-z]?)\s*[-–—:.)]\s*(?=\S)")
_LEAD_NUMBER = re.compile(r"^\s*(\d{1,3})[.)]\s+(?=\S)")
_SECTION_WORDS = re.compile(
    r"(?i)^\s*(?:lectures?|schedule|syllabus|timetable|calendar|readings?|references?|resources?|materials?|"
    r"assignments?|homeworks?|grading|logistics|contacts?|prerequisites?|textbooks?|instructors?|staff|"
    r"tas|lecturers?|office hours|links|announcements?|preamble|about|faq|policies|course information)\s*:?\s*$"
)
_DETAIL_MAX = 2000
_TRAILING_NAMES = re.compile(r"\s*[\[(]([^\[\]()]{3,80})[\])]\s*$")


_QUALIFIER = re.compile(r"(?:optional|extra|bonus|additional|required|mandatory|graded|ungraded)\s+")
_SPEAKER_LABELS = frozenset("speaker speakers lecturer lecturers instructor instructors presenter presenters".split())
_GUEST_NOTE = re.compile(r"(?i)[(\[]\s*guest(?:\s+(?:lecture|lecturer|speaker))?\s*[)\]]")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")
_ONE_OR_TWO_DIGITS = re.compile(r"\d{1,2}")
_TIME_ONLY = re.compile(r"\s*\d[\d.:\s|–-]*(?:[AaPp][Mm])?[\s|]*\w{0,12}")


def _trailing_names(title: str) -> tuple[str, list[str]]:
    """'Introduction [Phil Blunsom]': the title and the speakers in brackets after it."""
    m = _TRAILING_NAMES.search(title)
    if m is None:
        return title, []
    names = looks_like_names(m.group(1))
    if not names:
        return title, []
    return title[: m.start()], names


_LECTURE_WORD = re.compile(r"(?i)\s*(?:lecture|lec|class)\b")
_LABEL_ONLY = re.compile(r"(?i)(?:day|class|session|meeting|lesson|lecture|lec)\s*#?\s*(\d{1,3})")


@lru_cache(maxsize=1 << 14)  # pages repeat their lines (a record's lines are read twice)
def _label(text: str) -> tuple[str, str] | None:
    m = _LABEL.match(text)
    if m is None:
        return None
    label = m.group("label").strip().lower()
    q = _QUALIFIER.match(label)
    if q and label[q.end():] in _EVENT_LABELS:
        label = label[q.end():]  # "Optional homework:", "Bonus lab:" are that work
    if label in _TITLE_LABELS or label in _EVENT_LABELS or label in _ASIDE_LABELS:
        return label, m.group("rest").strip()
    return None


@lru_cache(maxsize=1 << 14)
def _is_links(text: str) -> bool:
    return bool(_LINKS_ONLY.match(text.strip())) or not _TWO_LETTERS.search(text)


# "Project: Project 1: Bees": a label ("**Project**{: .label}") before a title that
# starts with the same word.
_LABEL_REPEATED = re.compile(r"(?i)^([^\W\d_]{3,})\s*:?\s+(?=\1\b)")
_SESSION_BEFORE = re.compile(r"(?i)^\W*(lecture|lec|class|session|lab|recitation|tutorial|seminar|section)\s*(\d{1,3})?\b")


def _dated_children(lines: list[Line]) -> list[int]:
    """The nested lines of a record that each start with their own date ("Lecture 3
    (Feb. 13): Title" under "Week 2 (Feb. 13-17)")."""
    return [i for i, ln in enumerate(lines) if ln.depth > 0 and len(ln.text) <= 200 and find_date(ln.text) is not None]


def _labelled_title(lines: list[Line], after: int | None) -> tuple[int, str] | None:
    """The first line after ``after`` labelled a title ("Title: Course Introduction",
    "Topic: Sorting") with text after its label: (its index, that text), or None."""
    for k in range(0 if after is None else after + 1, len(lines)):
        lab = _label(lines[k].text)
        if lab is not None and lab[0] in _TITLE_LABELS and lab[1] and not _is_links(lab[1]):
            return k, lab[1]
    return None


def record_rows(rec: Record, week: int | None = None) -> list[Row]:
    """The rows one record holds: usually one; more when it also names events, or
    when its nested lines are sessions of their own, each dated (a week's item
    listing its lectures and labs)."""
    lines = [ln for ln in rec.lines if ln.text.strip()]
    if not lines:
        return []
    children = _dated_children(lines) if len(lines) > 2 and lines[0].depth == 0 else []
    if len(children) >= 2:
        wm = _WEEK_MARK.match(lines[0].text)
        if wm:
            week = int(next(g for g in wm.groups() if g))
        out: list[Row] = []
        for k, i in enumerate(children):
            stop = children[k + 1] if k + 1 < len(children) else len(lines)
            sub_lines = [Line(ln.text, ln.titled, ln.line, ln.label, 0 if j == i else ln.depth)
                         for j, ln in enumerate(lines[i:stop], i)]
            out.extend(record_rows(Record(sub_lines, lines[i].line, section=rec.section), week))
        return out
    if rec.section:
        sw = _WEEK_MARK.match(rec.section) or _PART_MARK.match(rec.section)
        if sw:
            week = int(next(g for g in sw.groups() if g))  # a list under "## Week 3 (Jan 27 - 31)" or "## Session 3"
    date: PageDate | None = None
    end: PageDate | None = None
    before_kind: str | None = None
    before_number: str | None = None
    date_at: int | None = None
    after_date = ""
    for i, ln in enumerate(lines[:4]):
        if len(ln.text) > 120 and i:
            continue
        got = find_date(ln.text)
        if got is None and i + 1 < len(lines) and _ONE_OR_TWO_DIGITS.fullmatch(ln.text.strip()):
            got = find_date(ln.text + " " + lines[i + 1].text)  # "03" / "September"
            if got is not None:
                lines[i + 1] = Line("", line=lines[i + 1].line)
        if got is None:
            continue
        date, before, after, end = got
        date_at = i
        after_date = after
        wm = _WEEK_MARK.match(before)
        if wm:
            week = int(next(g for g in wm.groups() if g))
        session = _SESSION_BEFORE.match(before) if before else None
        if session is not None:
            # "Lab 1 (Feb. 14): Title": what kind of session, and its number.
            before_kind, before_number = session.group(1), session.group(2)
        break
    row = Row(line=rec.line or lines[0].line, week=week, date=date, number=rec.number, section=rec.section)
    row.end_date = end
    if before_kind is not None:
        if before_kind.lower() in ("lecture", "lec", "class", "session"):
            row.lecture_label = True
            row.number = row.number or before_number
        else:
            row.kind_text = before_kind
    extra: list[Row] = []
    title: str | None = None
    title_at: int | None = None
    # A titled line (heading, button, bold) or a "Topic:" line first; else the first
    # plain line; else the text after the date.
    pending_title_label = False
    for i, ln in enumerate(lines):
        text = ln.text
        if i == date_at:
            text = after_date.strip(" |:-–,>*")
            if _is_links(text) or _TIME_ONLY.fullmatch(text):
                continue
        if not text:
            continue
        lab = _label(text)
        if lab is not None:
            label, rest = lab
            if label in _TITLE_LABELS:
                if rest and not _is_links(rest):
                    title, title_at = rest, i
                    if label.startswith("guest"):
                        row.guest = True
                    break
                pending_title_label = True
                continue
            continue
        if pending_title_label or ln.titled:
            if not _is_links(text) and not (ln.titled and only_acted_markers(text)):
                # (A bold "Assignment 1 released" labels the session; it is not its title.)
                title, title_at = text, i
                break
    if title is None:
        for i, ln in enumerate(lines):
            text = ln.text if i != date_at else after_date.strip(" |:-–,>*")
            if not text or _is_links(text) or _label(text) is not None:
                continue
            if i == date_at and _TIME_ONLY.fullmatch(text):
                continue
            title, title_at = text, i
            break
    if title is None:
        return []
    for i, ln in enumerate(lines):
        if i != title_at and ln.titled and i != date_at and only_acted_markers(ln.text):
            take_marker_line(row, ln.text)  # (a bold "Assignment 1 released" beside the title)
    title = title.lstrip(": ").strip()
    if row.date is None and title_at is not None and lines[title_at].titled:
        tail = trailing_date(title)
        if tail is not None:
            row.date, title, row.end_date = tail  # "## Midterm - Mar. 20": a heading dated at its end
    wm = _WEEK_MARK.match(title)
    if wm and len(title) > wm.end():
        row.week = int(next(g for g in wm.groups() if g))
        title = title[wm.end():]
    elif wm:
        return []  # a bare "Week 3" is a heading, not a session
    lead = _LEAD_NUMBER.match(title)
    if lead:
        title = title[lead.end():]
    # "3. Lecture 2a - Title": the page's own label, not the count of its headings.
    nm = _NUMBERED.match(title)
    if nm:
        row.number = nm.group(1)
    elif lead and row.number is None:
        row.number = lead.group(1)
    title, speakers = _trailing_names(title)
    row.speakers.extend(speakers)
    if _SECTION_WORDS.match(title):
        return []  # "Lectures", "Readings": a part of the page, not a session
    set_title(row, strip_badges(_LABEL_REPEATED.sub("", title)), breaks=True)
    row.title = take_acted_markers(row, row.title)
    label_only = _LABEL_ONLY.fullmatch(row.title)
    labelled = _labelled_title(lines, title_at) if label_only else None
    if label_only and _LECTURE_WORD.match(row.title):
        row.lecture_label = True  # the page calls the session a lecture ("Lecture 15" / "Workshop: ...")
    if label_only and labelled is not None:
        # "Lecture 1" over "Title: Course Introduction": the labelled line is the title.
        row.number = row.number or label_only.group(1)
        title_at, text = labelled
        set_title(row, strip_badges(text), breaks=True)
        lab = _label(lines[title_at].text)
        if lab is not None and lab[0].startswith("guest"):
            row.guest = True  # "Session 3" over "Guest lecture: ..."
    elif label_only and title_at is not None:
        # "Day 01" over a list of what the day holds: its first item is the title.
        for k in range(title_at + 1, len(lines)):
            text = lines[k].text
            if text and k != date_at and not _is_links(text) and _label(text) is None and not ASSIGN.match(text):
                row.number = row.number or label_only.group(1)
                set_title(row, strip_badges(text), breaks=True)
                title_at = k
                break
    # The rest: event lines become rows; asides are dropped; other lines are detail.
    detail: list[str] = []
    for i, ln in enumerate(lines):
        if i == title_at or not ln.text:
            continue
        text = ln.text if i != date_at else after_date
        lab = _label(text)
        if lab is not None:
            label, rest = lab
            if label in _EVENT_LABELS and rest and not _NOTHING.fullmatch(rest):
                kind = _EVENT_LABELS[label]
                ev = Row(line=ln.line or row.line, week=row.week, date=row.date, section=rec.section)
                ev.kind = kind
                set_title(ev, strip_badges(rest), breaks=True)
                if kind in ("deadline", "release", "assignment"):
                    marker = rest + (" due" if kind == "deadline" else " out" if kind == "release" else "")
                    row.assignments.append(clean(marker))
                if ev.title:
                    extra.append(ev)
                continue
            if label in _SPEAKER_LABELS and rest:
                if _GUEST_NOTE.search(rest):
                    row.guest = True  # "Speaker: Ann Smith (guest)"
                names = looks_like_names(clean(_GUEST_NOTE.sub(" ", rest)))
                if names:
                    row.speakers.extend(n for n in names if n not in row.speakers)
            elif label in ("kind", "type") and rest:
                row.kind_text = rest  # a data file's "type: recitation"
            elif label in _TITLE_LABELS and rest:
                detail.append(rest)
                if label.startswith("guest"):
                    row.guest = True  # "Guest lecture: ..." under the session's title
            elif label in ("readings", "reading", "required reading", "optional readings", "required readings"):
                row.reading_text.append(rest)
            continue
        if i == date_at:
            rest_of_date = after_date.strip(" |:-–,>*")
            if rest_of_date and not _is_links(rest_of_date) and title_at != date_at:
                detail.append(rest_of_date)
            continue
        if ln.depth > 0 or i > (title_at or 0):
            if not _is_links(text):
                detail.append(text)
    # Each line its own item: a name never runs from one line into the next. The
    # detail is kept to 2,000 characters: lines past those are not read.
    parts = [x for x in [clean(row.detail)] if x]
    size = len(parts[0]) if parts else 0  # the length of "; ".join(parts)
    for d in detail:
        if size > _DETAIL_MAX:
            break
        part = clean(strip_badges(d))
        if part:
            size += (2 if parts else 0) + len(part)
            parts.append(part)
    row.detail = clean("; ".join(parts))
    if len(row.detail) > _DETAIL_MAX:
        row.detail = row.detail[:_DETAIL_MAX]
    return [row, *extra]


def split_multi(row: Row) -> list[Row]:
    """A title cell holding several numbered lectures ("Lecture 1. A <br> Lecture 2. B")
    is one row per lecture."""
    parts = [p for p in row.title.split("\n") if p.strip()]
    if len(parts) < 2 or not all(_NUMBERED.match(p) for p in parts):
        return [row]
    out = []
    for p in parts:
        r = Row(line=row.line, week=row.week, date=row.date, section=row.section)
        set_title(r, strip_badges(p), breaks=True)
        out.append(r)
    return out


def absorb_cells(row: Row, cells: list[str]) -> None:
    for c in cells:
        absorb(row, c)
