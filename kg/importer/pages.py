"""Importing many pages at once: one checked draft per page (what ``kg import`` calls).

:func:`import_pages` reads each page, drafts it, renders it, loads the rendered draft
with kg's own loader (:func:`check_draft`, so a draft that kg would refuse is never
written) and writes it atomically. A page that fails is reported, not fatal: the
others are still imported.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg import collector
from kg.errors import DataError, KGError, PageError, UsageError
from kg.files import write_atomic
from kg.importer.draft import COVER_THRESHOLD, Draft, import_page
from kg.importer.render import render_yaml
from kg.importer.vocab import Vocabulary

__all__ = ["PAGE_SUFFIXES", "PageResult", "course_id_for", "expand_pages", "check_draft", "render", "import_pages", "write_draft"]

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
            found = sorted(
                str(f) for f in p.iterdir()
                if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in PAGE_SUFFIXES
            )
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
    names against ``vocab``; a draft kg would refuse raises :class:`PageError`."""
    from kg.build.sources import read_course_text, unknown_reference  # the build package is heavy

    try:
        _course, refs = read_course_text(text, f"{course_id}.yaml")
        topics = {t.id for t in vocab.topics}
        for name, loc in refs:
            if name not in topics:
                raise unknown_reference("topic", name, topics, loc)
    except DataError as exc:
        raise PageError(f"the draft would not load: {exc}", source) from None


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
    results: list[PageResult] = []
    for k, (page, cid) in enumerate(zip(pages, ids)):
        res = PageResult(page, cid)
        target = output if output is not None else (out_dir / f"{cid}{suffix}" if out_dir is not None else None)
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
