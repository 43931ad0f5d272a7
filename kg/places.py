"""Where a topic is taught, most useful first: the rule every view that lists places
follows (``kg path``, ``kg show``, ``kg viz`` tooltips, the learner's app).

With many courses a topic is taught in many places. A view lists the best few of each
kind (:data:`PATH_LIMITS` for a step of a plan, :data:`SHOW_LIMITS` for a topic on its
own) and says how many more there are; data for programs (JSON, the app's data) keeps
them all. :func:`rank_places` orders lectures and sessions; chapters and readings keep
the order they come in (by book and number; required readings before optional).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

__all__ = ["PATH_LIMITS", "SHOW_LIMITS", "rank_places", "top"]

PATH_LIMITS: dict[str, int] = {"lectures": 4, "sessions": 2, "chapters": 3, "readings": 3}
"""How many places of each kind a step of a learning plan lists."""

SHOW_LIMITS: dict[str, int] = {"lectures": 8, "sessions": 4, "chapters": 6, "readings": 6}
"""How many places of each kind a topic's own page (``kg show``, a tooltip) lists."""

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NOT_WORD = re.compile(r"[^0-9a-z]+")

P = TypeVar("P", bound=Mapping[str, Any])


@lru_cache(maxsize=4096)  # (a lecture's title is read for each topic it covers)
def _words(text: str) -> str:
    return " " + " ".join(_NOT_WORD.sub(" ", text.casefold()).split()) + " "


def rank_places(places: Sequence[P], names: Iterable[str]) -> list[P]:
    """The lectures (or sessions) that teach one topic, most useful to a learner first.

    1. one place per course first -- the course's lecture whose title names the topic
       (its label, id or an alias), else its first lecture on it -- so the first few
       come from different courses; a course's other lectures after;
    2. within each group, a lecture whose title names the topic first: the topic is what
       the lecture is about, not one item among many;
    3. then the most recent: by the lecture's date, else the year of its course's term (a
       dated lecture before an undated one of the same year; undated, termless last);
    4. ties in course id and teaching order.

    Each place is a mapping with ``course`` and, where known, ``position``, ``title``,
    ``date`` and ``term``.

    Examples
    --------
    >>> places = [
    ...     {"course": "a", "position": 1, "title": "Intro", "term": "Fall 2019"},
    ...     {"course": "a", "position": 5, "title": "Backprop", "term": "Fall 2019"},
    ...     {"course": "b", "position": 2, "title": "Networks", "date": "2024-02-01"},
    ... ]
    >>> [(p["course"], p["position"]) for p in rank_places(places, ["backprop"])]
    [('a', 5), ('b', 2), ('a', 1)]
    """
    # A name, and its plural, as whole words of a title (the names' words are joined
    # by single spaces between spaces, as a title's).
    keys = [(w, w[:-1] + "s ") for w in map(_words, names) if w.strip()]

    def recency(p: P) -> str:
        if p.get("date"):
            return str(p["date"])
        year = _YEAR.search(str(p.get("term") or ""))
        return f"{year.group(0)}-00-00" if year else ""

    # Each place's facts once, then its index sorted (the same order as sorting the places).
    places = list(places)
    unnamed: list[bool] = []
    position: list[Any] = []
    course: list[Any] = []
    for p in places:
        title = _words(str(p.get("title") or ""))
        unnamed.append(not any(k in title or plural in title for k, plural in keys))
        position.append(p.get("position") or 0)
        course.append(p["course"])
    order = range(len(places))
    best: dict[Any, int] = {}
    for i in sorted(order, key=lambda i: (unnamed[i], position[i])):
        best.setdefault(course[i], i)

    # Sorts are stable: the last sort decides first, earlier ones break its ties.
    ranked = sorted(order, key=lambda i: (course[i], position[i]))
    ranked.sort(key=[recency(p) for p in places].__getitem__, reverse=True)
    first = [places[best[c]] for c in course]  # (each place's course's first place)
    ranked.sort(key=lambda i: (first[i] is not places[i], unnamed[i]))
    return [places[i] for i in ranked]


T = TypeVar("T")


def top(items: Sequence[T], limit: int) -> tuple[list[T], int]:
    """The first ``limit`` of ``items`` and how many are left out.

    >>> top(["a", "b", "c"], 2)
    (['a', 'b'], 1)
    """
    return list(items[:limit]), max(0, len(items) - limit)
