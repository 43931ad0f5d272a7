"""Dates as syllabus pages write them, and the year they fall in."""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


# Month and weekday names, and the words for a week, of the languages course pages are
# written in (English, German, French, Spanish, Italian, Portuguese, Dutch), in one
# place: every date form below is built from these tables.
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
# Month names and abbreviations of the other languages, read in the day-first forms
# those languages write ("11 de marzo", "3. Okt.", "15 janv.", "3 de out.").
_FOREIGN_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("enero", "ene", "janeiro", "janvier", "janv", "januar", "jänner", "jän", "gennaio", "gen", "januari"),
            ("febrero", "fevereiro", "fev", "février", "févr", "fév", "fevrier", "fevr", "februar", "febbraio",
             "februari"),
            ("marzo", "março", "marco", "mars", "märz", "mär", "maerz", "mrz", "maart", "mrt"),
            ("abril", "abr", "avril", "avr", "aprile"),
            ("mayo", "maio", "mai", "maggio", "mag", "mei"),
            ("junio", "junho", "juin", "juni", "giugno", "giu"),
            ("julio", "julho", "juillet", "juil", "juli", "luglio", "lug"),
            ("agosto", "ago", "août", "aout", "augustus"),
            ("septiembre", "setiembre", "setembro", "septembre", "settembre", "set"),
            ("octubre", "outubro", "out", "octobre", "oktober", "okt", "ottobre", "ott"),
            ("noviembre", "novembro", "novembre"),
            ("diciembre", "dic", "dezembro", "dez", "décembre", "déc", "decembre", "dezember", "dicembre"),
        ],
        start=1,
    )
    for m in names
}
# Abbreviations that are English words too ("3 out of 5", "2 sets"): a month only with
# its full stop, a year after it, or between digits and a dash or slash ("03/out").
_WORDLIKE_MONTHS = frozenset({"out", "set", "ago", "gen", "mag"})
_ALL_MONTHS = {**_FOREIGN_MONTHS, **_MONTHS}


def _alternatives(words: Iterable[str]) -> str:
    """A pattern for any of ``words``, factored by their letters ("mar(?:di|tes)?"), so
    that a text is tried once per letter, not once per word (these patterns run on
    every cell of a page); the longest word where several match."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(trie)


_SAFE_MONTH_RE = _alternatives(w for w in _ALL_MONTHS if w not in _WORDLIKE_MONTHS)
_WORDLIKE_MONTH_RE = _alternatives(_WORDLIKE_MONTHS)
# A month after a day: its name, or an abbreviation that is also a word with its full
# stop or a year after it.
_ANY_MONTH_RE = rf"(?:{_SAFE_MONTH_RE})\.?|(?:{_WORDLIKE_MONTH_RE})(?:\.|(?=,?\s+\d{{4}}\b))"
_WEEKDAYS = {
    d: i
    for i, names in enumerate(
        [
            ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for d in names
}
# Weekdays of the other languages, with the abbreviations pages print before a date
# ("Di., 3. Okt.", "mar. 3 oct.", "ma 13 nov"): read only where a date follows.
_FOREIGN_WEEKDAYS = {
    d: i
    for i, names in enumerate(
        [
            ("montag", "mo", "lundi", "lun", "lunes", "lunedì", "lunedi", "segunda", "segunda-feira", "seg",
             "maandag", "ma"),
            ("dienstag", "di", "mardi", "mar", "martes", "martedì", "martedi", "terça", "terca", "terça-feira",
             "terca-feira", "ter", "dinsdag"),
            ("mittwoch", "mi", "mercredi", "mer", "miércoles", "miercoles", "mié", "mie", "mercoledì", "mercoledi",
             "quarta", "quarta-feira", "qua", "woensdag", "wo"),
            ("donnerstag", "do", "jeudi", "jeu", "jueves", "jue", "giovedì", "giovedi", "gio", "quinta",
             "quinta-feira", "qui", "donderdag"),
            ("freitag", "fr", "vendredi", "ven", "viernes", "vie", "venerdì", "venerdi", "sexta", "sexta-feira",
             "sex", "vrijdag", "vr"),
            ("samstag", "sa", "samedi", "sam", "sábado", "sabado", "sáb", "sab", "zaterdag", "za"),
            ("sonntag", "so", "dimanche", "dim", "domingo", "dom", "domenica", "zondag", "zo"),
        ]
    )
    for d in names
}
_ALL_WEEKDAYS = {**_FOREIGN_WEEKDAYS, **_WEEKDAYS}
_WEEKDAY_RE = r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_FOREIGN_WEEKDAY_RE = _alternatives(_FOREIGN_WEEKDAYS)
_ANY_WEEKDAY_RE = f"{_WEEKDAY_RE}|{_FOREIGN_WEEKDAY_RE}"
_MONTH_RE = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# The word for a week: "Week 3", "Woche 3", "Semaine 3", "Semana 3", "Settimana 3", "KW 42".
WEEK_WORDS = r"week|wk|woche|semaine|semana|settimana|kw"
# A day's ordinal mark: "3rd", "1er", "1re", "1º", "3." (German).
_ORDINAL = r"(?:st|nd|rd|th|er|re|º|°|ª)"


# A weekday of another language before a date ("Di., 3. Okt.", "mardi 3 octobre"): tried
# only where the date forms above fail at the start of a text (most cells are read
# without it).
_FOREIGN_WEEKDAY_STARTS = frozenset({w[0] for w in _FOREIGN_WEEKDAYS} | set(" \t\n"))
_FOREIGN_WEEKDAY_AT_START = re.compile(rf"\s*(?:{_FOREIGN_WEEKDAY_RE})\.?,?\s+(?=\d)", re.I)
_DATE_AT_START = re.compile(
    rf"""\s*+(?:(?P<wd>{_WEEKDAY_RE})\.?(?:,?\s+|-(?=\d)))?(?:   # "Tue 9/9", "Wed-18-Aug" (matched from a position)
          (?P<iy>\d{{4}})(?P<isep>[-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})      # 2025-09-09, 2025/9/9
        | (?P<ed>\d{{1,2}})\.(?P<em>\d{{1,2}})\.(?P<ey>\d{{4}})                        # 09.09.2025 (day first)
        | (?P<e2d>\d{{2}})\.(?P<e2m>\d{{2}})\.(?P<e2y>\d{{2}})                         # 21.09.22 (two digits each)
        | (?P<sm>\d{{1,2}})/(?P<sd>\d{{1,2}})(?:/(?P<sy>\d{{2}}|\d{{4}}))?              # 9/9, 9/9/25
        | (?P<pm>\d{{1,2}})\s+/\s+(?P<pd>\d{{1,2}})\s+/\s+(?P<py>\d{{4}})                # 2 / 20 / 2015
        | (?P<mon>{_MONTH_RE})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<my>\d{{4}}))?  # Sep 9, October 3rd
        | (?P<hd>\d{{1,2}})[-/](?P<hmon>{_SAFE_MONTH_RE}|{_WORDLIKE_MONTH_RE})\.?(?:[-/](?P<hy>\d{{4}}|\d{{2}}))?  # 03-Sep-2024, 5-abr, 03/out
        | (?P<fd>\d{{1,2}})(?:{_ORDINAL}?\s+|\.\s*)(?:de\s+)?(?P<fmon>{_ANY_MONTH_RE})(?:,?\s+(?:de\s+)?(?P<fy>\d{{4}}))?  # 9 Sep, 3. Okt., 1er avril, 11 de marzo
        | (?:(?P<zy>\d{{4}})\s*年\s*)?(?P<zm>\d{{1,2}})\s*月\s*(?P<zd>\d{{1,2}})\s*[日号]                # 2月24日
        | (?P<xm>\d{{2}})-(?P<xd>\d{{2}})                                              # TUE 01-21 (after a weekday)
        )(?![\w/])""",
    re.I | re.X,
)
# The days of each month (29 for February: a page's "Feb 29" is checked against its year later),
# for the ends of ranges.
_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month(word: str) -> int:
    return _ALL_MONTHS[word.lower().rstrip(".")]


@dataclass(frozen=True)
class PageDate:
    """A date as a page writes it; ``year`` only when the page gives one."""

    month: int
    day: int
    year: int | None = None
    weekday: int | None = None  # Monday = 0
    text: str = ""

    def on(self, year: int) -> _dt.date | None:
        try:
            return _dt.date(self.year or year, self.month, self.day)
        except ValueError:
            return None


@lru_cache(maxsize=1 << 14)  # pages repeat their lines (a page's text is read by several readers)
def parse_date(text: str) -> tuple[PageDate, str] | None:
    """The date at the start of ``text`` and the text after it, or ``None``.

    >>> parse_date("Tue 9/9 | How to train")[0]
    PageDate(month=9, day=9, year=None, weekday=1, text='Tue 9/9')
    >>> parse_date("Sep 4 Optimization")[1]
    ' Optimization'
    >>> parse_date("2025-10-02")[0].year
    2025
    >>> parse_date("14.10.2025 Kernels")[0]     # dotted with the year: day first
    PageDate(month=10, day=14, year=2025, weekday=None, text='14.10.2025')
    >>> parse_date("03-Sep-2024 Kernels")[0]    # spreadsheet style; "26-Sep" without the year
    PageDate(month=9, day=3, year=2024, weekday=None, text='03-Sep-2024')
    """
    m = _DATE_AT_START.match(text)
    foreign = None
    if m is None:
        if text[:1].lower() not in _FOREIGN_WEEKDAY_STARTS:
            return None
        retry = True
    else:
        mon = m.group("mon")
        retry = mon is not None and mon.lower() == "mar"
    if retry:
        # (No date at the start, or "Mar 5", which may be the Spanish, French or
        # Italian Tuesday before a date: "Mar 5-mar", "mar. 5 mars".)
        foreign = _FOREIGN_WEEKDAY_AT_START.match(text)
        m2 = _DATE_AT_START.match(text, foreign.end()) if foreign is not None else None
        if m2 is None or m2.group("wd") or m2.group("xm"):
            foreign = None
        else:
            m = m2
    if m is None:
        return None
    g = m.groupdict()
    year: int | None = None
    if g["iy"]:
        month, day, year = int(g["im"]), int(g["id"]), int(g["iy"])
    elif g["ed"]:
        month, day, year = int(g["em"]), int(g["ed"]), int(g["ey"])
    elif g["e2d"]:
        month, day, year = int(g["e2m"]), int(g["e2d"]), 2000 + int(g["e2y"])
    elif g["sm"]:
        month, day = int(g["sm"]), int(g["sd"])
        if month > 12 >= day:
            month, day = day, month  # "15/08": day first (see :func:`day_first`)
        if g["sy"]:
            year = int(g["sy"]) + (2000 if len(g["sy"]) == 2 else 0)
    elif g["mon"]:
        month, day = _MONTHS[g["mon"].lower().rstrip(".")], int(g["md"])
        year = int(g["my"]) if g["my"] else None
    elif g["pm"]:
        month, day, year = int(g["pm"]), int(g["pd"]), int(g["py"])
    elif g["xm"]:
        if not g["wd"]:
            return None  # "01-21" alone may be a range of weeks or pages; after a weekday, a date
        month, day = int(g["xm"]), int(g["xd"])
    elif g["zm"]:
        month, day = int(g["zm"]), int(g["zd"])
        year = int(g["zy"]) if g["zy"] else None
    elif g["fmon"]:
        month, day = _month(g["fmon"]), int(g["fd"])
        year = int(g["fy"]) if g["fy"] else None
    else:
        month, day = _month(g["hmon"]), int(g["hd"])
        year = int(g["hy"]) + (2000 if len(g["hy"]) == 2 else 0) if g["hy"] else None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    # (A day the month lacks, "31.02.", keeps its row: the draft leaves the date out and
    # says so, :meth:`PageDate.on`.)
    if foreign is not None:
        wd = _FOREIGN_WEEKDAYS.get(foreign.group(0).strip(" \t\n.,").lower())
    else:
        wd = _WEEKDAYS.get(g["wd"].lower()) if g["wd"] else None
    return PageDate(month, day, year, wd, " ".join(text[: m.end()].split())), text[m.end():]


_SLASHED = re.compile(r"(?<![\d/.])(\d{1,2})([/.])(\d{1,2})(?:(?:/|\.)(?:\d{2,4})?)?$")


def day_first(dates: list[PageDate]) -> list[PageDate] | None:
    """The dates read day first ("05/09" as 5 September), when the page writes its
    slashed (or dotted) dates that way; else ``None``. The page decides, from all its
    dates together: one that cannot be month first ("15/08") and none that cannot be
    day first ("08/15"); or, where none can be only one, the reading that makes the
    schedule run forward week by week ("04/03 06/03 11/03" are three days of March,
    not the third of April, June and November).

    >>> [(d.month, d.day) for d in day_first([parse_date(x)[0] for x in ("15/08", "05/09")])]
    [(8, 15), (9, 5)]
    >>> day_first([parse_date(x)[0] for x in ("9/15", "10/02")]) is None
    True
    >>> [(d.month, d.day) for d in day_first([parse_date(x)[0] for x in ("04/03", "06/03", "11/03")])]
    [(3, 4), (3, 6), (3, 11)]
    """
    day_first_seen = False
    pairs: list[tuple[int, int]] = []
    for d in dates:
        if "/" not in d.text and "." not in d.text:
            continue  # ("Sep 9": not slashed or dotted)
        m = _SLASHED.search(d.text)
        if m is None:
            continue
        if int(m.group(3)) > 12:
            return None  # "9/15": month first (a page says so within its first weeks)
        day_first_seen = day_first_seen or int(m.group(1)) > 12
        pairs.append((int(m.group(1)), int(m.group(3))))
    if not day_first_seen and not (len(pairs) >= 3 and _span([(b, a) for a, b in pairs]) * 2 < _span(pairs)):
        return None
    out = []
    for d in dates:
        m = _SLASHED.search(d.text)
        if m is not None and int(m.group(1)) <= 12 and (d.month, d.day) == (int(m.group(1)), int(m.group(3))):
            d = PageDate(int(m.group(3)), int(m.group(1)), d.year, d.weekday, d.text)
        out.append(d)
    return out


def _span(pairs: list[tuple[int, int]]) -> int:
    """The days a run of (month, day) pairs spans, read forward (into the next year
    where a month comes round again); a pair that is no date spans a year."""
    total = 0
    prev: int | None = None
    for month, day in pairs:
        try:
            now = _dt.date(2004, month, day).timetuple().tm_yday
        except ValueError:
            return 366 * len(pairs)
        if prev is not None:
            total += (now - prev) % 366
        prev = now
    return total


def month_number(word: str) -> int | None:
    """The month a word names, in English or in one of the languages above, or None.

    >>> month_number("Septiembre"), month_number("Oct."), month_number("Monday")
    (9, 10, None)
    """
    w = word.strip().lower().rstrip(".")
    return _MONTHS.get(w) or (_FOREIGN_MONTHS.get(w) if w not in _WORDLIKE_MONTHS else None)  # (not "Out")


def weekday_number(word: str) -> int | None:
    """The weekday a word names (Monday = 0), or None.

    >>> weekday_number("Wednesday"), weekday_number("thur"), weekday_number("week")
    (2, 3, None)
    """
    return _WEEKDAYS.get(word.lower().rstrip("."))


def days_later(d: PageDate, days: int) -> PageDate:
    """The date ``days`` after ``d`` (its year, else a common year, for the month
    lengths), on the weekday that many days on when ``d`` has one.

    >>> days_later(PageDate(9, 29, None, 0, "Sep 29"), 2)
    PageDate(month=10, day=1, year=None, weekday=2, text='Sep 29')
    """
    try:
        base = _dt.date(d.year or 2004, d.month, d.day)  # (2004: a leap year, for "Feb 29")
    except ValueError:
        return d
    x = base + _dt.timedelta(days=days)
    wd = (d.weekday + days) % 7 if d.weekday is not None else None
    return PageDate(x.month, x.day, x.year if d.year else None, wd, d.text)


TERM = re.compile(r"\b(Fall|Spring|Summer|Winter|Autumn)\s+(?:Term\s+|Semester\s+|Quarter\s+)?(\d{4})\b", re.I)
_YEAR = re.compile(r"\b(19\d\d|20\d\d|21\d\d)\b")


def term_year(term: str | None) -> int | None:
    if not term:
        return None
    m = _YEAR.search(term)
    return int(m.group(1)) if m else None


# The words of a week's or a session's number before a date ("Week 3", "Séance 2").
_LEAD_WORDS = _alternatives(
    WEEK_WORDS.split("|")
    + "w lecture lec class session day lab recitation tutorial seminar section vorlesung übung séance seance "
      "cours td tp sesión sesion clase lezione aula college".split()
)
# A date inside a short line: after a leading week/number mark ("Week 3 Oct 4",
# "1. Sep 8", "**Week 1** <br> Oct 4"), an org timestamp bracket ("<2021-11-10 Wed>")
# or words ("Due: Oct 24"). Dotted day-month forms ("08.22") only in brackets or alone.
_LEAD = re.compile(
    rf"""^[\s<(\[*_\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]*(?:                        # (emoji marks: "📢 Date: ...")
          (?:{_LEAD_WORDS})\s*\d{{1,2}}\b[\s:.,)|*_-]*
        | (?:date|dates|when|fecha|datum|data|termin|时间|時間|日期)\s*[*_]*[:：][\s*_]*        # "Date: Sept. 3", "时间：2月24日"
        | \d{{1,2}}[.)]\s+(?=[A-Za-z])
        )?[\s<(\[*_]*""",
    re.I | re.X,
)
_DOTTED = re.compile(r"^(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?!\d|\.\d)")
# The end of a range after its first day: "Oct 3–5", "Oct 30 – Nov 2", "Sept. 18th – 20th",
# "26 févr.–1er mars".
_RANGE_END = re.compile(
    rf"^\s*[-–—]\s*(?:(?P<mon>{_MONTH_RE})\.?\s+)?(?P<d>\d{{1,2}})(?!\d)(?:{_ORDINAL}(?!\w))?"
    rf"(?:\.?\s*(?:de\s+)?(?P<mon2>{_ANY_MONTH_RE})(?!\w))?(?![/.:]\d)",
    re.I,
)
# A range of days before its month: "3.–5. Okt.", "18–20 sept.", "5-9 de marzo".
_DAY_RANGE = re.compile(
    rf"^(?P<d>\d{{1,2}})\.?\s*[-–—]\s*(?=\d{{1,2}}(?:{_ORDINAL}?\s+|\.\s*)(?:de\s+)?(?:{_ANY_MONTH_RE}))", re.I)


# (A weekday of any language abbreviated to two or three letters before a comma and a
# number: "Mi, 21.09.22", "Lu, 3/2".)
# (Or any weekday a page's language names, before a dotted or slashed date: "Do 3.10.",
# "ma 13/11".)
_WEEKDAY_COMMA = re.compile(r"^(?:[A-Za-z]{3,9}day|mon|tue|tues|wed|thu|thur|thurs|fri|[^\W\d_]{2,3}\.?(?=,\s+\d))\.?,\s+", re.I)
_WEEKDAY_BEFORE_DOTTED = re.compile(rf"(?:{_ANY_WEEKDAY_RE})\.?\s+(?=\d{{1,2}}[./]\d)", re.I)
# A weekday's name, whole (not "Monte Carlo", "Sunset"), after a date: "01/20 Tue",
# "9/15 (Mon)".
_WEEKDAY_AFTER = re.compile(
    rf"^\s*(?:,\s*)?(\(\s*)?({_WEEKDAY_RE})\b\.?(?(1)\s*\))", re.I)
_STAMP_END = re.compile(
    r"^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)?\s*(?:\d{1,2}[:.]\d{2}(?:\s*[-–]\s*\d{1,2}[:.]\d{2})?)?\s*>", re.I
)
_DIGIT = re.compile(r"\d")
_OPEN_BRACKET_END = re.compile(r"[(\[]\s*$")
_CLOSE_BRACKET = re.compile(r"^\s*[)\]]")


def _weekday_of(word: str) -> int | None:
    w = word.strip(" ,.").lower()
    return _ALL_WEEKDAYS.get(w, _WEEKDAYS.get(w[:3]))


@lru_cache(maxsize=4096)  # a page reads its date cells more than once (rows, calendars)
def find_date(text: str) -> tuple[PageDate, str, str, PageDate | None] | None:
    """A date near the start of a short text: (date, text before, text after, range end).

    >>> d, before, after, end = find_date("Week 1 (08.22): Introduction")
    >>> (d.month, d.day, after)
    (8, 22, ': Introduction')
    >>> find_date("Apr 4- 30")[3].day
    30
    >>> find_date("<2021-11-10 Wed 09:00-10:00>")[0].year
    2021
    >>> find_date("Tuesday, Aug 29")[0].weekday
    1
    """
    if _DIGIT.search(text) is None:
        return None  # every date form has a digit: most text has none, and is done here
    m = _LEAD.match(text)
    start = m.end() if m else 0
    rest = text[start:]
    w = _WEEKDAY_COMMA.match(rest)
    rest2 = rest[w.end():] if w else rest
    weekday = _weekday_of(w.group(0)) if w else None
    end: PageDate | None = None
    got = parse_date(rest2)
    dr = _DAY_RANGE.match(rest2) if got is None and rest2[:1].isdigit() else None
    if dr is not None and (got := parse_date(rest2[dr.end():])) is not None:
        # "3.–5. Okt.": the range's first day, in its last day's month.
        last, _ = got
        if int(dr.group("d")) < last.day:
            end = last
            got = PageDate(last.month, int(dr.group("d")), last.year, weekday, rest2[: dr.end()] + last.text), got[1]
        else:
            got = None
    if got is None and start and text[:start].strip()[:1].isdigit():
        got = parse_date(text)  # "3. September 2024": the number mark was the day
        if got is not None:
            start = 0
    if got is None:
        dm = _DOTTED.match(rest2)
        if dm is None and rest2[:1].isalpha() and (w := _WEEKDAY_BEFORE_DOTTED.match(rest2)) is not None:
            rest2, weekday = rest2[w.end():], _weekday_of(w.group(0))  # "Do 3.10."
            dm = _DOTTED.match(rest2)
        if dm is None:
            return None
        month, day = int(dm.group("m")), int(dm.group("d"))
        after = rest2[dm.end():]
        if month > 12 >= day or (after.startswith(".") and not after[1:2].isdigit()):
            # "15.08", "03.09.": day first, as Europe writes it (see :func:`day_first`)
            month, day = day, month
            after = after[1:] if after.startswith(".") else after
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        date = PageDate(month, day, None, weekday, dm.group(0))
    else:
        date, after = got
        if weekday is not None and date.weekday is None:
            date = PageDate(date.month, date.day, date.year, weekday, date.text)
    # A weekday after an ISO date ("2021-11-10 Wed").
    wd_after = _WEEKDAY_AFTER.match(after)
    day_after = _WEEKDAYS.get(wd_after.group(2).lower()) if wd_after else None
    if wd_after and day_after is not None and date.weekday in (None, day_after):
        date = PageDate(date.month, date.day, date.year, day_after, date.text)
        after = after[wd_after.end():]  # the weekday is the date's, not the title's
    # What follows a timestamp: its weekday, a time range, the closing bracket.
    after = _STAMP_END.sub("", after) if text[:start].rstrip().endswith("<") else after
    if _OPEN_BRACKET_END.search(text[:start]) and _CLOSE_BRACKET.match(after):
        after = _CLOSE_BRACKET.sub("", after, count=1)  # "(08.22)": the bracket around the date
    r = _RANGE_END.match(after) if end is None else None
    if r is not None:
        mon = r.group("mon2") or r.group("mon")
        month = _month(mon) if mon else date.month
        day = int(r.group("d"))
        if 1 <= day <= _MONTH_DAYS[month] and (month, day) > (date.month, date.day):
            end = PageDate(month, day, date.year)
            after = after[r.end():]
    return date, text[:start], after, end


_TAIL_SEP = re.compile(r"\s+[-–—|]\s+|\s*\(\s*")  # (not ", " or ": ": "HW1: Due Friday, Sep 13")


def trailing_date(text: str) -> tuple[PageDate, str, PageDate | None] | None:
    """A date (or a range) that ends a short text after a separator ("Midterm - Mar. 20",
    "Spring Break - Mar. 25-29", "Project demos (Dec 5)"): (date, the text before it,
    the range's end), or None.

    >>> d, before, end = trailing_date("Spring Break - Mar. 25-29")
    >>> (d.month, d.day, before, end.day)
    (3, 25, 'Spring Break', 29)
    >>> trailing_date("Sorting, part 2") is None
    True
    """
    if _DIGIT.search(text) is None or len(text) > 120:
        return None
    for m in reversed(list(_TAIL_SEP.finditer(text))):
        before = text[: m.start()].strip()
        if not before:
            continue
        got = parse_date(text[m.end():])
        if got is None:
            continue
        date, rest = got
        end: PageDate | None = None
        r = _RANGE_END.match(rest)
        if r is not None:
            mon = r.group("mon2") or r.group("mon")
            month = _month(mon) if mon else date.month
            if (month, int(r.group("d"))) > (date.month, date.day):
                end, rest = PageDate(month, int(r.group("d")), date.year), rest[r.end():]
        if not rest.strip(" ).") and (m.group(0).strip() != "(" or ")" in rest):
            return date, before, end
    return None
