"""A synthetic data directory in kg's own format, shaped like a curriculum, for benchmarks.

    python bench/synth.py OUT_DIR --topics 100000
    python bench/synth.py OUT_DIR --triples 1000000      # about that many built triples

Writes ``topics/area-NNN.yaml``, ``books.yaml``, ``readings.yaml`` and
``courses/*.yaml`` (see ``data/README.md``) plus ``bench.json``, the query and plan
parameters the benchmarks use, chosen so that each returns rows. The shape:

- Topics come in areas of 1,000 (fewer for small graphs); area 0 is a shared core. An
  area's first topic is the area itself (``kind: area``, the ``broader`` of the others);
  the rest sit on 24 levels. A topic requires 1-4 topics (2.2 on average, each with a
  reason) of lower levels: mostly the level just below in its own area, about a third
  from one of the 60 areas before it, a few from the core. Chains are therefore at most
  23 edges long however large the graph (the shipped data: 13), while fan-in is broad:
  the ancestors of a top topic grow with the areas before it, from a few hundred in the
  first areas to ~29,000 at 100k topics (``kg path - TOPIC`` as a worst case).
- Courses come in pairs of offerings (Fall 2024 and Fall 2025) of one area's course: 26
  lectures climbing about ten levels, 2-4 topics a lecture, now and then a step back or a
  prerequisite taught alongside, so the build's teaching-order evidence has every kind.
  Lecture 1 of every course covers the same orientation topic. Lectures have speakers
  (two per course, sometimes a guest), dates, materials and readings of their area; a
  midterm covers topics; books on one area have 20 chapters in level order.
- Sizes: ~57 built triples per topic (a third of them the per-course ordering evidence
  the build stores on each prerequisite edge): 1M triples is ~17,000 topics, 100,000
  topics is ~5.7M triples.

The generator is deterministic (``--seed``) and streams text: 3M triples take seconds.
Generated data does not belong in the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from collections import deque
from dataclasses import dataclass
from pathlib import Path

AREA = 1000  # topics per area (fewer for small graphs); position 0 is the area itself
LEVELS = 24  # levels per area: a topic requires topics of lower levels only
TRACK = 60  # an area builds on the TRACK areas before it
FAN_IN = (20, 40, 25, 15)  # weights of 1, 2, 3 or 4 requirement picks per topic
CROSS = 0.35  # a pick from one of the TRACK areas before
CORE = 0.04  # a pick from the shared core (area 0)
# Built triples per topic for the default shape, measured with `kg build` (ontology and
# the fixed parts are noise at these sizes).
TRIPLES_PER_TOPIC = 58.2

WORDS = (
    "linear convex sparse deep recurrent spectral bayesian causal stochastic graph "
    "kernel latent residual attention contrastive generative adversarial variational "
    "robust federated quantized distilled sequential hierarchical dynamic"
).split()
NOUNS = (
    "regression embedding network inference estimation optimization sampling coding "
    "transform model encoder decoder policy search clustering alignment retrieval"
).split()


def topic_id(i: int) -> str:
    return f"t{i}"


def label(i: int) -> str:
    return f"{WORDS[i % len(WORDS)].capitalize()} {NOUNS[(i // len(WORDS)) % len(NOUNS)]} {i}"


@dataclass(frozen=True)
class Shape:
    """Where each topic sits: ``n`` topics in areas of ``size``, each area in ``LEVELS``
    levels (position 0 of an area is the area itself, ``kind: area``)."""

    n: int
    size: int

    @property
    def areas(self) -> int:
        return (self.n + self.size - 1) // self.size

    def area(self, i: int) -> int:
        return i // self.size

    def level(self, i: int) -> int:
        """0 .. LEVELS - 1 for a topic, -1 for an area's own topic."""
        pos = i % self.size
        return -1 if pos == 0 else (pos - 1) * LEVELS // (self.size - 1)

    def at(self, area: int, level: int) -> range:
        """The topics of ``area`` on ``level`` (empty past the last topic)."""
        start = area * self.size
        lo = start + 1 + -(-level * (self.size - 1) // LEVELS)
        hi = start + 1 + -(-(level + 1) * (self.size - 1) // LEVELS)
        return range(min(lo, self.n), min(hi, self.n))

    def track_start(self, area: int) -> int:
        """The first of the areas ``area`` builds on (area 0, the shared core, builds on
        nothing but itself)."""
        return 0 if area == 0 else max(1, area - TRACK)


def shape_for(n: int) -> Shape:
    return Shape(n, min(AREA, max(LEVELS + 1, n // 10)))


def requirements(shape: Shape, rng: random.Random) -> list[list[int]]:
    """``reqs[i]``: the topics topic ``i`` requires, all on lower levels (so a chain has at
    most ``LEVELS - 1`` edges, however large the graph). Most come from the level just
    below in the topic's own area, a share CROSS from one of the TRACK areas before, a
    share CORE from the shared core (area 0)."""
    reqs: list[list[int]] = []
    for i in range(shape.n):
        a, lv = shape.area(i), shape.level(i)
        if lv <= 0:  # the area itself, and the foundations of an area
            reqs.append([])
            continue
        got: set[int] = set()
        for _ in range(rng.choices((1, 2, 3, 4), FAN_IN)[0]):
            r = rng.random()
            src_area = a
            below = lv - 1 if rng.random() < 0.8 else rng.randrange(lv)
            first = shape.track_start(a)
            if r < CROSS and a > first:
                src_area = rng.randrange(first, a)
            elif r < CROSS + CORE and a > 0:
                src_area = 0
            pool = shape.at(src_area, below)
            if len(pool):
                got.add(rng.choice(pool))
        reqs.append(sorted(got))
    return reqs


def ancestors(reqs: list[list[int]], t: int) -> set[int]:
    seen = {t}
    todo = deque([t])
    while todo:
        for p in reqs[todo.popleft()]:
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def ancestors_count(reqs: list[list[int]], t: int) -> int:
    return len(ancestors(reqs, t))


def heights(reqs: list[list[int]]) -> list[int]:
    """The longest chain of requirements below each topic, in edges."""
    h = [0] * len(reqs)
    for i, ps in enumerate(reqs):  # every requirement has a smaller index
        if ps:
            h[i] = 1 + max(h[p] for p in ps)
    return h


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def write_topics(out: Path, shape: Shape, reqs: list[list[int]]) -> None:
    """One file per area: the area itself (``kind: area``), then its topics level by
    level, each ``broader`` the area and requiring topics of lower levels with a reason."""
    (out / "topics").mkdir(parents=True)
    for a in range(shape.areas):
        lines = [f"# Synthetic area {a}: {LEVELS} levels of topics.", "topics:"]
        for i in range(a * shape.size, min(shape.n, (a + 1) * shape.size)):
            lv = shape.level(i)
            what = f"The area numbered {a}" if lv < 0 else f"The idea numbered {i}, on level {lv} of area {a}"
            lines += [
                f"  - id: {topic_id(i)}",
                f"    label: {q(label(i))}",
                f"    aliases: [{q(f'alias of topic {i}')}]",
                f"    definition: {q(what + ', defined for benchmarks.')}",
            ]
            if lv < 0:
                lines.append("    kind: area")
            else:
                lines.append(f"    broader: {topic_id(a * shape.size)}")
            if reqs[i]:
                lines.append("    requires:")
                for p in reqs[i]:
                    lines += [f"      - topic: {topic_id(p)}", f"        reason: {q(f'Topic {i} builds directly on topic {p}.')}"]
            lines.append("")
        (out / "topics" / f"area-{a:03d}.yaml").write_text("\n".join(lines), encoding="utf-8")


def level_pick(shape: Shape, area: int, level: int, rng: random.Random, k: int) -> list[int]:
    pool = shape.at(area, max(0, min(LEVELS - 1, level)))
    return sorted(set(rng.choice(pool) for _ in range(k))) if len(pool) else []


def write_books(out: Path, shape: Shape, rng: random.Random) -> tuple[dict[int, list[str]], set[int]]:
    """Textbooks of 20 chapters, each book on one area, its chapters in level order.
    Returns the chapters (``BOOK/NUMBER``) by area, and the topics they cover."""
    by_area: dict[int, list[str]] = {}
    in_books: set[int] = set()
    lines = ["books:"]
    for b in range(max(1, shape.n // 2000)):
        area = b % shape.areas
        lines += [f"  - id: book{b}", f"    title: {q(f'Synthetic Book {b}')}", f"    authors: [{q(f'Author {b % 97}')}]", f"    year: {1990 + b % 35}", "    chapters:"]
        for c in range(1, 21):
            covers = level_pick(shape, area, (c - 1) * LEVELS // 20, rng, rng.randint(1, 4))
            in_books.update(covers)
            lines += [f"      - number: {c}", f"        title: {q(f'Chapter {c} of book {b}')}", f"        covers: [{', '.join(map(topic_id, covers))}]"]
            by_area.setdefault(area, []).append(f"book{b}/{c}")
    (out / "books.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return by_area, in_books


def write_readings(out: Path, shape: Shape, rng: random.Random) -> dict[int, list[str]]:
    """Readings, each on a few neighbouring topics of one area. Returns the ids by area."""
    kinds = ["paper", "notes", "post", "video", "tutorial"]
    by_area: dict[int, list[str]] = {}
    lines = ["readings:"]
    for r in range(max(5, shape.n // 20)):
        area = r % shape.areas
        covers = level_pick(shape, area, rng.randrange(LEVELS), rng, rng.randint(1, 3))
        lines += [
            f"  - id: r{r}",
            f"    title: {q(f'Reading number {r}')}",
            f"    kind: {kinds[r % len(kinds)]}",
            f"    authors: [{q(f'Writer {r % 501}')}]",
            f"    covers: [{', '.join(map(topic_id, covers))}]",
            "",
        ]
        by_area.setdefault(area, []).append(f"r{r}")
    (out / "readings.yaml").write_text("\n".join(lines), encoding="utf-8")
    return by_area


def write_courses(
    out: Path, shape: Shape, reqs: list[list[int]], readings: dict[int, list[str]], chapters: dict[int, list[str]], rng: random.Random
) -> tuple[list[str], dict[str, set[int]]]:
    """Courses in pairs of offerings (Fall 2024, Fall 2025) of one area's course. A course
    climbs about ten levels of its area in 26 lectures, 2-4 topics a lecture, now and then
    stepping back a level or teaching a prerequisite alongside; its first lecture is the
    orientation every course shares (topic 1); it assumes a topic below where it starts.
    Returns the course ids and the topics each covers."""
    (out / "courses").mkdir()
    ids: list[str] = []
    covered: dict[str, set[int]] = {}
    all_chapters = [c for cs in chapters.values() for c in cs]
    instructors = max(20, shape.n // 10)
    area = start = 0
    for c in range(max(2, shape.n // 80)):
        cid = f"c{c}"
        ids.append(cid)
        if c % 2 == 0:  # a new course; the odd one is its other offering
            area = rng.randrange(shape.areas)
            start = rng.randrange(LEVELS - 10)
        year = 2024 + c % 2
        day = dt.date(year, 9, 1)
        staff = [f"Speaker {rng.randrange(instructors)}" for _ in range(2)]
        assumed = level_pick(shape, area, start - 1, rng, 1) if start > 0 else [1]
        lines = [
            f"id: {cid}",
            f"name: {q(f'Synthetic course {c // 2}')}",
            f'code: "S{c // 2}"',
            f"term: Fall {year}",
            f"provider: {q(f'University {c // 2 % 40}')}",
            f"source: {cid}.txt",
            f"assumes: [{', '.join(map(topic_id, assumed))}]",
            "",
            "lectures:",
        ]
        seen: set[int] = set()
        level = start
        for k in range(1, 27):
            if k == 1:
                covers = [1]
            else:
                # forward through the levels, sometimes a step back
                level = start + (k - 2) * 10 // 24 - (1 if rng.random() < 0.15 else 0)
                covers = level_pick(shape, area, level, rng, rng.randint(2, 4))
                if covers and reqs[covers[0]] and rng.random() < 0.3:
                    covers = sorted({*covers, rng.choice(reqs[covers[0]])})
            seen.update(covers)
            lines += [
                f"  - title: {q(f'Lecture {k} of course {c}')}",
                f"    date: {(day + dt.timedelta(days=2 * k)).isoformat()}",
            ]
            if rng.random() < 0.05:
                lines += [f"    speakers: [{q(f'Speaker {rng.randrange(instructors)}')}]", "    guest: true"]
            else:
                lines.append(f"    speakers: [{q(staff[k % 2])}]")
            lines += [f"    covers: [{', '.join(map(topic_id, covers))}]", "    materials: [slides]"]
            if rng.random() < 0.5:
                lines.append("    readings:")
                lines.append(f"      - reading: {rng.choice(readings.get(area) or readings[0])}")
                if rng.random() < 0.3:
                    lines += [f"      - chapter: {rng.choice(chapters.get(area) or all_chapters)}", "        optional: true"]
            lines.append("")
        covered[cid] = seen
        lines += [
            "events:",
            "  - kind: exam",
            f"    date: {(day + dt.timedelta(days=30)).isoformat()}",
            "    title: Midterm",
            "    week: 5",
            f"    covers: [{', '.join(map(topic_id, sorted(seen)[:5]))}]",
            "",
            "assignments:",
            "  - id: pset-1",
            "    title: Problem set 1",
            "    kind: problem-set",
            f"    due: {(day + dt.timedelta(days=14)).isoformat()}",
            "",
        ]
        (out / "courses" / f"{cid}.yaml").write_text("\n".join(lines), encoding="utf-8")
    return ids, covered


# Bumped whenever the generated data changes, so that data dirs generated before are redone.
SHAPE = "curriculum-2"

# The plan sizes bench/paths.py asks for: a medium and a large plan (`kg path - TOPIC`).
MEDIUM, LARGE = 600, 29_000


def pick_params(
    shape: Shape, reqs: list[list[int]], courses: list[str], covered: dict[str, set[int]], in_books: set[int]
) -> dict[str, object]:
    """Query and plan parameters that return rows: a short plan (3-5 steps), a medium
    one (closest to MEDIUM steps), a large one (closest to LARGE steps, or the largest
    the graph has), a topic that a course, a book and a reading cover, two offerings of
    one course."""
    n = shape.n
    short = None
    for i in shape.at(1 if shape.areas > 1 else 0, 3):
        for p in reqs[i]:
            if 3 <= len(ancestors(reqs, i) - ancestors(reqs, p)) <= 5:
                short = (p, i)
                break
        if short:
            break
    if short is None:  # a tiny graph: any edge
        i = next(i for i in range(n) if reqs[i])
        short = (reqs[i][0], i)
    # The medium plan: a topic of one of the first areas (they build on few others).
    first = [i for a in range(min(3, shape.areas)) for lv in range(LEVELS // 2, LEVELS) for i in shape.at(a, lv)[:3]]
    medium = min(first, key=lambda i: abs(ancestors_count(reqs, i) - MEDIUM))
    # The large plan: the top topics of every area (later areas build on more).
    tops = [i for a in range(shape.areas) for i in shape.at(a, LEVELS - 1)[-3:]]
    sizes = {i: ancestors_count(reqs, i) for i in tops}
    large = min(tops, key=lambda i: (abs(sizes[i] - LARGE), -i))
    # The topic for the topic-parameter queries: one a course and a book cover, with a
    # closure of about MEDIUM topics (a closure of thousands makes prerequisite-closure
    # quadratic), and the course that covers it, with its other offering.
    late = [
        (i, c) for c in range(min(len(courses), 200)) for i in covered[courses[c]] & in_books if shape.level(i) >= LEVELS // 3
    ]
    sized = {i: ancestors_count(reqs, i) for i, _ in late}
    topic, c = min(late, key=lambda ic: (abs(sized[ic[0]] - MEDIUM), ic[0])) if late else (max(covered[courses[0]]), 0)
    course, other = courses[c], courses[c ^ 1] if (c ^ 1) < len(courses) else courses[c - 1]
    h = heights(reqs)
    return {
        "topics": n,
        "shape": SHAPE,
        "areas": shape.areas,
        "levels": LEVELS,
        "requires_edges": sum(map(len, reqs)),
        "longest_chain": max(h),
        "short_from": topic_id(short[0]),
        "short_to": topic_id(short[1]),
        "short_to_label": label(short[1]),
        "medium": topic_id(medium),
        "medium_size": ancestors_count(reqs, medium),
        "large": topic_id(large),
        "large_size": sizes[large],
        "topic": topic_id(topic),
        "topic_size": ancestors_count(reqs, topic),
        "course": course,
        "other_course": other,
    }


def generate(out: Path, n: int, seed: int = 7) -> dict[str, object]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shape = shape_for(n)
    reqs = requirements(shape, rng)
    write_topics(out, shape, reqs)
    chapters, in_books = write_books(out, shape, rng)
    readings = write_readings(out, shape, rng)
    courses, covered = write_courses(out, shape, reqs, readings, chapters, rng)
    params = pick_params(shape, reqs, courses, covered, in_books)
    (out / "bench.json").write_text(json.dumps(params, indent=2) + "\n")
    return params


def topics_for(triples: int) -> int:
    return max(100, round(triples / TRIPLES_PER_TOPIC))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--topics", type=int)
    size.add_argument("--triples", type=int, help="about this many triples once built")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    n = args.topics or topics_for(args.triples)
    params = generate(args.out, n, args.seed)
    print(json.dumps(params))


def ensure(out: Path, *, topics: int | None = None, triples: int | None = None) -> dict[str, object]:
    """The data dir ``out`` for this size, generated unless already there."""
    n = topics or topics_for(triples or 0)
    info = out / "bench.json"
    if info.is_file():
        params = json.loads(info.read_text())
        if params.get("topics") == n and params.get("shape") == SHAPE:
            return dict(params)
    return generate(out, n)


if __name__ == "__main__":
    main()
