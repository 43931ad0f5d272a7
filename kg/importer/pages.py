"""Importing many pages at once: one checked draft per page (what ``kg import`` calls).

:func:`import_pages` reads each page, drafts it, renders it, loads the rendered draft
with kg's own loader (:func:`check_draft`, so a draft that kg would refuse is never
written) and writes it atomically. A page that fails is reported, not fatal: the
others are still imported.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg import collector
from kg.errors import DataError, KGError, PageError, UsageError
from kg.files import write_atomic
from kg.importer.draft import COVER_THRESHOLD, Draft, import_page
from kg.importer.render import render_yaml
from kg.importer.vocab import Vocabulary

__all__ = ["PAGE_SUFFIXES", "PageResult", "course_id_for", "expand_pages", "check_draft", "render", "import_pages", "write_draft", "check_targets"]

PAGE_SUFFIXES = frozenset(
    ".html .htm .xhtml .md .markdown .mdx .txt .text .yml .yaml .json .toml .scrbl .org .rst .qmd .rmd "
    ".tex .latex .csv .tsv .adoc .asciidoc .ics".split()
)
"""The files of a directory that :func:`expand_pages` takes as pages."""


@dataclass
class PageResult:
    """What importing one page gave: its draft and where it went, or its error."""

    page: str
    course_id: str
    output: Path | None = None
    draft: Draft | None = None
    text: str | None = None
    error: str | None = None


def course_id_for(page: str | Path) -> str:
    """A course id from a page's file name: ``CS 182 (Fall).html`` -> ``cs-182-fall``."""
    stem = Path(str(page)).stem if str(page) != "-" else "page"
    cid = re.sub(r"[^a-z0-9._-]+", "-", stem.casefold()).strip("-._")
    if not cid or not cid[0].isalnum():
        cid = "course-" + cid if cid else "course"
    return cid


def expand_pages(args: Iterable[str]) -> list[str]:
    """Page arguments with directories expanded to the pages in them (by suffix, sorted,
    hidden files skipped). ``-`` (stdin) is kept as it is."""
    out: list[str] = []
    for a in args:
        p = Path(a)
        if a != "-" and p.is_dir():
            try:
                found = sorted(
                    str(f) for f in p.iterdir()
                    if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in PAGE_SUFFIXES
                )
            except OSError as exc:
                raise UsageError(f"cannot list directory {a!r}: {exc.strerror or exc}") from None
            if not found:
                raise UsageError(f"no pages in directory {a!r} (looked for {', '.join(sorted(PAGE_SUFFIXES))})")
            out.extend(found)
        else:
            out.append(a)
    return out


def render(draft: Draft, fmt: str = "yaml") -> str:
    """The draft as YAML (the course file) or JSON (the draft as data)."""
    if fmt.lower() == "json":
        return json.dumps(draft.to_dict(), indent=2, ensure_ascii=False) + "\n"
    return render_yaml(draft)


def check_draft(text: str, course_id: str, vocab: Vocabulary, source: str) -> None:
    """Load a rendered YAML draft with kg's own course loader, as ``kg build`` would load
    it as ``COURSE_ID.yaml`` (from the text: nothing is written), and check the topics it
    names against ``vocab``; a draft kg would refuse raises :class:`PageError`.

    A draft whose lectures repeat (a schedule's rows repeated down a page) is first
    loaded with each of its lectures once (:func:`distinct_lectures`), and each of its
    events once (:func:`distinct_events`): when that loads,
    numbers no lecture and names only known topics, the whole draft does too. Anything
    else (a refusal included) is decided by loading the whole draft, so the message is
    the loader's own, for its line (``tests/test_import_check.py``)."""
    topics = {t.id for t in vocab.topics}
    reduced = distinct_lectures(text)
    if reduced is not None:
        reduced = distinct_events(reduced) or reduced
    if reduced is not None and _loads_clean(reduced, course_id, topics):
        return
    check_whole_draft(text, course_id, topics, source)


def check_whole_draft(text: str, course_id: str, topics: set[str], source: str) -> None:
    """:func:`check_draft` by loading the whole draft (the reference it is held to)."""
    from kg.build.sources import read_course_text, unknown_reference  # the build package is heavy

    try:
        _course, refs = read_course_text(text, f"{course_id}.yaml")
        for name, loc in refs:
            if name not in topics:
                raise unknown_reference("topic", name, topics, loc)
    except DataError as exc:
        raise PageError(f"the draft would not load: {exc}", source) from None


def _loads_clean(text: str, course_id: str, topics: set[str]) -> bool:
    """Whether kg's loader takes ``text`` with no lecture numbered and only ``topics``
    named. The loader's only checks across lectures or events are on lecture numbers:
    without any, a text of the same distinct lectures and events loads too. (A new
    check across them belongs here as well.)"""
    from kg.build.sources import read_course_text  # the build package is heavy

    try:
        course, refs = read_course_text(text, f"{course_id}.yaml")
    except DataError:
        return False
    return all(lec.number is None for lec in course.lectures) and all(name in topics for name, _ in refs)


# A YAML line that ends every construct it starts (a quoted scalar or a flow list closed
# on it, no block scalar, anchor, alias, tag or complex key): blank, a comment, or
# "KEY:" (a list item's, perhaps) with a plain scalar, a double-quoted one or a flow list
# of those, and a comment. What follows such lines is read as if they were not there.
_PLAIN_VALUE = r"""[^\s"'\[\]{}#&*!|>%@`,?:-][^"'\[\]{}#:\n]*"""
_PLAIN_ITEM = r"""[^\s"'\[\]{}#&*!|>%@`,?:-][^"'\[\]{}#:,\n]*"""
_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
_CLOSED_LINE = re.compile(
    rf"""(?: *#.*| *(?:- )?[A-Za-z_][A-Za-z0-9_]*:(?: +(?:{_PLAIN_VALUE}|{_QUOTED}|\[ *(?:(?:{_PLAIN_ITEM}|{_QUOTED}) *"""
    rf"""(?:, *(?:{_PLAIN_ITEM}|{_QUOTED}) *)*)?\]))?(?: +#.*)?| *)"""
)
# The comment render_yaml ends a lecture's first line with (its number and the page's line).
_NUMBERING = re.compile(r"  # lecture \d+, line \d+(?=\n|\Z)")
# Line breaks to YAML besides "\n": a text with any is loaded whole.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_SECTION_END = re.compile(r"\n(?!  )")  # the end of a line before one not indented
_ITEM = "\n  - title: "


def distinct_lectures(text: str) -> str | None:
    """A draft's text with each of its lectures once, or None when that would not pay
    or could read differently.

    The lectures are the items of the block list under a ``lectures:`` line that starts
    each with ``  - title:``. Their numbering comments (``# lecture N, line L``) dropped,
    the items that repeat are left out, but the last item, kept last before the rest of
    the file. That reads as the draft does, each lecture fewer times, when every line
    from the top of the file to the list's end ends every construct it starts
    (:data:`_CLOSED_LINE`, checked on the lines as they are left): then what was
    dropped was a comment, each item reads the same wherever it stands in the list, and
    the rest of the file the same after it. Only what looks across lectures (their
    numbers) can differ (see :func:`check_draft`)."""
    at = text.find("\nlectures:" + _ITEM)
    if at < 0:
        return None
    start = at + len("\nlectures:")  # at the newline before the first item
    m = _SECTION_END.search(text, start + len(_ITEM))
    end = m.start() + 1 if m is not None else len(text)
    # A look at the first lectures: mostly distinct ones (each title its own) are
    # loaded whole, without the work below.
    probe = text.find(_ITEM, start + 1)
    for _ in range(254):
        if probe < 0 or probe >= end:
            break
        probe = text.find(_ITEM, probe + 1)
    if probe < 0 or probe >= end:
        return None  # a short list: loaded whole
    first = _NUMBERING.sub("", text[start:probe]).split(_ITEM)
    if 2 * len(set(first)) > len(first):
        return None
    if any(b in text for b in _OTHER_BREAKS):
        return None
    items = _NUMBERING.sub("", text[start:end]).split(_ITEM)  # items[0] == "" (the newline before the first)
    seen = dict.fromkeys(items[1:])
    if 2 * len(seen) > len(items):
        return None
    last = items[-1]
    del seen[last]
    kept = [*seen, last]  # the last item last, as it was
    closed = _CLOSED_LINE.fullmatch
    if not all(map(closed, text[:start].split("\n"))):
        return None
    for item in kept:
        if not all(map(closed, ("  - title: " + item).split("\n"))):
            return None
    return text[:start] + "".join(map(_ITEM.__add__, kept)) + text[end:]


_EVENT = "\n  - kind: "


def distinct_events(text: str) -> str | None:
    """A draft's text with each of its events once (the last one kept last), as
    :func:`distinct_lectures` leaves out repeated lectures, or None. Events are read
    each on its own (nothing looks across them), so the text reads as the draft does,
    each event fewer times, when every line from the top of the file to the end of the
    ``events:`` list ends every construct it starts."""
    at = text.find("\nevents:" + _EVENT)
    if at < 0:
        return None
    start = at + len("\nevents:")
    m = _SECTION_END.search(text, start + len(_EVENT))
    end = m.start() + 1 if m is not None else len(text)
    if any(b in text for b in _OTHER_BREAKS):
        return None
    items = text[start:end].split(_EVENT)  # items[0] == ""
    seen = dict.fromkeys(items[1:])
    if 2 * len(seen) > len(items):
        return None
    last = items[-1]
    del seen[last]
    kept = [*seen, last]
    closed = _CLOSED_LINE.fullmatch
    if not all(map(closed, text[:start].split("\n"))):
        return None
    for item in kept:
        if not all(map(closed, ("  - kind: " + item).split("\n"))):
            return None
    return text[:start] + "".join(map(_EVENT.__add__, kept)) + text[end:]


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file a draft would replace (not a device or a pipe)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return False


def write_draft(target: Path, data: bytes) -> None:
    """Write a draft: to a file through a temporary file and a rename
    (:func:`~kg.files.write_atomic`); to a device or a pipe (``-o /dev/stdout``), in
    place, never replacing it with a file."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = 0
    if mode and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        with open(target, "wb") as f:
            f.write(data)
        return
    write_atomic(target, data)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_targets(pages: Sequence[str], targets: Sequence[Path | None]) -> None:
    """Refuse, before any page is read, a draft that would be written over one of the
    pages (``-o`` naming the page, or a link or hard link to it; ``--out-dir`` the
    pages' own directory holding ``ID.yaml``), whatever ``--force`` says, and a draft
    whose directory does not exist."""
    stats: list[tuple[str, os.stat_result]] = []
    for page in pages:
        try:
            # (stdin redirected from a file, "kg import - -o f < f", is that file)
            stats.append((page, os.fstat(sys.stdin.fileno()) if page == "-" else os.stat(page)))
        except (OSError, ValueError, AttributeError):
            continue  # reported when the page is read (stdin replaced, closed: no file)
    for target in targets:
        if target is None:
            continue
        try:
            st = os.stat(target)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            for page, pst in stats:
                if _same_file(st, pst):
                    same = "the page itself" if page != "-" and os.path.abspath(page) == os.path.abspath(target) \
                        else f"the page {'<stdin>' if page == '-' else page!r}"
                    raise UsageError(
                        f"output {str(target)!r} is {same}: its draft would replace it; write the draft elsewhere"
                    )
        parent = Path(os.path.realpath(target)).parent
        if not parent.is_dir():
            what = "is not a directory" if parent.exists() else "does not exist"
            raise UsageError(f"cannot write {str(target)!r}: directory {str(parent)!r} {what}")


def import_pages(
    pages: Sequence[str],
    vocab: Vocabulary,
    *,
    course_ids: Sequence[str] | None = None,
    out_dir: Path | None = None,
    output: Path | None = None,
    force: bool = False,
    term: str | None = None,
    year: int | None = None,
    name: str | None = None,
    threshold: float = COVER_THRESHOLD,
    fmt: str = "yaml",
    check: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[PageResult]:
    """Draft every page; check each YAML draft with kg's loader (unless ``check`` is
    false); write it to ``output`` (one page), ``out_dir/ID.yaml`` (many), or keep the
    text in the result (neither). Existing files are kept unless ``force``.

    Errors of one page (:class:`~kg.errors.KGError`, and the system's errors writing its
    draft) are recorded in its result, one line each; the other pages go on. ``progress(done, total, page)`` is called after each page.
    """
    if output is not None and len(pages) != 1:
        raise UsageError("--output names one file: give --out-dir for several pages")
    ids = list(course_ids) if course_ids is not None else [course_id_for(p) for p in pages]
    seen: dict[str, str] = {}
    for p, cid in zip(pages, ids):
        if cid in seen:
            raise UsageError(f"pages {seen[cid]!r} and {p!r} would both be course {cid!r}")
        seen[cid] = p
    suffix = ".json" if fmt.lower() == "json" else ".yaml"
    targets = [output if output is not None else (out_dir / f"{cid}{suffix}" if out_dir is not None else None)
               for cid in ids]
    check_targets(pages, targets)
    results: list[PageResult] = []
    for k, (page, cid, target) in enumerate(zip(pages, ids, targets)):
        res = PageResult(page, cid)
        try:
            if target is not None and _is_file(target) and not force:
                raise UsageError(f"{str(target)!r} exists; add --force to overwrite it")
            draft = import_page(page, vocab, course_id=cid, term=term, year=year, name=name, threshold=threshold)
            with collector.paused():  # a big draft's lines and its check: no cycles
                text = render(draft, fmt)
                if check:
                    yaml_text = text if fmt == "yaml" else render_yaml(draft)  # rendered once
                    check_draft(yaml_text, cid, vocab, "<stdin>" if page == "-" else page)
            if target is not None:
                write_draft(target, text.encode("utf-8"))
                res.output = target
            res.draft, res.text = draft, text
        except KGError as exc:
            res.error = str(exc)
        except OSError as exc:  # the output's name or place (a name too long, a full disk)
            res.error = f"cannot write {str(exc.filename or target)!r}: {exc.strerror or exc}"
        results.append(res)
        if progress is not None:
            progress(k + 1, len(pages), page)
    return results
