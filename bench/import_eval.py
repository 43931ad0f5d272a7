"""How well `kg import` reads the seed pages, measured against the curated course files.

    python bench/import_eval.py [--seeds DIR] [--data DIR] [--threshold T] [-v]

Each seed page (default: ../shared/seeds beside the repository) is imported
with the shipped graph's vocabulary and compared with the curated course whose
``source:`` names it (or whose id starts the file name):

- lectures: precision and recall of the draft's lectures. A draft lecture matches a
  curated one by date where both have dates, else by order and title similarity (an
  alignment that keeps both sequences in order).
- dates: the fraction of matched lectures whose date is the curated date.
- topics: precision and recall of the proposed ``covers`` against the curated ``covers``,
  micro-averaged over matched lectures.
- events: the fraction of the curated dated events the draft has on the same date with
  the same kind.

What a page does not state is given as a user would give it, and the "given" column says
so: the curated term as ``--term`` when the page has none (the Berkeley table rendering),
the curated name as ``--name`` when the page has no title line (BU, the Berkeley table). ``-v`` prints every lecture's missed and extra topics.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.importer import COVER_THRESHOLD, Draft, Vocabulary, build_draft, parse_page, read_page  # noqa: E402
from kg.build.sources import Course, load_sources  # noqa: E402

DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"


@dataclass
class Score:
    page: str
    course: str
    term_from: str
    lectures: int = 0
    curated: int = 0
    matched: int = 0
    dated: int = 0
    dates_right: int = 0
    proposed: int = 0
    gold: int = 0
    hits: int = 0
    events: int = 0
    events_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k in ("lectures", "curated", "matched", "dated", "dates_right", "proposed", "gold", "hits", "events", "events_right"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @staticmethod
    def _ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def lecture_precision(self) -> float | None:
        return self._ratio(self.matched, self.lectures)

    @property
    def lecture_recall(self) -> float | None:
        return self._ratio(self.matched, self.curated)

    @property
    def date_accuracy(self) -> float | None:
        return self._ratio(self.dates_right, self.dated)

    @property
    def topic_precision(self) -> float | None:
        return self._ratio(self.hits, self.proposed)

    @property
    def topic_recall(self) -> float | None:
        return self._ratio(self.hits, self.gold)

    @property
    def event_accuracy(self) -> float | None:
        return self._ratio(self.events_right, self.events)

    def as_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "lecture_precision": self.lecture_precision,
            "lecture_recall": self.lecture_recall,
            "dates": self.date_accuracy,
            "topic_precision": self.topic_precision,
            "topic_recall": self.topic_recall,
            "events": self.event_accuracy,
        }


def _norm(s: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in s.casefold()).split())


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.token_set_ratio(_norm(a), _norm(b))) / 100.0


def match_lectures(draft: list[Any], gold: list[Any], min_sim: float = 0.6) -> list[tuple[int, int]]:
    """Pairs (draft index, curated index): by date where both are dated, then an
    order-keeping alignment on title similarity for the rest."""
    pairs: list[tuple[int, int]] = []
    used_d: set[int] = set()
    used_g: set[int] = set()
    for i, d in enumerate(draft):
        if d.date is None:
            continue
        same = [j for j, g in enumerate(gold) if g.date == d.date and j not in used_g]
        if same:
            j = max(same, key=lambda j: _similarity(d.title, gold[j].title))
            pairs.append((i, j))
            used_d.add(i)
            used_g.add(j)
    rest_d = [i for i in range(len(draft)) if i not in used_d]
    rest_g = [j for j in range(len(gold)) if j not in used_g]
    # Longest order-keeping alignment that maximises total title similarity.
    n, m = len(rest_d), len(rest_g)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            s = _similarity(draft[rest_d[a]].title, gold[rest_g[b]].title)
            take = best[a + 1][b + 1] + s if s >= min_sim else -1.0
            best[a][b] = max(best[a + 1][b], best[a][b + 1], take)
    a = b = 0
    while a < n and b < m:
        s = _similarity(draft[rest_d[a]].title, gold[rest_g[b]].title)
        if s >= min_sim and abs(best[a][b] - (best[a + 1][b + 1] + s)) < 1e-9:
            pairs.append((rest_d[a], rest_g[b]))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return sorted(pairs)


def score(page: str, draft: Draft, course: Course, term_from: str) -> Score:
    sc = Score(page, course.id, term_from, lectures=len(draft.lectures), curated=len(course.lectures))
    for i, j in match_lectures(draft.lectures, course.lectures):
        d, g = draft.lectures[i], course.lectures[j]
        sc.matched += 1
        if g.date is not None:
            sc.dated += 1
            sc.dates_right += int(d.date == g.date)
        proposed = set(d.covers(draft.threshold))
        gold = set(g.covers)
        sc.proposed += len(proposed)
        sc.gold += len(gold)
        sc.hits += len(proposed & gold)
        if proposed != gold:
            sc.misses.append(
                f"  {g.title[:60]!r}: missed {sorted(gold - proposed)} extra {sorted(proposed - gold)}"
            )
    by_date = {(e.date, e.kind) for e in draft.events if e.date is not None}
    for e in course.events:
        if e.date is None:
            continue
        sc.events += 1
        sc.events_right += int((e.date, e.kind) in by_date)
    return sc


def course_for(seed: Path, courses: dict[str, Course]) -> Course | None:
    for c in courses.values():
        if c.source == seed.name:
            return c
    fits = [c for c in courses.values() if seed.name.startswith(c.id)]
    return max(fits, key=lambda c: len(c.id)) if fits else None


def evaluate(seeds: Path = DEFAULT_SEEDS, data: Path | None = None, threshold: float = COVER_THRESHOLD) -> list[Score]:
    """Import every seed page and score it; the last Score is the total over all pages."""
    from kg.graph import KnowledgeGraph
    from kg.build.store import default_data_dir

    data_dir = data or default_data_dir()
    vocab = Vocabulary.from_graph(KnowledgeGraph.open(data_dir))
    courses = load_sources(data_dir).courses
    scores: list[Score] = []
    total = Score("all pages", "", "")
    for seed in sorted(seeds.iterdir()):
        if seed.name.startswith(".") or not seed.is_file():
            continue
        course = course_for(seed, courses)
        if course is None:
            continue
        page = parse_page(read_page(seed), str(seed))
        # What the page does not state is given as a user would: --term, --name.
        given = []
        term = name = None
        if page.term is None and course.term:
            term = course.term
            given.append("term")
        if page.name is None:
            name = course.name
            given.append("name")
        draft = build_draft(page, vocab, course_id=course.id, term=term, name=name, threshold=threshold)
        sc = score(seed.name, draft, course, ",".join(given) or "-")
        scores.append(sc)
        total.add(sc)
    scores.append(total)
    return scores


def _pct(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.2f}"


def table(scores: list[Score]) -> str:
    head = f"{'page':34} {'given':9} {'lect P':>6} {'lect R':>6} {'dates':>6} {'topic P':>7} {'topic R':>7} {'events':>6}  lectures"
    lines = [head, "-" * len(head)]
    for s in scores:
        if s.page == "all pages":
            lines.append("-" * len(head))
        lines.append(
            f"{s.page:34} {s.term_from:9} {_pct(s.lecture_precision):>6} {_pct(s.lecture_recall):>6} "
            f"{_pct(s.date_accuracy):>6} {_pct(s.topic_precision):>7} {_pct(s.topic_recall):>7} "
            f"{_pct(s.event_accuracy):>6}  {s.matched}/{s.lectures} of {s.curated}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--threshold", type=float, default=COVER_THRESHOLD)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    scores = evaluate(args.seeds, args.data, args.threshold)
    print(table(scores))
    if args.verbose:
        for s in scores[:-1]:
            print(f"\n{s.page}:")
            print("\n".join(s.misses) or "  (every matched lecture's topics agree)")


if __name__ == "__main__":
    main()
