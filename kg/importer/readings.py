"""Resolving a lecture's reading lines against the graph's books and readings."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kg.importer.rows import ReadingLine, clean
from kg.importer.vocab import Book, Vocabulary

def _norm_title(s: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", s.casefold()).split())


@dataclass(frozen=True)
class DraftReading:
    """A reading of a draft lecture: a reading id or a chapter ``book/n`` in the graph."""

    reading: str | None = None
    chapter: str | None = None
    sections: str | None = None
    optional: bool = False
    note: str | None = None


_CHAPTERS = re.compile(
    r"^(?P<book>.+?)[,:]?\s+(?:chapters?|chs?\.?|ch\.)\s*(?P<spec>\d[\d.\s,–-]*(?:(?:and|&)\s*\d[\d.\s,–-]*)*)(?P<rest>.*)$",
    re.I,
)


class Library:
    """Resolves reading lines against the graph's books and readings."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.books = [(_norm_title(b.title), b) for b in vocab.books]
        self.readings = {_norm_title(t): rid for rid, t in vocab.readings.items() if _norm_title(t)}
        self._by_len = sorted(self.readings, key=len, reverse=True)
        self._names = list(self.readings)  # (rapidfuzz's choices, made once)
        # The titles of three words or more, by which a line can start (its words
        # after them a remark): found by the line's own word prefixes.
        self._long = frozenset(norm for norm in self.readings if len(norm.split()) >= 3)
        self._found: dict[str, str | None] = {}  # a line's normal form -> its reading
        # The titles by their first word: the titles a text can hold start at its words.
        self._by_first: dict[str, list[str]] = {}
        for norm in self.readings:
            self._by_first.setdefault(norm.split(" ", 1)[0], []).append(norm)
        self._in_text: dict[str, list[DraftReading]] = {}  # a materials cell -> its readings
        # A reading line (its text, whether optional) -> what it names.
        self._lines: dict[tuple[str, bool], tuple[list[DraftReading], str | None]] = {}

    def book(self, title: str) -> Book | None:
        from rapidfuzz import fuzz

        t = _norm_title(title)
        best: tuple[float, Book | None] = (0.0, None)
        for norm, b in self.books:
            score = 100.0 if norm == t else fuzz.ratio(norm, t)
            if score > best[0]:
                best = (score, b)
        return best[1] if best[0] >= 90 else None

    def line(self, ln: ReadingLine) -> tuple[list[DraftReading], str | None]:
        """The readings one line names, or its text when nothing in the graph fits."""
        key = (ln.text, ln.optional)
        got = self._lines.get(key)
        if got is None:
            got = self._lines[key] = self._line(ln)  # (pages repeat their reading lines)
        return list(got[0]), got[1]

    def _line(self, ln: ReadingLine) -> tuple[list[DraftReading], str | None]:
        text = ln.text.strip()
        optional = ln.optional
        m = re.search(r"\(\s*optional\s*\)\s*$", text, re.I)
        if m:
            # "Chapter 14, 17 (optional)": the mark belongs to the item just before it.
            text = text[: m.start()].strip()
            last_optional = True
        else:
            last_optional = False
        ch = _CHAPTERS.match(text)
        if ch:
            book = self.book(ch.group("book"))
            if book is None:
                return [], ln.text
            refs = self._chapters(book, ch.group("spec"), optional)
            if not refs:
                return [], ln.text
            remark = clean(ch.group("rest").strip(" ,;:-–()"))
            last = refs[-1]
            refs[-1] = replace(last, optional=last.optional or last_optional, note=remark or None)
            return refs, None
        note: str | None = None
        paren = re.search(r"\s*\(([^()]{1,60})\)\s*$", text)
        if paren:
            note = paren.group(1).strip()
            text = text[: paren.start()]
        rid = self.find_reading(text)
        if rid is None:
            return [], ln.text
        return [DraftReading(reading=rid, optional=optional or last_optional, note=note)], None

    def _chapters(self, book: Book, spec: str, optional: bool) -> list[DraftReading]:
        out: list[DraftReading] = []
        for item in re.split(r"\s*(?:,|\band\b|&)\s*", spec.strip()):
            item = item.strip(" .")
            if not item:
                continue
            rng = re.fullmatch(r"(\d+(?:\.\d+)*)\s*[-–]\s*(\d+(?:\.\d+)*)", item)
            if rng:
                a, b = rng.groups()
                if "." not in a and "." not in b:
                    nums = list(range(int(a), int(b) + 1)) if int(b) - int(a) < 30 else []
                    out.extend(DraftReading(chapter=f"{book.id}/{n}", optional=optional) for n in nums if n in book.chapters)
                    continue
                n = int(a.split(".")[0])
                if n in book.chapters:
                    out.append(DraftReading(chapter=f"{book.id}/{n}", sections=f"{a}-{b}", optional=optional))
                continue
            if re.fullmatch(r"\d+(?:\.\d+)*", item):
                n = int(item.split(".")[0])
                if n in book.chapters:
                    out.append(DraftReading(chapter=f"{book.id}/{n}", sections=item if "." in item else None, optional=optional))
        return out

    def find_reading(self, text: str) -> str | None:
        t = _norm_title(text)
        if not t:
            return None
        if t in self.readings:
            return self.readings[t]
        if t in self._found:  # (pages repeat their lines)
            return self._found[t]
        found: str | None = None
        # "Title. This video walks through ...": a long title followed by a remark; the
        # longest title that is a run of the line's first words (normal forms are
        # words joined by one space, so those runs are the titles it can start with).
        p = len(t)
        while (p := t.rfind(" ", 0, p)) > 0:
            if t[:p] in self._long:
                found = self.readings[t[:p]]
                break
        else:
            from rapidfuzz import fuzz, process  # noqa: PLC0415 - start-up time: kg's start-up does without it

            hit = process.extractOne(t, self._names, scorer=fuzz.ratio, score_cutoff=92)
            found = self.readings[hit[0]] if hit else None
        self._found[t] = found
        return found

    def in_text(self, text: str) -> list[DraftReading]:
        """Readings whose titles appear as whole words in a materials cell. A heading
        ("optional readings:", "required reading:") sets whether the titles after it are
        optional; "(optional)" or "; optional" just after a title marks that one."""
        got = self._in_text.get(text)
        if got is None:
            got = self._in_text[text] = self._read_in_text(text)  # (pages repeat their cells)
        return list(got)

    def _titles_in(self, t: str) -> set[str]:
        """The titles that ``t`` (a normal form between spaces) holds as whole words:
        those that start with one of its words, tried at that word."""
        out: set[str] = set()
        by_first = self._by_first
        p = 0
        while (q := t.find(" ", p + 1)) > 0:
            for norm in by_first.get(t[p + 1 : q], ()):
                end = p + 1 + len(norm)
                if norm not in out and t.startswith(norm, p + 1) and t[end : end + 1] == " ":
                    out.add(norm)
            p = q
        return out

    def _read_in_text(self, text: str) -> list[DraftReading]:
        t = " " + _norm_title(text) + " "
        held = self._titles_in(t)
        headings = [
            (m.start(), m.group(1) == "optional")
            for m in re.finditer(r" (?:(optional|required|suggested|recommended|further) )?readings? ", t)
        ]
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, int, str]] = []
        for norm in self._by_len:
            if norm not in held:
                continue  # (not in the text: the search below would find nothing)
            start = 0
            while (p := t.find(" " + norm + " ", start)) >= 0:
                q = p + len(norm) + 1
                start = q
                if any(a < q and p < b for a, b in taken):
                    continue
                taken.append((p, q))
                found.append((p, q, self.readings[norm]))
                break
        found.sort()
        out: list[DraftReading] = []
        for n, (p, q, rid) in enumerate(found):
            heading = [opt for pos, opt in headings if pos < p]
            nxt = found[n + 1][0] if n + 1 < len(found) else len(t)
            after = t[q:nxt].split()[:4]
            optional = (bool(heading) and heading[-1]) or "optional" in after
            out.append(DraftReading(reading=rid, optional=optional))
        return out
