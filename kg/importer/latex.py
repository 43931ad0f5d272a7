"""LaTeX syllabi as HTML, read by a real LaTeX parser (pylatexenc), for the document model.

A syllabus written in LaTeX keeps its schedule in a ``tabular`` (or ``longtable``,
``tabularx``...) or in ``itemize``/``enumerate`` lists under ``\\section`` headings.
:func:`latex_to_html` walks pylatexenc's node tree and writes the HTML the rest of the
importer reads (:func:`kg.importer.document.parse_document`): tables with their
``\\multicolumn``/``\\multirow`` spans, lists, headings and paragraphs, each block
carrying its source line as ``data-line``. Text macros (``\\textbf``, ``\\emph``,
``\\href``...) become their text; comments, rules and preamble settings are dropped.
Nothing is read from other files (``\\input`` is dropped).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from html import escape
from typing import Any

from kg.errors import PageError

__all__ = ["latex_to_html", "looks_like_latex"]

_TABULAR = frozenset(
    "tabular tabular* longtable longtable* tabularx tabulary xltabular tabu longtabu supertabular "
    "supertabular* mpsupertabular array".split()
)
_LISTS = {"itemize": "ul", "enumerate": "ol", "description": "ul", "compactitem": "ul",
          "compactenum": "ol", "inparaenum": "ol", "asparaenum": "ol", "asparaitem": "ul"}
_SECTIONS = {"part": "h1", "chapter": "h1", "section": "h2", "subsection": "h3", "subsubsection": "h4",
             "paragraph": "h5", "subparagraph": "h6"}
_STRONG = frozenset("textbf textsc".split())
_EMPH = frozenset("emph textit textsl".split())
# Macros whose last argument is their text.
_TEXT_ARG = frozenset(
    "underline uline texttt textrm textsf textmd textup textnormal mbox hbox fbox makebox text "
    "framebox colorbox textcolor highlight hl sout".split()
)
# Macros that say nothing a schedule needs (settings, rules, references, floats' parts).
_DROP = frozenset(
    "documentclass usepackage RequirePackage newcommand renewcommand providecommand def let "
    "newenvironment renewenvironment setlength addtolength setcounter geometry hypersetup pagestyle "
    "thispagestyle footnote footnotetext label ref eqref pageref cite citep citet vspace hspace "
    "vspace* hspace* includegraphics input include bibliographystyle bibliography author maketitle "
    "tableofcontents noindent centering raggedright raggedleft newpage clearpage pagebreak "
    "linebreak small large Large LARGE huge Huge footnotesize scriptsize normalsize tiny "
    "hline cline toprule midrule bottomrule cmidrule addlinespace specialrule endhead endfirsthead "
    "endfoot endlastfoot arraybackslash rowcolor cellcolor columncolor hfill vfill bigskip medskip "
    "smallskip quad qquad thanks index marginpar selectfont color bf it rm sf tt sc".split()
)
_ROW_END = frozenset({"\\", "tabularnewline"})
_SKIP_ENVS = frozenset("comment verbatim verbatim* lstlisting minted figure tikzpicture thebibliography".split())
_HEAD_ENDS = frozenset({"endhead", "endfirsthead"})
_RULES = frozenset({"hline", "toprule", "midrule", "cline", "cmidrule", "specialrule"})

_SIGNS = re.compile(
    r"\\documentclass\b|\\begin\{(?:document|tabular\*?|longtable|tabularx|itemize|enumerate)\}"
)


def looks_like_latex(text: str) -> bool:
    r"""Whether a page's text is LaTeX (``\documentclass``, or a ``tabular`` or list
    environment), for a page whose name does not say.

    >>> looks_like_latex("\\begin{tabular}{ll} a & b \\\\ \\end{tabular}")
    True
    >>> looks_like_latex("| a | b |")
    False
    """
    return _SIGNS.search(text[:200_000]) is not None


def _context() -> Any:
    """pylatexenc's LaTeX context with the arguments of the macros and environments of
    tables and links it does not know."""
    # (Imported here for start-up time: only LaTeX pages need pylatexenc.)
    from pylatexenc import latexwalker, macrospec  # noqa: PLC0415

    # (Without the typographic "specials" -- ``~``, ``--``, quotes --: the tokenizer
    # tests every one at every token, a third of its time; :func:`_chars` writes them.)
    db = latexwalker.get_default_latex_context_db().filter_context(exclude_categories=["nonascii-specials"])
    m, e = macrospec.MacroSpec, macrospec.EnvironmentSpec
    db.add_context_category(
        "kg-syllabus",
        macros=[m("multicolumn", "{{{"), m("multirow", "[{[{[{"), m("href", "{{"), m("url", "{"),
                m("textcolor", "{{"), m("colorbox", "{{"), m("title", "[{"), m("date", "{"),
                m("makebox", "[[{"), m("framebox", "[[{"), m("rowcolor", "[{"), m("cellcolor", "[{"),
                m("cline", "{"), m("cmidrule", "{"), m("specialrule", "{{{"), m("caption", "[{"),
                m("includegraphics", "[{"), m("setlength", "{{"), m("vspace", "*{"), m("hspace", "*{"),
                m("footnote", "[{"), m("item", "[")],
        environments=[e("longtable", "[{"), e("longtable*", "[{"), e("tabularx", "{{"), e("tabulary", "{{"),
                      e("xltabular", "[{{"), e("tabu", "{"), e("longtabu", "{"), e("supertabular", "{"),
                      e("array", "[{"), e("tabular*", "{[{"), e("minipage", "[{"), e("table", "["),
                      e("multicols", "{")],
        prepend=True,
    )
    return db


class _Writer:
    """Writes HTML from pylatexenc nodes; blocks carry ``data-line``."""

    def __init__(self, source: str) -> None:
        from pylatexenc.latex2text import LatexNodes2Text  # noqa: PLC0415 - see _context

        self.out: list[str] = []
        self.para: list[str] = []
        self.para_line = 0
        self._starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._text = LatexNodes2Text(math_mode="text", keep_comments=False)

    def line(self, node: Any) -> int:
        """The line of a node's first text (its start, when it starts with space)."""
        pos = getattr(node, "pos", None)
        if not isinstance(pos, int):
            return 0
        chars = getattr(node, "chars", None)
        if isinstance(chars, str):
            pos += len(chars) - len(chars.lstrip())
        return bisect.bisect_right(self._starts, pos)

    # ------------------------------------------------------------------ inline

    def inline(self, nodes: Sequence[Any] | None) -> str:
        """The HTML of nodes read as running text."""
        if not nodes:
            return ""
        out: list[str] = []
        k = 0
        while k < len(nodes):
            n = nodes[k]
            k += 1
            cls = type(n).__name__
            if n is None or cls == "LatexCommentNode":
                continue
            if cls == "LatexCharsNode":
                out.append(escape(_chars(n.chars)))
            elif cls == "LatexGroupNode":
                out.append(self.inline(n.nodelist))
            elif cls == "LatexSpecialsNode":
                out.append(" " if n.specials_chars in ("&", "~") else escape(self._plain([n])))
            elif cls == "LatexMacroNode":
                name = n.macroname
                args = self._args(n)
                if name in _ROW_END or name in ("newline", "par"):
                    out.append("<br>")
                elif name in _DROP or name in ("multicolumn", "multirow") and not args:
                    continue
                elif name in _STRONG and args:
                    out.append(f"<strong>{self.inline(_nodes(args[-1]))}</strong>")
                elif name in _EMPH and args:
                    out.append(f"<em>{self.inline(_nodes(args[-1]))}</em>")
                elif name in _TEXT_ARG and args:
                    out.append(self.inline(_nodes(args[-1])))
                elif name == "href" and len(args) >= 2:
                    url = self._plain(_nodes(args[0])).strip()
                    out.append(f'<a href="{escape(url)}">{self.inline(_nodes(args[1]))}</a>')
                elif name == "url" and args:
                    url = self._plain(_nodes(args[0])).strip()
                    out.append(f'<a href="{escape(url)}">{escape(url)}</a>')
                elif name in ("multicolumn", "multirow"):
                    out.append(self.inline(_nodes(args[-1])))
                elif name in ("caption", "title", "date"):
                    out.append(self.inline(_nodes(args[-1])) if args else "")
                elif name in _SECTIONS:
                    out.append(self.inline(_nodes(args[-1])) if args else "")
                elif name == "item":
                    if args:
                        out.append(self.inline(_nodes(args[-1])) + " ")
                elif not args and self._known_text(n):
                    out.append(escape(self._plain([n])))
                elif not args:
                    # An unknown macro: its braced arguments follow it as groups.
                    groups: list[str] = []
                    while k < len(nodes) and type(nodes[k]).__name__ == "LatexGroupNode":
                        groups.append(self.inline(nodes[k].nodelist))
                        k += 1
                    out.append(" | ".join(g for g in groups))
                else:
                    out.append(escape(self._plain([n])))
            elif cls == "LatexMathNode":
                out.append(escape(self._plain([n])))
            elif cls == "LatexEnvironmentNode":
                if n.environmentname not in _SKIP_ENVS:
                    out.append(" " + self.inline(n.nodelist) + " ")
        return "".join(out)

    def _known_text(self, n: Any) -> bool:
        # Accents, symbols and logos pylatexenc writes as text (\%, \&, \'e, \ldots).
        return not n.macroname.isalpha() or n.macroname in ("ldots", "dots", "LaTeX", "TeX", "textendash",
                                                              "textemdash", "S", "textasciitilde", "ss", "o", "ae")

    def _plain(self, nodes: Sequence[Any]) -> str:
        try:
            return str(self._text.nodelist_to_text(list(nodes)))
        except Exception:  # noqa: BLE001 - a node pylatexenc cannot write: no text
            return ""

    @staticmethod
    def _args(n: Any) -> list[Any]:
        d = getattr(n, "nodeargd", None)
        return [a for a in (d.argnlist if d is not None and d.argnlist else []) if a is not None]

    # ------------------------------------------------------------------ blocks

    def flush(self) -> None:
        html = "".join(self.para).strip()
        if re.sub(r"<[^>]*>|\s", "", html):
            self.out.append(f'<p data-line="{self.para_line}">{html}</p>')
        self.para = []
        self.para_line = 0

    def add_inline(self, html: str, node: Any) -> None:
        if not self.para and not html.strip():
            return
        if not self.para:
            self.para_line = self.line(node)
        self.para.append(html)

    def blocks(self, nodes: Sequence[Any] | None) -> None:
        if not nodes:
            return
        k = 0
        while k < len(nodes):
            n = nodes[k]
            k += 1
            cls = type(n).__name__
            if n is None or cls == "LatexCommentNode":
                continue
            if cls == "LatexEnvironmentNode":
                env = n.environmentname
                if env in _SKIP_ENVS:
                    continue
                if env in _TABULAR:
                    self.flush()
                    self.table(n)
                elif env in _LISTS:
                    self.flush()
                    self.items(n, _LISTS[env])
                else:
                    self.flush()
                    self.blocks(n.nodelist)
                    self.flush()
                continue
            if cls == "LatexCharsNode":
                parts = re.split(r"\n[ \t]*\n", n.chars)
                for j, part in enumerate(parts):
                    if j:
                        self.flush()
                    self.add_inline(escape(_chars(part)), n)
                continue
            if cls == "LatexMacroNode":
                name = n.macroname
                args = self._args(n)
                if name in _SECTIONS and args:
                    self.flush()
                    tag = _SECTIONS[name]
                    self.out.append(f'<{tag} data-line="{self.line(n)}">{self.inline(_nodes(args[-1]))}</{tag}>')
                    continue
                if name == "title" and args:
                    self.flush()
                    self.out.append(f'<h1 data-line="{self.line(n)}">{self.inline(_nodes(args[-1]))}</h1>')
                    continue
                if name in ("date", "caption") and args:
                    self.flush()
                    self.add_inline(self.inline(_nodes(args[-1])), n)
                    self.flush()
                    continue
                if name == "par":
                    self.flush()
                    continue
                if not args and name not in _DROP and not self._known_text(n) \
                        and k + 1 < len(nodes) and type(nodes[k]).__name__ == "LatexGroupNode" \
                        and type(nodes[k + 1]).__name__ == "LatexGroupNode":
                    # "\lecture{9/3}{Intro}": a macro of the page's own with two arguments
                    # or more, one entry a line, its arguments the entry's cells.
                    self.flush()
                    j = k
                    while j < len(nodes) and type(nodes[j]).__name__ == "LatexGroupNode":
                        j += 1
                    self.add_inline(self.inline(nodes[k - 1 : j]), n)
                    self.flush()
                    k = j
                    continue
            self.add_inline(self.inline([n]), n)
        return

    def items(self, env: Any, tag: str) -> None:
        items: list[list[Any]] = []
        for n in env.nodelist or []:
            if type(n).__name__ == "LatexMacroNode" and n.macroname == "item":
                items.append([n])
            elif items:
                items[-1].append(n)
        if not items:
            self.blocks(env.nodelist)
            return
        self.out.append(f'<{tag} data-line="{self.line(env)}">')
        for item in items:
            head = item[0]
            args = self._args(head)
            label = self.inline(_nodes(args[-1])).strip() if args else ""
            inner = _Writer.__new__(_Writer)
            inner.out, inner.para, inner.para_line = [], [], 0
            inner._starts, inner._text = self._starts, self._text
            if label:
                inner.add_inline(f"<strong>{label}</strong> ", head)
            inner.blocks(item[1:])
            inner.flush()
            body = "".join(inner.out)
            # A one-paragraph item is its text (a tight list).
            m = re.fullmatch(r'<p data-line="\d+">(.*)</p>', body, re.S)
            if m and "<p" not in m.group(1):
                body = m.group(1)
            self.out.append(f'<li data-line="{self.line(head)}">{body}</li>')
        self.out.append(f"</{tag}>")

    def table(self, env: Any) -> None:
        rows: list[tuple[int, list[list[Any]]]] = []  # (line, cells of nodes)
        header_rows = 0
        cells: list[list[Any]] = [[]]
        line = 0
        captions: list[str] = []

        def end_row() -> None:
            nonlocal cells, line
            if any(_has_content(c) for c in cells):
                rows.append((line, cells))
            cells = [[]]
            line = 0

        for n in env.nodelist or []:
            cls = type(n).__name__
            if cls == "LatexCommentNode":
                continue
            if cls == "LatexSpecialsNode" and n.specials_chars == "&":
                cells.append([])
                continue
            if cls == "LatexMacroNode":
                name = n.macroname
                if name in _ROW_END:
                    end_row()
                    continue
                if name in _HEAD_ENDS:
                    end_row()
                    header_rows = len(rows)
                    continue
                if name in ("endfoot", "endlastfoot"):
                    # The rows before are the page foot, repeated on each page: not sessions.
                    end_row()
                    del rows[header_rows:]
                    continue
                if name == "caption":
                    args = self._args(n)
                    if args:
                        captions.append(self.inline(_nodes(args[-1])))
                    continue
                if name in _RULES:
                    continue
            if not line and _has_content([n]):
                line = self.line(n)
            cells[-1].append(n)
        end_row()
        if not rows:
            return
        for c in captions:
            self.out.append(f'<p data-line="{self.line(env)}"><strong>{c}</strong></p>')
        if not header_rows and rows and all(self._all_bold(c) for c in rows[0][1] if _has_content(c)):
            header_rows = 1
        self.out.append(f'<table data-line="{self.line(env)}">')
        covered: dict[int, int] = {}  # column -> rows still covered by a \multirow above
        for r, (ln, row) in enumerate(rows):
            tag = "th" if r < header_rows else "td"
            out = [f'<tr data-line="{ln}">']
            col = 0
            for cell in row:
                if covered.get(col, 0) > 0:
                    covered[col] -= 1
                    if not _has_content(cell):
                        col += 1  # the empty cell under a \multirow: the span covers it
                        continue
                span, rspan, body = self.cell(cell)
                attrs = (f' colspan="{span}"' if span > 1 else "") + (f' rowspan="{rspan}"' if rspan > 1 else "")
                out.append(f"<{tag}{attrs}>{body.strip()}</{tag}>")
                if rspan > 1:
                    for cc in range(col, col + span):
                        covered[cc] = rspan - 1
                col += span
            out.append("</tr>")
            self.out.append("".join(out))
        self.out.append("</table>")

    def cell(self, nodes: list[Any]) -> tuple[int, int, str]:
        """A cell's column span, row span and HTML."""
        span = rspan = 1
        real = [n for n in nodes if _has_content([n])]
        if len(real) == 1 and type(real[0]).__name__ == "LatexMacroNode":
            m = real[0]
            args = self._args(m)
            if m.macroname == "multicolumn" and len(args) >= 3:
                span = _int(self._plain(_nodes(args[0])))
                inner = _nodes(args[-1])
                sub = [x for x in inner if _has_content([x])]
                if len(sub) == 1 and getattr(sub[0], "macroname", "") == "multirow":
                    s2, r2, body = self.cell(sub)
                    return span, r2, body
                return span, 1, self.inline(inner)
            if m.macroname == "multirow" and len(args) >= 2:
                rspan = _int(self._plain(_nodes(args[0])))
                return 1, rspan, self.inline(_nodes(args[-1]))
        return span, rspan, self.inline(nodes)

    def _all_bold(self, nodes: list[Any]) -> bool:
        real = [n for n in nodes if _has_content([n])]
        return bool(real) and all(getattr(n, "macroname", "") in _STRONG | {"bfseries", "bf"} for n in real[:1])


_TYPOGRAPHY = re.compile(r"---|--|``|''|~|!`|\?`")
_TYPOGRAPHY_TEXT = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "~": " ", "!`": "\u00a1",
                    "?`": "\u00bf"}


def _chars(text: str) -> str:
    """Text as LaTeX typesets it: dashes, quotes and ties.

    >>> _chars("Mar.~3--7 ``draft'' --- tbd")
    'Mar. 3\u20137 \u201cdraft\u201d \u2014 tbd'
    """
    if not any(c in text for c in "-`'~"):
        return text
    return _TYPOGRAPHY.sub(lambda m: _TYPOGRAPHY_TEXT[m.group()], text)


def _nodes(arg: Any) -> list[Any]:
    """The nodes of a macro's argument (a group's contents, or the one node)."""
    if arg is None:
        return []
    if type(arg).__name__ == "LatexGroupNode":
        return list(arg.nodelist or [])
    return [arg]


def _int(s: str) -> int:
    m = re.search(r"\d+", s)
    return max(1, min(int(m.group()), 1000)) if m else 1


def _has_content(nodes: Sequence[Any]) -> bool:
    for n in nodes:
        cls = type(n).__name__
        if n is None or cls == "LatexCommentNode":
            continue
        if cls == "LatexCharsNode":
            if n.chars.strip():
                return True
        elif cls == "LatexMacroNode":
            if n.macroname not in _DROP:
                return True
        else:
            return True
    return False


def latex_to_html(text: str, source: str = "<page>") -> str:
    r"""A LaTeX page as HTML: tables, lists, headings and paragraphs, with source lines.

    >>> print(latex_to_html("\\section{Plan}\n\\begin{tabular}{ll}\n\\textbf{Date} & \\textbf{Topic}\\\\\n"
    ...                     "9/3 & Intro \\emph{to} ML\\\\ % old\n\\multicolumn{2}{c}{Break}\\\\\n\\end{tabular}"))
    <html><body><h2 data-line="1">Plan</h2>
    <table data-line="2">
    <tr data-line="3"><th><strong>Date</strong></th><th><strong>Topic</strong></th></tr>
    <tr data-line="4"><td>9/3</td><td>Intro <em>to</em> ML</td></tr>
    <tr data-line="5"><td colspan="2">Break</td></tr>
    </table></body></html>

    Raises
    ------
    PageError
        When the LaTeX parser cannot read the page at all.
    """
    from pylatexenc.latexwalker import LatexWalker, LatexWalkerError  # noqa: PLC0415 - see _context

    try:
        walker = LatexWalker(text, latex_context=_context(), tolerant_parsing=True)
        nodes, _pos, _len = walker.get_latex_nodes()
    except (LatexWalkerError, RecursionError, ValueError) as exc:
        first = str(exc).strip().split("\n")[0]
        raise PageError(f"cannot read the LaTeX: {first}", source) from None
    w = _Writer(text)
    try:
        w.blocks(nodes)
    except RecursionError:
        raise PageError("cannot read the LaTeX: nested too deep", source) from None
    w.flush()
    return "<html><body>" + "\n".join(w.out) + "</body></html>"
