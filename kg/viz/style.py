"""Colours, shapes and sizes shared by every kg viz view."""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "TOPIC", "DEPENDENT", "FOCUS", "KNOWN", "COURSE", "LECTURE", "CHAPTER", "READING", "ALERT",
    "EDGE", "SHARED", "PALETTE", "KINDS", "MAX_LINES", "EDGE_STYLE", "EDGE_LEGEND",
    "darker", "node_colour", "node_size",
]

TOPIC = "#4e79a7"
DEPENDENT = "#76b7b2"
FOCUS = "#f28e2b"
KNOWN = "#bab0ac"
COURSE = "#b07aa1"
LECTURE = "#59a14f"
CHAPTER = "#edc948"
READING = "#9c755f"
ALERT = "#d62728"
EDGE = "#8c8c8c"
SHARED = "#7f7f7f"
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f")

# kind -> (shape, colour, legend label)
KINDS: dict[str, tuple[str, str, str]] = {
    "topic": ("dot", TOPIC, "Topic"),
    "course": ("hexagon", COURSE, "Course"),
    "lecture": ("square", LECTURE, "Lecture"),
    "chapter": ("triangle", CHAPTER, "Textbook chapter"),
    "reading": ("diamond", READING, "Reading"),
}

MAX_LINES = 8  # per tooltip section; the rest is summarised


def darker(hex_colour: str, f: float = 0.7) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(int(r * f), int(g * f), int(b * f))


def node_colour(c: str) -> dict[str, Any]:
    return {
        "background": c,
        "border": darker(c),
        "highlight": {"background": c, "border": "#222222"},
        "hover": {"background": c, "border": "#222222"},
    }


def node_size(dependents: int) -> float:
    """Node size from how many topics depend on a topic (the same in every view)."""
    return round(8 + min(20.0, 2.0 * math.sqrt(dependents)), 1)


EDGE_STYLE: dict[str, dict[str, Any]] = {
    "requires": {"color": {"color": EDGE, "highlight": "#222222", "hover": "#444444"}, "width": 1.2},
    "covers": {"color": {"color": "#b8c9a9", "highlight": "#2f6b2a", "hover": "#2f6b2a"}, "dashes": [4, 4], "width": 1},
    "contains": {"color": {"color": "#d4bfcf", "highlight": "#6d3d62", "hover": "#6d3d62"}, "dashes": [2, 3], "width": 1},
    "next": {"color": {"color": LECTURE}, "width": 3},
}

EDGE_LEGEND: dict[str, str] = {
    "requires": "requires (prerequisite → topic)",
    "covers": "covers (lecture, chapter or reading → topic)",
    "contains": "course → its lectures",
    "next": "next lecture",
}
