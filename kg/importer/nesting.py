"""How deep a page may nest: bounds the HTML5 parser and kg's readers can take.

A page nests as deep as its tags say, and a tag left open in a template loop makes
every row nest in the one before: thousands of levels on a long page. The HTML5
parser scans its stack of open elements at each block tag (quadratic time: 40,000
nested ``<div>`` take seconds, a million never end), and reading a tree costs time
for each level too. So, as browsers do:

- Before parsing, :func:`check_html_nesting` counts the block containers the page
  leaves open (``div``, ``ul``, ``section``, ...; not the elements the parser closes
  itself, such as ``li``, ``p``, ``td``) and refuses a page nested over
  :data:`MAX_PARSE_NESTING` deep, with one line naming where.
- After parsing, :func:`flatten_deep` reads what lies more than :data:`MAX_DEPTH`
  levels down as text (Blink, the engine of Chrome, attaches elements past 512
  levels to the element at that level): the text is kept and each block there is
  still a line of its own, but it is no longer a table or a list. Elements that only
  wrap one other (a ``div`` around a ``div``) are dropped first: they are no level
  of the page, and what they wrap keeps its structure.

A deeply nested page is read for what it holds; only a page nested past any reason
is refused.
"""

from __future__ import annotations

import re
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from kg.errors import PageError

__all__ = ["MAX_DEPTH", "MAX_PARSE_NESTING", "check_html_nesting", "flatten_deep"]

MAX_DEPTH = 512
"""Elements deeper than this are read as text (:func:`flatten_deep`), as browsers do."""

MAX_PARSE_NESTING = 10_000
"""Pages whose block containers nest deeper than this are refused before parsing."""

# The elements whose start tag makes the parser scan its open elements, and which
# only their own end tag closes ("special" elements of the HTML standard that close a
# paragraph): these are what a page can nest without bound at a quadratic cost.
_CONTAINERS = (
    "address article aside blockquote center details dialog dir div dl fieldset "
    "figcaption figure footer form header hgroup main menu nav ol section summary ul"
).split()
_CONTAINER_TAG = re.compile(r"<(/?)(?:%s)(?=[\s/>])" % "|".join(_CONTAINERS), re.I)
# (The first letter tried first: most tags fail there, five times faster a scan.)
_CONTAINER_TAG_LOWER = re.compile(
    r"<(/?)(?=[%s])(?:%s)(?=[\s/>])" % ("".join(sorted({n[0] for n in _CONTAINERS})), "|".join(_CONTAINERS))
)
_STEP = {"": 1, "/": -1}


def _deeper(depth: int, step: int) -> int:
    return depth + step if depth + step > 0 else 0  # a stray end tag closes nothing


def check_html_nesting(
    html: str, source: str = "<page>", *, limit: int = MAX_PARSE_NESTING, html_is_source: bool = True
) -> None:
    """Refuse HTML whose block containers nest over ``limit`` deep, before it is
    parsed: one :class:`PageError` naming the page and the line where the nesting
    passes the limit (the ``data-line`` of the block around it when the HTML was
    rendered from Markdown; no line when neither gives one).

    The count is a bound the parser would reach, made from the tags alone (one scan
    at C speed); tags inside comments and scripts count too.

    >>> check_html_nesting("<div>" * 3 + "x", "p.html", limit=5)
    >>> check_html_nesting("<p>x\\n" + "<DIV>" * 6, "p.html", limit=5)
    Traceback (most recent call last):
    ...
    kg.errors.PageError: p.html:2: elements nested over 5 deep (tags left open?): not a page kg can read
    """
    if len(html) <= 4 * limit:
        return  # (a level takes a tag of four characters at least)
    # Lower case first, then a scan that minds case (a fraction of the time of one
    # that does not: a 5 MB page takes a few hundredths of a second).
    steps = [_STEP[m] for m in _CONTAINER_TAG_LOWER.findall(html.lower())]
    if len(steps) <= limit or max(accumulate(steps, _deeper), default=0) <= limit:
        return
    depth = 0
    pos = 0
    for m in _CONTAINER_TAG.finditer(html):
        depth = _deeper(depth, _STEP[m.group(1)])
        if depth > limit:
            pos = m.start()
            break
    line: int | None = None
    k = html.rfind(' data-line="', 0, pos)
    if k >= 0:
        digits = re.match(r"\d+", html[k + 12 : k + 22])
        line = int(digits.group()) if digits else None
    elif html_is_source:
        line = html.count("\n", 0, pos) + 1
    raise PageError(f"elements nested over {limit:,} deep (tags left open?): not a page kg can read", source, line)


# Elements read as text in a flattened part: a line ends at each of these.
_LINE_BREAKING = frozenset(
    "p div br li tr td th h1 h2 h3 h4 h5 h6 table section article ul ol dl dt dd pre hr "
    "header blockquote tbody thead tfoot caption details summary figure main aside button".split()
)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_RAW = frozenset("script style xmp iframe noembed noframes plaintext textarea title".split())
_ATTR_NAME = re.compile(r"[^\s\"'<>/=\x00-\x1f]+")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _start_tag(node: LexborNode, tag: str) -> str:
    attrs = node.attributes
    if not attrs:
        return f"<{tag}>"
    parts = [tag]
    for k, v in attrs.items():
        if _ATTR_NAME.fullmatch(k):
            parts.append(k if v is None else f'{k}="{_esc(v).replace(chr(34), "&quot;")}"')
    return "<" + " ".join(parts) + ">"


# Elements that only group: one of them around a single element and no text is no
# level of the page (a page wrapped in ten thousand <div>s reads as the page).
_WRAPPERS = frozenset("div span section article main aside header center font figure form blockquote".split())


def _wraps_one(kids: list[LexborNode]) -> bool:
    """Whether ``kids`` are one element and blank text only."""
    elements = 0
    for k in kids:
        tag = k.tag
        if tag == "-text":
            if (k.text_content or "").strip():
                return False
        elif tag == "_comment":
            return False  # (kept simple: a comment is a child too)
        else:
            elements += 1
            if elements > 1:
                return False
    return elements == 1


def _selector(levels: int) -> str:
    return " > ".join(["*"] * levels)


def flatten_deep(tree: LexborHTMLParser, limit: int = MAX_DEPTH) -> str | None:
    """The document as HTML with what lies over ``limit`` levels deep read as text
    (each block there a line of its own, ended by ``<br>``), or ``None`` when nothing
    is that deep (the common case: one CSS query decides). Grouping elements that
    wrap one element and no text are dropped from a page that deep, their content
    kept.

    >>> deep = LexborHTMLParser("<ul><li>" * 6 + "<p>a</p><p>b</p>")
    >>> flatten_deep(deep, 4)
    '<html><head></head><body><ul><li><br>a<br>b<br></li></ul></body></html>'
    >>> wrapped = LexborHTMLParser("<div>" * 9 + "<table><tr><td>9/1</td></tr></table>")
    >>> flatten_deep(wrapped, 6)
    '<html><head></head><body><table><tbody><tr><td>9/1</td></tr></tbody></table></body></html>'
    >>> flatten_deep(LexborHTMLParser("<p>shallow</p>"), 4) is None
    True
    """
    root = tree.root
    if root is None or root.css_first(_selector(limit + 1)) is None:
        return None
    out: list[str] = []
    # (node, its depth) to read, or (None, text to write): an element's end.
    stack: list[tuple[LexborNode | None, int | str]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if node is None:
            if depth != "<br>" or out[-1] != "<br>":
                out.append(str(depth))
            continue
        tag = node.tag
        if tag == "-text":
            out.append(_esc(node.text_content or ""))
            continue
        if tag is None or tag == "_comment" or tag == "template":
            continue
        assert isinstance(depth, int)
        if tag in _RAW:
            out.append(node.html or "")  # raw text, no elements inside: as it is
            continue
        kids = list(node.iter(include_text=True))
        if tag in _WRAPPERS and _wraps_one(kids):
            stack.append((next(k for k in kids if k.tag != "-text"), depth))  # no level of its own
            continue
        if depth < limit:
            out.append(_start_tag(node, tag))
            if tag in _VOID:
                continue
            stack.append((None, f"</{tag}>"))
        elif tag in _VOID:
            if tag != "br" or out[-1] != "<br>":
                out.append("<br>" if tag == "br" else node.html or "")
            continue
        elif tag in _LINE_BREAKING:
            if out[-1] != "<br>":
                out.append("<br>")
            stack.append((None, "<br>"))
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return "".join(out)
