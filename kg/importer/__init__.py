"""Turn a syllabus page into a draft course file (the library behind ``kg import``).

A page is an HTML file, a plain-text capture of one, a Markdown page or a Jekyll/Hugo
data file. The package is split by job:

- :mod:`~kg.importer.read`: bytes to text, within limits (:func:`read_page`);
- :mod:`~kg.importer.dates`: dates as pages write them (:func:`parse_date`);
- :mod:`~kg.importer.rows`, :mod:`~kg.importer.text`, :mod:`~kg.importer.tables`:
  schedule rows and the layouts they come from;
- :mod:`~kg.importer.detect`: every candidate structure of a page read and scored, the
  best kept (:func:`parse_page`);
- :mod:`~kg.importer.link`: topic linking (:class:`Linker`);
- :mod:`~kg.importer.readings`: readings and textbook chapters resolved in the graph;
- :mod:`~kg.importer.draft`: rows sorted into lectures, events and assignments
  (:func:`build_draft`);
- :mod:`~kg.importer.render`: the draft as YAML (:func:`render_yaml`);
- :mod:`~kg.importer.pages`: many pages at once, each draft checked with kg's own
  loader before it is written (:func:`import_pages`, what ``kg import`` calls).

A draft records what the page states (titles, dates, speakers, readings) and proposes
topics for a curator to check. Detail text ("+ details", "tl;dr:") is read for linking
only and never copied into the draft.

>>> linker = Linker([TopicName("generative-adversarial-networks",
...                            "Generative adversarial networks", ("GAN", "GANs"))])
>>> [(l.topic, l.confidence) for l in linker.link("Conditional GANs")]
[('generative-adversarial-networks', 0.95)]
>>> linker.link("a gan of thieves")     # short aliases match as written, not in any case
[]
"""

from __future__ import annotations

from kg.importer.dates import PageDate, parse_date
from kg.importer.detect import parse_page
from kg.importer.draft import (
    COVER_THRESHOLD,
    Draft,
    DraftAssignment,
    DraftEvent,
    DraftLecture,
    build_draft,
    import_page,
)
from kg.importer.link import Link, Linker, with_acronyms
from kg.importer.pages import PageResult, check_draft, course_id_for, expand_pages, import_pages
from kg.importer.read import MAX_PAGE_BYTES, read_page
from kg.importer.readings import DraftReading, Library
from kg.importer.render import quote, render_yaml
from kg.importer.rows import Page, ReadingLine, Row
from kg.importer.vocab import Book, TopicName, Vocabulary

__all__ = [
    "MAX_PAGE_BYTES",
    "COVER_THRESHOLD",
    "TopicName",
    "Book",
    "Vocabulary",
    "PageDate",
    "ReadingLine",
    "Row",
    "Page",
    "Link",
    "Linker",
    "with_acronyms",
    "Library",
    "DraftReading",
    "DraftLecture",
    "DraftEvent",
    "DraftAssignment",
    "Draft",
    "read_page",
    "parse_page",
    "parse_date",
    "build_draft",
    "import_page",
    "import_pages",
    "PageResult",
    "check_draft",
    "course_id_for",
    "expand_pages",
    "quote",
    "render_yaml",
]
