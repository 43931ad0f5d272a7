"""How well `kg import` reads syllabus pages, measured against hand-written gold.

    python bench/import_eval.py [--pages DIR] [--data DIR] [--threshold T] [-v]
    python bench/import_eval.py --seeds [DIR]      # the seed pages against curated courses
    python bench/import_eval.py --big [--big-kind K] [--repeat N] # 5 MB pages: time, floor, memory

Gold mode (the default) imports every page of ``../shared/import-pages/pages`` (beside
the repository) with the shipped graph's vocabulary and scores it against
``gold/NAME.yaml`` (its README gives the format):

- lectures: precision and recall. Draft and gold lectures are paired by an alignment
  that keeps both in page order and pairs titles whose words agree (rapidfuzz
  token-set ratio >= 0.6 on normalised words); draft lectures paired with a gold
  ``optional`` row count neither way.
- dates: of the paired lectures where either side has a date, the fraction whose dates
  agree.
- non-lectures made lectures: draft lectures that pair (same alignment) with a gold
  non-lecture (holiday, exam, deadline, release, tutorial, project, assignment).
- topics: precision and recall of the lectures' ``covers`` against the gold topics that
  map to a kg topic: a gold term maps when, normalised (case, punctuation, hyphens,
  plurals (an acronym's too: "GRUs"), British spellings, a compound in one word or two
  ("hyper parameter"); the scorer's own normal form, not the linker's), it is a
  topic's label, alias or id as the vocabulary's data gives them (never names the linker
  derives, so the scorer does not grade the linker by its own rules), also without the
  words around it that say what kind of thing or session it is (a trailing "method(s)",
  "algorithm(s)", "model(s)", "technique(s)", "concept(s)", "architecture(s)", "part 2",
  a version number: "GPT-3";
  a leading "introduction to", "review of", "basic"); a coordinated term that maps as a
  whole to nothing ("GANs and diffusion models", "SVD and PCA", "SVMs (kernels)") maps
  each part; an acronym that spells a topic's label (the data's "DL" for "Deep
  learning") is read spelt out ("dl frameworks"). Gold terms naming no kg topic are left
  out of recall; every proposed topic counts for precision, and is right when a gold
  topic or the gold title (mapped the same way) names it.
- a page that fails (no schedule, an error) scores zero lectures.

What a page does not state is given as a user would give it: the gold term as
``--term`` when ``term_on_page`` is false.

Big mode builds pages of about 5 MB from the development pages (``BIG_KINDS`` says how)
and reports, for each, the median import time (min-max over ``--repeat`` runs), wall-clock
and CPU, split into the page read and the draft, beside the floor (the same page parsed
by the parsers alone, interleaved), their ratio, the load average, and the peak memory
of a fresh process importing it. Beside these library figures it times the whole
command as a user runs it, ``kg import PAGE -o FILE`` in a fresh process (start-up,
import, render, the check with kg's loader, the write; interleaved with the others):
wall-clock and CPU (user + system) seconds, median and min-max, and the process's peak
resident set; and, in one more process, the command's CPU seconds step by step (where
the time goes), with the floor under its check (PyYAML's C parser giving the draft's
events, which kg's loader builds the course file from). On a shared machine the CPU
seconds are the figure to trust.

Seed mode is the older check: each seed page (default ../shared/seeds) against the
curated course whose ``source:`` names it.
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.importer import (  # noqa: E402
    COVER_THRESHOLD, Draft, Vocabulary, build_draft, import_page, parse_page, read_page,
)
from kg.build.sources import Course, load_sources  # noqa: E402
from kg.errors import KGError  # noqa: E402

DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_PAGES = ROOT.parent / "shared" / "import-pages"


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



# =========================================================================== gold pages

# Words around a term that say what kind of thing or session it is, not what it names:
# "k-means algorithm", "bias and variance concept", "convnet architecture";
# "introduction to deep learning", "review of probability theory", "basic ML concepts".
_GENERIC_TAIL = re.compile(
    r"\s+(?:method|algorithm|model|technique|approach|framework|concept|architecture|basic|overview"
    r"|part\s+(?:\d+|[ivx]+))$"
)
_GENERIC_HEAD = re.compile(
    r"^(?:(?:introduction|intro|overview|review|basic|fundamental|foundation|recap)\s+(?:of|to)\s+(?:the\s+)?"
    r"|(?:basic|advanced)\s+)"
)


@dataclass
class GoldLecture:
    title: str
    date: Any
    topics: list[str]


@dataclass
class PageScore:
    """One page's figures (or the total over pages, ``page == "all pages"``)."""

    page: str
    given: str = "-"
    failed: str | None = None
    lectures: int = 0  # draft lectures (not counting those paired with optional rows)
    gold: int = 0
    matched: int = 0
    dated: int = 0
    dates_right: int = 0
    made_lectures: int = 0  # non-lectures made lectures
    proposed: int = 0
    gold_topics: int = 0
    hits: int = 0
    right: int = 0
    pages: int = 1
    failures: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, o: PageScore) -> None:
        for k in ("lectures", "gold", "matched", "dated", "dates_right", "made_lectures", "proposed",
                  "gold_topics", "hits", "right", "pages", "failures", "seconds"):
            setattr(self, k, getattr(self, k) + getattr(o, k))

    @staticmethod
    def _r(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def lecture_precision(self) -> float | None:
        return self._r(self.matched, self.lectures) if self.lectures or not self.gold else 0.0

    @property
    def lecture_recall(self) -> float | None:
        return self._r(self.matched, self.gold)

    @property
    def date_accuracy(self) -> float | None:
        return self._r(self.dates_right, self.dated)

    @property
    def topic_precision(self) -> float | None:
        return self._r(self.right, self.proposed)

    @property
    def topic_recall(self) -> float | None:
        return self._r(self.hits, self.gold_topics)

    def as_dict(self) -> dict[str, Any]:
        return {
            "page": self.page, "failed": self.failed, "lecture_precision": self.lecture_precision,
            "lecture_recall": self.lecture_recall, "dates": self.date_accuracy,
            "non_lectures_made_lectures": self.made_lectures, "topic_precision": self.topic_precision,
            "topic_recall": self.topic_recall, "seconds": self.seconds,
        }


def topic_names(vocab: Vocabulary) -> dict[str, str]:
    """Normalised name -> topic id, from every topic's label, aliases and id. (The
    scorer keeps its own normal form and reads only the vocabulary's data, never the
    linker's derived names: what it measures must not be what it measures with.)"""
    out: dict[str, str] = {}
    for t in vocab.topics:
        for name in (t.label, *t.aliases, t.id.replace("-", " ")):
            out.setdefault(_norm_term(name), t.id)
    # The same names closed up, for gold terms that write a compound in two words or
    # one ("hyper parameter", "feed forward" for "hyperparameter", "feedforward"); and
    # an acronym's plural the plain rule leaves ("GRUs": "us" is no plural ending).
    for t in vocab.topics:
        for name in (t.label, *t.aliases):
            out.setdefault(_CLOSED + _norm_term(name).replace(" ", ""), t.id)
            if 2 <= len(name) <= 5 and name.isalnum() and name.isupper():
                out.setdefault(_norm_term(name) + "s", t.id)
    # A topic's acronym that spells its label's initials ("DL" for deep learning, "NN"
    # for neural networks), for gold terms that abbreviate ("dl frameworks"): kept under
    # keys no normal form makes.
    for t in vocab.topics:
        words = _norm_term(t.label).split()
        for a in t.aliases:
            if 2 <= len(a) <= 4 and a.isalpha() and a.isupper() and len(words) == len(a) \
                    and all(w[:1] == c for w, c in zip(words, a.casefold())):
                out.setdefault(_ACRONYM + a.casefold(), " ".join(words))
    return out


_ACRONYM = "\x00"
_CLOSED = "\x01"
# A model's version after its name ("GPT-3", "ResNet-50"): the name is the topic's.
_VERSION_TAIL = re.compile(r"\s+\d{1,3}[a-z]?$")


# British spellings in American ("language modelling", "regularisation", "neighbours"):
# the vocabulary spells its names the American way. (The scorer's own table.)
_BRITISH = [
    (re.compile(r"^(model|label|travel|signal)l(ing|ed)$"), r"\1\2"),
    (re.compile(r"^(.{3,})isation(s?)$"), r"\1ization\2"),
    (re.compile(r"^(normal|regular|optim|token|vector|summar|parameter|general|visual|initial|minim|maxim|"
                r"special|standard|random|real|categor|character|memor)is(e|es|ed|er|ers|ing)$"), r"\1iz\2"),
    (re.compile(r"^(neighb|behavi|col)our(s|hood)?$"), r"\1or\2"),
]


def _american_term(w: str) -> str:
    for pat, rep in _BRITISH:
        w = pat.sub(rep, w)
    return w


def _norm_term(s: str) -> str:
    words = [_american_term(w) for w in _norm(s.replace("-", " ")).split()]
    stem = []
    for w in words:
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        elif len(w) == 3 and w.endswith("s") and not any(v in w[:2] for v in "aeiouy"):
            w = w[:-1]  # an acronym's plural: "LMs", "NNs"
        stem.append(w)
    return " ".join(stem)


def map_term(term: str, names: dict[str, str]) -> str | None:
    """The kg topic a gold term names, or None: the term's, else the term's without
    the words around it that say what kind of thing or session it is."""
    n = _norm_term(term)
    # An acronym spelt out: "dl frameworks" is "deep learning frameworks".
    spelt = " ".join(names.get(_ACRONYM + w, w) for w in n.split())
    for form in dict.fromkeys((n, spelt)):
        if form in names:
            return names[form]
    for form in dict.fromkeys((n, spelt)):
        short = _VERSION_TAIL.sub("", _GENERIC_TAIL.sub("", _GENERIC_HEAD.sub("", form)))
        if short != form and short in names:
            return names[short]
    for form in dict.fromkeys((n, spelt)):
        closed = names.get(_CLOSED + form.replace(" ", ""))
        if closed:
            return closed
    return None


_CONJUNCT = re.compile(r"\s*(?:[,;/&()]|\band\b|\bor\b|\bvs\b\.?)\s*", re.I)


def map_terms(term: str, names: dict[str, str]) -> set[str]:
    """The kg topics a gold term names: the whole term's, else each conjunct's.

    Gold terms are often coordinated phrases ("GANs and diffusion models", "SVD and
    PCA", "Support Vector Machines (SVM)"); each part that names a topic counts.
    """
    whole = map_term(term, names)
    if whole:
        return {whole}
    return {t for t in (map_term(p, names) for p in _CONJUNCT.split(term) if p.strip()) if t}


def _align(draft_titles: list[str], gold_titles: list[str], min_sim: float = 0.6) -> list[tuple[int, int]]:
    """Order-keeping pairs (draft index, gold index) maximising total title similarity."""
    n, m = len(draft_titles), len(gold_titles)
    sim = [[_similarity(a, b) for b in gold_titles] for a in draft_titles]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            s = sim[a][b]
            take = best[a + 1][b + 1] + s if s >= min_sim else -1.0
            best[a][b] = max(best[a + 1][b], best[a][b + 1], take)
    pairs: list[tuple[int, int]] = []
    a = b = 0
    while a < n and b < m:
        s = sim[a][b]
        if s >= min_sim and abs(best[a][b] - (best[a + 1][b + 1] + s)) < 1e-9:
            pairs.append((a, b))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return pairs


def score_gold(name: str, draft: Draft | None, gold: dict[str, Any], names: dict[str, str]) -> PageScore:
    gl = [GoldLecture(str(x["title"]), x.get("date"), [str(t) for t in x.get("topics") or []])
          for x in gold.get("lectures") or []]
    sc = PageScore(name, gold=len(gl))
    if draft is None:
        return sc
    # Every gold row in page order, each tagged: lecture / non-lecture / optional.
    rows: list[tuple[str, str, Any, int]] = []
    for j, g in enumerate(gl):
        rows.append(("lecture", g.title, g.date, j))
    others = [("non", str(x.get("title", "")), x.get("date"), -1) for x in gold.get("non_lectures") or []]
    others += [("optional", str(x.get("title", x) if isinstance(x, dict) else x), None, -1)
               for x in gold.get("optional") or []]
    lec_pairs = dict(_align([d.title for d in draft.lectures], [g.title for g in gl]))
    # Unpaired draft lectures: are they gold non-lectures or optional rows?
    rest = [i for i in range(len(draft.lectures)) if i not in lec_pairs]
    other_pairs = {}
    if rest and others:
        for a, b in _align([draft.lectures[i].title for i in rest], [o[1] for o in others]):
            other_pairs[rest[a]] = others[b][0]
    sc.lectures = len(draft.lectures) - sum(1 for k in other_pairs.values() if k == "optional")
    sc.made_lectures = sum(1 for k in other_pairs.values() if k == "non")
    for i, j in sorted(lec_pairs.items()):
        d, g = draft.lectures[i], gl[j]
        sc.matched += 1
        gdate = g.date if g.date else None
        if gdate is not None or d.date is not None:
            sc.dated += 1
            sc.dates_right += int(str(d.date) == str(gdate))
        proposed = set(d.covers(draft.threshold))
        wanted = {t for x in g.topics for t in map_terms(x, names)}
        # A proposal is right when the gold topics or the gold title name it; recall
        # asks only for the gold topics.
        right = wanted | map_terms(g.title, names)
        sc.proposed += len(proposed)
        sc.gold_topics += len(wanted)
        sc.hits += len(proposed & wanted)
        sc.right += len(proposed & right)
        if proposed != wanted:
            sc.misses.append(f"  {g.title[:60]!r}: missed {sorted(wanted - proposed)} extra {sorted(proposed - right)}")
    for j, g in enumerate(gl):
        if j not in lec_pairs.values():
            sc.misses.append(f"  no lecture for gold {g.title[:60]!r}")
    for i, d in enumerate(draft.lectures):
        if i not in lec_pairs:
            sc.misses.append(f"  extra lecture {d.title[:60]!r} ({other_pairs.get(i, 'unpaired')})")
    return sc


def evaluate_gold(pages: Path = DEFAULT_PAGES, data: Path | None = None,
                  threshold: float = COVER_THRESHOLD) -> list[PageScore]:
    """Import every development page and score it; the last PageScore is the total."""
    import yaml
    from kg.graph import KnowledgeGraph
    from kg.build.store import default_data_dir

    vocab = Vocabulary.from_graph(KnowledgeGraph.open(data or default_data_dir()))
    names = topic_names(vocab)
    total = PageScore("all pages", pages=0)
    out: list[PageScore] = []
    for gold_file in sorted((pages / "gold").glob("*.yaml")):
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        page = pages / "pages" / gold["page"]
        term = None
        if not gold.get("term_on_page") and (gold.get("course") or {}).get("term"):
            term = str(gold["course"]["term"])
        draft: Draft | None = None
        failed = None
        t0 = time.perf_counter()
        try:
            draft = import_page(page, vocab, course_id=_course_id(page), term=term, threshold=threshold)
        except KGError as exc:
            failed = str(exc)
        except Exception as exc:  # noqa: BLE001 - a crash is a failed page, and is shown
            failed = f"crash: {type(exc).__name__}: {exc}"
        sc = score_gold(page.name, draft, gold, names)
        sc.seconds = time.perf_counter() - t0
        sc.given = "term" if term else "-"
        if failed:
            sc.failed, sc.failures = failed, 1
        out.append(sc)
        total.add(sc)
    out.append(total)
    return out


def _course_id(page: Path) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", page.stem.lower()).strip("-._") or "course"


def gold_table(scores: list[PageScore]) -> str:
    head = (f"{'page':32} {'given':5} {'lect P':>6} {'lect R':>6} {'dates':>6} {'non>L':>5} "
            f"{'topic P':>7} {'topic R':>7} {'secs':>5}")
    lines = [head, "-" * len(head)]
    for s in scores:
        if s.page == "all pages":
            lines.append("-" * len(head))
        name = s.page if len(s.page) <= 32 else s.page[:31] + "…"
        lines.append(
            f"{name:32} {s.given:5} {_pct(s.lecture_precision):>6} {_pct(s.lecture_recall):>6} "
            f"{_pct(s.date_accuracy):>6} {s.made_lectures:5d} {_pct(s.topic_precision):>7} "
            f"{_pct(s.topic_recall):>7} {s.seconds:5.2f}" + ("  FAILED" if s.failed else "")
        )
    total = scores[-1]
    lines.append(f"pages failed: {total.failures} of {total.pages}; lectures {total.matched} paired, "
                 f"{total.lectures} drafted, {total.gold} in gold")
    return "\n".join(lines)


# =========================================================================== a 5 MB page

BIG_KINDS = ("archive", "html-archive", "schedule", "repeat", "page-repeat")
"""The big pages (each just under ``MAX_PAGE_BYTES``):

- ``archive``: a course's archive page in Markdown: the Markdown development pages one
  after another, each under an "Offering N" heading, until the page is full — thousands
  of real tables, lists, heading runs and paragraphs, all of which kg reads and scores;
- ``html-archive``: the same from the HTML development pages' bodies, in one HTML page;
- ``schedule``: one Markdown table of about 53,000 sessions (the layout of
  berkeley-stat157-sp19.md), titles made distinct (two real lecture titles of the gold
  joined), dates running through the year: every row becomes a lecture, so it measures
  the row readers and the topic linker (the draft step) at their worst. (The titles'
  comma-separated parts do repeat, as real schedules' parts do, and the linker matches
  each part once: ``Linker(split_titles=...)``.);
- ``repeat``: the table rows of berkeley-stat157-sp19.md repeated (the page measured
  before; its 30 titles repeat, so the linker's cache answers almost every row);
- ``page-repeat``: every development page on its own, repeated whole until it is full
  (an HTML page's body repeated inside its one ``<html>``/``<body>``; a data file's text
  repeated, which for a YAML list is a longer list): each page's own shape at 5 MB.
  Only the command is timed for each (wall-clock and CPU, beside the floor), and the
  worst page is named; its steps are timed as for the other kinds.
"""


def _gold_pages(pages: Path, suffixes: tuple[str, ...]) -> list[Path]:
    import yaml

    names = []
    for g in sorted((pages / "gold").glob("*.yaml")):
        name = str(yaml.safe_load(g.read_text(encoding="utf-8"))["page"])
        if name.endswith(suffixes):
            names.append(pages / "pages" / name)
    return names


def _gold_titles(pages: Path) -> list[str]:
    import yaml

    out: list[str] = []
    for g in sorted((pages / "gold").glob("*.yaml")):
        out += [str(x["title"]) for x in yaml.safe_load(g.read_text(encoding="utf-8")).get("lectures") or []]
    return out


def _fill(head: str, parts: list[tuple[str, str]], size: int, tail: str = "") -> str:
    """``head``, then the ``(heading, body)`` parts over and over (the heading's ``{k}``
    numbered) while the page stays under ``size`` bytes, then ``tail``."""
    out = [head]
    n = len(head.encode()) + len(tail.encode())
    k = 0
    while True:
        part = parts[k % len(parts)][0].format(k=k + 1) + parts[k % len(parts)][1]
        b = len(part.encode())
        if n + b >= size:
            break
        out.append(part)
        n += b
        k += 1
    return "".join(out) + tail


def big_page(pages: Path = DEFAULT_PAGES, kind: str = "archive", size: int = 4_990_000) -> tuple[str, str]:
    """A page of just under ``size`` bytes, and its file suffix (see :data:`BIG_KINDS`)."""
    if kind == "archive":
        parts = []
        for p in _gold_pages(pages, (".md",)):
            text = p.read_text(encoding="utf-8")
            m = re.match(r"---\s*\n.*?\n---\s*\n", text, re.S)  # front matter: the page's own
            parts.append((f"\n\n## Offering {{k}}: {p.stem}\n\n", text[m.end():] if m else text))
        return _fill("# Course archive\n\nEvery offering of the course, newest first.\n", parts, size), ".md"
    if kind == "html-archive":
        parts = []
        for p in _gold_pages(pages, (".html", ".htm")):
            text = p.read_text(encoding="utf-8")
            m = re.search(r"<body[^>]*>(.*)</body>", text, re.S | re.I)
            parts.append((f'\n<section class="offering"><h2>Offering {{k}}: {p.stem}</h2>\n',
                          (m.group(1) if m else text) + "\n</section>\n"))
        return _fill("<!DOCTYPE html>\n<html><head><title>Course archive</title></head><body>\n"
                     "<h1>Course archive</h1>\n", parts, size, "</body></html>\n"), ".html"
    source = (pages / "pages" / "berkeley-stat157-sp19.md").read_text(encoding="utf-8")
    lines = source.split("\n")
    cut = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("|"))
    if kind == "schedule":
        titles = _gold_titles(pages)
        t = len(titles)
        head = "\n".join(lines[: cut + 2]) + "\n"  # prose, the table's header and rule
        rows: list[str] = []
        left = size - len(head.encode())
        for n in range(t * (t - 1)):
            i, j = n % t, (n // t + n % t + 1) % t  # every pair (i, j) once
            d = datetime.date(2019, 1, 1) + datetime.timedelta(days=n % 365)
            row = f"| {d.month}/{d.day} | [{titles[i]}, {titles[j]}](units/u{n}.html) |\n"
            left -= len(row.encode())
            if left <= 0:
                break
            rows.append(row)
        return head + "".join(rows), ".md"
    if kind == "repeat":
        body = [ln for ln in lines if ln.lstrip().startswith("|") and not set(ln) <= set("|-: ")][1:]
        head = "\n".join(lines[: cut + 2]) + "\n"  # prose, the table's header and rule
        return _fill(head, [("", "\n".join(body) + "\n")], size), ".md"
    raise ValueError(f"unknown big page {kind!r}: one of {', '.join(BIG_KINDS)}")


def repeated_page(page: Path, size: int = 4_990_000) -> tuple[str, str]:
    """``page`` repeated whole while it stays under ``size`` bytes (an HTML page's
    body repeated inside its own head and tail), and its file suffix."""
    text = page.read_text(encoding="utf-8")
    suffix = page.suffix.lower()
    if suffix in (".html", ".htm"):
        m = re.search(r"<body[^>]*>(.*)</body>", text, re.S | re.I)
        if m:
            return _fill(text[: m.start(1)], [("", m.group(1))], size, text[m.end(1):]), suffix
    return _fill("", [("", text)], size), suffix


def parse_floor(text: str, suffix: str) -> tuple[float, float]:
    """Seconds to parse the page with the parsers alone (the floor under kg's figure):
    cmark-gfm to HTML and the HTML5 parser for Markdown, PyYAML's C parser (its events)
    for a data file, the HTML5 parser for HTML and the rest. Wall-clock and CPU
    seconds."""
    import cmarkgfm
    from cmarkgfm.cmark import Options
    from selectolax.lexbor import LexborHTMLParser

    if suffix in (".yml", ".yaml", ".json"):  # a data file: PyYAML's C parser's events
        t0, c0 = time.perf_counter(), time.process_time()
        yaml_events(text)
        return time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    if suffix == ".md":
        html = cmarkgfm.markdown_to_html_with_extensions(
            text, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SOURCEPOS, extensions=["table", "strikethrough"])
    else:
        html = text
    tree = LexborHTMLParser(html)
    elapsed = time.perf_counter() - t0, time.process_time() - c0
    del tree
    return elapsed


_PEAK_CHILD = """
import json, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from kg.importer import Vocabulary, import_page
from kg.graph import KnowledgeGraph
from kg.build.store import default_data_dir
def status(key):
    for ln in open("/proc/self/status"):
        if ln.startswith(key + ":"):
            return int(ln.split()[1]) / 1024
vocab = Vocabulary.from_graph(KnowledgeGraph.open(Path(sys.argv[3]) if sys.argv[3] else default_data_dir()))
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets the peak resident set (VmHWM) to the current one
if sys.argv[4] == "trace":
    tracemalloc.start()
import_page(sys.argv[2], vocab, course_id="big", year=2019)
traced = tracemalloc.get_traced_memory()[1] if sys.argv[4] == "trace" else 0
print(json.dumps({"rss_mb": status("VmHWM") - before, "traced_mb": traced / 1e6}))
"""


def _peak(path: Path, data: Path | None, mode: str) -> dict[str, float]:
    import json
    import subprocess

    out = subprocess.run([sys.executable, "-c", _PEAK_CHILD, str(ROOT), str(path), str(data or ""), mode],
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# `python -m kg ARGS` that writes, as it exits, its own peak resident set (VmHWM) to
# stderr. (The child's ru_maxrss would not do: Linux keeps the peak of the process that
# forked it, here this one, with its own big imports, in the child's.)
_CMD_CHILD = """
import atexit, runpy, sys
def peak():
    try:
        for ln in open("/proc/self/status"):
            if ln.startswith("VmHWM:"):
                sys.stderr.write("\\nkg-bench-peak-kb " + ln.split()[1] + "\\n")
    except OSError:
        pass
atexit.register(peak)
sys.argv = ["kg", *sys.argv[1:]]
runpy.run_module("kg", run_name="__main__", alter_sys=True)
"""


# The command's steps one by one in a fresh process, as ``kg import`` takes them
# (kg.importer.pages.import_pages): CPU seconds (user + system) at the end of each.
_STEPS_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import kg.cli, kg.cli.importer  # the command's start-up
from pathlib import Path
from kg import collector
from kg.build.store import default_data_dir
from kg.files import write_atomic
from kg.graph import KnowledgeGraph
from kg.importer import Vocabulary, build_draft, parse_page, read_page
from kg.importer.pages import check_draft, render
at = {}
vocab = Vocabulary.from_graph(KnowledgeGraph.open(Path(sys.argv[3]) if sys.argv[3] else default_data_dir()))
at["start-up"] = time.process_time()
page = parse_page(read_page(sys.argv[2]), sys.argv[2])
at["read+parse"] = time.process_time()
draft = build_draft(page, vocab, course_id="big", year=2019)
del page
at["draft"] = time.process_time()
with collector.paused():
    text = render(draft)
    at["render"] = time.process_time()
    check_draft(text, "big", vocab, sys.argv[2])
    at["check"] = time.process_time()
write_atomic(Path(sys.argv[4]), text.encode("utf-8"))
at["write"] = time.process_time()
print(json.dumps(at))
"""


def yaml_floor(text: str) -> float:
    """CPU seconds for PyYAML's C parser to give a document's events, and nothing else:
    the least kg's loader can take on it (it builds the document from these events),
    so the floor under the command's check step."""
    c0 = time.process_time()
    yaml_events(text)
    return time.process_time() - c0


def yaml_events(text: str) -> None:
    """Every event of a YAML document from PyYAML's C parser (a parse and no more)."""
    import yaml

    loader = yaml.CSafeLoader(text)
    try:
        while loader.get_event() is not None:
            pass
    finally:
        loader.dispose()


def command_steps(path: Path, out: Path, data: Path | None = None) -> dict[str, float]:
    """CPU seconds of each step of the command in a fresh process: start-up (the
    interpreter, kg's modules, the graph's vocabulary), the page read and parsed, the
    draft, its YAML, the check with kg's loader, the write."""
    import json
    import subprocess

    got = subprocess.run([sys.executable, "-c", _STEPS_CHILD, str(ROOT), str(path), str(data or ""), str(out)],
                         capture_output=True, text=True, check=True)
    at = dict(json.loads(got.stdout.strip().splitlines()[-1]))
    steps, before = {}, 0.0
    for name, t in at.items():
        steps[name], before = t - before, t
    return steps


def command_run(path: Path, out: Path, data: Path | None = None) -> tuple[float, float, float]:
    """Wall-clock and CPU seconds (user + system) of the real command
    ``kg import PATH --course-id big --year 2019 -o OUT --force`` in a fresh process:
    start-up, the import, the draft's render and its check with kg's loader, the write;
    and the process's peak resident set (MB)."""
    import os
    import subprocess

    cmd = [sys.executable, "-c", _CMD_CHILD, *(["--data", str(data)] if data else []),
           "import", str(path), "--course-id", "big", "--year", "2019", "-o", str(out), "--force"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = re.search(rb"kg-bench-peak-kb (\d+)", err)
    if proc.returncode != 0:
        said = re.sub(rb"\s*kg-bench-peak-kb \d+\s*", b"\n", err).decode(errors="replace").strip()
        raise KGError(f"kg import exited {proc.returncode}: {said}")
    return wall, usage.ru_utime + usage.ru_stime, int(peak.group(1)) / 1024 if peak else float("nan")


def time_big(pages: Path = DEFAULT_PAGES, repeat: int = 3, data: Path | None = None,
             kind: str = "archive") -> dict[str, Any]:
    """Median (min-max) seconds to import a big page beside the parse floor (interleaved
    runs), and its peak memory: the growth of the peak resident set of a fresh process
    while it imports the page, and (another run) the peak of Python's own allocations."""
    import os
    import tempfile
    from kg.graph import KnowledgeGraph
    from kg.build.store import default_data_dir

    vocab = Vocabulary.from_graph(KnowledgeGraph.open(data or default_data_dir()))
    text, suffix = big_page(pages, kind)
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"big{suffix}"
        path.write_text(text, encoding="utf-8")
        times, cpus, floors, floor_cpus, parses, parse_cpus = [], [], [], [], [], []
        cmd_walls, cmd_cpus, cmd_rss = [], [], []
        draft = None
        for _ in range(repeat):
            wall, cpu, rss_cmd = command_run(path, Path(d) / "big.yaml", data)
            cmd_walls.append(wall)
            cmd_cpus.append(cpu)
            cmd_rss.append(rss_cmd)
            wall, cpu = parse_floor(text, suffix)
            floors.append(wall)
            floor_cpus.append(cpu)
            # import_page, in its two steps: the page read and parsed, the draft built.
            t0, c0 = time.perf_counter(), time.process_time()
            page = parse_page(read_page(path), str(path))
            t1, c1 = time.perf_counter(), time.process_time()
            draft = build_draft(page, vocab, course_id="big", year=2019)
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            parses.append(t1 - t0)
            parse_cpus.append(c1 - c0)
        assert draft is not None
        load.append(os.getloadavg()[0])
        rss = _peak(path, data, "rss")["rss_mb"]
        traced = _peak(path, data, "trace")["traced_mb"]
        steps = command_steps(path, Path(d) / "steps.yaml", data)
        draft_text = (Path(d) / "steps.yaml").read_text(encoding="utf-8")
        check_floor = yaml_floor(draft_text)
    return {"kind": kind, "bytes": len(text.encode()), "lectures": len(draft.lectures), "layout": draft.layout,
            "median": statistics.median(times), "min": min(times), "max": max(times),
            "parse": statistics.median(parses), "rows": len(page.rows),
            "cpu": statistics.median(cpus), "cpu_min": min(cpus), "cpu_max": max(cpus),
            "cpu_parse": statistics.median(parse_cpus),
            "floor_cpu": statistics.median(floor_cpus), "floor_cpu_min": min(floor_cpus),
            "floor_cpu_max": max(floor_cpus),
            "floor": statistics.median(floors), "floor_min": min(floors), "floor_max": max(floors),
            "cmd": statistics.median(cmd_walls), "cmd_min": min(cmd_walls), "cmd_max": max(cmd_walls),
            "cmd_cpu": statistics.median(cmd_cpus), "cmd_cpu_min": min(cmd_cpus), "cmd_cpu_max": max(cmd_cpus),
            "cmd_rss_mb": max(cmd_rss),
            "rss_mb": rss, "traced_mb": traced, "load": load, "runs": repeat, "steps": steps,
            "draft_mb": len(draft_text.encode()) / 1e6, "check_floor": check_floor}


def time_page_repeat(pages: Path = DEFAULT_PAGES, repeat: int = 3, data: Path | None = None) -> dict[str, Any]:
    """The ``page-repeat`` kind: each development page repeated whole to about 5 MB
    (:func:`repeated_page`), the command timed on it ``repeat`` times interleaved with the
    floor (:func:`parse_floor`); and, for the page whose command takes the most CPU, its
    steps (:func:`command_steps`)."""
    import os
    import tempfile

    load = [os.getloadavg()[0]]
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as d:
        for page in sorted((pages / "pages").iterdir()):
            if page.name == "MANIFEST.md" or not page.is_file():
                continue
            text, suffix = repeated_page(page)
            path = Path(d) / f"{page.stem}{suffix}"
            path.write_text(text, encoding="utf-8")
            walls, cpus, floor_walls, floor_cpus = [], [], [], []
            error = None
            for _ in range(repeat):
                try:
                    wall, cpu, _rss = command_run(path, Path(d) / "out.yaml", data)
                except KGError as exc:
                    error = str(exc).splitlines()[-1]
                    break
                walls.append(wall)
                cpus.append(cpu)
                fw, fc = parse_floor(text, suffix)
                floor_walls.append(fw)
                floor_cpus.append(fc)
            out.append({"page": page.name, "bytes": len(text.encode()), "error": error, "path": path,
                        **({} if error else _spread("cmd", walls) | _spread("cpu", cpus)
                           | _spread("floor", floor_walls) | _spread("floor_cpu", floor_cpus))})
        load.append(os.getloadavg()[0])
        timed = [p for p in out if not p["error"]]
        worst = max(timed, key=lambda p: p["cpu"]) if timed else None
        steps = command_steps(worst["path"], Path(d) / "steps.yaml", data) if worst else {}
    return {"kind": "page-repeat", "pages": out, "worst": worst, "steps": steps, "load": load, "runs": repeat}


def _spread(name: str, xs: list[float]) -> dict[str, float]:
    return {name: statistics.median(xs), f"{name}_min": min(xs), f"{name}_max": max(xs)}


def page_repeat_lines(b: dict[str, Any]) -> str:
    head = (f"page-repeat (each development page repeated whole to about 5 MB; the command "
            f"{b['runs']} times, interleaved with the floor; load {b['load'][0]:.1f}-{b['load'][1]:.1f})\n"
            f"  {'page':34} {'CPU s':>18} {'wall s':>18} {'floor CPU s':>18}")
    rows = []
    for p in b["pages"]:
        if p["error"]:
            rows.append(f"  {p['page'][:34]:34} failed: {p['error']}"[:200])
            continue
        rows.append(f"  {p['page'][:34]:34} {p['cpu']:5.2f} [{p['cpu_min']:.2f}-{p['cpu_max']:.2f}] "
                    f"{p['cmd']:5.2f} [{p['cmd_min']:.2f}-{p['cmd_max']:.2f}] "
                    f"{p['floor_cpu']:5.2f} [{p['floor_cpu_min']:.2f}-{p['floor_cpu_max']:.2f}]")
    w = b["worst"]
    tail = []
    if w is not None:
        over = sum(1 for p in b["pages"] if not p["error"] and p["cpu"] >= 2.0)
        tail.append(f"  worst: {w['page']} ({w['bytes'] / 1e6:.2f} MB), CPU {w['cpu']:.2f} s "
                    f"[{w['cpu_min']:.2f}-{w['cpu_max']:.2f}], wall {w['cmd']:.2f} s "
                    f"[{w['cmd_min']:.2f}-{w['cmd_max']:.2f}], floor CPU {w['floor_cpu']:.2f} s; "
                    f"{over} of {len(b['pages'])} pages at 2 s CPU or more")
        tail.append("  its CPU by step (one more run): " + ", ".join(f"{k} {v:.2f}" for k, v in b["steps"].items()))
    failed = [p["page"] for p in b["pages"] if p["error"]]
    if failed:
        tail.append(f"  failed (not timed): {', '.join(failed)}")
    return "\n".join([head, *rows, *tail])


def big_line(b: dict[str, Any]) -> str:
    return (f"{b['kind']} ({b['bytes'] / 1e6:.2f} MB; kept: {b['layout']}, {b['rows']:,} rows, "
            f"{b['lectures']:,} lectures; load {b['load'][0]:.1f}-{b['load'][1]:.1f})\n"
            f"  kg import {b['median']:6.2f} s [{b['min']:.2f}-{b['max']:.2f}] "
            f"(parse {b['parse']:.2f} + draft {b['median'] - b['parse']:.2f})  "
            f"floor {b['floor']:.2f} s [{b['floor_min']:.2f}-{b['floor_max']:.2f}]  "
            f"ratio {b['median'] / b['floor']:.1f} (parse {b['parse'] / b['floor']:.1f})\n"
            f"  CPU: kg import {b['cpu']:.2f} s [{b['cpu_min']:.2f}-{b['cpu_max']:.2f}] "
            f"(parse {b['cpu_parse']:.2f} + draft {b['cpu'] - b['cpu_parse']:.2f})  "
            f"floor {b['floor_cpu']:.2f} s [{b['floor_cpu_min']:.2f}-{b['floor_cpu_max']:.2f}]  "
            f"ratio {b['cpu'] / b['floor_cpu']:.1f}\n"
            f"  kg import command (a process: + start-up, render, check, write): wall {b['cmd']:.2f} s [{b['cmd_min']:.2f}-{b['cmd_max']:.2f}]  "
            f"CPU {b['cmd_cpu']:.2f} s [{b['cmd_cpu_min']:.2f}-{b['cmd_cpu_max']:.2f}]  "
            f"peak resident {b['cmd_rss_mb']:.0f} MB\n"
            f"  the command's CPU by step (one more run): "
            + ", ".join(f"{k} {v:.2f}" for k, v in b["steps"].items()) + "\n"
            f"  the check's floor: the {b['draft_mb']:.1f} MB draft's events from PyYAML's C parser alone, "
            f"CPU {b['check_floor']:.2f} s\n"
            f"  (CPU seconds are the figure to trust on a shared machine; wall-clock needs a quiet one)\n"
            f"  peak memory +{b['rss_mb']:.0f} MB resident, {b['traced_mb']:.0f} MB Python allocations")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="development pages (pages/ and gold/)")
    ap.add_argument("--seeds", type=Path, nargs="?", const=DEFAULT_SEEDS, default=None,
                    help="score the seed pages against the curated courses instead")
    ap.add_argument("--big", action="store_true", help="time the 5 MB pages only")
    ap.add_argument("--big-kind", action="append", choices=BIG_KINDS,
                    help="which big page (repeatable; default: all of them)")
    ap.add_argument("--no-big", action="store_true", help="score the pages only")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--threshold", type=float, default=COVER_THRESHOLD)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.seeds is not None:
        scores = evaluate(args.seeds, args.data, args.threshold)
        print(table(scores))
        if args.verbose:
            for s in scores[:-1]:
                print(f"\n{s.page}:")
                print("\n".join(s.misses) or "  (every matched lecture's topics agree)")
        return
    if not args.big:
        gscores = evaluate_gold(args.pages, args.data, args.threshold)
        print(gold_table(gscores))
        if args.verbose:
            for g in gscores[:-1]:
                print(f"\n{g.page}:" + (f" FAILED: {g.failed}" if g.failed else ""))
                print("\n".join(g.misses) or "  (all agree)")
    if args.no_big:
        return
    print(f"\nbig pages ({args.repeat} runs each, interleaved with the floor: parsing alone; goal: under 2 s)")
    for kind in args.big_kind or BIG_KINDS:
        try:
            if kind == "page-repeat":
                print(page_repeat_lines(time_page_repeat(args.pages, args.repeat, args.data)), flush=True)
                continue
            print(big_line(time_big(args.pages, args.repeat, args.data, kind)), flush=True)
        except KGError as exc:
            print(f"{kind}: failed: {exc}")


if __name__ == "__main__":
    main()
