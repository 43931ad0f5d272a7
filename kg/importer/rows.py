"""Schedule rows and what their cells hold (titles, speakers, materials, assignments)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.importer.dates import PageDate

@dataclass
class ReadingLine:
    """One reading as the page lists it (a line of a reading list)."""

    text: str
    optional: bool = False


@dataclass(slots=True)
class Row:
    """One row of a schedule, before it is sorted into lecture, event or assignment."""

    line: int
    week: int | None = None
    date: PageDate | None = None
    number: str | None = None
    title: str = ""
    detail: str = ""
    speakers: list[str] = field(default_factory=list)
    guest: bool = False
    materials: list[str] = field(default_factory=list)
    readings: list[ReadingLine] = field(default_factory=list)
    reading_text: list[str] = field(default_factory=list)  # free text that may name readings
    assignments: list[str] = field(default_factory=list)  # "pset 1 out", "HW3"
    discussion: str | None = None
    end_date: PageDate | None = None  # the last day of a range ("Apr 4- 30")
    kind: str | None = None  # an event kind the structure states ("Due:", "Seminar:")
    section: str | None = None  # the heading or theme the row sits under
    lecture_label: bool = False  # the page calls the row a lecture ("Lecture 4: ...")
    kind_text: str | None = None  # a cell that says what kind of row it is ("Recitation")


@dataclass
class Page:
    """A parsed page: its layout, schedule rows and what its heading says."""

    source: str
    layout: str  # html-table, markdown-table, pipe-rows, dated-lines, numbered-list
    rows: list[Row]
    name: str | None = None
    code: str | None = None
    term: str | None = None
    heading: str | None = None  # the page's main heading (h1, else <title>), as written
    year: int | None = None  # the one year the top of the page names ("Schedule 2024")


def clean(s: str) -> str:
    """``s`` with its runs of whitespace (no-break spaces too) made one space, and trimmed."""
    return " ".join(s.split())


_LIST_WORD = re.compile(r"(?i)\s*(?:topics?|agenda|contents?|outline)\s*(?:\([^()]{0,40}\))?\s*:?\s*")
_DASHES = re.compile(r"\s+-{2,3}\s+")
_GUEST_MARK = re.compile(r"\[\s*guest(?:\s+lecture)?\s*\]|\(\s*guest(?:\s+lecture)?\s*\)", re.I)
_DETAILS_MARK = re.compile(r"\+\s*details?", re.I)
_NUMBER_PREFIX = re.compile(
    r"^(?:(?:lecture|lec|class|session|day|lesson|meeting)\s*(\d{1,3}(?:\.\d{1,2}|[a-z])?)\s*[-–—:.)]"
    r"|第\s*(\d{1,3})\s*(?:次课|次課|讲|講|课|課|回|节|節)\s*[:：]?)\s*",  # "第2次课：", "第3讲"
    re.I,
)


# "3. Lists and trees": the page's count before a title (a lecture number when no
# label says otherwise).
_BARE_NUMBER = re.compile(
    r"^(?:(\d{1,2})\.\s+|(\d{1,2})\s*(?:--|[–—])\s*|(\d{1,2}(?:\.\d{1,2})+)\s+)(?=[^\W\d_])")
# "3. Title", "03 -- Title", "03 – Title", "1.5 Title" (an outline's number)
# "Optimization (2 days - 8 cumulative)", "Kernels (3 lectures)": how many sessions a
# topic takes, said after its title.
_SESSION_COUNT = re.compile(r"(?i)\(\s*\d{1,2}\s+(?:days?|lectures?|classes|sessions?|weeks?|meetings?)\b[^()]{0,30}\)$")
# (And in German, French, Spanish, Italian, Portuguese, Dutch: "Gastvortrag",
# "Conférence invitée", "Charla invitada", "Seminario ospite", "Palestra convidada".)
_GUEST_WORD = re.compile(
    r"\b(?:guest|invited\s+(?:talk|lecture|speaker)|industry\s+talk|gastvortrag|gastvorlesung|gastcollege|gastspreker|"
    r"(?:conf[ée]rence|intervention|expos[ée]|charla|conferencia|clase|seminario|lezione|palestra|aula)\s+"
    r"(?:invit[ée]e?|invitad[oa]|ospite|convidad[oa])|ospite|intervenant\s+ext[ée]rieur)\b", re.I)
_LECTURE_LABEL = re.compile(r"(?i)^\s*lecture\s*:\s*(?=\S)")
_FOOTNOTE_MARK = re.compile(r"\s*\(\s*\*+\s*\)$")
_OPEN_ASIDE = re.compile(r"\s*\[[^\[\]]*[)]?\s*$")
_MATERIAL_FOR = re.compile(
    r"(?i)^(?:slides?|(?:lecture\s+)?notes|videos?|recordings?|handouts?)\s+(?:for|of|from)\s+(?=\S)")
_NAME_SEP = re.compile(r"\s*(?:&|,|;|/|\band\b)\s*")
_NO_DISCUSSION = re.compile(r"(?i)no\s+(?:discussion|section|class(?:es)?\b|lab\b)|holiday")
_BRACKETED = re.compile(r"\[([^\]\[]{1,40})\]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_EMPTY_BRACKETS = re.compile(r"\[\s*\]|\(\s*\)")


# Quick tests before the rules below: each rule's every match holds one of these words
# (lowercase; see _may_hold).
_GUEST_NAMES = re.compile(
    r"(?i)[(\[]\s*(?:guest|invited)(?:\s+(?:lecture|lecturer|talk|speaker))?\s*(?:by|from|:|-|–)\s*([^()\[\]]{3,80})[)\]]"
)
_GUEST_LINE = re.compile(
    r"(?i)^\W*(?:guest|invited)(?:\s+(?:lecture|lecturer|speaker|talk))?\s*(?:by|from|:|-|–)\s*([^()\[\]]{3,80}?)\W*$"
)
_GUEST_KEY = re.compile("guest|invit|industry|gast|ospite|convid|intervenant")
_ASSIGN_KEY = re.compile("set|hw|homework|assignment|lab|quiz|project")
_DISCUSSION_KEY = re.compile("dis|section|recitation")


def _may_hold(key: re.Pattern[str], text: str) -> bool:
    """False when ``text`` surely holds no match of the rules ``key`` stands for: it is
    ASCII and holds none of its words (a case-insensitive rule matches some non-ASCII
    letters too, such as the Kelvin sign for "k")."""
    return not text.isascii() or key.search(text.lower()) is not None


def set_title(row: Row, text: str, *, breaks: bool = False) -> None:
    """Title and detail from a title cell: '+ details' or further lines are detail.

    With ``breaks`` the cell's line breaks are the page's own (``<br>`` in a table), so
    the first line is the title; in a text capture a title broken over two short lines
    is one title.
    """
    text = text.replace("\r", "")
    parts = _DETAILS_MARK.split(text, maxsplit=1) if "+" in text else [text]
    detail = parts[1] if len(parts) > 1 else ""
    lines = [ln for ln in parts[0].split("\n") if ln.strip()]
    listed: list[str] = []  # the lines under the first, when it only says "Topics"
    if not lines:
        title = ""  # a cell holding only "+ details": no title
    elif not breaks and len(lines) <= 2 and sum(len(x) for x in lines) < 160:
        title = clean(" ".join(lines))
    else:
        title = clean(lines[0])
        if title.endswith(":") and len(lines) > 1 and len(title) <= 40:
            # "Chapter 1:<br>Data types": a label broken from the title it opens.
            title = clean(f"{title} {lines[1]}")
            lines = lines[1:]
        rest = []
        listed = lines[1:]
        for ln in lines[1:]:
            g = _GUEST_LINE.match(ln) if _may_hold(_GUEST_KEY, ln) else None
            if g is None:
                rest.append(ln)
                continue
            # "Sorting <br> Guest lecture: Ann Smith": the session's guest, not its detail.
            row.guest = True
            names = looks_like_names(clean(g.group(1)))
            row.speakers.extend(n for n in names or [] if n not in row.speakers)
        detail = " ".join(rest) + " " + detail
    if _may_hold(_GUEST_KEY, title):
        if _GUEST_MARK.search(title):
            row.guest = True
            title = clean(_GUEST_MARK.sub(" ", title))
        if _GUEST_WORD.search(title):
            row.guest = True
            g = _GUEST_NAMES.search(title) or _GUEST_LINE.match(title)
            names = looks_like_names(clean(g.group(1))) if g else None
            if names:  # "(Guest lecture from Ann Smith)": the title keeps it; the speaker is known
                row.speakers.extend(n for n in names if n not in row.speakers)
    if "[" in title and title.count("[") > title.count("]"):
        # "[Lecture 1: Regression [html coming soon)": a link label whose brackets the
        # page left open; the aside in the stray bracket is not the title's.
        if title.startswith("["):
            title = title[1:]
        bare = _OPEN_ASIDE.sub("", title) if title.count("[") > title.count("]") else title
        title = bare if bare.strip() else title
    if ":" in title:
        title = _LECTURE_LABEL.sub("", title)
    if title[:1] in "SsNnVvRrHh":
        lab = _MATERIAL_FOR.match(title)
        if lab and title[lab.end():].strip():
            title = title[lab.end():]  # "Slides for Class 01": the link's label names the session
    m = _NUMBER_PREFIX.match(title) or (_BARE_NUMBER.match(title) if title[:1].isdigit() else None)
    if m and title[m.end():].strip():
        if row.number is None:
            row.number = next(g for g in m.groups() if g)
        row.lecture_label = title[:3].lower() == "lec"
        title = title[m.end():]
    if listed and _LIST_WORD.fullmatch(title):
        # "02 -- Topics (TG)" over a list of them: the session is what the list names.
        title = clean(", ".join(clean(x) for x in listed[:6]))
    if "--" in title:
        title = _DASHES.sub(" – ", title)
    if title.endswith("*)"):
        title = _FOOTNOTE_MARK.sub("", title)  # "Complexity theory (*)": a footnote's mark
    if title.endswith(")"):
        at = title.rfind("(")
        if at > 0 and _SESSION_COUNT.match(title, at):
            title = title[:at].rstrip()
    title = title.strip(" |-–—:;,")
    if ":" in title and _LABELLED_ACT.search(title):
        title = labelled_work(row, title)
    row.title = title
    row.detail = clean(f"{row.detail} {detail}")


_LABELLED_ACT = re.compile(
    r"(?i)(?<![\w-])(?P<act>out|due|released?|assigned|handed\s+out)\s*:\s*(?P<what>[^.;|:]+?)\s*(?:[.;|]|$)"
)


def labelled_work(row: Row, text: str) -> str:
    """A title without its "Out: HW2." and "Due: HW1, HW3." labels: the work they name
    goes to :attr:`Row.assignments` with its action ("HW2 out").

    >>> r = Row(line=1)
    >>> labelled_work(r, "Due: HW1. Out: HW2. Sorting"), r.assignments
    ('Sorting', ['HW1 due', 'HW2 out'])
    """
    out: list[str] = []
    keep: list[str] = []
    last = 0
    for m in _LABELLED_ACT.finditer(text):
        names = [clean(w).strip("[]") for w in re.split(r"\s*(?:,|\band\b|&)\s*", m.group("what")) if w.strip()]
        whole = [ASSIGN.fullmatch(w) for w in names]
        if not whole or any(a is None or a.group("act") for a in whole):
            continue
        act = m.group("act").lower().replace("handed out", "out")
        out.extend(f"{w} {act}" for w in names)
        keep.append(text[last : m.start()])
        last = m.end()
    if not out:
        return text
    keep.append(text[last:])
    row.assignments.extend(out)
    return clean(" ".join(keep)).strip(" |-–—:;,.")


# ---------------------------------------------------------------- cell contents

ASSIGN = re.compile(
    r"""(?ix)
    \b(?P<name>
        (?P<base>p-?sets?|problem\s+sets?|homeworks?|hw|assignments?|labs?|quiz(?:zes)?|(?:mini-?)?projects?)
            \s*\#?\s*(?P<num>\d+)
          (?P<sub>\s+[-–:]\s+[A-Z][A-Za-z]*(?:\s+(?!written\b|code\b|out\b|due\b)[A-Z][A-Za-z]*)?)?
      | (?P<proj>(?:final\s+|course\s+|class\s+)?projects?(?:\s+(?:proposals?|reports?|milestones?|checkpoints?|midpoints?|write-?ups?))?)
            (?P<paren>\s*\([^)]{1,40}\))?(?=\s+(?:out|released?|due|handout|assigned|deadline)\b)
    )
    (?:\s+(?P<act>out|released?|due|handout|assigned|deadline))?
    (?![\w])""",
)
_DISCUSSION = re.compile(
    r"(?i)\b(?:(?:dis(?:cussion)?|section|recitation)\s*\d+\s*:|no\s+discussion\b|no\s+section\b)"
)
_LINK_WORDS = frozenset(
    "written code solutions solution pdf tex zip colab notebook starter data link links "
    "latex template handout release".split()
)
_MATERIAL_WORDS = {
    "slides": "slides", "notes": "notes", "video": "recording", "recording": "recording",
    "recordings": "recording", "colab": "code", "demo": "demo", "handout": "handout",
}
_NAME_PART = re.compile(
    r"^(?:Dr\.?\s+|Prof\.?\s+)?[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|da|del|der|di|le|la|bin|al))"
    r"{1,3}$"
)
_NOT_NAME_WORDS = frozenset(
    "slides notes lecture lectures reading readings code written discussion section tutorial "
    "homework project projects guest class week none tbd tba video recording due out colab "
    "optional required the of and for "
    # a holiday's name in brackets is not a speaker's: "No Class (MLK Day)"
    "day days break holiday holidays recess vacation thanksgiving christmas easter juneteenth "
    "labor labour memorial veterans presidents election exam midterm final review quiz".split()
)


def looks_like_names(text: str) -> list[str] | None:
    parts = [p.strip() for p in _NAME_SEP.split(text) if p.strip()]
    if not parts or len(parts) > 6:
        return None
    for p in parts:
        if not _NAME_PART.match(p):
            return None
        if any(w.lower().strip(".") in _NOT_NAME_WORDS for w in p.split()):
            return None
    return parts


def take_assignments(row: Row, text: str) -> str:
    found = list(ASSIGN.finditer(text)) if _may_hold(_ASSIGN_KEY, text) else []
    for m in found:
        row.assignments.append(clean(m.group(0)))
    if not found:
        return text
    rest = ASSIGN.sub(" ", text)
    if all(w.lower().strip(".,:;()") in _LINK_WORDS for w in rest.split()):
        return ""
    return rest


def _take_discussion(row: Row, text: str) -> str:
    m = _DISCUSSION.search(text) if _may_hold(_DISCUSSION_KEY, text) else None
    if m is None:
        return text
    disc = clean(text[m.start():])
    if not _NO_DISCUSSION.match(disc):
        row.discussion = disc
    return text[: m.start()]


def take_materials(row: Row, text: str) -> str:
    """Material markers: '[slides] [lecture recording]' anywhere, or leading words."""
    brackets = _BRACKETED.findall(text)
    if brackets and not _BRACKETED.sub("", text).strip():
        for b in brackets:
            _add_material(row, b)
        return ""
    words = text.split()
    i = 0
    while i < len(words) and words[i].lower().strip(".,;:") in _MATERIAL_WORDS and not words[i].endswith(":"):
        _add_material(row, words[i])
        i += 1
    return " ".join(words[i:])


def _add_material(row: Row, text: str) -> None:
    slug = slugify(text)
    slug = slug.removeprefix("lecture-")
    slug = _MATERIAL_WORDS.get(slug, slug)
    if slug and slug not in row.materials:
        row.materials.append(slug)


def absorb(row: Row, text: str) -> None:
    """Sort the text of a cell that is not the title by what it looks like."""
    text = text.strip()
    if not text:
        return
    text = _take_discussion(row, text)
    text = take_assignments(row, text)
    text = clean(text)
    if not text:
        return
    if all(w.lower().strip(".,:;()") in _LINK_WORDS for w in text.split()):
        return
    names = looks_like_names(text)
    if names is not None:
        row.speakers.extend(n for n in names if n not in row.speakers)
        return
    text = take_materials(row, text)
    if text.strip():
        row.reading_text.append(clean(text))


def split_title_markers(row: Row, text: str) -> str:
    """In a plain-text row the title runs on into the discussion and homework columns:
    assignment markers at the end of the title, and a discussion marker, are split off.

    A title that is nothing but "X due" stays a title too: it is a deadline on the
    calendar as well as the due date of an assignment.
    """
    ms = list(ASSIGN.finditer(text)) if _may_hold(_ASSIGN_KEY, text) else []
    if ms and ms[-1].end() >= len(text.rstrip()) - 1:
        # Only a run of markers that ends the title belongs to other columns ("Discuss
        # HW1 HW1 due": a bare marker before one with its action is the title's).
        run = [ms[-1]]
        for a in reversed(ms[:-1]):
            if text[a.end() : run[0].start()].strip() or (a.group("act") is None and run[0].group("act")):
                break
            run.insert(0, a)
        for x in run:
            row.assignments.append(clean(x.group(0)))
        head = text[: run[0].start()]
        if head.rstrip().endswith(("(", "[")):
            head = head.rstrip()[:-1]  # "Title (pset 1 due)"
        if _OBJECT_BEFORE.search(head):
            pass  # "Deadline for Homework 1", "Review of pset 2": the title's own words
        elif head.strip() or (run[-1].group("act") or "").lower() not in ("due", "deadline"):
            text = head
        ms = ms[: ms.index(run[0])]
    return _take_discussion(row, _without_acted(row, text, ms))


def take_acted_markers(row: Row, text: str) -> str:
    """A title without the assignment markers that carry their action, anywhere in it
    ("HW1 out: Sorting", "Sorting (HW2 due) and hashing", "Sorting **HW1 OUT**"): labels
    on the session, which date the assignment (see :attr:`Row.assignments`). A title
    that would be left without words keeps them."""
    low = text.lower()
    if not any(w in low for w in _ACTS) or not _may_hold(_ASSIGN_KEY, text):
        return text
    return _without_acted(row, text, list(ASSIGN.finditer(text)))


_ACTS = ("out", "release", "due", "handout", "assigned", "deadline")  # (every action, lowercase)

def only_acted_markers(text: str) -> bool:
    """Whether ``text`` is nothing but assignment markers that carry their action
    ("**Assignment 1 released**", "HW2 due"): a label on a session, not its title.

    >>> only_acted_markers("Assignment 1 released"), only_acted_markers("Sorting (HW1 out)")
    (True, False)
    """
    low = text.lower()
    if not any(w in low for w in _ACTS) or not _may_hold(_ASSIGN_KEY, text):
        return False
    acted = [m for m in ASSIGN.finditer(text) if m.group("act")]
    return bool(acted) and not _TWO_LETTERS_RUN.search(_rest_of(text, acted))


def _rest_of(text: str, acted: list[re.Match[str]]) -> str:
    """``text`` without its acted markers, the due dates after them and the brackets
    left empty."""
    rest = text
    for m in reversed(acted):
        rest = rest[: m.start()] + " " + rest[m.end():]
    return _EMPTY_BRACKETS.sub(" ", _DUE_WHEN.sub(" ", rest))


def take_marker_line(row: Row, text: str) -> None:
    """A line of assignment markers alone (:func:`only_acted_markers`), as labels on
    the session ``row`` (see :attr:`Row.assignments`)."""
    row.assignments.extend(clean(m.group(0)) for m in ASSIGN.finditer(text) if m.group("act"))


def _without_acted(row: Row, text: str, ms: list[re.Match[str]]) -> str:
    acted = [m for m in ms if m.group("act")]
    if not acted:
        return text
    rest = _rest_of(text, acted)
    if not _TWO_LETTERS_RUN.search(rest):
        return text
    row.assignments.extend(clean(m.group(0)) for m in acted)
    return clean(rest).strip(" |-–—:;,")


# When a marked piece of work is due, after its marker: "by 05/05 (Tue)", "on 3/14",
# "by midnight", "before 11:59pm".
_DUE_WHEN = re.compile(
    r"(?i)\b(?:by|on|before|until)\s+(?:(?:[^\W\d_]{3,9}\.?,?\s+)?\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?"
    r"(?:\s*\(\s*[^\W\d_]{2,9}\.?\s*\))?|midnight|noon|\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?)")
_OBJECT_BEFORE = re.compile(r"(?i)\b(?:for|of|on|about|to|with|the|discuss|review|deadline)\s*$")
_TWO_LETTERS_RUN = re.compile(r"[^\W\d_]{2}")


def slugify(s: str) -> str:
    return _NON_SLUG.sub("-", s.casefold()).strip("-")


_BADGE_WORDS = (
    r"slides?|pdf|video|videos|code|notes|notebook|colab|github|recording|youtube|html|ipynb|"
    r"handout|link|solutions?|new|updated|optional|lecture\s+(?:notes|slides|video|recording)|"
    r"annotated\s+slides|demo|paper|blog|website|part\s*\d+|tex|zip|ppt|pptx|keynote|"
    r"\d{1,2}|web|audio|podcast|transcript|live|pre-?recorded"
)
_BADGES = re.compile(
    rf"(?i)\s*[\[\(]\s*(?:{_BADGE_WORDS})(?:\s*[,;/|&]\s*(?:{_BADGE_WORDS}))*\s*[\]\)]"
)
# "(slides, course review, exam II review)": a bracketed list of short link labels
# that starts with a badge.
_LABEL_LIST = re.compile(
    rf"(?i)\s*[\[\(]\s*(?:{_BADGE_WORDS})\s*(?:[,;|/]\s*[^\s,;|/\[\]()]+(?:\s+[^\s,;|/\[\]()]+){{0,3}}\s*)+[\]\)]"
)
_TRAILING_BADGES = re.compile(rf"(?i)(?:\s*[|·•,:;-]?\s*\b(?!\d)(?:{_BADGE_WORDS})\b)+\s*$")
# "(Slides) | (Recording) | (Self-check)", "[PDF] [Side notes] [video]": a trailing
# row of bracketed link labels; with a badge among them, every label in the row is one.
_LINK_ROW = re.compile(
    r"\s*[\[\(][^\[\]()|]{1,24}[\]\)](?:\s*[|·•]\s*[\[\(][^\[\]()|]{1,24}[\]\)])+\s*$"
    r"|(?:\s*\[[^\[\]()|]{1,24}\]){2,}\s*$"
)
_BRACKET_ENDS = (")", "]", ") ", "] ", ")  ", "]  ")
# A bracket opening a badge: wherever _BADGES matches, this does (quick to rule out).
_BADGE_OPEN = re.compile(rf"(?i)[\[\(]\s*(?:{_BADGE_WORDS})")
# The last badge of a trailing run: wherever _TRAILING_BADGES matches, this does, at the
# start of the run's last badge. That start is at most _LAST_BADGE_REACH characters
# before the end of the text (spaces after it aside), since every badge word is short or
# ends in a word that is a badge word itself ("lecture notes": "notes"), except "part 3",
# which ends in a digit: text ending in a digit is searched whole.
_LAST_BADGE = re.compile(rf"(?i)\b(?!\d)(?:{_BADGE_WORDS})\b\s*$")
_LAST_BADGE_REACH = 24


# The last word of every badge but "part 3" ("pre-recorded" ends in "recorded"), lowercase:
# an ASCII text whose last run of letters is none of these ends in no badge. (None is
# longer than 11 letters: the run is looked for in the last 16 characters.)
_BADGE_ENDS = frozenset(
    "slide slides pdf video videos code notes notebook colab github recording youtube html ipynb "
    "handout link solution solutions new updated optional demo paper blog website tex zip ppt pptx "
    "keynote web audio podcast transcript live recorded prerecorded".split()
)
_LAST_LETTERS = re.compile(r"[A-Za-z]+$")


def _may_end_in_badges(s: str) -> bool:
    """False when ``s`` surely does not end in a run of badge words."""
    end = len(s.rstrip())
    if s[end - 1 : end].isdigit():
        return _LAST_BADGE.search(s) is not None
    if s.isascii():  # (case-insensitive rules match some non-ASCII letters too)
        last = _LAST_LETTERS.search(s[max(0, end - 16) : end])
        if last is None or last.group().lower() not in _BADGE_ENDS:
            return False
    return _LAST_BADGE.search(s, max(0, end - _LAST_BADGE_REACH)) is not None
_PART_ONLY = re.compile(r"(?i)\s+part\s*\d+\s*")
# A trailing badge word that can also end a title's own phrase, when it follows the
# title after a plain space (no "|", ",", "-" before it, no second badge word).
_JOINS_ON = re.compile(r"(?i)\b(?:and|or|with|vs\.?|versus|using|via|into|to|from|&)\s*$")
_OWN_LAST_WORD = re.compile(r"(?i)\s+(?:code|web|videos?|audio|paper|demo|live|website|blog|new|notebooks?)\s*")
_ICONS = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200d\u00b6]+")  # emoji link icons; heading anchors "¶"


@lru_cache(maxsize=1 << 14)  # pages repeat their titles
def strip_badges(text: str) -> str:
    """A title without link labels and badges: "[PDF] [video]", "(slides, video)",
    "[[GitHub]]", emoji link icons, a trailing run of "slides video".

    >>> strip_badges("Transformers [PDF] [video] [code]")
    'Transformers'
    >>> strip_badges("Kernel Approximations (slides, video)")
    'Kernel Approximations'
    >>> strip_badges("Deep learning basics [[GitHub]]")
    'Deep learning basics'
    """
    out = []
    for ln in text.split("\n"):
        s = ln if ln.isascii() else _ICONS.sub(" ", ln)  # the icons are not ASCII
        if s.endswith(_BRACKET_ENDS) and s.count("(") + s.count("[") >= 2:
            labels = _LINK_ROW.search(s)
            if labels is not None and _BADGE_OPEN.search(labels.group()) is not None and labels.start() > 0:
                s = s[: labels.start()]
        prev = None
        while prev != s and ("[" in s or "(" in s):  # badges are bracketed
            prev = s
            if _BADGE_OPEN.search(s) is not None:
                s = _LABEL_LIST.sub("", _BADGES.sub("", s))
            s = _EMPTY_BRACKETS.sub("", s)
        if _may_end_in_badges(s):
            bare = _TRAILING_BADGES.sub("", s)
            # "RNNs Part 2" is the second of two lectures: a lone "part N" run on
            # from the title is the title's own; so is one word that can end a
            # title's own phrase ("Proof-carrying code", "Security on the web").
            if (bare.strip() and not _PART_ONLY.fullmatch(s, len(bare)) and not _OWN_LAST_WORD.fullmatch(s, len(bare))
                    and not _JOINS_ON.search(bare)):
                s = bare  # (not "Git and GitHub": a word that joins on keeps what follows)
        out.append(clean(s))
    return "\n".join(x for x in out if x)
