"""The shipped course files agree with the hand-written gold of the development pages
(`../shared/import-pages/gold/`): the same lectures, in the same order, with the same
titles, dates and guest lectures. Where a file deliberately differs, the difference is
listed below with its reason."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from kg.build.sources import load_sources
from kg.build.store import default_data_dir

PAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "import-pages"
if not PAGES.is_dir():
    PAGES = Path("/work/shared/import-pages")

pytestmark = pytest.mark.skipif(not (PAGES / "gold").is_dir(), reason=f"no development pages at {PAGES}")

# Gold lectures a course file leaves out on purpose: (course, gold n) -> why.
LEFT_OUT = {
    ("nyu-dsga1008-sp21", 23): (
        "'Energy based models (V)' is listed under Themes 4 and 5 with the same video and "
        "slides: one session, kept once (where it is first listed)"
    ),
}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _manifest() -> dict[tuple[str, str], str]:
    """(repository, path) -> gold name, from the pages' MANIFEST."""
    out = {}
    for line in (PAGES / "pages" / "MANIFEST.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 3 and "." in cells[0] and "/" in cells[1]:
            out[(cells[1], cells[2])] = cells[0].rsplit(".", 1)[0]
    return out


def _pairs():
    src = load_sources(default_data_dir())
    manifest = _manifest()
    out = []
    for c in sorted(src.courses.values(), key=lambda c: c.id):
        origin = c.origin
        if origin is None:
            continue
        name = manifest.get((origin.repository, origin.path))
        if name is not None:
            out.append((c, name))
    return out


PAIRS = _pairs() if (PAGES / "gold").is_dir() else []


def test_every_development_page_has_its_course_file():
    assert len(PAIRS) == 20, [n for _, n in PAIRS]


@pytest.mark.parametrize("course,name", PAIRS, ids=[c.id for c, _ in PAIRS])
def test_lectures_and_dates_agree_with_the_gold(course, name):
    gold = yaml.safe_load((PAGES / "gold" / f"{name}.yaml").read_text())
    want = [g for g in gold["lectures"] if (course.id, g["n"]) not in LEFT_OUT]
    got = course.lectures
    assert [_norm(g["title"]) for g in want] == [_norm(lec.title) for lec in got]
    assert [str(g.get("date") or "") for g in want] == [str(lec.date or "") for lec in got]
    assert [bool(g.get("guest")) for g in want] == [lec.guest for lec in got]
