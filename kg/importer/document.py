"""A page as a document: HTML5 and Markdown parsed by real parsers into blocks.

Markdown (CommonMark with tables, raw HTML allowed) is rendered by cmark-gfm and
every page is then parsed by an HTML5 parser (selectolax, Lexbor engine), so a Markdown
table, an HTML table with omitted ``</td>``, and a raw HTML calendar inside Markdown
become the same tree. Racket Scribble ``@itemlist``/``@item`` sources are translated to
lists first. The tree gives the structures a schedule can be written as:

- :class:`Table`: cells with their spans, header flags and text lines;
- :class:`Group`: a run of like records — the items of a list (or of sibling lists
  under one heading), sibling blocks of one kind (``div.lecture``, paragraphs of a
  definition list), heading sections, the cells of a calendar grid.

Each record is a list of :class:`Line` (text, whether it reads as a title — a heading,
button or bold run — and the source line). Nothing here decides what a schedule is:
:mod:`kg.importer.detect` scores every candidate.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

import cmarkgfm
from cmarkgfm.cmark import Options as CmarkOptions
from selectolax.lexbor import LexborHTMLParser, LexborNode

from kg.importer.fronts import markdown_tables
from kg.importer.nesting import check_html_nesting, flatten_deep
from kg.importer.rows import clean

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "nav", "footer", "_comment"})
_BLOCK = frozenset(
    "p div br li tr td th h1 h2 h3 h4 h5 h6 table section article ul ol dl dt dd pre hr "
    "header blockquote tbody thead tfoot caption details summary figure main aside "
    "button".split()
)
_TITLE_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "button", "summary", "strong", "b", "dt"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ALNUM = re.compile(r"[^\W_]")
_ASIDE_HEADING = re.compile(
    r"(?i)^\s*(?:(?:required|optional|suggested|further|additional|extra)\s+)?"
    r"(?:readings?|references?|materials?|resources?|bibliography|papers?|literature|links)\s*:?\s*$"
)


@dataclass(slots=True)
class Line:
    """A line of text in a record: ``titled`` when it is all heading, button or bold.

    Not changed once made: records share their lines (a list item's lines are in its
    list's record and in the heading section around it, a calendar cell's in its
    table and in the calendar); make a new line for a different one."""

    text: str
    titled: bool = False
    line: int = 0
    label: str | None = None  # "Topic", "Due", ... when the line starts with a tag label
    depth: int = 0  # list nesting below the record


@dataclass(slots=True)
class Record:
    lines: list[Line]
    line: int = 0
    number: str | None = None  # the item's number in an ordered list
    section: str | None = None  # the heading the record sits under


@dataclass
class Group:
    """Like records in page order; ``kind`` names the structure (the draft's layout)."""

    kind: str
    records: list[Record] = field(default_factory=list)


class Cell:
    """A table cell: its text, whether it is a header cell, its spans, its line, and
    its text lines (:attr:`lines`).

    A cell of text and inline elements only has one line, its text: that line is made
    when it is asked for (tables have many cells, and most are read by their text)."""

    __slots__ = ("text", "header", "rowspan", "colspan", "line", "_lines", "_at")

    def __init__(
        self, text: str, header: bool, rowspan: int, colspan: int, line: int,
        lines: list[Line] | None = None, at: int = 0,
    ) -> None:
        self.text = text
        self.header = header
        self.rowspan = rowspan
        self.colspan = colspan
        self.line = line
        self._lines = lines  # None: the one line of its text, on line ``at``
        self._at = at

    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = [Line(self.text, False, self._at)] if self.text else []
        return self._lines

    def __repr__(self) -> str:
        return (f"Cell(text={self.text!r}, header={self.header!r}, rowspan={self.rowspan!r}, "
                f"colspan={self.colspan!r}, line={self.line!r}, lines={self.lines!r})")


@dataclass
class Table:
    rows: list[list[Cell]]
    line: int = 0


@dataclass
class Document:
    """The parsed page: its tables and record groups, title and heading text.

    Its text (:attr:`text`, :meth:`first_lines`) is read from the tree when asked for.
    """

    tables: list[Table]
    groups: list[Group]
    title: str | None
    h1: str | None
    root: LexborNode | None = field(default=None, repr=False)
    sourced: bool = True  # the tree's blocks carry data-line
    line_tags: frozenset[str] | None = None  # only these tags do (None: any may)

    @cached_property
    def text(self) -> str:
        """The page as text, one block a line."""
        if self.root is None:
            return ""
        return "\n".join(ln.text for ln in node_lines(self.root, sourced=self.sourced, line_tags=self.line_tags))

    def first_lines(self, n: int) -> list[str]:
        """The first ``n`` lines of :attr:`text` (without reading the rest)."""
        if "text" in self.__dict__ or self.root is None:
            return self.text.split("\n")[:n] if self.text else []
        return [ln.text for ln in node_lines(self.root, sourced=self.sourced, line_tags=self.line_tags, limit=n)]


# ---------------------------------------------------------------- sources to HTML

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
FRONT_MATTER = _FRONT_MATTER  # (a page's YAML front matter, "---" lines included)


_CMARK_OPTIONS = (
    CmarkOptions.CMARK_OPT_UNSAFE  # raw HTML is kept: it is parsed, never shown
    | CmarkOptions.CMARK_OPT_SOURCEPOS
    | CmarkOptions.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE  # "~~x~~" only, as CommonMark renderers do
)
# Block elements carry their source line as ``data-line``; cmark marks every element
# with ``data-sourcepos="LINE:COL-LINE:COL"``: the line is kept on the block
# containers (paragraphs, headings, lists and items, quotes, tables and rows), dropped
# elsewhere (cells, code blocks, rules), so that text inside those takes the line of
# the block around it.
LINE_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote ul ol li table tr".split())
"""The elements to which :func:`markdown_to_html` gives a ``data-line``."""
_BLOCK_POS = re.compile(
    r'<(p|h[1-6]|blockquote|ul|ol|li|table|tr)((?: [a-z-]+="[^"<>]*")*) data-sourcepos="(\d+):\d+-\d+:\d+"'
)
_OTHER_POS = re.compile(r' data-sourcepos="\d+:\d+-\d+:\d+"')
_KRAMDOWN_ATTRS = re.compile(r"\{:[^{}\n]*\}")
# "**Lecture**{: .label }[Sorting](#)": a label (Just the Class's badges), read as
# "Lecture: Sorting".
_KRAMDOWN_LABEL = re.compile(r"\*\*([^*\n]{1,40}?)\*\*\{:[^{}\n]*\.label\b[^{}\n]*\}[ \t]*")
# Jekyll's "[label]({% link _pages/x.md %})": the target is the path the tag names.
_LIQUID_TARGET = re.compile(r"\]\(\s*\{%-?\s*(?:link|post_url)\s+([^\s%]+)\s*-?%\}\s*\)")
_SPACED_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(([^()\n]*\s[^()\n]*)\)")


def markdown_to_html(text: str) -> str:
    """Markdown (front matter dropped) as HTML; block elements carry ``data-line``.

    CommonMark with GitHub's tables and strikethrough, raw HTML kept (cmark-gfm, the
    C reference parser: a page of megabytes takes a fraction of a second).

    >>> markdown_to_html("| Date | Topic |\\n|---|---|\\n| 9/9 | *Intro* |").split("\\n")[8:11]
    ['<tr data-line="3">', '<td>9/9</td>', '<td><em>Intro</em></td>']
    """
    m = _FRONT_MATTER.match(text)
    if m:
        text = "\n" * m.group(0).count("\n") + text[m.end():]
    # Kramdown attribute lists ("**HW1 OUT**{: .label}") are markup, not text.
    # Pandoc's grid and simple tables and MyST's list tables: HTML tables, in place.
    text = markdown_tables(text)
    if "{:" in text:
        text = _KRAMDOWN_ATTRS.sub(" ", _KRAMDOWN_LABEL.sub(r"**\1:** ", text))
    if "{%" in text:
        text = _LIQUID_TARGET.sub(r"](\1)", text)
    # An image whose URL has spaces is not Markdown, but every renderer users see
    # shows it: make it an <img>.
    if "![" in text:
        text = _SPACED_IMAGE.sub(lambda m: f'<img alt="{_esc(m.group(1))}" src="{_esc(m.group(2))}">', text)
    if ":::" in text:
        text = _PANDOC_FENCE.sub("", text)  # Quarto/Pandoc divs ("::: column-page"): markup only
    if "{{<" in text or "{{%" in text:
        text = _SHORTCODE.sub("", text)  # Hugo/Quarto shortcodes ("{{< fa file-pdf >}}"): icons, not text
    if "]{" in text:
        text = _PANDOC_ATTR.sub("]", text)  # "[HW 2]{style=...}": the span's attributes
    if "-|" in text or "|-" in text or "- |" in text or "| -" in text or "| :-" in text or "|:-" in text:
        text = _DELIMITER_ROW.sub(_delimiter_fit, text)
    if "{=html}" in text:
        text = _RAW_HTML_FENCE.sub(_raw_html, text)  # Quarto/Pandoc's raw HTML blocks are HTML, not code
    if "<table" in text or "<TABLE" in text:
        text = _tables_kept_whole(text)
    if "[^" in text:
        text = _FOOTNOTE_REF.sub("", text)  # "Exam [^1]": a footnote's mark, not text
    origin: list[int] | None = None
    if _DD_START.search(text):
        text, origin = definition_lists(text)
    html = cmarkgfm.markdown_to_html_with_extensions(
        text, options=_CMARK_OPTIONS, extensions=["table", "strikethrough"]
    )
    if origin is None:
        return _OTHER_POS.sub("", _BLOCK_POS.sub(_data_line_attr, html))
    at = origin

    def attr(m: re.Match[str]) -> str:
        k = int(m[3])
        return f'<{m[1]}{m[2]} data-line="{at[k - 1] if 0 < k <= len(at) else k}"'

    return _OTHER_POS.sub("", _BLOCK_POS.sub(attr, html))


_FOOTNOTE_REF = re.compile(r"[ \t]*\[\^[^\]\s]{1,40}\](?!:)")
_RAW_HTML_FENCE = re.compile(r"(?ms)^ {0,3}(`{3,}|~{3,})[ \t]*\{=html\}[ \t]*\n(.*?)^ {0,3}\1[ \t]*$")


def _raw_html(m: re.Match[str]) -> str:
    """A raw HTML block (a fence marked ``{=html}``) as its HTML, its fence lines left
    blank (lines stay where they are).

    >>> "<td>" in markdown_to_html("```{=html}\\n<table><tr><td>A</td></tr></table>\\n```")
    True
    """
    return "\n" + m.group(2)


# A line opening an HTML table in a Markdown page.
_HTML_TABLE_START = re.compile(r"(?im)^ {0,3}<table\b")
_BLANK_LINE = re.compile(r"(?m)^[ \t]*$")


def _tables_kept_whole(text: str) -> str:
    """Markdown with the blank lines of its HTML tables filled: CommonMark ends an HTML
    block at a blank line (and reads what follows, indented, as code), but the table
    goes on; every browser shows it whole. Lines stay where they are. (One pass: each
    table's end is looked for once, from its start.)

    >>> print(markdown_to_html("<table><tr><td>A</td></tr>\\n\\n    <tr><td>B</td></tr></table>").count("<td>"))
    2
    """
    low = text.lower()
    out: list[str] = []
    at = 0
    for m in _HTML_TABLE_START.finditer(text):
        if m.start() < at:
            continue  # (a table inside the one just kept)
        end = low.find("</table", m.end())
        if end < 0:
            break  # no table closes after this one: none of the rest does either
        out.append(text[at : m.start()])
        out.append(_BLANK_LINE.sub("<!---->", text[m.start() : end]))
        at = end
    out.append(text[at:])
    return "".join(out)


_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}")
_PANDOC_ATTR = re.compile(r"\]\{[^{}\n]*\}")
_PANDOC_FENCE = re.compile(r"(?m)^ {0,3}:::+[ \t]*(?:[{\w.#-][^\n]*)?$")
# (Starting at the line break: a literal first character lets the scan skip ahead.)
# (Each run of spaces written once: linear on lines of thousands of spaces.)
_DELIMITER_ROW = re.compile(r"\n[ \t]*(?:\|[ \t]*)?:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+(?:\|[ \t]*)?(?=\n|\Z)")
_CELL_SEP = re.compile(r"(?<!\\)\|")


def _delimiter_fit(m: re.Match[str]) -> str:
    """A table's delimiter row with as many cells as its header row (Pandoc reads a
    table whose rows differ; GitHub's Markdown drops it).

    >>> print(markdown_to_html("| A | B |\\n:--|:--|:--|\\n| 1 | x |").count("<td>"))
    2
    """
    text = m.string
    prev_end = m.start()  # (the match starts at the header row's line break)
    if prev_end <= 0:
        return m.group(0)
    header = text[text.rfind("\n", 0, prev_end) + 1 : prev_end].strip()
    if "|" not in header:
        return m.group(0)
    cells = len(_CELL_SEP.split(header.strip("|")))
    have = len(_CELL_SEP.split(m.group(0).strip().strip("|")))
    return m.group(0) if cells == have else "\n|" + "---|" * cells


def _data_line_attr(m: re.Match[str]) -> str:
    # (A function, not a template: on Python 3.11 a template with groups is expanded
    # by a slower function of the re module, called for every match.)
    return f'<{m[1]}{m[2]} data-line="{m[3]}"'


# Definition lists (kramdown, PHP Markdown Extra, Pandoc): a term line, then lines
# starting ": " (up to three spaces before the colon), each a definition; indented
# lines continue one.
_DD_START = re.compile(r"(?m)^ {0,3}:[ \t]+\S")
_DD_LINE = re.compile(r"^ {0,3}:[ \t]+(?=\S)")
_HIDING = re.compile(r"<!--|-->|```|~~~")  # (fences: at a line's start only, checked after)


def definition_lists(text: str) -> tuple[str, list[int]]:
    """Markdown definition lists as HTML blocks CommonMark keeps: each entry a
    ``<div class="dl-entry">`` holding its ``<dt>`` and ``<dd>`` parts, whose Markdown
    is still rendered; and, for each line of the new text, its line in ``text``.

    >>> out, origin = definition_lists("Mon, Sep 9\\n: Sorting\\n  : [Slides](s.pdf)\\n")
    >>> print(out)
    <dl>
    <div class="dl-entry"><dt>
    <BLANKLINE>
    Mon, Sep 9
    <BLANKLINE>
    </dt><dd>
    <BLANKLINE>
    Sorting
    <BLANKLINE>
    </dd><dd>
    <BLANKLINE>
    [Slides](s.pdf)
    <BLANKLINE>
    </dd></div>
    <BLANKLINE>
    </dl>
    <BLANKLINE>
    >>> origin
    [1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4]
    """
    lines = text.split("\n")
    n = len(lines)
    starts = list(accumulate([len(ln) + 1 for ln in lines[:-1]], initial=0))  # where each line starts

    def line_at(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    # Lines where no definition can start: fenced code and HTML comments (found from
    # their marks, not line by line: a page is long, its marks few).
    hidden: list[tuple[int, int]] = []  # (first, last) line of each fence or comment
    open_at: int | None = None
    kind = ""
    for m in _HIDING.finditer(text):
        k, mark = line_at(m.start()), m.group()
        if mark[0] in "`~" and (m.start() - starts[k] > 3 or text[starts[k] : m.start()].strip()):
            continue  # a fence opens a line (after up to three spaces)
        if open_at is None:
            if mark == "-->":
                continue
            open_at, kind = k, mark[:3]
        elif (kind == "<!-" and mark == "-->") or (kind in ("```", "~~~") and mark[:3] == kind):
            hidden.append((open_at, k))
            open_at = None
    if open_at is not None:
        hidden.append((open_at, n - 1))
    firsts = [h[0] for h in hidden]

    def is_hidden(k: int) -> bool:
        x = bisect.bisect_right(firsts, k) - 1
        if x < 0:
            return False
        first, last = hidden[x]
        if first == last:  # a comment within one line hides that line only if it is all comment
            return k == first and lines[k].lstrip().startswith("<!--")
        return first <= k <= last

    # The lines that start a definition (": ..." and not hidden), found once: a line
    # matches _DD_LINE when _DD_START matches at its start.
    dd_starts = [line_at(m.start()) for m in _DD_START.finditer(text)]
    dd_lines = {k for k in dd_starts if not is_hidden(k)}

    def is_dd(k: int) -> bool:
        return k in dd_lines

    out: list[str] = []
    origin: list[int] = []

    def emit(s: str, at: int) -> None:
        out.append(s)
        origin.append(at + 1)

    done = 0  # lines before this one are written
    in_list = False
    for j in dd_starts:
        if j < done or j not in dd_lines:
            continue
        term = j - 1
        if term >= 0 and not lines[term].strip():
            term -= 1
        if term < done or not lines[term].strip() or lines[term][:1] in (" ", "\t") or is_dd(term) \
                or is_hidden(term):
            continue
        if in_list and any(lines[x].strip() for x in range(done, term)):
            emit("</dl>", done - 1)
            emit("", done - 1)
            in_list = False
        out.extend(lines[done:term])
        origin.extend(range(done + 1, term + 1))
        if not in_list:
            if out and out[-1].strip():
                emit("", term)
            emit("<dl>", term)
            in_list = True
        out.extend(('<div class="dl-entry"><dt>', "", lines[term].strip(), ""))
        origin.extend((term + 1,) * 4)
        closing = "</dt>"
        while True:
            # One definition: its first line and the indented lines after it.
            out.extend((closing + "<dd>", "", _DD_LINE.sub("", lines[j])))
            origin.extend((j + 1,) * 3)
            k = j + 1
            while k < n and lines[k].strip() and lines[k][:1] in (" ", "\t") and k not in dd_lines:
                out.append(lines[k].strip())
                origin.append(k + 1)
                k += 1
            out.append("")
            origin.append(k)
            closing = "</dd>"
            nxt = k
            if nxt < n and not lines[nxt].strip() and is_dd(nxt + 1):
                nxt += 1
            if is_dd(nxt):
                j = nxt
                continue
            emit("</dd></div>", k - 1)
            done = k
            break
    if in_list:
        # The list ends at the next line that is not blank.
        k = done
        while k < n and not lines[k].strip():
            k += 1
        out.extend(lines[done:k])
        origin.extend(range(done + 1, k + 1))
        emit("</dl>", k - 1)
        emit("", k - 1)
        done = k
    out.extend(lines[done:])
    origin.extend(range(done + 1, n + 1))
    return "\n".join(out), origin


_SCRIBBLE_LINK = re.compile(r'@\(hyperlink\s+"([^"]*)"\s+"([^"]*)"\s*\)')
_SCRIBBLE_TOKEN = re.compile(r"@itemlist\[(?:#:style\s+'(\w+))?|@item\{|@[\w-]+\{|[{}\[\]]")


def scribble_to_html(text: str) -> str:
    """Racket Scribble lists as HTML: ``@itemlist[...]`` a list, ``@item{...}`` an item,
    ``@(hyperlink "url" "label")`` a link; ``@;`` comments dropped.

    Each ``]`` or ``}`` closes what its own bracket opened (a list, an item, or text in
    brackets), so a list always ends where it ends in the source, whatever its style:

    >>> scribble_to_html("@itemlist[@item{A} @item{B @emph{b}}] after")
    '<ul><li>A</li> <li>B b</li></ul> after'
    >>> scribble_to_html("@itemlist[#:style 'ordered @item{A}")  # closed at the end
    '<ol> <li>A</li></ol>'
    """
    out = []
    for ln in text.split("\n"):
        ln = re.sub(r"@;.*$", "", ln)
        out.append(ln)
    s = "\n".join(out)
    s = _SCRIBBLE_LINK.sub(lambda m: f'<a href="{_esc(m.group(1))}">{_esc(m.group(2))}</a>', s)
    s = re.sub(r"@bold\{([^{}]*)\}", r"<strong>\1</strong>", s)
    s = re.sub(r"@(?:title|section|subsection)\[[^\]]*\]\{([^{}]*)\}", r"<h2>\1</h2>", s)
    s = re.sub(r"^#lang.*$", "", s, flags=re.M)
    # Brackets matched with a stack: each entry the text that closes what was opened.
    parts: list[str] = []
    stack: list[str] = []
    at = 0
    for m in _SCRIBBLE_TOKEN.finditer(s):
        parts.append(s[at : m.start()])
        at = m.end()
        tok = m.group()
        if tok.startswith("@itemlist"):
            tag = "ol" if m.group(1) == "ordered" else "ul"
            parts.append(f"<{tag}>")
            stack.append(f"</{tag}>")
        elif tok == "@item{":
            parts.append("<li>")
            stack.append("</li>")
        elif tok in ("{", "["):
            parts.append(tok)
            stack.append("}" if tok == "{" else "]")
        elif tok[0] == "@":  # another form ("@emph{"): its text
            stack.append("")
        else:  # a closer: of the innermost opener of its kind, closing what is inside
            kind = ("</li>", "}", "") if tok == "}" else ("</ol>", "</ul>", "]")
            k = len(stack) - 1
            while k >= 0 and stack[k] not in kind:
                k -= 1
            if k < 0:
                parts.append(tok)  # nothing open to close: text
                continue
            while len(stack) > k:
                parts.append(stack.pop())
    parts.append(s[at:])
    parts.extend(reversed(stack))
    return "".join(parts)


_RST_ROLE = re.compile(r":[\w.+-]+(?::[\w.+-]+)?:`([^`<]*?)\s*(?:<[^`>]*>)?`")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^`>]*>`__?")


def rst_roles_as_text(text: str) -> str:
    """RST text with its interpreted-text roles as their labels: Sphinx's roles
    (``:download:`slides <a.pdf>```, ``:ref:`Homework 1<hw1>```, ``:doc:`intro```)
    are unknown to docutils, which would print them whole.

    >>> rst_roles_as_text(":download:`slides <L1.pptx>` and :ref:`HW 1<hw1>`")
    'slides and HW 1'

    In a grid table's row the label is padded to the role's width, so that the row's
    cells stay under the table's column rules:

    >>> rst_roles_as_text("| Set up :code:`git` | x |")
    '| Set up git         | x |'
    """
    if ":`" not in text:
        return text
    if "|" not in text:
        return _RST_ROLE.sub(_label_only, text)
    return "\n".join(
        _RST_ROLE.sub(_padded_label if _GRID_ROW.match(ln) else _label_only, ln) if ":`" in ln else ln
        for ln in text.split("\n")
    )


def _label_only(m: re.Match[str]) -> str:
    return m.group(1)


def _padded_label(m: re.Match[str]) -> str:
    return m.group(1).ljust(len(m.group(0)))


_GRID_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*$")


def rst_as_text(text: str) -> str:
    """RST text as plain lines, for the plain-text readers: roles as their labels and
    external links ```Ann Smith <https://...>`_`` as their text.

    >>> rst_as_text("Jan. 5: Guest: `Ann Smith <https://a.org/>`_ :download:`slides <s.pdf>`")
    'Jan. 5: Guest: Ann Smith slides'
    """
    return _RST_LINK.sub(lambda m: m.group(1), rst_roles_as_text(text))


def rst_to_html(text: str) -> str | None:
    """reStructuredText as HTML (docutils): sections, tables of every kind, field and
    definition lists. Nothing is read from or written to other files (``include`` and
    ``raw`` are off); ``None`` when docutils cannot read the text."""
    # (Imported here for start-up time: only .rst pages need docutils.)
    from docutils.core import publish_parts  # noqa: PLC0415
    from docutils.writers.html5_polyglot import Writer  # noqa: PLC0415

    settings = {
        "report_level": 5, "halt_level": 5, "file_insertion_enabled": False, "raw_enabled": False,
        "_disable_config": True, "input_encoding": "unicode", "line_length_limit": 1 << 24,
    }
    try:
        parts = publish_parts(rst_roles_as_text(text), writer=Writer(), settings_overrides=settings)
    except Exception:  # noqa: BLE001 - any failure of the RST reader: read the page as Markdown
        return None
    return (
        f"<html><head><title>{_esc(parts['title'])}</title></head><body>"
        f"{parts['html_title']}{parts['html_subtitle']}{parts['body']}</body></html>"
    )


_ORG_HEADING = re.compile(r"^(\*{1,6})\s+")
_ORG_KEYWORD = re.compile(r"^#\+(\w+):\s*(.*)$")
_ORG_LINK = re.compile(r"\[\[([^\]\[]+)\](?:\[([^\]\[]+)\])?\]")
_DIGIT_RE = re.compile(r"\d")
_ORG_TABLE_RULE = re.compile(r"^\s*\|-[-+|: ]*\|?\s*$")
_ORG_DRAWER = re.compile(r"^\s*:(?:PROPERTIES|LOGBOOK):\s*$", re.I)
_ORG_DRAWER_END = re.compile(r"^\s*:END:\s*$", re.I)


def _org_columns(out: list[str]) -> int:
    """The number of cells of the table row last written."""
    return max(1, out[-1].strip().strip("|").count("|") + 1) if out else 1


def org_to_markdown(text: str) -> str:
    """An Org file as Markdown, line for line: ``*`` headings, ``#+TITLE:``, links, and
    property drawers dropped (``:PROPERTIES:`` ... ``:END:``, metadata); and
    tables (a table's first row is its header; its ``|---+---|`` rules become the one
    delimiter row Markdown wants under it, or blank table rows).

    >>> print(org_to_markdown("#+TITLE: Algorithms\\n** Sorting [[s.pdf][slides]]\\n<2024-09-03 Tue>"))
    # Algorithms
    ## Sorting [slides](s.pdf)
    <2024-09-03 Tue>
    >>> print(org_to_markdown("|---+---|\\n| date | topic |\\n|---+---|\\n| 3-Oct | sorting |\\n|---+---|"))
    <BLANKLINE>
    | date | topic |
    |---|---|
    | 3-Oct | sorting |
    | | |
    """
    out: list[str] = []
    rows_seen = 0  # rows of the table the lines are in (0: not in one)
    drawer = False  # inside a ":PROPERTIES:" ... ":END:" drawer (metadata, not text)
    for ln in text.split("\n"):
        if drawer or _ORG_DRAWER.match(ln):
            drawer = not _ORG_DRAWER_END.match(ln)
            continue
        if _ORG_TABLE_RULE.match(ln):
            if rows_seen == 1:
                out.append("|" + "---|" * _org_columns(out))
                rows_seen = 2
            elif rows_seen:
                out.append("|" + " |" * _org_columns(out))  # between groups of rows: an empty row
            else:
                out.append("")  # a rule above the header
            continue
        if ln.lstrip().startswith("|"):
            rows_seen += 1
            if rows_seen == 2:  # a table without a rule under its first row
                out.append("|" + "---|" * _org_columns(out))
                rows_seen = 3
        else:
            rows_seen = 0
        k = _ORG_KEYWORD.match(ln)
        if k:
            ln = f"# {k.group(2)}" if k.group(1).lower() == "title" else ""
        else:
            ln = _ORG_HEADING.sub(lambda m: "#" * len(m.group(1)) + " ", ln)
        out.append(_ORG_LINK.sub(lambda m: f"[{m.group(2) or m.group(1)}]({m.group(1)})", ln))
    return "\n".join(out)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# ---------------------------------------------------------------- the tree


class _Locator:
    """Source line of a text snippet: searched forward from the last one found."""

    def __init__(self, source: str, sourced: bool = True, line_tags: frozenset[str] | None = None) -> None:
        self.source = source
        self.sourced = sourced  # the HTML's elements carry data-line (Markdown's do)
        self.line_tags = line_tags  # only elements of these tags do (None: any may)
        self.pos = 0
        self._starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._first: dict[str, int] = {}  # probe -> its first place in the source (-1: none)
        self._next: dict[str, tuple[int, int]] = {}  # probe -> (from, its place from there or -1)
        # A node's lines by its mem_id: lists, their runs, blocks and heading sections
        # read the same nodes (a list item, a section's parts) more than once.
        self._lines: dict[int, list[Line]] = {}
        self._cut: dict[int, list[Line]] = {}  # the first RECORD_LINES lines of nodes that have more
        # Tables whose lines are their cells' lines, in order (see :meth:`table_read`).
        self._tables: dict[int, list[list[Cell]]] = {}

    def table_read(self, table: LexborNode, rows: list[list[Cell]]) -> None:
        """Say that ``rows`` are all of ``table``'s cells, each with the line
        :func:`node_lines` gives it inside the table (see :func:`_tables`): the table's
        lines are then its cells' lines, not read from the tree again."""
        self._tables[table.mem_id] = rows

    def lines(self, node: LexborNode, limit: int | None = None) -> list[Line]:
        """:func:`node_lines` of ``node``, in a new list (the lines are shared: see
        :class:`Line`); with ``limit``, its first ``limit`` lines only (the walk of a
        node with more stops there)."""
        key = node.mem_id
        got = self._lines.get(key)
        if got is None:
            rows = self._tables.get(key)
            if rows is not None:
                # A table's walk flushes a line at every cell, and gives a cell the
                # lines it gives the cell on its own (same line, depth and titles).
                got = self._lines[key] = [ln for row in rows for c in row for ln in c.lines]
            elif limit is None:
                got = self._lines[key] = node_lines(node, sourced=self.sourced, line_tags=self.line_tags)
            else:
                got = self._cut.get(key)
                if got is None:
                    got = node_lines(node, sourced=self.sourced, line_tags=self.line_tags, limit=limit)
                    (self._lines if len(got) < limit else self._cut)[key] = got  # (fewer: all of them)
        if limit is not None and len(got) > limit:
            return got[:limit]
        return list(got)

    def line_of(self, snippet: str) -> int:
        words = snippet.split()
        if not words:
            return 0
        probe = words[0][:30]
        # The last forward search for this probe answers this one when it started at or
        # before self.pos and found nothing, or found a place at or after self.pos:
        # a probe that is not in the rest of the page is not searched for again.
        last = self._next.get(probe)
        if last is not None and last[0] <= self.pos and (last[1] < 0 or last[1] >= self.pos):
            p = last[1]
        else:
            p = self.source.find(probe, self.pos)
            self._next[probe] = (self.pos, p)
        if p < 0:
            p = self._first.get(probe, -2)
            if p == -2:
                p = self._first[probe] = self.source.find(probe)
            if p < 0:
                return 0
        else:
            self.pos = p
        return bisect.bisect_right(self._starts, p)


def _data_line(node: LexborNode | None) -> int:
    while node is not None:
        attrs = node.attributes
        v = attrs.get("data-line") if attrs else None
        if v and v.isdigit():
            return int(v)
        node = node.parent
    return 0


def _own_line(node: LexborNode) -> int:
    v = node.attributes.get("data-line")
    return int(v) if v and v.isdigit() else 0


def node_lines(
    node: LexborNode, depth: int = 0, *, sourced: bool = True, line_tags: frozenset[str] | None = None,
    limit: int | None = None,
) -> list[Line]:
    """The text lines of a node: a new line at every block element and ``<br>``; a line
    all inside a heading, button or bold run is ``titled``.

    A line's number is the ``data-line`` of the block it starts in, else of the
    nearest element around that block which has one. ``sourced=False`` says that no
    element of the tree has one (every line is then 0), so none is looked up;
    ``line_tags`` that only elements of those tags may. With ``limit``, the walk stops
    at that many lines.
    """
    return _lines_at(node, _data_line(node) if sourced else 0, depth, sourced, limit, line_tags)


def _lines_at(
    node: LexborNode, line: int, depth: int = 0, sourced: bool = True, limit: int | None = None,
    line_tags: frozenset[str] | None = None,
) -> list[Line]:
    """:func:`node_lines` of a node whose line (``_data_line``) is known."""
    w = _LineWalker(depth, line, sourced, limit, line_tags)
    w.walk(node, node.tag in _TITLE_TAGS, depth, w.line_no)
    w.flush()
    return w.lines[:limit] if limit is not None else w.lines


class _LineWalker:
    """The state of :func:`node_lines` (a class, not closures: no reference cycles)."""

    __slots__ = ("lines", "texts", "flags", "line_no", "depth", "sourced", "limit", "line_tags", "done")

    def __init__(
        self, depth: int, line_no: int, sourced: bool, limit: int | None = None,
        line_tags: frozenset[str] | None = None,
    ) -> None:
        self.lines: list[Line] = []
        self.texts: list[str] = []
        self.flags: list[bool] = []
        self.line_no = line_no
        self.depth = depth
        self.sourced = sourced
        self.limit = limit
        self.line_tags = line_tags
        self.done = False  # ``limit`` lines are made: the walk stops

    def flush(self) -> None:
        texts = self.texts
        if texts:
            text = clean("".join(texts))
            if text:
                # Titled when every run of text that is not blank is inside a title tag.
                flags = self.flags
                if True not in flags:
                    titled = False
                elif False not in flags:
                    titled = True
                else:
                    # Runs of punctuation between title runs ("**week10**_") do not count.
                    titled = all(f or not _ALNUM.search(t) for t, f in zip(texts, flags))
                self.lines.append(Line(text, titled, self.line_no, depth=self.depth))
                if self.limit is not None and len(self.lines) >= self.limit:
                    self.done = True
            texts.clear()
            self.flags.clear()

    def walk(self, n: LexborNode, titled: bool, d: int, here: int) -> None:
        # ``here``: the line of ``n`` (its own data-line, else its nearest ancestor's).
        # Iterative, with a stack of the elements open around the child being read:
        # a page may nest elements thousands deep. A frame is an element's children
        # still to read, how they read (titled, list depth, line), and what its end
        # does: 0 nothing (inline), 1 end a line (a block), 2 also restore the depth
        # saved in the frame (a list).
        texts, flags = self.texts, self.flags
        sourced, line_tags = self.sourced, self.line_tags
        stack: list[tuple[Iterator[LexborNode], bool, int, int, int, int]] = [
            (n.iter(include_text=True), titled, d, here, 0, 0)
        ]
        while stack:
            it, titled, d, here, ends, saved = stack[-1]
            for child in it:
                if self.done:
                    return
                tag = child.tag
                if tag == "-text":
                    texts.append(child.text_content or "")
                    flags.append(titled)
                    continue
                if tag is None or tag in _SKIP:
                    continue
                if tag == "img":
                    label = _badge_label(child)
                    if label:
                        texts.append(f" {label}: ")
                        flags.append(titled)
                    continue
                if not sourced:
                    own = 0
                elif line_tags is None or tag in line_tags:
                    own = _own_line(child) or here
                else:
                    own = here
                if d >= 0 and (tag == "ul" or tag == "ol"):
                    if texts:
                        self.flush()
                    stack.append((child.iter(include_text=True), titled, d + 1, own, 2, self.depth))
                    self.depth = d + 1
                elif tag in _BLOCK:
                    if texts:
                        self.flush()
                    self.line_no = own or self.line_no
                    stack.append((child.iter(include_text=True), titled or tag in _TITLE_TAGS, d, own, 1, 0))
                else:
                    stack.append((child.iter(include_text=True), titled or tag in _TITLE_TAGS, d, own, 0, 0))
                break  # read the child's children first
            else:  # the element is read
                stack.pop()
                if ends:
                    if texts:
                        self.flush()
                    if ends == 2:
                        self.depth = saved


_BADGE = re.compile(r"/badge/(?:-|(?P<label>[^-/?]+)-)(?P<message>[^-/?]+)-[^/?]+?(?:\.svg|\.png)?(?:\?|$)")


def _badge_label(img: LexborNode) -> str | None:
    """What a badge image says ("Lab Session" in ``.../badge/-Lab Session-orange.svg``)."""
    src = (img.attributes or {}).get("src") or ""
    m = _BADGE.search(src.replace("%20", " ").replace("_", " "))
    if m is None:
        return None
    return clean(m.group("message").replace("--", "-"))


def _cls(node: LexborNode) -> str:
    attrs = node.attributes
    return " ".join(sorted((attrs.get("class") or "").split())) if attrs else ""


def _children(node: LexborNode) -> Iterator[LexborNode]:
    for c in node.iter(include_text=False):
        if c.tag not in _SKIP:
            yield c


# What makes a cell's lines more than its text in one line: blocks and breaks, lists,
# skipped parts, badge images and title runs (see _LineWalker).
# (A nested table holds the rows and cells: "table" is enough of those.)
_CELL_STRUCTURE = ", ".join(sorted(
    (_BLOCK | _SKIP | _TITLE_TAGS | {"img", "ul", "ol"}) - {"_comment", "tr", "td", "th", "tbody", "thead", "tfoot", "caption"}
))


def _structured_cells(table: LexborNode) -> set[int]:
    """The cells (by ``mem_id``) of ``table`` that hold any of :data:`_CELL_STRUCTURE`,
    and the cells around those in nested tables."""
    out: set[int] = set()
    top = table.mem_id
    seen: set[int] = {top}  # elements whose ancestors (up to the table) are walked
    for node in table.css(_CELL_STRUCTURE):
        p = node.parent
        while p is not None:
            key = p.mem_id
            if key in seen:
                break  # (its cells are found: a cell holds many such elements)
            seen.add(key)
            tag = p.tag
            if tag == "td" or tag == "th":
                out.add(key)
            p = p.parent
    return out


class _CellLines:
    """The lines of cells that hold more than text (:func:`node_lines` of the cell on the
    line of its row), each kind of cell read once: a cell in which no element has a
    line of its own gives its lines all on its row's line, so cells of the same HTML
    give the same lines there (pages repeat their cells: badges, breaks, bold runs)."""

    def __init__(self) -> None:
        self._read: dict[str, list[Line]] = {}  # a cell's HTML -> its lines (on line 0)

    def __call__(self, cell: LexborNode, at: int, sourced: bool, line_tags: frozenset[str] | None) -> list[Line]:
        html = cell.html
        if not html or "data-line" in html:
            return _lines_at(cell, at, 0, sourced, None, line_tags)
        got = self._read.get(html)
        if got is None:
            got = self._read[html] = _lines_at(cell, 0, 0, sourced, None, line_tags)
        return [Line(ln.text, ln.titled, at, ln.label, ln.depth) for ln in got]


def _tables(root: LexborNode, locate: _Locator) -> list[Table]:
    out: list[Table] = []
    cell_lines = _CellLines()
    for t in root.css("table"):
        rows: list[list[Cell]] = []
        sourced = locate.sourced
        structured = _structured_cells(t)
        nested = len(t.css("table")) > 1  # the selector matches the table itself too
        cleaned: dict[str, str] = {}  # a cell's text -> its clean text (tables repeat cells)
        for tr in t.css("tr"):
            # Only this table's rows, not those of a table nested in a cell.
            if nested and (_closest_table(tr) or t).mem_id != t.mem_id:
                continue
            cells: list[Cell] = []
            tr_line = _data_line(tr) if sourced else 0
            for c in tr.iter(include_text=False):
                tag = c.tag
                if tag != "td" and tag != "th":
                    continue
                a = c.attributes
                if a:
                    own = a.get("data-line") if sourced else None
                    at = int(own) if own and own.isdigit() else tr_line
                    rowspan, colspan = _span(a.get("rowspan")), _span(a.get("colspan"))
                else:
                    at, rowspan, colspan = tr_line, 1, 1
                lines: list[Line] | None = None
                if structured and c.mem_id in structured:
                    lines = cell_lines(c, at, sourced, locate.line_tags)
                    text = "\n".join([ln.text for ln in lines])
                else:  # text and inline elements only: its text, in one line
                    raw = c.text(deep=True, separator="")
                    got = cleaned.get(raw)
                    if got is None:
                        got = cleaned[raw] = clean(raw)
                    text = got
                line = at or (locate.line_of(text) if text else 0)
                cells.append(Cell(text, tag == "th", rowspan, colspan, line, lines, at))
            rows.append(cells)
        if rows:
            out.append(Table(rows, next((c.line for r in rows for c in r if c.line), 0)))
            # Its lines are its cells' when nothing else in it holds text (a caption)
            # and every cell's line is known (a walk of the tree carries the last
            # line on over a cell with none).
            if (not sourced or all(c._at for r in rows for c in r)) and t.css_first("caption") is None:
                locate.table_read(t, rows)
    return out


def _closest_table(node: LexborNode) -> LexborNode | None:
    p = node.parent
    while p is not None and p.tag != "table":
        p = p.parent
    return p


def _span(v: str | None) -> int:
    if v is None:
        return 1
    try:
        return max(1, min(int((v or "1").strip(" ,")), 100))
    except ValueError:
        return 1


def _heading_text(node: LexborNode) -> str:
    return clean(node.text(separator=" "))


RECORD_LINES = 1000
"""A record (a list item, a block) is read for its first this many lines: a session
has a handful, and the items of lists nested hundreds deep each hold all the items
inside them (read whole, they would take time as the square of the depth)."""


def _record(node: LexborNode, locate: _Locator, section: str | None, number: str | None = None) -> Record | None:
    lines = locate.lines(node, RECORD_LINES)
    if not lines:
        return None
    line = lines[0].line or locate.line_of(lines[0].text)
    if not all(ln.line for ln in lines):
        lines = [ln if ln.line else Line(ln.text, ln.titled, line, ln.label, ln.depth) for ln in lines]
    return Record(lines, line, number, section)


# Elements whose children are never a run of like blocks (lists are read as lists).
_NOT_RUN_PARENTS = _SKIP | {"ul", "ol", "table", "tr", "tbody", "thead"}


# The tags of the blocks that make runs of like blocks (and of headings, whose
# sections are read by level).
_RUN_TAGS = frozenset(("div", "section", "article", "p", "details", "li", "dd", "dt", *_HEADINGS))


_RUN_SELECTOR = ", ".join(sorted(_RUN_TAGS))


def _run_parents(root: LexborNode) -> Iterator[LexborNode]:
    """``root`` and the elements under it in document order, less the insides of tables
    that hold no block of :data:`_RUN_TAGS` (nothing there can be a run's parent: a
    schedule of a thousand rows is passed over whole, not cell by cell)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        kids = [c for c in node.iter(include_text=False)
                if c.tag != "table" or c.css_first(_RUN_SELECTOR) is not None]
        kids.reverse()
        stack.extend(kids)


def _groups(root: LexborNode, locate: _Locator) -> list[Group]:
    groups: list[Group] = []
    # Lists: the items of each list; and runs of sibling lists (lists under headings).
    seen_parents: set[int] = set()
    for lst in root.css("ul, ol"):
        ordered = lst.tag == "ol"
        items = [c for c in _children(lst) if c.tag == "li"]
        g = Group("html-list")
        for k, li in enumerate(items, start=1):
            rec = _record(li, locate, _section_of(li), str(k) if ordered else None)
            if rec:
                g.records.append(rec)
        if len(g.records) >= 2:
            groups.append(g)
        parent = lst.parent
        if parent is not None and parent.mem_id not in seen_parents:
            seen_parents.add(parent.mem_id)
            groups.extend(_list_runs(parent, locate))
    # Definition lists: each term with its definitions one record ("<dt>Jan 23<dd>Intro").
    read_lists: set[int] = set()  # (and their entries are not read again as a run of blocks)
    for dl in root.css("dl"):
        g = Group("definition-list")
        parts: list[LexborNode] = []
        for c in _children(dl):
            if c.tag == "div":  # (HTML allows each entry in a <div>)
                entry = [x for x in _children(c) if x.tag in ("dt", "dd")]
            else:
                entry = [c] if c.tag in ("dt", "dd") else []
            for x in entry:
                if x.tag == "dt" and parts and parts[-1].tag == "dd":
                    rec = _dl_record(parts, locate)
                    if rec:
                        g.records.append(rec)
                    parts = []
                parts.append(x)
        if parts:
            rec = _dl_record(parts, locate)
            if rec:
                g.records.append(rec)
        if len(g.records) >= 2:
            groups.append(g)
            read_lists.add(dl.mem_id)
    # Sibling blocks of one kind, and heading sections.
    for parent in _run_parents(root):
        ptag = parent.tag
        if ptag in _NOT_RUN_PARENTS:
            continue
        if ptag == "div" and _cls(parent) == "dl-entry" or ptag == "dl" and parent.mem_id in read_lists:
            continue  # a definition list's entry is one record, its parts are not a run
        # (Each child's tag read once: a node's tag is made anew at every read.)
        kids: list[LexborNode] = []
        tags: list[str] = []
        for c in parent.iter(include_text=False):
            tag = c.tag
            if tag not in _SKIP:
                kids.append(c)
                tags.append(str(tag))
        if len(kids) < 3:
            continue
        by_sig: dict[tuple[str, str], list[LexborNode]] = {}
        for c, tag in zip(kids, tags):
            if tag in _RUN_TAGS:
                by_sig.setdefault((tag, _cls(c)), []).append(c)
        for (tag, _c), nodes in by_sig.items():
            if len(nodes) >= 3 and tag not in _HEADINGS:
                g = Group("html-blocks")
                for n in nodes:
                    rec = _record(n, locate, _section_of(n))
                    if rec:
                        g.records.append(rec)
                groups.append(g)
        for h in _HEADINGS:
            heads = [i for i, tag in enumerate(tags) if tag == h]
            if len(heads) < 3:
                continue
            g = Group("heading-sections")
            for k, i in enumerate(heads):
                end = heads[k + 1] if k + 1 < len(heads) else len(kids)
                # The section ends at the next heading of this level or a higher one.
                for j in range(i + 1, end):
                    if tags[j] in _HEADINGS and tags[j] <= h:
                        end = j
                        break
                lines: list[Line] = []
                for j in range(i, end):
                    part = kids[j]
                    if j != i and tags[j] in _HEADINGS and _ASIDE_HEADING.match(_heading_text(part)):
                        break  # "### Reading": what follows is a reading list
                    lines.extend(locate.lines(part))
                if lines:
                    line = lines[0].line or locate.line_of(lines[0].text)
                    g.records.append(Record(lines, line, None, None))
            groups.append(g)
    return groups


def _dl_record(parts: list[LexborNode], locate: _Locator) -> Record | None:
    """A definition list's entry (its terms and definitions) as one record."""
    lines = [ln for p in parts for ln in locate.lines(p) if ln.text]
    if not lines:
        return None
    return Record(lines, lines[0].line or locate.line_of(lines[0].text), None, None)


def calendar_group(table: Table) -> Group | None:
    """The cells of a calendar grid (one cell a day, a date in each) as records."""
    from kg.importer.dates import find_date  # noqa: PLC0415 - dates imports nothing of ours

    # The dated cells found first, the records made only for a grid: most tables have
    # a date a row, and are no calendar.
    dated: list[Cell] = []
    rows_of_two = 0  # rows with two dated cells or more
    for row in table.rows:
        n = 0
        for cell in row:
            if not cell.text:
                continue  # (no lines)
            if cell._lines is None:  # one line, its text (not made here: most cells are no date)
                if find_date(cell.text):
                    dated.append(cell)
                    n += 1
                continue
            lines = cell.lines
            if len(lines) > 1:
                lines = [ln for ln in lines if ln.text]
            # A date on the first line, or across the first two ("03" / "September").
            first = lines[0].text
            if find_date(first) or (len(lines) > 1 and find_date(f"{first} {lines[1].text}")):
                dated.append(cell)
                n += 1
        if n >= 2:
            rows_of_two += 1
    if len(dated) < 3 or rows_of_two < 2:
        return None
    g = Group("calendar")
    for cell in dated:
        g.records.append(Record([ln for ln in cell.lines if ln.text], cell.line))
    return g


def _list_runs(parent: LexborNode, locate: _Locator) -> list[Group]:
    """The items of the lists that are children of one element, in order, one run per
    part of the page under a top heading: a schedule written as lists under theme
    headings. Only parts with two lists or more."""
    kids = list(_children(parent))
    if sum(1 for c in kids if c.tag in ("ul", "ol")) < 2:
        return []
    levels = [str(c.tag) for c in kids if c.tag in _HEADINGS]
    top = min(levels) if levels else None
    parts: list[list[LexborNode]] = [[]]
    for c in kids:
        if top is not None and c.tag == top:
            parts.append([])
        parts[-1].append(c)
    if all(sum(1 for c in part if c.tag in ("ul", "ol")) < 2 for part in parts):
        # A list under each of three or more numbered top headings ("# Week 1" /
        # "* Lecture 1: ..."): one run of them all, the headings its sections.
        heads = [c for c in kids if c.tag == top]
        listed = sum(1 for part in parts if any(c.tag in ("ul", "ol") for c in part))
        numbered = sum(1 for h in heads if _DIGIT_RE.search(_heading_text(h)))
        if listed >= 3 and numbered >= max(3, 0.6 * len(heads)):
            parts = [kids]
    out = []
    for part in parts:
        if sum(1 for c in part if c.tag in ("ul", "ol")) < 2:
            continue
        g = Group("list-run")
        section: str | None = None
        for k, c in enumerate(part):
            if c.tag in _HEADINGS:
                section = _heading_text(c)
                if (k + 1 == len(part) or part[k + 1].tag in _HEADINGS) and _dated_heading(section):
                    # "## Midterm - Mar. 20" with no list under it: a dated event.
                    rec = _record(c, locate, None)
                    if rec:
                        g.records.append(rec)
            elif c.tag in ("ul", "ol"):
                for k, li in enumerate((x for x in _children(c) if x.tag == "li"), start=1):
                    rec = _record(li, locate, section, str(k) if c.tag == "ol" else None)
                    if rec:
                        g.records.append(rec)
        if len(g.records) >= 2:
            out.append(g)
    return out


def _dated_heading(text: str) -> bool:
    from kg.importer.dates import find_date, trailing_date  # noqa: PLC0415 - as in calendar_group

    return find_date(text) is not None or trailing_date(text) is not None


def _section_of(node: LexborNode) -> str | None:
    return None


def parse_document(html: str, source_text: str, source: str = "<page>") -> Document:
    """Parse HTML (or Markdown rendered to HTML) into tables and record groups.

    A page nested too deep to parse is refused (:class:`~kg.errors.PageError` naming
    ``source``); what lies deeper than :data:`~kg.importer.nesting.MAX_DEPTH` is read
    as text (:mod:`kg.importer.nesting`).
    """
    check_html_nesting(html, source, html_is_source=html is source_text)
    tree = LexborHTMLParser(html)
    flat = flatten_deep(tree)
    if flat is not None:
        tree = LexborHTMLParser(flat)
    root = tree.body or tree.root
    # Lines come from markdown_to_html (on the tags it marks) or from the page itself.
    line_tags = None if "data-line" in source_text else LINE_TAGS
    locate = _Locator(source_text, "data-line" in html, line_tags)
    # (One search of the tree for both: each search walks all of it.)
    title_node = h1 = None
    for node in tree.css("title, h1"):
        if node.tag == "title":
            title_node = title_node or node
        elif h1 is None:
            h1 = node
        if title_node is not None and h1 is not None:
            break
    tables = _tables(root, locate) if root is not None else []
    locate.pos = 0
    groups = _groups(root, locate) if root is not None else []
    return Document(
        tables=tables,
        groups=groups,
        title=clean(title_node.text()) if title_node is not None else None,
        h1=_heading_text(h1) if h1 is not None else None,
        root=root,
        sourced=locate.sourced,
        line_tags=locate.line_tags,
    )
