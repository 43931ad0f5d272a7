"""A compact index of what a learning plan reads, written beside a built store.

A plan of tens of thousands of steps reads the prerequisite graph around its goal, the
labels, the reasons of the edges among its steps and the lectures covering them: through
SPARQL, millions of terms the engine decodes one by one. The build writes those facts
once, from the built store (so triples a Turtle file adds are in it), into one file of
integer arrays and UTF-8 text (``plan-index`` beside the store), which a plan maps into
memory and reads by integer ids, decoding only the strings it uses
(:func:`kg.plan.plan_stream`). What else a plan shows (sessions, chapters, readings,
definitions) still comes from SPARQL, for the topics the index says have any.

The file holds nodes (every IRI that is an end of a ``kg:requires`` or ``skos:broader``
link, has a ``skos:prefLabel``, a ``kg:Prerequisite``'s reason or a ``kg:covers`` link
into it), numbered in the sorted order of their IRIs, and per node:

- the ``kg:requires`` edges out of it and the parts (``skos:broader`` subjects) of it,
  each list sorted;
- its label as the plan's label lookup reads it (the greatest non-empty
  ``skos:prefLabel``), or none;
- the reasons of the ``kg:Prerequisite`` nodes whose ``kg:topic`` it is, one per
  prerequisite (the greatest, where several nodes give one edge different reasons);
- which kinds of thing other than a lecture cover it (sessions, chapters, readings);
- the lectures covering it: each lecture's rows (course, position, number, date,
  title, as ``lecture-places-of`` gives them) marshalled on their own, read only for the
  lectures a plan lists, and its topic count; each course's lecture count, codes and
  terms (as ``course-facts`` gives them) in one small marshalled table.

A store whose graph the file cannot describe exactly (a blank node or literal where an
IRI is expected, a label or reason that is not plain text, a lecture position that is
not an integer) gets no index, and plans run through SPARQL as on a remote endpoint.
The file names the store's cache key and a checksum of the queries it was made with;
a file that does not match, or is damaged, is not used.
"""

from __future__ import annotations

import bisect
import json
import marshal
import mmap
import os
import sys
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import vocab as V
from kg.backends import to_python
from kg.errors import NotIndexable
from kg.queries import internal_text, render_internal

__all__ = ["FILE", "EVENT", "CHAPTER", "READING", "PlanIndex", "write_plan_index", "load_plan_index"]

#: The index's file name, beside the store in a cache entry.
FILE = "plan-index"
_MAGIC = b"kgplanix"
_VERSION = 1
_QUERIES = (
    "plan-index-requires", "plan-index-broader", "plan-index-labels", "plan-index-reasons",
    "plan-index-covers", "plan-index-other-covers", "plan-index-lectures", "plan-index-courses",
)

#: Flags of :meth:`PlanIndex.kinds`: a teaching session, a chapter, a reading covers it.
EVENT, CHAPTER, READING = 1, 2, 4
_KINDS = {V.KG.Event: EVENT, V.KG.Chapter: CHAPTER, V.KG.Reading: READING}

#: A lecture-places-of row without its topic, and the lecture's topic count: (lecture,
#: course, position, number, date, title, count).
Place = tuple[str, str, int, Any, Any, Any, int]


def _queries_sum() -> int:
    return zlib.crc32("\0".join(internal_text(q) for q in _QUERIES).encode())


def _iri(term: Any) -> str:
    if type(term) is not ox.NamedNode:
        raise NotIndexable(f"{term} is not an IRI")
    return str(term.value)


def _text(term: Any) -> str:
    value = to_python(term)
    if not isinstance(value, str):
        raise NotIndexable(f"{term} is not plain text")
    return value


def _csr(n: int, pairs: Mapping[int, Iterable[int]]) -> tuple[array[int], array[int]]:
    """Offsets (``n + 1``) and the sorted targets of each source."""
    off = array("i", [0])
    out = array("i")
    for i in range(n):
        out.extend(sorted(pairs.get(i, ())))
        off.append(len(out))
    return off, out


def _blob(texts: Iterable[str]) -> tuple[array[int], bytes]:
    off = array("q", [0])
    parts: list[bytes] = []
    size = 0
    for t in texts:
        b = t.encode("utf-8")
        parts.append(b)
        size += len(b)
        off.append(size)
    return off, b"".join(parts)


def write_plan_index(store: ox.Store, path: Path, key: str) -> bool:
    """Write the plan index of ``store`` (built with cache key ``key``) to ``path``.

    Returns ``False`` (and writes nothing) when the graph has something the index cannot
    describe exactly; plans then run through SPARQL.
    """
    try:
        sections = _sections(store)
    except NotIndexable:
        return False
    header: dict[str, Any] = {
        "version": _VERSION, "key": key, "queries": _queries_sum(), "byteorder": sys.byteorder,
        "nodes": len(sections["key_off"]) - 1, "sections": {},
    }
    body: list[bytes] = []
    at = 0
    for name, data in sections.items():
        raw = data.tobytes() if isinstance(data, array) else bytes(data)
        code = data.typecode if isinstance(data, array) else "B"
        pad = -at % 8
        body.append(b"\0" * pad)
        at += pad
        header["sections"][name] = [at, len(raw), code]
        body.append(raw)
        at += len(raw)
    head = json.dumps(header).encode()
    head += b" " * (-(len(head) + 16) % 8)
    header_bytes = _MAGIC + len(head).to_bytes(8, "little") + head
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with tmp.open("wb") as f:
        f.write(header_bytes)
        for b in body:
            f.write(b)
    os.replace(tmp, path)
    return True


def _rows(store: ox.Store, name: str) -> Iterator[Any]:
    return iter(store.query(render_internal(name), prefixes=V.PREFIXES))  # type: ignore[arg-type]


def _sections(store: ox.Store) -> dict[str, array[int] | bytes]:
    requires = [(_iri(a), _iri(b)) for a, b in _rows(store, "plan-index-requires")]
    broader = [(_iri(p), _iri(u)) for p, u in _rows(store, "plan-index-broader")]
    labels: dict[str, str] = {}
    for t, label in _rows(store, "plan-index-labels"):
        if type(t) is not ox.NamedNode:
            continue  # a blank node's label: no plan asks for it
        text = _text(label)
        if text and text > labels.get(t.value, ""):
            labels[t.value] = text
    reasons: dict[tuple[str, str], str] = {}
    for a, b, reason in _rows(store, "plan-index-reasons"):
        pair = (_iri(a), _iri(b))
        text = _text(reason)
        if pair not in reasons or text > reasons[pair]:
            reasons[pair] = text
    covers: dict[str, list[str]] = defaultdict(list)  # covering thing -> topics
    k: dict[str, int] = defaultdict(int)
    for x, t in _rows(store, "plan-index-covers"):
        xv = to_python(x)
        k[xv] += 1
        if type(t) is ox.NamedNode and type(x) is ox.NamedNode:
            covers[x.value].append(t.value)
    kinds: dict[str, int] = defaultdict(int)
    for t, kind in _rows(store, "plan-index-other-covers"):
        if type(t) is ox.NamedNode:
            kinds[t.value] |= _KINDS[kind.value]
    lectures: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    course_name: dict[str, str] = {}
    for lec, course, pos, num, date, title in _rows(store, "plan-index-lectures"):
        c = to_python(course)
        c = course_name.setdefault(c, c)  # one string per course (marshal shares it)
        p = to_python(pos)
        if type(p) is not int:
            raise NotIndexable(f"lecture position {pos} is not an integer")
        lectures[_iri(lec)].append((c, p, to_python(num), to_python(date), to_python(title)))
    courses: dict[str, tuple[int, list[tuple[Any, Any]]]] = {}
    for c, code, term, n in _rows(store, "plan-index-courses"):
        entry = courses.setdefault(to_python(c), (int(to_python(n)), []))
        entry[1].append((to_python(code), to_python(term)))

    taught: dict[str, list[str]] = defaultdict(list)  # topic -> lectures covering it
    for lec in lectures:
        for t in covers.get(lec, ()):
            taught[t].append(lec)
    nodes = set(labels) | set(kinds) | set(taught)
    for pair_list in (requires, broader, reasons):
        for a, b in pair_list:
            nodes.add(a)
            nodes.add(b)
    keys = sorted(nodes, key=lambda s: s.encode("utf-8"))
    index = {s: i for i, s in enumerate(keys)}
    n = len(keys)
    key_off, key_blob = _blob(keys)
    label_off, label_blob = _blob(labels.get(s, "") for s in keys)
    req: dict[int, list[int]] = defaultdict(list)
    for a, b in requires:
        req[index[a]].append(index[b])
    req_off, req_dst = _csr(n, req)
    parts: dict[int, list[int]] = defaultdict(list)
    for p, u in broader:
        parts[index[u]].append(index[p])
    part_off, part_dst = _csr(n, parts)
    by_a: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for (a, b), text in reasons.items():
        by_a[index[a]].append((index[b], text))
    rs_off = array("i", [0])
    rs_b = array("i")
    rs_texts: list[str] = []
    for i in range(n):
        for b, text in sorted(by_a.get(i, ())):
            rs_b.append(b)
            rs_texts.append(text)
        rs_off.append(len(rs_b))
    rs_text_off, rs_blob = _blob(rs_texts)
    kind = array("B", (kinds.get(s, 0) for s in keys))
    lecture_keys = sorted(lectures, key=lambda s: s.encode("utf-8"))
    lecture_index = {s: i for i, s in enumerate(lecture_keys)}
    cov: dict[int, list[int]] = {index[t]: [lecture_index[lec] for lec in lecs] for t, lecs in taught.items()}
    cov_off, cov_dst = _csr(n, cov)
    course_keys = list(course_name)
    course_index = {c: i for i, c in enumerate(course_keys)}
    lec_off, lec_blob = array("q", [0]), bytearray()
    for s in lecture_keys:  # rows with the course as its number in the course table
        lec_blob += marshal.dumps([(course_index[row[0]], *row[1:]) for row in lectures[s]])
        lec_off.append(len(lec_blob))
    lec_key_off, lec_keys = _blob(lecture_keys)
    courses_table = marshal.dumps([(c, *courses.get(c, (0, []))) for c in course_keys])
    return {
        "lec_key_off": lec_key_off, "lec_keys": lec_keys, "lec_off": lec_off, "lec_rows": bytes(lec_blob),
        "lec_k": array("i", (k[s] for s in lecture_keys)), "courses": courses_table,
        "key_off": key_off, "keys": key_blob, "label_off": label_off, "labels": label_blob,
        "req_off": req_off, "req": req_dst, "part_off": part_off, "part": part_dst,
        "rs_off": rs_off, "rs_b": rs_b, "rs_text_off": rs_text_off, "rs_text": rs_blob,
        "kind": kind, "cov_off": cov_off, "cov": cov_dst,
    }


def load_plan_index(path: Path, key: str) -> PlanIndex | None:
    """The plan index in ``path`` if it is there, whole and made for cache key ``key``
    with the current queries; else ``None``."""
    try:
        with path.open("rb") as f:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if mm[:8] != _MAGIC:
            return None
        size = int.from_bytes(mm[8:16], "little")
        header = json.loads(mm[16 : 16 + size])
        if (
            header.get("version") != _VERSION or header.get("key") != key
            or header.get("byteorder") != sys.byteorder or header.get("queries") != _queries_sum()
        ):
            return None
        return PlanIndex(mm, 16 + size, header)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


class PlanIndex:
    """A plan index mapped into memory (see the module's description): nodes are
    integers, in the sorted order of their IRIs."""

    def __init__(self, mm: mmap.mmap, base: int, header: dict[str, Any]) -> None:
        view = memoryview(mm)
        secs: dict[str, Any] = {}
        for name, (at, length, code) in header["sections"].items():
            part = view[base + at : base + at + length]
            if len(part) != length:
                raise ValueError(f"section {name} is cut short")
            secs[name] = part if code == "B" else part.cast(code)
        self.n: int = header["nodes"]
        self._key_off: Sequence[int] = secs["key_off"]
        self._keys: memoryview = secs["keys"]
        self._label_off: Sequence[int] = secs["label_off"]
        self._labels: memoryview = secs["labels"]
        self._req_off: Sequence[int] = secs["req_off"]
        self._req: Sequence[int] = secs["req"]
        self._part_off: Sequence[int] = secs["part_off"]
        self._part: Sequence[int] = secs["part"]
        self._rs_off: Sequence[int] = secs["rs_off"]
        self._rs_b: Sequence[int] = secs["rs_b"]
        self._rs_text_off: Sequence[int] = secs["rs_text_off"]
        self._rs_text: memoryview = secs["rs_text"]
        self._kind: Sequence[int] = secs["kind"]
        self._cov_off: Sequence[int] = secs["cov_off"]
        self._cov: Sequence[int] = secs["cov"]
        self._lec_key_off: Sequence[int] = secs["lec_key_off"]
        self._lec_keys: memoryview = secs["lec_keys"]
        self._lec_off: Sequence[int] = secs["lec_off"]
        self._lec_rows: memoryview = secs["lec_rows"]
        self._lec_k: Sequence[int] = secs["lec_k"]
        self._courses_bytes: memoryview = secs["courses"]
        if len(self._key_off) != self.n + 1 or len(self._kind) != self.n:
            raise ValueError("node sections disagree")
        if not len(self._lec_key_off) == len(self._lec_off) == len(self._lec_k) + 1:
            raise ValueError("lecture sections disagree")
        self._lectures: dict[int, list[Place]] = {}
        self._courses: list[tuple[str, int, list[tuple[Any, Any]]]] | None = None
        self._course_facts: dict[str, tuple[int, list[tuple[Any, Any]]]] = {}

    def __len__(self) -> int:
        return self.n

    def iri(self, i: int) -> str:
        """The IRI of node ``i``."""
        return bytes(self._keys[self._key_off[i] : self._key_off[i + 1]]).decode()

    def find(self, iri: str) -> int | None:
        """The node of ``iri``, or ``None`` if the index has no such node."""
        want = iri.encode()
        off, keys = self._key_off, self._keys
        i = bisect.bisect_left(range(self.n), want, key=lambda j: bytes(keys[off[j] : off[j + 1]]))
        return i if i < self.n and bytes(keys[off[i] : off[i + 1]]) == want else None

    def label(self, i: int) -> str | None:
        """Node ``i``'s greatest non-empty ``skos:prefLabel``, or ``None``."""
        a, b = self._label_off[i], self._label_off[i + 1]
        return bytes(self._labels[a:b]).decode() if b > a else None

    def requires(self, i: int) -> Sequence[int]:
        """What node ``i`` ``kg:requires``, sorted."""
        return self._req[self._req_off[i] : self._req_off[i + 1]]

    def parts(self, i: int) -> Sequence[int]:
        """The nodes whose ``skos:broader`` is node ``i``, sorted."""
        return self._part[self._part_off[i] : self._part_off[i + 1]]

    def closure(self, starts: Iterable[int], *, parts: bool) -> set[int]:
        """``starts`` and every node they reach through ``kg:requires`` (and, with
        ``parts``, from an area to its parts), as ``prerequisite-closure-nodes`` (or
        ``prerequisite-parts-closure-nodes``) walks them."""
        req_off, req = self._req_off, self._req
        part_off, part = self._part_off, self._part
        seen = set(starts)
        todo = list(seen)
        while todo:
            i = todo.pop()
            for j in req[req_off[i] : req_off[i + 1]]:
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
            if parts:
                for j in part[part_off[i] : part_off[i + 1]]:
                    if j not in seen:
                        seen.add(j)
                        todo.append(j)
        return seen

    def reasons(self, i: int) -> Iterator[tuple[int, str]]:
        """``(prerequisite, reason)`` of each ``kg:Prerequisite`` whose topic is node
        ``i``, one per prerequisite, sorted."""
        off, text = self._rs_text_off, self._rs_text
        for r in range(self._rs_off[i], self._rs_off[i + 1]):
            yield self._rs_b[r], bytes(text[off[r] : off[r + 1]]).decode()

    def requires_edges(self) -> Iterator[tuple[str, str, str | None]]:
        """Every ``kg:requires`` edge ``(a, b, reason)``: ``a`` requires ``b``, with the
        reason :meth:`reasons` gives of ``b`` for ``a`` (the greatest of an edge's
        ``kg:Prerequisite`` nodes), or ``None``. Each node's IRI is decoded once."""
        req_off, req = self._req_off, self._req
        iris: dict[int, str] = {}
        for i in range(self.n):
            lo, hi = req_off[i], req_off[i + 1]
            if lo == hi:
                continue
            a = iris.get(i) or iris.setdefault(i, self.iri(i))
            why = dict(self.reasons(i))
            for j in req[lo:hi]:
                b = iris.get(j) or iris.setdefault(j, self.iri(j))
                yield a, b, why.get(j)

    def kinds(self, i: int) -> int:
        """Which of :data:`EVENT`, :data:`CHAPTER`, :data:`READING` cover node ``i``."""
        return self._kind[i]

    def places(self, i: int) -> Iterator[Place]:
        """The lecture-places-of rows of node ``i`` (without the topic), each with how
        many things its lecture covers (as lecture-cover-counts counts them)."""
        for lec in self._cov[self._cov_off[i] : self._cov_off[i + 1]]:
            rows = self._lectures.get(lec)
            if rows is None:
                rows = self._lectures[lec] = self._lecture(lec)
            yield from rows

    def _lecture(self, lec: int) -> list[Place]:
        courses = self._courses
        if courses is None:
            courses = self._courses = marshal.loads(self._courses_bytes)
            self._course_facts = {c: (n, facts) for c, n, facts in courses}
        key = bytes(self._lec_keys[self._lec_key_off[lec] : self._lec_key_off[lec + 1]]).decode()
        k = self._lec_k[lec]
        rows = marshal.loads(self._lec_rows[self._lec_off[lec] : self._lec_off[lec + 1]])
        return [(key, courses[c][0], pos, num, date, title, k) for c, pos, num, date, title in rows]

    def course_facts(self, course: str) -> tuple[int, list[tuple[Any, Any]]]:
        """A course's lecture count and its (code, term) rows, as course-facts gives
        them (for a course of a row :meth:`places` gave)."""
        return self._course_facts[course]
