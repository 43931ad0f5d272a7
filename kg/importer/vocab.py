"""The vocabulary a page is linked against: topics, books and readings of the graph."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg import vocab as V


@dataclass(frozen=True)
class TopicName:
    """A topic as the linker sees it: its id, label and aliases (and broader topic)."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    broader: str | None = None


@dataclass(frozen=True)
class Book:
    """A textbook in the graph: its id, title and chapters (number → topics covered)."""

    id: str
    title: str
    chapters: Mapping[int, tuple[str, ...]]


@dataclass
class Vocabulary:
    """What a page is linked against: topics, books and readings already in the graph."""

    topics: list[TopicName]
    books: list[Book] = field(default_factory=list)
    readings: dict[str, str] = field(default_factory=dict)  # reading id -> title
    reading_covers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, kg: Any) -> Vocabulary:
        """Read the vocabulary from a :class:`~kg.graph.KnowledgeGraph` (local or remote)
        with kg's own queries ``importer-topics``, ``importer-books`` and
        ``importer-readings`` (``kg/queries/internal``)."""
        names: dict[str, dict[str, Any]] = {}
        for r in kg.run("importer-topics"):
            tid = V.local_id(r["t"])
            entry = names.setdefault(tid, {"label": str(r["label"]), "aliases": [], "broader": None})
            if r["alt"] is not None and str(r["alt"]) not in entry["aliases"]:
                entry["aliases"].append(str(r["alt"]))
            if r["broader"] is not None:
                entry["broader"] = V.local_id(r["broader"])
        topics = [
            TopicName(tid, e["label"], tuple(sorted(e["aliases"])), e["broader"])
            for tid, e in sorted(names.items())
        ]
        books: dict[str, tuple[str, dict[int, list[str]]]] = {}
        for r in kg.run("importer-books"):
            bid = V.local_id(r["b"])
            title, chapters = books.setdefault(bid, (str(r["title"]), {}))
            if r["n"] is not None:
                covers = chapters.setdefault(int(r["n"]), [])
                if r["cov"] is not None:
                    covers.append(V.local_id(r["cov"]))
        readings: dict[str, str] = {}
        reading_covers: dict[str, list[str]] = {}
        for r in kg.run("importer-readings"):
            rid = V.local_id(r["r"])
            readings[rid] = str(r["title"])
            if r["cov"] is not None:
                reading_covers.setdefault(rid, []).append(V.local_id(r["cov"]))
        return cls(
            topics=topics,
            books=[
                Book(bid, title, {n: tuple(sorted(c)) for n, c in sorted(ch.items())})
                for bid, (title, ch) in sorted(books.items())
            ],
            readings=dict(sorted(readings.items())),
            reading_covers={rid: tuple(sorted(c)) for rid, c in sorted(reading_covers.items())},
        )

    @classmethod
    def from_sources(cls, src: Any) -> Vocabulary:
        """The same from :func:`kg.build.sources.load_sources` records (no RDF needed)."""
        return cls(
            topics=[TopicName(t.id, t.label, tuple(t.aliases), t.broader) for t in src.topics.values()],
            books=[
                Book(b.id, b.title, {c.number: tuple(c.covers) for c in b.chapters})
                for b in src.books.values()
            ],
            readings={r.id: r.title for r in src.readings.values()},
            reading_covers={r.id: tuple(r.covers) for r in src.readings.values() if r.covers},
        )
