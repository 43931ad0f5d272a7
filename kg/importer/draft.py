"""Sorting a page's rows into a draft course: lectures, events, assignments."""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg import vocab as V
from kg import collector
from kg.errors import PageError, UsageError
from kg.importer.dates import PageDate, find_date, term_year
from kg.importer.detect import parse_page
from kg.importer.link import WEAK_HOWS, Link, Linker, names_a_part, with_acronyms
from kg.importer.read import read_page
from kg.importer.readings import DraftReading, Library
from kg.importer.rows import ASSIGN, Page, Row, clean, slugify
from kg.importer.vocab import Vocabulary

COVER_THRESHOLD = 0.8
"""Topics linked with at least this confidence go into ``covers``; weaker ones into a comment."""

_WEAK_FLOOR = 0.5  # links weaker than this are not even listed as comments


@dataclass
class DraftLecture:
    title: str
    line: int
    date: _dt.date | None = None
    page_date: str | None = None
    number: str | None = None
    speakers: list[str] = field(default_factory=list)
    guest: bool = False
    links: list[Link] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    readings: list[DraftReading] = field(default_factory=list)
    unmatched_readings: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    def covers(self, threshold: float = COVER_THRESHOLD) -> list[str]:
        return [lk.topic for lk in self.links if lk.confidence >= threshold]


@dataclass
class DraftEvent:
    kind: str
    title: str
    line: int
    date: _dt.date | None = None
    page_date: str | None = None
    week: int | None = None
    links: list[Link] = field(default_factory=list)


@dataclass
class DraftAssignment:
    id: str
    title: str
    kind: str
    released: _dt.date | None = None
    due: _dt.date | None = None
    week: int | None = None


@dataclass
class Draft:
    """A draft course file: what :func:`render_yaml` writes."""

    course_id: str
    name: str | None
    code: str | None
    term: str | None
    source: str
    layout: str
    threshold: float
    lectures: list[DraftLecture]
    events: list[DraftEvent]
    assignments: list[DraftAssignment]
    candidates: dict[str, list[int]]  # candidate new topic -> lecture positions
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The draft as plain data (the ``--format json`` output)."""

        def links(ls: list[Link]) -> list[dict[str, Any]]:
            return [
                {"topic": lk.topic, "confidence": lk.confidence, "text": lk.text, "how": lk.how, "place": lk.place}
                for lk in ls
            ]

        def reading(r: DraftReading) -> dict[str, Any]:
            return {k: v for k, v in vars(r).items() if v not in (None, False)}

        return {
            "id": self.course_id,
            "name": self.name,
            "code": self.code,
            "term": self.term,
            "source": self.source,
            "layout": self.layout,
            "threshold": self.threshold,
            "lectures": [
                {
                    "position": i + 1,
                    "title": lec.title,
                    "date": lec.date.isoformat() if lec.date else None,
                    "page_date": lec.page_date,
                    "number": lec.number,
                    "speakers": lec.speakers,
                    "guest": lec.guest,
                    "covers": lec.covers(self.threshold),
                    "links": links(lec.links),
                    "materials": lec.materials,
                    "readings": [reading(r) for r in lec.readings],
                    "unmatched_readings": lec.unmatched_readings,
                    "candidate_topics": lec.candidates,
                }
                for i, lec in enumerate(self.lectures)
            ],
            "events": [
                {
                    "kind": e.kind,
                    "title": e.title,
                    "date": e.date.isoformat() if e.date else None,
                    "week": e.week,
                    "covers": [lk.topic for lk in e.links if lk.confidence >= self.threshold],
                }
                for e in self.events
            ],
            "assignments": [
                {
                    "id": a.id,
                    "title": a.title,
                    "kind": a.kind,
                    "released": a.released.isoformat() if a.released else None,
                    "due": a.due.isoformat() if a.due else None,
                    "week": a.week,
                }
                for a in self.assignments
            ],
            "candidate_topics": self.candidates,
            "notes": self.notes,
        }


# ---------------------------------------------------------------- sorting rows

_OH = re.compile(r"\b(?:office\s+hours?|OHs?)\b")

# What a row's title calls it in German, French, Spanish, Italian, Portuguese and Dutch,
# by kind: whole words and phrases (a space is any space), found anywhere in a title.
# Each kind's words join its English rule below, and the quick test of titles.
_FOREIGN_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "exam": (
        "klausur", "klausuren", "nachklausur", "prüfung", "prüfungen", "pruefung", "prufung", "examen", "examens",
        "exámenes", "examenes", "exámen", "partiel", "partiels", "contrôle continu", "prueba", "pruebas", "parcial",
        "parciales", "parcialito", "parcialitos", "recuperatorio", "recuperatorios", "interrogación",
        "interrogacion", "certamen", "esame", "esami", "prova intermedia", "prove intermedie", "prova scritta",
        "prova", "provas", "tentamen", "hertentamen", "deeltoets", "toets",
    ),
    "deadline": (
        "abgabe", "abgabetermin", "rendu", "date limite", "entrega", "consegna", "scadenza", "prazo", "inleveren",
    ),
    "holiday": (
        "feiertag", "feiertage", "ferien", "weihnachtsferien", "osterferien", "pfingsten", "pfingstmontag",
        "pfingstferien", "vorlesungsfrei", "vorlesungsfreie zeit", "keine vorlesung", "keine übung",
        "keine veranstaltung", "dies academicus", "férié", "ferie", "jour férié", "vacances", "toussaint",
        "pas de cours", "pas de séance", "pas de td", "lundi de pâques", "festivo", "festivos", "feriado",
        "feriados", "vacaciones", "receso", "semana santa", "keine veranstaltungen", "no hay clase", "no hay clases", "sin clase",
        "sin clases", "nessuna lezione", "lezione sospesa", "lezioni sospese", "vacanze", "festività",
        "ognissanti", "não haverá aula", "nao havera aula", "não haverá aulas", "nao havera aulas", "sem aula", "sem aulas", "férias", "ferias",
        "recesso", "carnaval", "vakantie", "kerstvakantie", "herfstvakantie", "voorjaarsvakantie",
        "geen college", "geen les", "geen hoorcollege",
    ),
    "project": (
        "projektpräsentation", "projektpräsentationen", "projektvorstellung", "soutenance", "soutenances",
        "présentation des projets", "présentations des projets", "presentación de proyectos",
        "presentaciones de proyectos", "presentación del proyecto", "presentazione dei progetti",
        "presentazioni dei progetti", "presentazione del progetto", "apresentação dos projetos",
        "apresentações dos projetos", "apresentação de projetos", "apresentação do projeto", "projectpresentaties",
        "eindpresentaties",
    ),
    "tutorial": (
        "übung", "übungen", "uebung", "tutorium", "travaux dirigés", "travaux pratiques", "ejercicios",
        "clase de ejercicios", "clase práctica", "ayudantía", "ayudantia", "esercitazione", "esercitazioni",
        "aula de exercícios", "exercícios", "werkcollege", "werkgroep", "practicum",
    ),
}

# (Chinese and Japanese words: found inside a title's run of letters, as those languages
# leave no space between words: "中間試験", "休講".)
_CJK_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "exam": ("試験", "考试", "考試", "测验", "測驗"),
    "holiday": ("休講", "休讲", "停课", "停課", "放假", "祝日", "假期"),
}


def _phrases(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("office-hours", re.compile(r"(?i)\boffice\s+hours?\b")),
    ("poster-session", re.compile(r"(?i)\bposter(?:s)?\s+(?:session|presentations?|fair)\b")),
    ("exam", re.compile(
        r"(?i)\b(?:mid-?terms?|final\s+(?:exam(?:ination)?|tests?)|exams?|examination|quiz(?:zes)?|finals(?:\s+(?:week|period))?|"
        r"final\s+review|prelims?(?:\s+(?:exam|\d))?|\w*tenta(?:men)?|"
        rf"{_phrases(_FOREIGN_KIND_WORDS['exam'])})\b|{_phrases(_CJK_KIND_WORDS['exam'])}")),
    ("deadline", re.compile(rf"(?i)\b(?:deadline|due|{_phrases(_FOREIGN_KIND_WORDS['deadline'])})\b")),
    # Work handed out: "Released: project description", "Starter code released".
    ("release", re.compile(r"(?i)^\s*released?\b|\breleased\s*[.!]?\s*$")),
    ("holiday", re.compile(
        r"(?i)\b(?:holidays?|no\s+class(?:es)?|no\s+lectures?|no\s+session|no\s+school|recess|vacation|day\s+off|"
        r"no\s+(?:labs?|recitations?|tutorials?)|not\s+a\s+class\s+day|"
        r"cancell?ed|(?:spring|fall|winter|autumn|thanksgiving|mid-?term|reading|big|semester|term)\s+break|"
        r"thanksgiving|independence\s+day|labou?r\s+day|memorial\s+day|election\s+day|"
        r"(?:martin\s+luther\s+king|mlk|presidents'?|veterans'?|indigenous\s+peoples'?|columbus)\s+day|"
        r"juneteenth|reading\s+days?|study\s+days?|new\s+year|christmas|easter|"
        rf"{_phrases(_FOREIGN_KIND_WORDS['holiday'])})\b|{_phrases(_CJK_KIND_WORDS['holiday'])}")),
    ("study-week", re.compile(r"(?i)\b(?:RRR|reading\s+(?:week|period)|study\s+(?:week|period)|dead\s+week|revision\s+week)\b")),
    # (A buffer session, not a word naming something else: "buffer management".)
    ("buffer", re.compile(
        r"(?i)\b(?:buffer|slack|catch-?up|slip)\b"
        r"(?!\s+(?!(?:weeks?|days?|sessions?|lectures?|class(?:es)?|time|periods?|slots?|and|or|for)\b)[a-z])")),
    ("tutorial", re.compile(
        r"(?i)\b(?:tutorials?|recitations?|review\s+session|help\s+sessions?|lab\s+sessions?|(?<!project\s)workshop|"
        r"seminars?|practicals?|"
        r"practicum|TA\s+session|семинары?|практик[аи]|практическ\w+\s+заняти[ея]|лабораторн\w+(?:\s+работ[аы])?)\b|"
        r"^(?:REC|lab|labs|lab\s*\d+)\b|\blab\s*$|^\s*(?:exercises?|exercise\s+(?:sessions?|class(?:es)?))\s*$|"
        # "TD 1 : régression", "TP noté" (not "TD learning", "TD-learning": temporal differences)
        r"^\s*t[dp](?![a-z])(?:\s*\d+)?(?:\s+not[ée])?(?:\s*:|\s+[—–-]\s|\s*$)|"
        rf"\b(?:{_phrases(_FOREIGN_KIND_WORDS['tutorial'])})\b")),
    ("discussion", re.compile(r"(?i)^(?:discussion|dis\s*\d+|section\s*\d+)\b")),
    ("project", re.compile(
        r"(?i)\b(?:(?:final\s+|midterm\s+|mini-?|course\s+|team\s+|student\s+)?projects?\s+"
        r"(?:\d+(?:\s*(?:and|&|,)\s*\d+)*\s+)?"
        r"(?:presentations?|demos?|showcase|work\s+sessions?|workshops?|hours|check-?ins?|days?|proposals?|"
        r"definition|report|write-?up|milestones?)|(?:paper|student|final|midterm)\s+presentations?|"
        r"check-?ins?|present(?:ing|s)\s+(?:their\s+|the\s+)?(?:final\s+)?projects?|"
        r"(?:daily\s+)?stand-?ups?|sprint\s+(?:start|end|review|retro\w*|planning|demo|slut)|"
        r"(?:final\s+)?projects?\s+(?:in\s+class|work(?:\s+(?:time|days?))?|time|wrap[- ]?up)|"
        r"projects?\b[^.;]{0,40}\bpresentations|demo\s+days?)\b|"
        r"^\s*(?:group\s+|team\s+)?pr[ée]sentations?\s*(?:[:(–—-]|$)|"  # "Presentation: Ann, Bob"
        r"^\s*(?:final|course|group|team|class)\s+projects?\s*$|"  # a session given to the project
        rf"\b(?:{_phrases(_FOREIGN_KIND_WORDS['project'])})\b")),
]


_RELEASE_ACTS = frozenset({"out", "released", "release", "handout", "assigned"})

_ASSIGNMENT_TITLE = re.compile(
    r"(?i)^\s*(?:(?:homework|hw|assignment|problem\s+set|p-?set)\s*#?\s*\d+\b|project\s*#?\s*\d+\s*(?::|$))"
)


def _row_kind(row: Row) -> str:
    """'lecture', an event kind, or 'assignment' (a row that only announces one)."""
    title = row.title
    if row.kind is not None:
        return row.kind
    if not title:
        return "assignment" if row.assignments else "none"
    if _ASSIGNMENT_TITLE.match(title):
        if not row.assignments:
            row.assignments.append(title)
        return "assignment"  # "Homework 1: backprop" announces work, it is not a session
    if row.kind_text and row.kind_text != title:
        stated = _title_kind(row.kind_text)
        if stated in ("tutorial", "discussion") and _title_kind(title) not in ("lecture", stated):
            return _title_kind(title)  # "Lab | Sep 12 | Holiday": no lab that day
        if stated != "lecture":
            return stated  # "Recitation | Sep 12 | Graph exercises"
    kind = _title_kind(title)
    if row.lecture_label and kind in ("tutorial", "discussion"):
        return "lecture"  # "Lecture 2b: Overview of the practicals" is a lecture about them
    return kind


# What every match of a rule above holds, in an ASCII title made lowercase: a title
# with none of these is a lecture, without trying the rules one by one. ("\s" is any
# space; the words are searched for as one trie of letters: see _word_trie.)
_KIND_WORD_LIST = (
    r"office|oh|poster|term|exam|quiz|final|deadline|due|release|holiday|no\s|session|recess|vacation|day|"
    r"feri|festiv|vaca|sin\s|sem\s|keine|ferien|parcial|recuperatorio|prova|fung|klausur|esame|prelim|receso|prueba|"
    r"cance|break|thanksgiving|juneteenth|year|christmas|easter|rrr|week|period|buffer|slack|catch|"
    r"slip|tutorial|recitation|workshop|seminar|practic|project|presentation|check|lab|tenta|stand|sprint|help|"
    r"exercise|demo"
).split("|") + [w.replace(" ", r"\s") for words in _FOREIGN_KIND_WORDS.values() for w in words if w.isascii()]


def _word_trie(words: Sequence[str]) -> str:
    r"""A pattern that matches where one of ``words`` (lowercase letters, and ``\s``
    for a space) starts: the alternatives of ``"|".join(words)``, but factored by
    their letters, so a search tries each place once per letter that some word
    starts with there, not once per word (the same matches, a third of the time).

    >>> _word_trie(["day", "demo", "deadline", "no"])
    '(?:d(?:ay|e(?:adline|mo))|no)'
    >>> bool(re.search(_word_trie(["day", "days"]), "holidays"))
    True
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in re.findall(r"\\s|.", w):
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here: what follows is not needed to match

    def emit(node: dict[str, Any]) -> str:
        if "" in node:
            return ""
        alts = [(ch if ch == "\\s" else re.escape(ch)) + emit(sub) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


_KIND_WORDS = re.compile(_word_trie(_KIND_WORD_LIST))
_KIND_STARTS = ("rec", "lab", "dis", "section", "td", "tp")  # the rules anchored at the start


def _for_lowercase(pat: re.Pattern[str]) -> re.Pattern[str] | None:
    """A case-insensitive rule as a case-sensitive one for an ASCII text made lowercase
    (the same matches: Python's regular expressions match case-insensitively a letter
    at a time; a third of the time); None where that could differ (not case-insensitive
    throughout, an escape in capitals, a capital in brackets ("[@-Z]"), or a letter that
    is ASCII in another case: "K", "ſ", "ı")."""
    src = pat.pattern
    if (
        not src.startswith("(?i)") or pat.flags & ~(re.IGNORECASE | re.UNICODE)
        or re.search(r"\(\?[aiLmsux-]|\\[A-Z]|\[[^\]]*[A-Z]", src[len("(?i)"):])
        or any(ord(c) > 127 and (c.lower()[:1].isascii() or c.upper()[:1].isascii()) for c in src)
    ):
        return None
    return re.compile(src[len("(?i)"):].lower())


# The rules for an ASCII title: each with whether it is searched in the title made
# lowercase (see _for_lowercase) or in the title as it is.
_ASCII_KIND_RULES = [
    (kind, low, True) if (low := _for_lowercase(pat)) is not None else (kind, pat, False) for kind, pat in _KIND_RULES
]
_KIND_RULES_AS_THEY_ARE = [(kind, pat, False) for kind, pat in _KIND_RULES]


@lru_cache(maxsize=1 << 14)
def _title_kind(title: str) -> str:
    """The kind a title names: 'office-hours', an event kind or 'lecture' (memoised:
    schedules repeat their titles)."""
    rules, low = _KIND_RULES_AS_THEY_ARE, title
    if title.isascii():  # (case-insensitive rules match some non-ASCII letters too)
        low = title.lower()
        if not low.startswith(_KIND_STARTS) and _KIND_WORDS.search(low) is None:
            return "lecture"
        rules = _ASCII_KIND_RULES
    if _OH.search(title):
        return "office-hours"
    for kind, pat, lowered in rules:
        if pat.search(low if lowered else title):
            return kind
    return "lecture"


_ASSIGN_KINDS = [
    ("problem-set", re.compile(r"(?i)^(?:p-?sets?|problem\s+sets?)$")),
    ("homework", re.compile(r"(?i)^(?:homeworks?|hw|assignments?)$")),
    ("lab", re.compile(r"(?i)^labs?$")),
    ("quiz", re.compile(r"(?i)^quiz(?:zes)?$")),
    ("project", re.compile(r"(?i)project")),
]


_DUE_ON = re.compile(r"(?i)\b(?:due|deadline)\b[\s:,]*(?:on\s+|by\s+)?")


def _stated_due(marker: str, row_date: _dt.date | None) -> _dt.date | None:
    """The day a marker gives after "due" ("HW1 due Fri 9/18" in a lecture's row of
    9/16), in the row's year (or the next, for a date before the row's); None when it
    gives none or there is no year."""
    if row_date is None:
        return None
    m = _DUE_ON.search(marker)
    got = find_date(marker[m.end():]) if m is not None else None
    if got is None or got[1].strip():
        return None
    d = got[0]
    on = d.on(row_date.year)
    if on is not None and on < row_date and d.year is None and (row_date - on).days > 180:
        on = d.on(row_date.year + 1)
    return on


def _assignment(marker: str) -> tuple[str, str, str, str | None] | None:
    """(id, title, kind, action) from a marker such as 'pset 1 out' or 'HW0 - Basics'."""
    m = ASSIGN.search(marker)
    if m is None:
        return None
    act = (m.group("act") or "").lower() or None
    if act is None:
        # "HW1: Vectorization out": the action after the assignment's own title.
        tail = re.search(r"(?i)\b(out|released?|due|handout|assigned|deadline)\s*$", marker)
        act = tail.group(1).lower() if tail else None
    if m.group("base"):
        base = m.group("base")
        num = m.group("num")
        kind = next((k for k, p in _ASSIGN_KINDS if p.match(clean(base))), "homework")
        joined = re.fullmatch(r"(?i)[a-z]+", base) and re.search(rf"(?i){re.escape(base)}\d", marker)
        aid = slugify(f"{base}{num}") if joined else slugify(f"{base} {num}")
        sub = clean(m.group("sub") or "")
        title = clean(f"{base}{num}" if joined else f"{base} {num}") + (f" {sub}" if sub else "")
    else:
        proj = clean(m.group("proj"))
        kind = "project"
        aid = slugify(proj)
        title = clean(proj + (m.group("paren") or ""))
    title = title[:1].upper() + title[1:]
    return aid, title, kind, act


def build_draft(
    page: Page,
    vocab: Vocabulary,
    *,
    course_id: str,
    term: str | None = None,
    year: int | None = None,
    name: str | None = None,
    threshold: float = COVER_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> Draft:
    """Sort a page's rows into a :class:`Draft`: lectures with linked topics, events,
    assignments, readings resolved against ``vocab``.

    The year of dates comes from ``year``, else ``term`` ("Fall 2025"), else the page's
    own term, else the one year the top of the page names ("Schedule 2024"), else the
    weekdays the page prints (when exactly one recent year fits them); with no year,
    dates are left out and a note says so. ``progress(done, total)`` is
    called after each row.
    """
    # The draft step makes many small objects (a few per row, none meant to form
    # cycles) while the page's rows and the linker's caches are alive: on a 5 MB
    # schedule the collector's passes over them cost most of the step.
    with collector.paused():
        return _build_draft(
            page, vocab, course_id=course_id, term=term, year=year, name=name, threshold=threshold, progress=progress
        )


def _build_draft(
    page: Page,
    vocab: Vocabulary,
    *,
    course_id: str,
    term: str | None,
    year: int | None,
    name: str | None,
    threshold: float,
    progress: Callable[[int, int], None] | None,
) -> Draft:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", course_id):
        raise UsageError(f"invalid course id {course_id!r}: use lowercase letters, digits, '.', '-' and '_'")
    notes: list[str] = []
    term = term or page.term
    base_year = year or term_year(term) or page.year
    dated = [r.date for r in page.rows if r.date is not None]
    if base_year is None and dated and all(d.year is None for d in dated):
        base_year = weekday_year(dated)
        if base_year is not None:
            notes.append(
                f"no year on the page: {base_year} is the only recent year whose weekdays fit "
                "its dates (give --term or --year to override)"
            )
        else:
            notes.append("no year known: dates left out (give --term 'Fall 2025' or --year 2025)")
    elif base_year is not None and dated:
        with_weekday = [d for d in dated if d.weekday is not None and d.year is None]
        wrong = [d for d in with_weekday if (x := d.on(base_year)) is not None and x.weekday() != d.weekday]
        if wrong and len(wrong) * 4 >= len(with_weekday):
            notes.append(f"{len(wrong)} of the page's dates fall on other weekdays in {base_year}: check the year")
    linker = Linker(vocab.topics)
    # Acronyms the page defines ("Recurrent Neural Networks (RNNs)") name their topics
    # on the whole page.
    defined = linker.defined_acronyms(t for r in page.rows for t in (r.title, r.detail) if t)
    if defined:
        linker = Linker(with_acronyms(vocab.topics, defined))
    library = Library(vocab)
    chapter_covers = {f"{b.id}/{n}": set(c) for b in vocab.books for n, c in b.chapters.items()}
    reading_covers = {rid: set(c) for rid, c in vocab.reading_covers.items()}
    # The course's subject: what its name, else the page's main heading, names (also
    # as a kind of it: "YSDA Natural Language Processing course").
    course_links = [
        lk for lk in linker.link(name or page.name or page.heading or "")
        if lk.confidence >= min(threshold, _SUBJECT_FLOOR) and lk.how in ("name", "fuzzy", "coordination", "narrower")
    ]

    lectures: list[DraftLecture] = []
    # A lecture's links and candidate topics by what they are read from (schedules
    # repeat their titles).
    known: dict[tuple[str, str, frozenset[str], bool], tuple[list[Link], list[str]]] = {}
    events: list[DraftEvent] = []
    assignments: dict[str, DraftAssignment] = {}
    candidates: dict[str, list[int]] = {}
    prev_month: int | None = None
    year_now = base_year
    total = len(page.rows)
    for k, row in enumerate(page.rows):
        date: _dt.date | None = None
        page_date = row.date.text if row.date else None
        if row.date is not None:
            rolls_over = prev_month is not None and row.date.month < prev_month - 5
            if row.date.year is None and year_now is not None and rolls_over:
                year_now += 1  # the schedule runs into the new year
            prev_month = row.date.month
            y = row.date.year or year_now
            if y is not None:
                date = row.date.on(y)
                if date is None:
                    notes.append(f"line {row.line}: impossible date {row.date.text!r} left out")
        kind = _row_kind(row)
        for marker in row.assignments:
            got = _assignment(marker)
            if got is None:
                continue
            aid, atitle, akind, act = got
            a = assignments.setdefault(aid, DraftAssignment(aid, atitle, akind))
            if act in _RELEASE_ACTS and a.released is None:
                a.released = date
                if kind == "assignment":
                    # A calendar row of its own that hands work out ("HW1 out") is an
                    # event of its kind too; a marker in a lecture's row only dates
                    # the assignment.
                    events.append(DraftEvent("release", f"{atitle} released", row.line, date, page_date, row.week))
            elif act in ("due", "deadline") and a.due is None:
                a.due = _stated_due(marker, date) or date
            if a.released is None and a.due is None and a.week is None and act is None:
                a.week = row.week
        if row.discussion:
            links = [lk for lk in linker.link(row.discussion) if lk.confidence >= _WEAK_FLOOR]
            events.append(DraftEvent("discussion", row.discussion, row.line, week=row.week, links=links))
        if kind == "lecture":
            lec = DraftLecture(
                title=row.title, line=row.line, date=date, page_date=page_date, number=row.number,
                speakers=list(row.speakers), guest=row.guest, materials=list(row.materials),
            )
            for ln in row.readings:
                refs, unmatched = library.line(ln)
                lec.readings.extend(refs)
                if unmatched and not _NO_READING.match(unmatched):
                    lec.unmatched_readings.append(unmatched)
            for text in row.reading_text:
                lec.readings.extend(library.in_text(text))
            lec.readings = list(dict.fromkeys(lec.readings))
            support: set[str] = set()
            for r in lec.readings:
                if r.chapter:
                    support |= chapter_covers.get(r.chapter, set())
                if r.reading:
                    support |= reading_covers.get(r.reading, set())
            early = len(lectures) < 2
            key = (row.title, row.detail, frozenset(support), early)
            linked = known.get(key)
            if linked is None:
                links = _course_subject(
                    linker.link(row.title, row.detail, support=support), course_links, row.title,
                    early=early, threshold=threshold,
                )
                linked = known[key] = (
                    [lk for lk in links if lk.confidence >= _WEAK_FLOOR], linker.unmatched(row.title, row.detail)
                )
            lec.links, lec.candidates = list(linked[0]), list(linked[1])
            if lec.speakers:  # a speaker's name is no topic ("Guest lecture from Ann Smith")
                lec.candidates = [c for c in lec.candidates if not any(c in sp or sp in c for sp in lec.speakers)]
            for c in lec.candidates:
                candidates.setdefault(c, []).append(len(lectures) + 1)
            lectures.append(lec)
        elif kind == "release":
            # "Released: HW1: Vectorization", "Starter code released".
            if row.title:
                events.append(DraftEvent("release", row.title, row.line, date, page_date, row.week))
        elif kind not in ("assignment", "none"):
            title = row.title
            links = linker.link(title) if kind in ("tutorial", "discussion") else []
            links = [lk for lk in links if lk.confidence >= _WEAK_FLOOR]
            events.append(DraftEvent(kind, title, row.line, date, page_date, row.week, links))
        if progress is not None:
            progress(k + 1, total)
    for a in assignments.values():
        if a.released and a.due and a.due < a.released:
            notes.append(f"{a.id}: due {a.due} is before released {a.released}; release date left out")
            events = [e for e in events if not (e.kind == "release" and e.title == f"{a.title} released" and e.date == a.released)]
            a.released = None
    if not lectures:
        raise PageError("the schedule has no lectures, only calendar rows", page.source)
    _running_subject(lectures, {lk.topic for lk in course_links}, threshold)
    _page_themes(lectures)
    # A lecture's number names it (its IRI, by kg.vocab.lecture_numbers): the page's
    # labels where they are unique, else none at all (lectures go by their position).
    if not _page_labels(lectures):
        notes.append("the page's lecture numbers are not labels kg keeps "
                     "(letters and digits, as '9', '1a', '5.2'): left out")
    keys = V.lecture_numbers([lec.number for lec in lectures])
    labels = [V.lecture_label_key(lec.number) for lec in lectures if lec.number]
    if len(set(keys)) != len(keys) or len(set(labels)) != len(labels):
        notes.append("the page's lecture numbers repeat: left out (lectures go by their order)")
        for lec in lectures:
            lec.number = None
    return Draft(
        course_id=course_id,
        name=name or page.name,
        code=page.code,
        term=term,
        source=Path(page.source).name,
        layout=page.layout,
        threshold=threshold,
        lectures=lectures,
        events=events,
        assignments=list(assignments.values()),
        candidates=candidates,
        notes=notes,
    )


_NO_READING = re.compile(r"(?i)^(?:see\b|tbd|tba|none\b|n/a)")  # "TBD", "See Canvas": no reading named
_SUBJECT_FLOOR = 0.75  # the course's name or heading names its subject at least this surely
_INTRO = re.compile(r"(?i)\b(?:intro(?:duction)?|overview|welcome|administrivia|logistics)\b")


def _course_subject(
    links: list[Link], subject: list[Link], title: str, *, early: bool, threshold: float
) -> list[Link]:
    """A course on deep learning says "deep learning" in many lectures; the course's own
    subject (the topics its name links to) is what an introductory lecture covers, and
    only context in the others. An introductory lecture (its title says so) keeps the
    subject topics it names; one that names no topic of its own ("Introduction",
    "Course overview", or one of the first two lectures) covers the course's subject.
    "Introduction to PyTorch" introduces PyTorch, not the course's subject."""
    if not subject:
        # Nothing to add or lower: ``links`` as they are (the linker gives them in the
        # order below). Most pages name no subject, and this runs once per title.
        return links
    ids = {lk.topic for lk in subject}
    intro = bool(_INTRO.search(title))
    if (intro or early) and not any(lk.topic not in ids and lk.confidence >= threshold for lk in links):
        have = {lk.topic for lk in links}
        extra = [Link(lk.topic, round(lk.confidence * 0.92, 2), lk.text, "course", lk.place) for lk in subject if lk.topic not in have]
        return sorted(links + extra, key=lambda lk: (-lk.confidence, lk.topic))
    if intro:
        return links
    out = [replace(lk, confidence=round(lk.confidence * 0.75, 2), how="course") if lk.topic in ids else lk for lk in links]
    return sorted(out, key=lambda lk: (-lk.confidence, lk.topic))


def _running_subject(lectures: list[DraftLecture], known: set[str], threshold: float) -> None:
    """A topic the page's titles keep naming as the setting or a kind of something else
    is the course's subject, whether or not the page names the course: "LLM for search
    engines", "Generation before LLMs", "Pre-LLM case study", "LLM deep dive: scaling
    laws" on an LLM course's page. Many: in at least three distinct titles and an eighth
    of them, at least half of them weakly (inside a longer name, as a kind, a setting).
    As with the subject the course's name gives (:func:`_course_subject`), a lecture
    covers it only where the title names it as a part of its own ("LLM basics:
    architecture", "Probability (discrete)") or says it introduces it, and the first two
    lectures keep it."""
    # Each distinct title's links, as its first lecture has them (the title's names).
    seen: set[str] = set()
    named: dict[str, list[bool]] = {}
    for lec in lectures:
        if lec.title in seen:
            continue
        seen.add(lec.title)
        for lk in lec.links:
            if lk.place == "title" and lk.topic not in known:
                named.setdefault(lk.topic, []).append(lk.how in WEAK_HOWS or lk.confidence < threshold)
    titles = seen
    subject = {
        t for t, weak in named.items() if len(weak) >= 3 and 8 * len(weak) >= len(titles) and 2 * sum(weak) >= len(weak)
    }
    if not subject:
        return

    def background(lec: DraftLecture, lk: Link) -> bool:
        return (
            lk.topic in subject and lk.how in ("name", "fuzzy") and lk.confidence >= threshold
            and not (lk.place == "title" and names_a_part(lec.title, lk.text))
        )

    for pos, lec in enumerate(lectures):
        if pos < 2 or subject.isdisjoint([lk.topic for lk in lec.links]) or _INTRO.search(lec.title):
            continue
        if any(background(lec, lk) for lk in lec.links):
            links = [
                replace(lk, confidence=round(lk.confidence * 0.75, 2), how="course") if background(lec, lk) else lk
                for lk in lec.links
            ]
            lec.links = sorted(links, key=lambda lk: (-lk.confidence, lk.topic))


def _page_themes(lectures: list[DraftLecture]) -> None:
    """A topic the page names in many of its lectures is its running theme ("deep
    learning" in every description of a deep learning course): named in a sentence of a
    lecture's description it is background, not what that lecture teaches. Named in a
    title or a list of terms it still counts. Many: at least three lectures and a fifth
    of them, counting every mention, weak ones too."""
    counts = Counter(lk.topic for lec in lectures for lk in lec.links)
    many = max(3, len(lectures) / 5)
    themes = {t for t, n in counts.items() if n >= many}
    if not themes:
        return

    def background(lk: Link) -> bool:
        return lk.topic in themes and lk.place == "prose" and lk.how in ("name", "fuzzy")

    for lec in lectures:
        if not any(background(lk) for lk in lec.links):
            continue
        links = [replace(lk, confidence=round(lk.confidence * 0.85, 2), how="theme") if background(lk) else lk for lk in lec.links]
        links.sort(key=lambda lk: (-lk.confidence, lk.topic))
        lec.links = [lk for lk in links if lk.confidence >= _WEAK_FLOOR]


def weekday_year(dates: Sequence[PageDate]) -> int | None:
    with_wd = [d for d in dates if d.weekday is not None]
    if len(with_wd) < 3:
        return None
    this = _dt.date.today().year
    fits = []
    for y in range(this - 6, this + 2):
        ok = True
        yy = y
        prev: int | None = None
        for d in dates:
            if prev is not None and d.month < prev - 5:
                yy += 1
            prev = d.month
            if d.weekday is None:
                continue
            x = d.on(yy)
            if x is None or x.weekday() != d.weekday:
                ok = False
                break
        if ok:
            fits.append(y)
    return fits[0] if len(fits) == 1 else None


# A lecture's number written with its kind: "Lecture 4.5", "Lec. 3", "Session #2".
_LABELLED_NUMBER = re.compile(r"^[^\W\d_]+\.?\s*(?:#|no\.?\s*)?(?=\w)", re.I)


def _page_labels(lectures: list[DraftLecture]) -> bool:
    """Make each lecture's number the label kg keeps (``kg.vocab.LECTURE_LABEL``):
    "Lecture 4.5" is "4.5". Where some number is no such label even so, every lecture's
    number is left out (the course's numbers are all the page's or none) and the
    answer is False.

    >>> lecs = [DraftLecture(title="A", line=1, number="Lecture 1"),
    ...         DraftLecture(title="B", line=2, number="Lec. 4.5")]
    >>> _page_labels(lecs), [lec.number for lec in lecs]
    (True, ['1', '4.5'])
    >>> lecs = [DraftLecture(title="A", line=1, number="1 (part one)")]
    >>> _page_labels(lecs), lecs[0].number
    (False, None)
    """
    ok = True
    for lec in lectures:
        if lec.number is None or V.LECTURE_LABEL.match(lec.number):
            continue
        bare = _LABELLED_NUMBER.sub("", lec.number.strip())
        if V.LECTURE_LABEL.match(bare):
            lec.number = bare
        else:
            ok = False
    if not ok:
        for lec in lectures:
            lec.number = None
    return ok


def import_page(
    path: str | Path,
    vocab: Vocabulary,
    *,
    course_id: str,
    term: str | None = None,
    year: int | None = None,
    name: str | None = None,
    threshold: float = COVER_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> Draft:
    """Read, parse and sort one page file: :func:`read_page`, :func:`parse_page`,
    :func:`build_draft`."""
    source = "<stdin>" if str(path) == "-" else str(path)
    page = parse_page(read_page(path), source)
    return build_draft(page, vocab, course_id=course_id, term=term, year=year, name=name, threshold=threshold, progress=progress)
