"""The check of a draft before ``kg import`` writes it: kg's own course loader, run on
the draft's text (nothing written), refusing what ``kg build`` would refuse with the
same one-line message, naming the draft as ``COURSE_ID.yaml`` and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import importer as imp
from kg.build.sources import read_course_file, read_course_text, unknown_reference
from kg.importer.pages import check_whole_draft, distinct_events, distinct_lectures
from kg.errors import DataError, PageError


class _Vocab:
    """The part of a vocabulary the check reads: the topics' ids."""

    def __init__(self, *ids: str) -> None:
        self.topics = [type("T", (), {"id": i})() for i in ids]


GOOD = """\
# DRAFT
id: c
name: C
lectures:
  - title: One  # lecture 1
    date: 2025-09-02
    covers: [backpropagation, attention]  # 0.98, 0.90
  - title: "Two: more"
    number: "2"
    readings:
      - chapter: udl/7
"""

BAD = [
    # (the draft, the line, what the message says)
    (GOOD.replace("2025-09-02", "2025-02-30"), 6, "impossible date '2025-02-30'"),
    (GOOD.replace("name: C", "name: C\nbogus: 1"), 4, "unknown field 'bogus' in course"),
    (GOOD.replace("[backpropagation, attention]", "[backpropagation, attention"), 8, "invalid YAML"),
    (GOOD.replace("  - title: One", "  - title: One\n    title: Again"), 6, "duplicate key 'title'"),
    (GOOD.replace('number: "2"', "number: 2.5"), 9, "'number' must be a whole number"),
    (GOOD.replace("title: One", "title: ''"), 5, "'title' must not be empty"),
    (GOOD.replace("[backpropagation, attention]", "[backpropagation, atention]"), 7,
     "unknown topic 'atention'; did you mean 'attention'?"),
    (GOOD.replace("title: One", "title: One\x07"), 5, "control character U+0007"),
    (GOOD.replace("title: One", "title: One\ud800"), 5, "not valid UTF-8: character U+D800"),
]

VOCAB = _Vocab("backpropagation", "attention")


def _file_error(text: str, tmp_path: Path) -> str:
    """What kg's loader says of the draft written as a file (as ``kg build`` reads it)."""
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        _, refs = read_course_file(path, "c.yaml")
        topics = {t.id for t in VOCAB.topics}
        for name, loc in refs:
            if name not in topics:
                raise unknown_reference("topic", name, topics, loc)
    except DataError as exc:
        return str(exc).replace(str(path), "c.yaml")  # a YAML error names the file's path
    raise AssertionError("the file loads")


def test_a_good_draft_loads_as_the_file_does(tmp_path: Path) -> None:
    imp.check_draft(GOOD, "c", VOCAB, "page.md")
    path = tmp_path / "c.yaml"
    path.write_text(GOOD, encoding="utf-8")
    from_text, refs_text = read_course_text(GOOD, "c.yaml")
    from_file, refs_file = read_course_file(path, "c.yaml")
    assert from_text == from_file and refs_text == refs_file
    assert [(n, loc.line) for n, loc in refs_text] == [("backpropagation", 7), ("attention", 7)]
    assert [lec.loc.line for lec in from_text.lectures] == [5, 8]
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_a_draft_kg_would_refuse_is_refused_with_the_loaders_message(
    text: str, line: int, message: str, tmp_path: Path
) -> None:
    with pytest.raises(PageError) as exc:
        imp.check_draft(text, "c", VOCAB, "page.md")
    said = str(exc.value)
    assert said.startswith(f"page.md: the draft would not load: c.yaml:{line}: "), said
    assert message in said and "\n" not in said
    if "U+D800" not in message:  # a lone surrogate cannot be written to a file at all
        assert said == f"page.md: the draft would not load: {_file_error(text, tmp_path)}"


def test_dates_a_course_repeats_and_a_bad_one_after_them(tmp_path: Path) -> None:
    """Lectures on the same day each get the date; an impossible date after good ones
    is reported at its own line; unnumbered lectures are numbered by position."""
    lectures = "".join(
        f"  - title: Lecture {i}\n    date: {d}\n"
        for i, d in enumerate(["2025-09-02", "2025-09-04", "2025-09-02", " 2025-09-04 "], start=1)
    )
    text = "id: c\nlectures:\n" + lectures
    course, _ = read_course_text(text, "c.yaml")
    assert [str(lec.date) for lec in course.lectures] == ["2025-09-02", "2025-09-04"] * 2
    assert [lec.loc.line for lec in course.lectures] == [3, 5, 7, 9]
    assert [lec.key for lec in course.lectures] == [1, 2, 3, 4]
    bad = text + "  - title: Lecture 5\n    date: 2025-09-31\n  - title: Lecture 6\n    date: 2025-09-02\n"
    with pytest.raises(PageError, match=r"c\.yaml:12: impossible date '2025-09-31'"):
        imp.check_draft(bad, "c", VOCAB, "page.md")


# ---------------------------------------------------------------- a draft whose lectures repeat
# check_draft loads such a draft with each distinct lecture once (distinct_lectures) and
# decides on the whole draft whenever that does not load cleanly: its answer (and
# message) must be the whole draft's for any text.

_VARIANTS = [
    '  - title: Warm-up  # lecture {n}, line {line}\n    date: 2025-09-02\n'
    '    covers: [backpropagation]  # backpropagation 0.98\n    # no topic for: Warm-up\n',
    '  - title: "Two: more"  # lecture {n}, line {line}\n    date: 2025-09-04\n'
    '    covers: [backpropagation, attention]  # backpropagation 0.98, attention 0.90\n'
    "    # weaker: attention 0.70 ('Attention')\n",
    '  - title: Reading day  # lecture {n}, line {line}\n    readings:\n      - chapter: udl/7\n'
    '        note: "pages 1-3"\n    materials: [slides.pdf, "notes v2.pdf"]\n',
    '  - title: Guest  # lecture {n}, line {line}\n    speakers: [Ann Example]\n    guest: true\n'
    '    # covers: no topic linked with confidence >= 0.80\n',
]


def _repeated_draft(n: int = 300) -> str:
    head = "# DRAFT written by `kg import` from p.md (markdown-table).\nid: c\nname: C  # TODO: a name\nsource: p.md\n\nlectures:\n"
    lectures = "".join(_VARIANTS[k % len(_VARIANTS)].format(n=k + 1, line=k + 7) for k in range(n))
    events = "".join(
        "  - kind: exam\n    title: Midterm\n    date: 2025-10-01\n" if k % 2 else
        "  - kind: discussion\n    title: \"Section: attention\"\n    week: 3\n    covers: [attention]  # attention 0.90\n"
        for k in range(n // 3)
    )
    tail = ("\nevents:\n" + events + "  - kind: exam\n    title: Final\n"
            "\n# Candidate new topics: terms in lecture titles.\n#   Warm-up [1, 5]\n")
    return head + lectures + tail


def _verdict(check: object, text: str) -> str | None:
    try:
        check(text)  # type: ignore[operator]
    except PageError as exc:
        return str(exc)
    return None


def _same_verdict(text: str) -> str | None:
    fast = _verdict(lambda t: imp.check_draft(t, "c", VOCAB, "page.md"), text)
    whole = _verdict(lambda t: check_whole_draft(t, "c", {t.id for t in VOCAB.topics}, "page.md"), text)
    assert fast == whole, (fast, whole)
    return fast


def test_a_draft_whose_lectures_repeat_is_loaded_with_each_lecture_once() -> None:
    text = _repeated_draft()
    reduced = distinct_lectures(text)
    assert reduced is not None and reduced.count("\n  - title: ") == len(_VARIANTS) + 1  # and the last one
    assert "# lecture" not in reduced and reduced.endswith(text[text.index("\nevents:"):])
    assert _same_verdict(text) is None
    events = distinct_events(reduced)
    assert events is not None and events.count("\n  - kind: ") == 3  # two kinds of event and the last one
    assert _same_verdict(text.replace("\nevents:\n", "\nevents:\n  - kind: exam\n    title: &x Early\n")) is None
    course, _ = read_course_text(reduced, "c.yaml")
    whole, _ = read_course_text(text, "c.yaml")
    key = lambda lec: repr((lec.title, lec.date, lec.covers, lec.speakers, lec.guest, lec.materials,
                                 [(r.reading, r.chapter, r.optional, r.sections, r.note) for r in lec.readings]))  # noqa: E731
    assert {key(lec) for lec in course.lectures} == {key(lec) for lec in whole.lectures}
    # Lectures of their own titles (a schedule's): loaded whole, without the work.
    distinct = "".join(_VARIANTS[0].replace("Warm-up", f"Warm-up {k}").format(n=k, line=k) for k in range(300))
    assert distinct_lectures(text.replace(text[text.index("  - title"):text.index("\nevents:")], distinct)) is None


_MIDDLE = "  - title: Warm-up  # lecture 101, line 107\n"
_LAST = "  - title: Guest  # lecture 300, line 306\n"
MUTANTS = [
    # (what is changed, its replacement): each made in a lecture that repeats
    ("    date: 2025-09-02\n", "    date: 2025-02-30\n"),  # an impossible date
    ("    covers: [backpropagation]  #", "    covers: [backprop]  #"),  # an unknown topic
    (_MIDDLE, _MIDDLE + '    number: "3"\n'),  # one lecture numbered
    (_MIDDLE, _MIDDLE + "    bogus: 1\n"),  # an unknown field
    (_MIDDLE, _MIDDLE + "    title: Again\n"),  # a duplicate key
    (_MIDDLE, '  - title: "Warm-up  # lecture 101, line 107\n'),  # a quote left open...
    (_LAST, '  - title: "Guest  # lecture 300, line 306\n'),
    ('  - title: "Two: more"  # lecture 102', '  - title: "Two: more  # lecture 102'),
    (_MIDDLE, "  - title: &t Warm-up  # lecture 101, line 107\n"),  # an anchor, and an alias
    ("  - title: Guest  # lecture 4,", "  - title: *t  # lecture 4,"),
    (_MIDDLE, "  - title: Warm-up  # lecture 101, line 107\n    note: |\n      text\n"),  # a block scalar
    ("    covers: [backpropagation]  # backpropagation 0.98\n    # no topic for: Warm-up\n  - title: \"Two: more\"  # lecture 102",
     "    covers: [backpropagation,\n  - title: \"Two: more\"  # lecture 102"),  # a flow list left open
    (_MIDDLE, "  - title: Warm-up\r  # lecture 101, line 107\n"),  # another line break
    (_MIDDLE, "  - title: ''  # lecture 101, line 107\n"),  # an empty title
    (_MIDDLE, "  - title: Warm-up # lecture 101, line 107\n"),  # one space before the comment
    (_MIDDLE, "  - title: Warm-up  # lecture 101, line 107\n\tdate: 2025-09-02\n"),  # a tab
    (_MIDDLE, "  - title: Warm-up  # lecture 101, line 107\n    speakers: [Ann, 3]\n"),
    (_MIDDLE, "  - title: Warm-up  # lecture 101, line 107\n   more words\n"),  # a title run on
    (_LAST, _LAST + "    # the end\n\n    title: more\n"),  # after the list: indented again
    ("\nevents:\n", "\n  - title: After a blank line\n    number: \"2\"\nevents:\n"),
    ("\nevents:\n", "\n---\nid: other\n"),  # a second document
    ("name: C  # TODO: a name\n", 'name: "C\n'),  # a quote left open above the lectures
    ("lectures:\n", "lectures:\n  # a comment\n"),
    ("id: c\n", "id: c\nlectures: []\n"),  # the key twice
    ("    guest: true\n", "    guest: yes please\n"),
    ("    covers: [backpropagation]  #", '    number: "3"\n    covers: [backpropagation]  #'),  # numbers repeat
    ("  - kind: exam\n", "  - kind: exams\n"),  # an unknown event kind
    ("    covers: [attention]  # attention 0.90\n", "    covers: [atention]\n"),  # an unknown topic
    ("    week: 3\n", "    week: three\n"),
    ("    title: Midterm\n", '    title: "Midterm\n'),  # a quote left open
    ("  - kind: exam\n    title: Final\n", "  - kind: exam\n    title: Final\n    date: 2025-13-01\n"),
    ("  - kind: exam\n    title: Final\n", "  - kind: exam\n    title: Final\n  more: 1\n"),
]

# Texts in which a lecture could read otherwise than on its own: never reduced.
OPEN = [MUTANTS[k] for k in (5, 6, 7, 8, 10, 11, 12, 15, 17, 21)]


@pytest.mark.parametrize(("old", "new"), MUTANTS)
def test_a_repeated_draft_changed_anywhere_gets_the_whole_drafts_verdict(old: str, new: str) -> None:
    text = _repeated_draft()
    assert old in text
    _same_verdict(text.replace(old, new, 1))
    _same_verdict(text.replace(old, new))  # in every lecture of the kind


@pytest.mark.parametrize(("old", "new"), OPEN)
def test_a_lecture_that_could_read_otherwise_on_its_own_is_not_reduced(old: str, new: str) -> None:
    assert distinct_lectures(_repeated_draft()) is not None
    assert distinct_lectures(_repeated_draft().replace(old, new, 1)) is None


def test_an_event_that_could_read_otherwise_on_its_own_is_not_reduced() -> None:
    reduced = distinct_lectures(_repeated_draft())
    assert reduced is not None and distinct_events(reduced) is not None
    for old, new in [("    title: Midterm\n", '    title: "Midterm\n'), ("    title: Midterm\n", "    title: &m Midterm\n"),
                     ("    week: 3\n", "    week: [3,\n"), ("    week: 3\n", "    week: >\n      3\n")]:
        assert distinct_events(reduced.replace(old, new, 1)) is None, new


def test_repeated_numbers_are_refused_as_the_whole_draft_refuses_them() -> None:
    """Each distinct lecture once, the numbers would be unique: the whole draft decides."""
    text = _repeated_draft()
    for k, v in enumerate(_VARIANTS):
        first = v.split("\n", 1)[0].format(n=0, line=0).split("  # ")[0]
        text = text.replace(first + "  # lecture", f'{first}\n    number: "{k + 1}"  # lecture')
    text = text.replace('Guest\n    number: "4"  # lecture 300,', 'Guest\n    number: "5"  # lecture 300,')
    said = _same_verdict(text)
    assert said is not None and "which also labels" in said


def test_a_repeated_draft_with_random_marks_gets_the_whole_drafts_verdict() -> None:
    import random

    rng = random.Random(12)
    text = _repeated_draft(120)
    marks = ['"', "'", "[", "]", "{", "&a ", "*a", "|", ">", "#", ": ", "\n", "\n  ", "\n    x: 1\n", "- ", "!", "%", "\t", "\r", ","]
    refused = 0
    for _ in range(150):
        at = rng.randrange(text.index("lectures:"), len(text))
        refused += _same_verdict(text[:at] + rng.choice(marks) + text[at:]) is not None
    assert 0 < refused < 150
