"""A synthetic data directory in kg's own format, shaped like a curriculum, for benchmarks.

    python bench/synth.py OUT_DIR --topics 100000
    python bench/synth.py OUT_DIR --triples 1000000      # about that many built triples

Writes ``topics/field-NNN.yaml``, ``books.yaml``, ``readings.yaml`` and
``courses/*.yaml`` (see ``data/README.md``) plus ``bench.json``, the query parameters
the benchmarks use, chosen so that each returns rows. The shape:

- Topics come in fields of 1,000 (fewer for small graphs). Field 0 is a shared core.
  Each topic requires 1-2 of the 40 topics before it in its field (with a reason), and
  one topic in twenty also requires one of the first 200 topics of the core.
- Fields form tracks of 50: the first topics of a field require late topics of the
  field before it, so the last topic of a track has tens of thousands of ancestors
  (``kg path - TOPIC`` as a worst case) while a topic early in a track has hundreds.
- Courses teach 26 lectures over a stretch of one field, mostly in prerequisite order
  (so the build's teaching-order evidence has every kind); lectures have speakers,
  dates, materials and readings; books have chapters covering topics.

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
from pathlib import Path

FIELD = 1000
TRACK = 50
CORE_REACH = 200
# Built triples per topic for the default shape, measured with `kg build` (ontology and
# the fixed parts are noise at these sizes).
TRIPLES_PER_TOPIC = 34.5

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


def requirements(n: int, rng: random.Random) -> list[list[int]]:
    """``reqs[i]``: the topics topic ``i`` requires (all smaller than ``i``: acyclic)."""
    size = min(FIELD, max(10, n // 10))
    reqs: list[list[int]] = []
    for i in range(n):
        field, pos = divmod(i, size)
        start = field * size
        got: set[int] = set()
        window = range(max(start, i - 40), i)
        if len(window):
            got.update(rng.sample(window, min(len(window), rng.randint(1, 2))))
        if field > 0 and field % TRACK != 0 and pos < 3:
            # the track continues: early topics of a field build on the previous field
            got.add(start - 1 - rng.randrange(20))
        if field > 0 and rng.random() < 0.05:
            got.add(rng.randrange(min(CORE_REACH, size)))
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


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def write_topics(out: Path, n: int, reqs: list[list[int]], size: int) -> None:
    (out / "topics").mkdir(parents=True)
    for field in range((n + size - 1) // size):
        lines = [f"# Synthetic field {field}.", "topics:"]
        for i in range(field * size, min(n, (field + 1) * size)):
            lines += [
                f"  - id: {topic_id(i)}",
                f"    label: {q(label(i))}",
                f"    aliases: [{q(f'alias of topic {i}')}]",
                f"    definition: {q(f'The idea numbered {i} in field {field}, defined for benchmarks.')}",
            ]
            if i % size:
                lines.append(f"    broader: {topic_id(field * size + (i % size) // 50 * 50)}" if (i % size) % 50 else f"    broader: {topic_id(field * size)}")
            if reqs[i]:
                lines.append("    requires:")
                for p in reqs[i]:
                    lines += [f"      - topic: {topic_id(p)}", f"        reason: {q(f'Topic {i} builds directly on topic {p}.')}"]
            lines.append("")
        (out / "topics" / f"field-{field:03d}.yaml").write_text("\n".join(lines), encoding="utf-8")


def write_books(out: Path, n: int, rng: random.Random) -> list[str]:
    books = max(1, n // 2000)
    chapters: list[str] = []
    lines = ["books:"]
    for b in range(books):
        lines += [f"  - id: book{b}", f"    title: {q(f'Synthetic Book {b}')}", f"    authors: [{q(f'Author {b % 97}')}]", f"    year: {1990 + b % 35}", "    chapters:"]
        for c in range(1, 21):
            covers = ", ".join(topic_id(rng.randrange(n)) for _ in range(rng.randint(1, 4)))
            lines += [f"      - number: {c}", f"        title: {q(f'Chapter {c} of book {b}')}", f"        covers: [{covers}]"]
            chapters.append(f"book{b}/{c}")
    (out / "books.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return chapters


def write_readings(out: Path, n: int, rng: random.Random) -> list[str]:
    kinds = ["paper", "notes", "post", "video", "tutorial"]
    ids = []
    lines = ["readings:"]
    for r in range(max(5, n // 20)):
        covers = ", ".join(topic_id(rng.randrange(n)) for _ in range(rng.randint(1, 3)))
        lines += [
            f"  - id: r{r}",
            f"    title: {q(f'Reading number {r}')}",
            f"    kind: {kinds[r % len(kinds)]}",
            f"    authors: [{q(f'Writer {r % 501}')}]",
            f"    covers: [{covers}]",
            "",
        ]
        ids.append(f"r{r}")
    (out / "readings.yaml").write_text("\n".join(lines), encoding="utf-8")
    return ids


def write_courses(out: Path, n: int, size: int, readings: list[str], chapters: list[str], rng: random.Random) -> list[str]:
    (out / "courses").mkdir()
    ids = []
    for c in range(max(2, n // 80)):
        cid = f"c{c}"
        ids.append(cid)
        field = rng.randrange(max(1, n // size))
        span = min(size, 120)
        base = field * size + rng.randrange(max(1, min(size, n - field * size) - span + 1))
        day = dt.date(2025, 9, 1)
        lines = [
            f"id: {cid}",
            f"name: {q(f'Synthetic course {c}')}",
            f'code: "S{c}"',
            "term: Fall 2025",
            f"provider: {q(f'University {c % 40}')}",
            f"source: {cid}.txt",
            f"assumes: [{topic_id(rng.randrange(min(size, n)))}]",
            "",
            "lectures:",
        ]
        cursor = 0
        for k in range(1, 27):
            # mostly forward through the stretch, sometimes back (so orders disagree)
            cursor = max(0, min(span - 4, cursor + rng.randint(-3, 8)))
            covers = sorted({base + cursor + rng.randrange(4) for _ in range(rng.randint(2, 4))})
            lines += [
                f"  - title: {q(f'Lecture {k} of course {c}')}",
                f"    date: {(day + dt.timedelta(days=2 * k)).isoformat()}",
                f"    speakers: [{q(f'Speaker {rng.randrange(1000)}')}]",
                f"    covers: [{', '.join(topic_id(t) for t in covers if t < n)}]",
                "    materials: [slides]",
            ]
            if rng.random() < 0.5:
                lines.append("    readings:")
                lines.append(f"      - reading: {rng.choice(readings)}")
                if rng.random() < 0.3:
                    lines += [f"      - chapter: {rng.choice(chapters)}", "        optional: true"]
            lines.append("")
        lines += [
            "events:",
            "  - kind: exam",
            f"    date: {(day + dt.timedelta(days=30)).isoformat()}",
            "    title: Midterm",
            "    week: 5",
            "",
            "assignments:",
            "  - id: pset-1",
            "    title: Problem set 1",
            "    kind: problem-set",
            f"    due: {(day + dt.timedelta(days=14)).isoformat()}",
            "",
        ]
        (out / "courses" / f"{cid}.yaml").write_text("\n".join(lines), encoding="utf-8")
    return ids


def pick_params(n: int, reqs: list[list[int]], size: int, courses: list[str], rng: random.Random) -> dict[str, object]:
    """Topics whose plans are small, medium and as large as the graph allows."""
    fields = max(1, n // size)
    last_track_field = min(fields - 1, TRACK - 1)
    big = last_track_field * size + min(size, n - last_track_field * size) - 1
    short = None
    for i in range(size // 2, n):
        for p in reqs[i]:
            if 3 <= len(ancestors(reqs, i) - ancestors(reqs, p)) <= 5:
                short = (p, i)
                break
        if short:
            break
    assert short is not None
    medium = min(range(0, min(n, size * 2)), key=lambda i: abs(ancestors_count(reqs, i) - 600))
    mid_field = (fields // 2) * size
    hub = max(range(mid_field, min(n, mid_field + size)), key=lambda i: sum(1 for r in reqs[i:i + 60] if i in r))
    return {
        "topics": n,
        "short_from": topic_id(short[0]),
        "short_to": topic_id(short[1]),
        "short_to_label": label(short[1]),
        "medium": topic_id(medium),
        "medium_size": ancestors_count(reqs, medium),
        "large": topic_id(big),
        "large_size": ancestors_count(reqs, big),
        "topic": topic_id(hub),
        "course": courses[0],
        "other_course": courses[1],
    }


def generate(out: Path, n: int, seed: int = 7) -> dict[str, object]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    size = min(FIELD, max(10, n // 10))
    reqs = requirements(n, rng)
    write_topics(out, n, reqs, size)
    chapters = write_books(out, n, rng)
    readings = write_readings(out, n, rng)
    courses = write_courses(out, n, size, readings, chapters, rng)
    params = pick_params(n, reqs, size, courses, rng)
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
        if params.get("topics") == n:
            return dict(params)
    return generate(out, n)


if __name__ == "__main__":
    main()
