"""`kg import`'s shortcuts give what the plain rules give.

Each shortcut the importer takes for speed is compared here with the plain rule it
stands for, on the development pages' real text and on random text built to reach the
rules' edges. (How fast the shortcuts are is measured by ``bench/import_eval.py --big``,
never here.)
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import yaml

from kg import importer as imp
from kg.errors import KGError
from kg.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(os.environ.get("KG_IMPORT_PAGES") or ROOT.parent / "shared" / "import-pages")
needs_pages = pytest.mark.skipif(not (PAGES / "gold").is_dir(), reason=f"no development pages at {PAGES}")


@pytest.fixture(scope="module")
def vocab() -> imp.Vocabulary:
    return imp.Vocabulary.from_graph(KnowledgeGraph.open())


def _page_texts() -> list[tuple[str, str]]:
    """Every row's title and detail on the development pages, and every gold title."""
    out: list[tuple[str, str]] = []
    for page in sorted((PAGES / "pages").iterdir()):
        if page.name == "MANIFEST.md":
            continue
        try:
            parsed = imp.parse_page(imp.read_page(page), str(page))
        except KGError:
            continue
        out += [(row.title, row.detail) for row in parsed.rows]
    for g in sorted((PAGES / "gold").glob("*.yaml")):
        out += [(str(x["title"]), "") for x in yaml.safe_load(g.read_text(encoding="utf-8")).get("lectures") or []]
    return out


# Words and marks at the edges of the rules that look across a comma: coordination
# ("A and B C"), an aspect ("History of NLP"), a setting ("RL for NLP"), typos, hyphens.
_EDGES = [
    "and", "&", "of", "the", "of the", "for", "in", "on", "a", "an", "History of", "Ethics of",
    "Lecture on", "Topics in", "Introduction to", "Density and", "energy models", "Vision &",
    "Multimodal Transformers", "convolutional nueral networks", "neural", "networks", "Gradient",
    "Boosting", "Self-", "Supervised Learning", "multi-layer perceptron", "GANs", "RL", "deep", "learning",
    "reinforcment learning", "Markov", "decision processes", "Hidden", "Models", "Readings:", "(", ")", "-",
]
_MARKS = [", ", "; ", ",", " ,", ";", ", and ", ", of ", " of, ", ", the ", " - ", " and ", " ", " ", " "]


def _random_titles(vocab: imp.Vocabulary, texts: list[tuple[str, str]], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = [t.label for t in vocab.topics] + [a for t in vocab.topics for a in t.aliases]
    pool = [t for t, _ in texts if t] or names
    out = []
    for _ in range(n):
        bits = []
        for _ in range(rng.randint(2, 5)):
            r = rng.random()
            bits.append(rng.choice(pool) if r < 0.3 else rng.choice(names) if r < 0.6 else rng.choice(_EDGES))
            bits.append(rng.choice(_MARKS))
        out.append("".join(bits[:-1]))
    return out


def _compare(vocab: imp.Vocabulary, titles: list[tuple[str, str]]) -> int:
    """Link and list the unmatched terms of every (title, detail) with titles matched part
    by part (always, and where their parts repeat) and matched whole: the same links
    (topic, confidence, words, how, place, in order) and the same terms. Returns how
    many titles have a comma or semicolon."""
    whole = imp.Linker(vocab.topics, split_titles="never")
    split = [imp.Linker(vocab.topics, split_titles="always"), imp.Linker(vocab.topics)]
    marked = 0
    for title, detail in titles:
        marked += "," in title or ";" in title
        links, terms = whole.link(title, detail), whole.unmatched(title, detail)
        for linker in split:
            assert linker.link(title, detail) == links, (title, detail)
            assert linker.unmatched(title, detail) == terms, (title, detail)
    return marked


@needs_pages
def test_title_parts_match_as_the_whole_title_on_real_pages(vocab: imp.Vocabulary) -> None:
    texts = _page_texts()
    assert len(texts) > 500
    # The real titles, and (as a schedule page joins them) pairs of them.
    rng = random.Random(12)
    titles = [t for t, _ in texts]
    pairs = [(f"{rng.choice(titles)}, {rng.choice(titles)}", "") for _ in range(2000)]
    assert _compare(vocab, texts + pairs) > 2000


@needs_pages
def test_title_parts_match_as_the_whole_title_on_random_titles(vocab: imp.Vocabulary) -> None:
    texts = _page_texts()
    titles = _random_titles(vocab, texts, 6000, seed=7)
    assert _compare(vocab, [(t, "") for t in titles]) > 3000


def test_title_parts_cases_where_a_rule_looks_across_a_comma() -> None:
    topics = [
        imp.TopicName("density-models", "Density models"),
        imp.TopicName("energy-models", "Energy models"),
        imp.TopicName("natural-language-processing", "Natural language processing", ("NLP",)),
        imp.TopicName("reinforcement-learning", "Reinforcement learning", ("RL",)),
        imp.TopicName("convolutional-neural-networks", "Convolutional neural networks", ("CNN",)),
        imp.TopicName("transformers", "Transformers", ("transformer",)),
        imp.TopicName("vision-transformers", "Vision transformers"),
        imp.TopicName("ethics", "Ethics"),
    ]
    titles = [
        "Density and, energy models", "Density and energy, models", "Density, and energy models",
        "Density and energy models, Energy models", "Energy models, Density and energy models",
        "Density and energy models, Density models", "Density models; Density and energy models",
        "Density and energy models; Density and energy models",
        "History of, NLP", "Ethics of, the Transformer", "Ethics of the, Transformers", "Ethics, of NLP",
        "RL for, NLP", "RL, for NLP", "Convolutional, neural networks", "Convolutional nueral, networks",
        "Vision &, Multimodal Transformers", "Transformers, Vision & Multimodal Transformers",
        "NLP; RL; CNN", "Transformers (attention, positional encoding), NLP",
    ]
    vocab = imp.Vocabulary(topics=topics)
    assert _compare(vocab, [(t, "") for t in titles]) == len(titles)


@needs_pages
def test_draft_yaml_written_once_per_title_and_list_of_links_reads_as_written_each_time(vocab: imp.Vocabulary) -> None:
    """The draft's YAML writes each title, and the lines of each list of links (the same
    objects), once: the text is the one written lecture by lecture with nothing shared."""
    import copy
    from dataclasses import replace

    page = PAGES / "pages" / "berkeley-stat157-sp19.md"
    draft = imp.import_page(page, vocab, course_id="stat157", year=2019)
    # The page's lectures twice over, the second time sharing the first's lists of
    # links, a third time with a list of the same links in another order.
    lectures = draft.lectures + [replace(lec) for lec in draft.lectures]
    lectures += [replace(lec, links=list(reversed(lec.links)), title=lec.title + " (again)") for lec in draft.lectures]
    shared = replace(draft, lectures=lectures)
    # The same draft with every lecture's links and candidates its own copies.
    own = replace(draft, lectures=[replace(lec, links=copy.deepcopy(lec.links), candidates=list(lec.candidates))
                                   for lec in lectures])
    assert any(len(lec.links) > 1 for lec in draft.lectures)
    text = imp.render_yaml(shared)
    assert text == imp.render_yaml(own)
    # And what each lecture's lines say is its own.
    blocks = text.split("\n  - title: ")[1:]
    assert len(blocks) == len(lectures)
    for lec, block in zip(lectures, blocks):
        assert block.startswith(imp.quote(lec.title) + "  # lecture ")
        covers = [lk.topic for lk in lec.links if lk.confidence >= draft.threshold]
        if covers:
            assert f"covers: [{', '.join(covers)}]" in block


# Values of a lecture's fields, the usual and the odd: what a draft writes, what a
# curator might, and what the loader refuses.
_LECTURE_VALUES: dict[str, list[str]] = {
    "title": ['"Transformers, Attention"', "Backprop", '"  "', "3", "true", "[a, b]", "", "'x'  "],
    "date": ["2019-01-22", '"2019-01-22"', "2019-02-30", "2019-1-2", '""', "20190122", "2019", "[2019-01-22]", ""],
    "number": ['"3"', "3", '"1a"', '"5.2"', "5.10", '"bad label!"', '""', "true", '"L-3"', '"0123456789abc"'],
    "speakers": ["[Ann Smith, Bo Li]", "Ann Smith", "[Ann, 3]", "[Ann, true]", '[" ", Bo]', "{a: 1}", "[]", ""],
    "guest": ["true", "false", '"yes"', "1", ""],
    "covers": ["[linear-algebra, probability]", "linear-algebra", "[nope, 2]", '[" gradient "]', "[[x]]", "[]", ""],
    "materials": ["[slides.pdf, video]", "notes.pdf", "[1.5]", '[""]', ""],
    "readings": ["[{reading: attention}]", "[{chapter: udl/7, optional: true}]", "[{chapter: udl}]",
                 "[{reading: a, chapter: b/1}]", "[x]", "{reading: a}", "[]", ""],
    "covres": ["[x]"],
}


def _lecture_yaml(rng: random.Random) -> str:
    keys = [k for k in _LECTURE_VALUES if k == "title" or rng.random() < (0.05 if k == "covres" else 0.5)]
    rng.shuffle(keys)
    if rng.random() < 0.05:
        return "  - just a title\n"
    values = {k: _LECTURE_VALUES[k][0] if rng.random() < 0.75 else rng.choice(_LECTURE_VALUES[k]) for k in keys}
    return "  - " + "\n    ".join(f"{k}: {v}" for k, v in values.items()) + "\n"


def _read_course(path: Path) -> tuple[object, object]:
    from kg.build.sources import read_course_file
    from kg.errors import DataError

    try:
        return read_course_file(path, path.name)
    except DataError as exc:
        return "error", str(exc)


def test_lectures_of_the_usual_shape_read_as_field_by_field(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The course loader reads a lecture of the usual shape in one step: it gives the
    same course, references and errors as reading every lecture field by field, on
    random lectures of usual and odd values (and on every development page's draft,
    in test_yaml_loader)."""
    from kg.build import sources

    rng = random.Random(12)
    plain = sources._plain_lecture
    taken = 0

    def counted(*args: object) -> object:
        nonlocal taken
        got = plain(*args)  # type: ignore[arg-type]
        taken += got is not None
        return got

    monkeypatch.setattr(sources, "_plain_lecture", counted)
    fast = slow = 0
    for n in range(400):
        text = "id: c\nname: C\nlectures:\n" + "".join(_lecture_yaml(rng) for _ in range(rng.randint(1, 3)))
        path = tmp_path / f"c{n}.yaml"
        path.write_text(text, encoding="utf-8")
        got = _read_course(path)
        with monkeypatch.context() as m:
            m.setattr(sources, "_plain_lecture", lambda *a: None)
            want = _read_course(path)
        assert got == want, text
        if got[0] == "error":
            slow += 1
        else:
            fast += 1
    assert fast > 50 and slow > 50 and taken > 100  # both outcomes, and the one step, are exercised


# ---------------------------------------------------------------- data files

_DATA_FILE_CASES = [
    # plain sessions; dates of every form YAML could take for a timestamp
    "- date: 2019-09-04\n  title: Intro\n- date: 2019-9-6\n  title: Sorting\n"
    "- date: 2019-09-09 10:00:00\n  title: Hashing\n",
    # numbers, booleans and nulls as values and keys
    "- date: Sep 4\n  title: 101\n  1: x\n  optional: yes\n- date: ~\n  title: Graphs\n",
    # a duplicate key: the last one wins, as in PyYAML's safe loader
    "- date: 9/4\n  title: Intro\n  title: Sorting\n- date: 9/6\n  title: Hashing\n",
    # anchors and aliases; a merge key; a set
    "- &a\n  date: 9/4\n  title: Intro\n- date: *a\n  title: Sorting\n- date: 9/9\n  title: Hashing\n",
    "- &a\n  date: 9/4\n  title: Intro\n- <<: *a\n  title: Sorting\n- date: 9/9\n  title: Hashing\n",
    "- date: 9/4\n  title: Intro\n  tags: !!set {a, b}\n- date: 9/9\n  title: Hashing\n",
    # a mapping of weeks, each with its sessions; HTML in titles
    "weeks:\n- week: 1\n  sessions:\n  - {date: 9/4, title: '<b>Intro</b>'}\n  - {date: 9/6, title: Sorting}\n"
    "- week: 2\n  sessions:\n  - {date: 9/9, title: Hashing}\n",
    # not valid YAML: read leniently
    "- date: 9/4\n  title: Part 1: Intro\n- date: 9/6\n  title: Sorting\n",
    # text no file holds (a lone surrogate): as the safe loader reads it
    "- date: 9/4\n  title: Intro \ud800\n- date: 9/6\n  title: Sorting\n",
]


def _records(g: object) -> object:
    assert g is not None
    return [[(ln.text, ln.titled, ln.line, ln.depth) for ln in r.lines] for r in g.records]  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", _DATA_FILE_CASES)
def test_data_file_read_by_kg_loader_as_by_the_safe_loader(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    from kg.importer import datafile

    fast = datafile.data_file_group(text)
    monkeypatch.setattr(datafile, "_load_yaml", yaml.safe_load)
    assert _records(fast) == _records(datafile.data_file_group(text))


@needs_pages
def test_data_file_pages_read_by_kg_loader_as_by_the_safe_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.importer import datafile

    pages = [p for p in sorted((PAGES / "pages").iterdir()) if p.suffix in (".yml", ".yaml", ".json")]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        fast = _records(datafile.data_file_group(text))
        with monkeypatch.context() as m:
            m.setattr(datafile, "_load_yaml", yaml.safe_load)
            assert fast == _records(datafile.data_file_group(text)), page.name


def test_data_file_with_an_impossible_date_is_read() -> None:
    from kg.importer import datafile

    g = datafile.data_file_group("- date: 2025-02-30\n  title: Intro\n- date: 2025-03-02\n  title: Sorting\n")
    assert _records(g) == [[("2025-02-30", False, 1, 0), ("Intro", True, 1, 0)],
                           [("2025-03-02", False, 3, 0), ("Sorting", True, 3, 0)]]


# ---------------------------------------------------------------- readings

def _plain_find_reading(lib: object, text: str) -> str | None:
    """The rule :meth:`Library.find_reading` stands for: the exact title, else the
    longest title of three words or more that the line starts with, else the closest
    title by edit ratio (92 or more)."""
    from rapidfuzz import fuzz, process

    from kg.importer import readings as rd

    titles: dict[str, str] = lib.readings  # type: ignore[attr-defined]
    t = rd._norm_title(text)
    if not t:
        return None
    if t in titles:
        return titles[t]
    for norm in sorted(titles, key=len, reverse=True):
        if len(norm.split()) >= 3 and t.startswith(norm + " "):
            return titles[norm]
    hit = process.extractOne(t, list(titles), scorer=fuzz.ratio, score_cutoff=92)
    return titles[hit[0]] if hit else None


def test_readings_found_as_by_the_plain_rule_on_many_lines(vocab: imp.Vocabulary) -> None:
    from kg.importer.readings import Library

    rng = random.Random(12)
    titles = list(vocab.readings.values())
    assert len(titles) > 20
    remarks = ["", " This video walks through it", ". Sections 1-3", " (optional)", " and more", "s", "!"]
    lines: list[str] = []
    for _ in range(3000):
        t = rng.choice(titles)
        words = t.split()
        pick = rng.random()
        if pick < 0.3:
            line = t + rng.choice(remarks)
        elif pick < 0.5:
            line = " ".join(words[: rng.randint(1, len(words))]) + rng.choice(remarks)
        elif pick < 0.7:  # a typo
            k = rng.randrange(len(t))
            line = t[:k] + t[k + 1 :]
        elif pick < 0.85:
            line = t.upper().replace(" ", "  -  ", 1)
        else:
            line = " ".join(rng.choice(titles).split()[:2]) + " " + t
        lines.append(line)
    lines += lines[:500]  # a page repeats its lines
    lib = Library(vocab)
    got = [lib.find_reading(x) for x in lines]
    assert got == [_plain_find_reading(lib, x) for x in lines]
    assert sum(g is not None for g in got) > 1000  # the lines reach every branch
    assert any(g is None for g in got)


# ---------------------------------------------------------------- tables in records

_TABLE_PAGES = [
    # Markdown: tables under headings (a heading section holds the table)
    "# A\n\n## Week 1\n\n| Date | Topic |\n|---|---|\n| 9/4 | **Intro** <br> Slides |\n| 9/6 | Sorting |\n\n"
    "## Week 2\n\n| Date | Topic |\n|---|---|\n| 9/9 | Hashing<ul><li>x</li></ul> |\n\n## Week 3\n\nText\n",
    # HTML without lines: nested tables, a caption, comments, badges, lists, titles in cells
    "<h2>One</h2><table><caption>Schedule</caption><tr><td>9/4</td><td>Intro</td></tr></table>"
    "<h2>Two</h2><table><tr><td>9/6<!-- c --></td><td><b>Sorting</b> and <i>more</i></td></tr>"
    "<tr><td><table><tr><td>inner</td><td>9/7</td></tr></table></td><td>x</td></tr></table>"
    "<h2>Three</h2><table><tr><th>Date</th><th>Topic</th></tr><tr><td>9/9</td><td>A<br>B"
    "<img src='https://img.shields.io/badge/-Lab-blue.svg'></td></tr></table><h2>Four</h2><p>x</p>",
    # HTML with data-line on some elements only
    "<h2 data-line='1'>One</h2><table data-line='2'><tr><td>9/4</td><td>Intro</td></tr>"
    "<tr data-line='5'><td>9/6</td><td data-line='7'>Sorting<p>more</p></td></tr></table>"
    "<h2 data-line='9'>Two</h2><table><tr><td>9/9</td><td><p data-line='11'>Hashing</p>x</td></tr>"
    "<tr><td>9/11</td><td>Graphs</td></tr></table><h2>Three</h2><table><tr><td>a</td></tr></table>",
]


def _groups_read(html: str, source: str) -> object:
    from kg.importer.document import parse_document

    doc = parse_document(html, source)
    return [(g.kind, [(r.line, r.number, r.section, [(ln.text, ln.titled, ln.line, ln.label, ln.depth)
                                                     for ln in r.lines]) for r in g.records]) for g in doc.groups]


def _table_page_htmls() -> list[tuple[str, str]]:
    from kg.importer.document import markdown_to_html

    out = [(markdown_to_html(_TABLE_PAGES[0]), _TABLE_PAGES[0])] + [(h, h) for h in _TABLE_PAGES[1:]]
    if (PAGES / "pages").is_dir():
        for page in sorted((PAGES / "pages").iterdir()):
            text = page.read_text(encoding="utf-8")
            if page.suffix == ".md":
                out.append((markdown_to_html(text), text))
            elif page.suffix == ".html":
                out.append((text, text))
    return out


def test_records_holding_tables_read_as_by_walking_the_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.importer import document

    pages = _table_page_htmls()
    fast = [_groups_read(html, src) for html, src in pages]
    monkeypatch.setattr(document._Locator, "table_read", lambda self, table, rows: None)
    slow = [_groups_read(html, src) for html, src in pages]
    for (html, _), a, b in zip(pages, fast, slow):
        assert a == b, html[:200]
    assert any("Intro" in str(g) and "heading-sections" in str(g) for g in fast[:3])


def _plain_in_text(lib: object, text: str) -> list[object]:
    """The rule :meth:`Library.in_text` stands for: every title (longest first) at its
    first place in the text that no longer title took, as whole words."""
    import re

    from kg.importer import readings as rd

    titles: dict[str, str] = lib.readings  # type: ignore[attr-defined]
    t = " " + rd._norm_title(text) + " "
    headings = [
        (m.start(), m.group(1) == "optional")
        for m in re.finditer(r" (?:(optional|required|suggested|recommended|further) )?readings? ", t)
    ]
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str]] = []
    for norm in sorted(titles, key=len, reverse=True):
        start = 0
        while (p := t.find(" " + norm + " ", start)) >= 0:
            q = p + len(norm) + 1
            start = q
            if any(a < q and p < b for a, b in taken):
                continue
            taken.append((p, q))
            found.append((p, q, titles[norm]))
            break
    found.sort()
    out: list[object] = []
    for n, (p, q, rid) in enumerate(found):
        heading = [opt for pos, opt in headings if pos < p]
        nxt = found[n + 1][0] if n + 1 < len(found) else len(t)
        optional = (bool(heading) and heading[-1]) or "optional" in t[q:nxt].split()[:4]
        out.append(rd.DraftReading(reading=rid, optional=optional))
    return out


def test_readings_in_materials_cells_as_by_the_plain_rule(vocab: imp.Vocabulary) -> None:
    from kg.importer.readings import Library

    rng = random.Random(7)
    titles = list(vocab.readings.values())
    glue = [" ", "; ", ", ", " (optional) ", " Optional readings: ", " Required reading: ", " and ", " - "]
    cells: list[str] = []
    for _ in range(1500):
        parts = []
        for _ in range(rng.randint(0, 5)):
            t = rng.choice(titles)
            words = t.split()
            pick = rng.random()
            if pick < 0.2:  # a title cut short, or one inside another's words
                t = " ".join(words[: rng.randint(1, len(words))])
            elif pick < 0.3:
                t = t + " " + t
            parts.append(t + rng.choice(glue))
        cells.append("".join(parts) + rng.choice(["", "slides", "optional"]))
    cells += cells[:300]
    lib = Library(vocab)
    got = [lib.in_text(c) for c in cells]
    assert got == [_plain_in_text(lib, c) for c in cells]
    assert sum(len(g) for g in got) > 1500
    assert any(r.optional for g in got for r in g) and any(not r.optional for g in got for r in g)


def _copying_lines(self: object, node: object, limit: int | None = None) -> list[object]:
    """:meth:`_Locator.lines` as it was: every line a fresh copy."""
    from kg.importer.document import Line, node_lines

    got = node_lines(node, sourced=self.sourced, line_tags=self.line_tags, limit=limit)  # type: ignore[arg-type, attr-defined]
    return [Line(ln.text, ln.titled, ln.line, ln.label, ln.depth) for ln in got]


def _page_read(html_or_text: str, source: str) -> object:
    page = imp.parse_page(html_or_text, source)
    return (page.layout, page.name, page.code, page.term, page.year, [repr(r) for r in page.rows])


@needs_pages
def test_pages_read_the_same_with_records_sharing_their_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.importer import document

    pages = [p for p in sorted((PAGES / "pages").iterdir()) if p.suffix in (".md", ".html", ".scrbl")]
    texts = [(imp.read_page(p), str(p)) for p in pages] + [(t, "page.md") for t in _TABLE_PAGES[:1]] + [
        (t, "page.html") for t in _TABLE_PAGES[1:]]
    shared = [_page_read(t, s) for t, s in texts]
    monkeypatch.setattr(document._Locator, "lines", _copying_lines)
    for (t, s), got in zip(texts, shared):
        assert got == _page_read(t, s), s


def test_reading_lines_read_once_give_what_each_gives(vocab: imp.Vocabulary) -> None:
    from kg.importer.readings import Library
    from kg.importer.rows import ReadingLine

    rng = random.Random(3)
    titles = list(vocab.readings.values())
    books = [b.title for b in vocab.books]
    texts = [rng.choice(titles) + rng.choice(["", " (optional)", " (slides)", ". A remark"]) for _ in range(300)]
    texts += [f"{rng.choice(books)}, Chapter {rng.randint(1, 12)}" + rng.choice(["", " (optional)", ", 3.1-3.4"])
              for _ in range(100)] if books else []
    texts += ["TBD", "Some blog post", "See Canvas"]
    lines = [ReadingLine(t, rng.random() < 0.3) for t in texts]
    lines += lines[:200]
    memo, plain = Library(vocab), Library(vocab)
    got = [memo.line(ln) for ln in lines]
    assert got == [plain._line(ln) for ln in lines]
    assert sum(1 for refs, _ in got if refs) > 200 and any(text for _, text in got)
    refs, _ = memo.line(lines[0])
    refs.clear()  # a caller's list is its own
    assert memo.line(lines[0]) == plain._line(lines[0])


def _tables_read(html: str, source: str) -> object:
    from kg.importer.document import parse_document

    doc = parse_document(html, source)
    return [[[(c.text, c.header, c.rowspan, c.colspan, c.line,
               [(ln.text, ln.titled, ln.line, ln.label, ln.depth) for ln in c.lines]) for c in row]
             for row in t.rows] for t in doc.tables]


def test_cells_of_the_same_html_read_once_as_each_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.importer import document
    from kg.importer.document import _lines_at, markdown_to_html

    badge = "![b](https://img.shields.io/badge/-Lecture-blue.svg)"
    rows = "".join(f"| **Week {k % 3}** <br> Oct {k % 5 + 1} | {badge} Sorting <br> more | x |\n" for k in range(40))
    md = "| Date | Topic | Notes |\n|---|---|---|\n" + rows
    pages = _table_page_htmls() + [(markdown_to_html(md), md), (markdown_to_html(md + "\n\n" + md), md + "\n\n" + md)]
    fast = [_tables_read(h, s) for h, s in pages]
    monkeypatch.setattr(document._CellLines, "__call__",
                        lambda self, cell, at, sourced, line_tags: _lines_at(cell, at, 0, sourced, None, line_tags))
    for (h, s), got in zip(pages, fast):
        assert got == _tables_read(h, s), h[:200]
    assert len({c[4] for t in fast[-1] for row in t for c in row}) > 40  # the same cells on many lines


def test_data_file_sessions_keyed_by_iso_dates_are_read() -> None:
    """Keys are read as text, as kg's loader reads them: sessions keyed by an ISO date
    are read like those keyed by "Sep 9" (PyYAML's safe loader made the key a date,
    which the reader took for no date at all)."""
    from kg.importer import datafile

    text = ("- week: 1\n  dates:\n    2019-09-04: {topics: {A: Sorting}}\n    2019-09-06: {topics: {A: Hashing}}\n"
            "- week: 2\n  dates:\n    Sep 9: {topics: {A: Graphs}}\n    Sep 11: {topics: {A: Trees}}\n")
    g = datafile.data_file_group(text)
    assert g is not None
    assert [[ln.text for ln in r.lines] for r in g.records] == [
        ["2019-09-04", "Sorting"], ["2019-09-06", "Hashing"], ["Sep 9", "Graphs"], ["Sep 11", "Trees"]]


@needs_pages
def test_a_titles_links_put_together_from_its_parts_are_the_whole_titles(
    vocab: imp.Vocabulary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Titles whose parts name distinct topics get their parts' own links put together
    (each part's made once); titles where two parts name one topic are linked as
    before: both the same as matching the whole title."""
    from kg.importer.link import Linker

    taken: list[bool] = []
    by_part = Linker._links_by_part

    def counted(self: Linker, parts: list) -> object:  # type: ignore[type-arg]
        got = by_part(self, parts)
        taken.append(got is not None)
        return got

    monkeypatch.setattr(Linker, "_links_by_part", counted)
    rng = random.Random(5)
    titles = [t for t, _ in _page_texts() if t]
    pairs = [(f"{rng.choice(titles)}; {rng.choice(titles)}, {rng.choice(titles)}", "") for _ in range(1500)]
    pairs += [(f"{t}, {t}", "") for t in titles[:300]]  # a part twice: one topic in two parts
    _compare(vocab, pairs)
    assert taken.count(True) > 500 and taken.count(False) > 50


_RUN_PAGES = [
    # runs of blocks inside table cells, inside nested tables, and beside tables without any
    "<table><tr><td><p>9/4 Intro</p><p>9/6 Sorting</p><p>9/9 Hashing</p></td><td>x</td></tr></table>"
    "<div><table><tr><td><table><tr><td><div>9/11 A</div><div>9/13 B</div><div>9/16 C</div></td></tr>"
    "</table></td></tr></table><p>9/18 D</p><p>9/20 E</p><p>9/23 F</p></div>"
    "<table><tr><td>9/25</td><td>G</td></tr><tr><td>9/27</td><td>H</td></tr></table>"
    "<h3>Week 1</h3><p>x</p><h3>Week 2</h3><p>y</p><h3>Week 3</h3><table><tr><td><h4>a</h4></td></tr></table>",
]


def test_runs_of_blocks_found_as_by_walking_every_element(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables without blocks are passed over whole (:func:`document._run_parents`): the
    groups, and their order, are those a walk of every element finds."""
    from kg.importer import document

    pages = [(h, h) for h in _RUN_PAGES] + _table_page_htmls()
    fast = [_groups_read(html, src) for html, src in pages]
    monkeypatch.setattr(document, "_run_parents", lambda root: root.traverse())
    slow = [_groups_read(html, src) for html, src in pages]
    for (html, _), a, b in zip(pages, fast, slow):
        assert a == b, html[:200]
    kinds = [g[0] for g in fast[0]]  # type: ignore[index]
    assert kinds.count("html-blocks") == 3 and "heading-sections" in kinds


def test_a_definition_list_read_once() -> None:
    """A definition list's entries are one group (its terms with their definitions), not
    a second time as a run of blocks: a page of many lists is read in half the time."""
    from kg.importer.document import markdown_to_html, parse_document

    md = "".join(f"Sep {d}\n: Lecture {d}: Topic {d}\n\n" for d in range(1, 8))
    html = "<dl>" + "".join(f"<div><dt>Sep {d}</dt><dd>Topic {d}</dd></div>" for d in range(1, 8)) + "</dl>"
    for page, source in ((markdown_to_html(md), md), (html, html)):
        kinds = [g.kind for g in parse_document(page, source).groups]
        assert kinds == ["definition-list"], (kinds, page[:200])
