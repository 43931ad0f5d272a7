"""The check of a draft before ``kg import`` writes it: kg's own course loader, run on
the draft's text (nothing written), refusing what ``kg build`` would refuse with the
same one-line message, naming the draft as ``COURSE_ID.yaml`` and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import importer as imp
from kg.build.sources import read_course_file, read_course_text, unknown_reference
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
