"""`kg import` on hostile and odd pages: never a traceback.

Every page here is one a user could feed kg (a page nested ten thousand levels deep, a
tag left open in a loop, UTF-16, a name with a line break, an output that cannot be
written). Each is run through the real command (CliRunner, and a real process for the
deep pages): it imports what it holds, or fails with one line on stderr naming the page
(and the line where there is one), exit code 1, and no draft left behind.

Pages already covered in tests/test_import.py (empty, NUL bytes, Latin-1, over the size
limit, missing, a directory) and tests/test_import_pages.py (many pages with an empty one,
small fuzzed pages) are not repeated here.
"""

from __future__ import annotations

import codecs
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from kg.cli import State
from kg.cli.importer import import_cmd, one_line
from kg.errors import PageError
from kg.importer.detect import parse_page
from kg.importer.document import node_lines, scribble_to_html
from kg.importer.nesting import MAX_PARSE_NESTING, check_html_nesting, flatten_deep

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(os.environ.get("KG_IMPORT_PAGES") or ROOT.parent / "shared" / "import-pages")

DEEP = 10_000  # levels: ten times Python's recursion limit

MD_SCHEDULE = "| Date | Topic |\n|---|---|\n| 9/1 | Backpropagation |\n| 9/3 | Transformers |\n| 9/8 | GANs |\n"
HTML_SCHEDULE = (
    "<table><tr><th>Date</th><th>Topic</th></tr><tr><td>9/1</td><td>Backpropagation</td></tr>"
    "<tr><td>9/3</td><td>Transformers</td></tr><tr><td>9/8</td><td>GANs</td></tr></table>"
)
TITLES = ["Backpropagation", "Transformers", "GANs"]


@pytest.fixture
def invoke():
    group = click.Group(commands=[import_cmd])
    runner = CliRunner()

    def run(*args: str, stdin: str | bytes | None = None):
        return runner.invoke(group, ["import", *args], obj=State(None), input=stdin, catch_exceptions=False)

    return run


def one_line_error(result, name: str) -> str:
    """The one line of a failed run: exit 1, nothing on stdout, ``name`` in the line."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and name in lines[0], lines[0]
    return lines[0]


def imported(result, out: Path) -> list[str]:
    """The lecture titles of a run that wrote ``out``."""
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr
    doc = yaml.safe_load(out.read_text())
    return [lec["title"] for lec in doc["lectures"]]


def page(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- deep nesting


# A schedule inside ten thousand levels of something: read for the schedule.
WRAPPED = {
    "divs.html": "<div>" * DEEP + HTML_SCHEDULE + "</div>" * DEEP,
    "divs-left-open.html": "<div>" * DEEP + HTML_SCHEDULE,
    "spans.html": "<span>" * DEEP + HTML_SCHEDULE + "</span>" * DEEP,
    "sections.html": "<section><div>" * (DEEP // 2) + HTML_SCHEDULE,
    "quotes.md": ">" * DEEP + " a quote\n\n" + MD_SCHEDULE,
    "lists.md": "- " * DEEP + "an item\n\n" + MD_SCHEDULE,
    "indented-lists.md": "".join("  " * i + "- item\n" for i in range(1500)) + "\n" + MD_SCHEDULE,
    "emphasis.md": "*" * DEEP + "x" + "*" * DEEP + "\n\n" + MD_SCHEDULE,
    "links.md": "[" * DEEP + "x" + "](u)" * DEEP + "\n\n" + MD_SCHEDULE,
    "lists.org": "".join("  " * i + "- item\n" for i in range(1500)) + "\n" + MD_SCHEDULE,
    "value.yml": "- title: Backpropagation\n  date: 9/1\n  x: " + "[" * DEEP + "]" * DEEP
                 + "\n- title: Transformers\n  date: 9/3\n- title: GANs\n  date: 9/8\n",
}


@pytest.mark.parametrize("name", sorted(WRAPPED))
def test_a_schedule_nested_deep_is_read(invoke, tmp_path, name):
    out = tmp_path / "c.yaml"
    r = invoke(str(page(tmp_path, name, WRAPPED[name])), "--course-id", "x", "--year", "2025", "-o", str(out))
    assert imported(r, out) == TITLES


# Nothing but nesting: no schedule, said in one line.
NESTED_ONLY = {
    "lists.html": "<ul><li>" * DEEP + "9/1 Intro" + "</li></ul>" * DEEP,
    "tables.html": "<table><tr><td>" * DEEP + "9/1 Intro" + "</td></tr></table>" * DEEP,
    "bold.html": "<b>" * DEEP + "9/1 Intro",
    "left-open.html": "<table><tr><td>9/1<td>Intro<tr><td>9/3<td>B" + "<div><p><ul><li><b>" * 2000,
    "flow.yml": "[" * DEEP + "]" * DEEP,
    "maps.yml": "{a: " * DEEP + "1" + "}" * DEEP,
    "blocks.yml": "".join(" " * i + "- \n" for i in range(3000)),
    "arrays.json": "[" * DEEP + "]" * DEEP,
    "objects.json": '{"a":' * DEEP + "1" + "}" * DEEP,
    "arrays.toml": "a = " + "[" * DEEP + "]" * DEEP + "\n",
    "tables.toml": "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n",
    "items.scrbl": "@itemlist[@item{" * DEEP + "x" + "}]" * DEEP,
    "open.scrbl": "@itemlist[" * DEEP,
    "quotes.rst": "".join("  " * i + "para\n\n" for i in range(1500)),
    # (JSON nested past the YAML reader's bound is read as text, which finds no rows.)
    "value.json": '[{"title": "Backpropagation", "date": "9/1", "x": ' + "[" * DEEP + "]" * DEEP + "},"
                  '{"title": "Transformers", "date": "9/3"}, {"title": "GANs", "date": "9/8"}]',
}


@pytest.mark.parametrize("name", sorted(NESTED_ONLY))
def test_nesting_without_a_schedule_fails_in_one_line(invoke, tmp_path, name):
    p = page(tmp_path, name, NESTED_ONLY[name])
    out = tmp_path / "c.yaml"
    line = one_line_error(invoke(str(p), "--course-id", "x", "-o", str(out)), str(p))
    assert "no schedule found" in line
    assert not out.exists()


def test_the_repeated_scribble_page_imports(invoke, tmp_path):
    # A real Scribble page repeated to 5 MB: its lists close where they close in the
    # source (they used to nest each copy in the last, past any recursion limit), and
    # the copies read as the page itself reads (its list of sessions, not its repeated
    # headings).
    src = PAGES / "pages" / "tum-adlr.scrbl"
    if not src.is_file():
        pytest.skip(f"no development pages at {PAGES}")
    text = src.read_text()
    one = page(tmp_path, "one.scrbl", text)
    one_out = tmp_path / "one.yaml"
    single = imported(invoke(str(one), "--course-id", "one", "-o", str(one_out)), one_out)
    big = page(tmp_path, "big.scrbl", text * (4_900_000 // len(text)))
    out = tmp_path / "big.yaml"
    r = invoke(str(big), "--course-id", "big", "-o", str(out), "--force")
    assert len(single) >= 10
    assert imported(r, out) == single


def test_scribble_lists_close_whatever_their_style():
    html = scribble_to_html("@itemlist[#:style 'ordered @item{A}]\n@itemlist[ @item{B}]\n@itemlist[ @item{C}]")
    tree = LexborHTMLParser(html)
    assert [n.tag for n in tree.body.iter()] == ["ol", "ul", "ul"]  # siblings, not nested


def test_pages_nested_past_reason_are_refused_naming_the_line(invoke, tmp_path):
    p = page(tmp_path, "loop.html", "<p>Schedule</p>\n<p>x</p>\n" + "<div class='row'>9/1 Intro\n" * (MAX_PARSE_NESTING + 5))
    out = tmp_path / "c.yaml"
    line = one_line_error(invoke(str(p), "--course-id", "x", "-o", str(out)), f"{p}:{MAX_PARSE_NESTING + 3}:")
    assert "nested over 10,000 deep" in line
    assert not out.exists()


def test_markdown_nested_past_reason_names_its_source_line(tmp_path):
    text = "# Course\n\nintro\n\n" + ">" * (MAX_PARSE_NESTING + 10) + " x\n"
    with pytest.raises(PageError) as err:
        parse_page(text, "q.md")
    assert str(err.value).startswith("q.md:5: elements nested over")


def test_nesting_is_counted_from_the_containers_left_open():
    # Elements the parser closes itself (li, p, td) and stray end tags do not count.
    check_html_nesting("<ul>" + "<li>x" * 50_000 + "</ul>", limit=10)
    check_html_nesting("</div>" * 50 + "<div>x</div>" * 50_000, limit=10)
    with pytest.raises(PageError):
        check_html_nesting("</div>" * 50 + "<div>" * 11, limit=10)


def test_deep_parts_read_as_lines_of_text():
    # Past the bound, blocks are lines; the text is all there, in order.
    tree = LexborHTMLParser("<ul><li>" * 600 + "".join(f"<p>line {k}</p>" for k in range(5)))
    flat = flatten_deep(tree, 100)
    assert flat is not None
    body = LexborHTMLParser(flat).body
    assert [ln.text for ln in node_lines(body)] == [f"line {k}" for k in range(5)]
    assert len(LexborHTMLParser(flat).css("ul")) < 100


def test_the_line_walker_takes_any_depth():
    root = LexborHTMLParser("<b>" * 50_000 + "Deep title" + "<p>after</p>").body
    lines = node_lines(root)
    assert [(ln.text, ln.titled) for ln in lines] == [("Deep title", True), ("after", True)]
    lists = LexborHTMLParser("<ul><li>" * 3000 + "x").body
    assert [(ln.text, ln.depth) for ln in node_lines(lists)] == [("x", 3000)]


def test_deep_pages_in_a_real_process(tmp_path):
    deep = page(tmp_path, "deep.html", "<div>" * DEEP + HTML_SCHEDULE)
    bad = page(tmp_path, "bad.html", "<section>" * (MAX_PARSE_NESTING + 1))
    out = tmp_path / "out"
    out.mkdir()
    argv = [sys.executable, "-c", "from kg.cli.importer import import_cmd; import_cmd(prog_name='kg import')",
            str(deep), str(bad), "-d", str(out), "--year", "2025"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "1 of 2 pages drafted" in proc.stderr
    assert f"error: {bad}:1: elements nested over" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["deep.yaml"]


# Generated: any format, any of its nesting constructs, repeated to any depth.
_OPENERS = {
    ".html": ["<div>", "<ul><li>", "<table><tr><td>", "<b>", "<blockquote>", "<span>", "<ol>", "<dl><dd>", "<p>"],
    ".md": ["> ", "- ", "1. ", "* ", "[", "**", "<div>", "    "],
    ".yml": ["[", "{a: ", "- ", "  "],
    ".json": ["[", '{"a": '],
    ".toml": ["a = [", "{b = "],
    ".scrbl": ["@itemlist[", "@item{", "{", "["],
    ".org": ["- ", "* ", "  "],
    ".rst": ["  ", "- ", "> "],
}
_SUFFIX = st.sampled_from(sorted(_OPENERS))


@st.composite
def _nested_pages(draw):
    suffix = draw(_SUFFIX)
    parts = draw(st.lists(st.tuples(st.sampled_from(_OPENERS[suffix]), st.integers(1, 6000)), min_size=1, max_size=4))
    text = "".join(op * n for op, n in parts)
    if draw(st.booleans()):
        text += "\n\n" + (HTML_SCHEDULE if suffix == ".html" else MD_SCHEDULE)
    return suffix, text


@settings(max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_nested_pages())
def test_fuzz_nesting_fails_only_cleanly(case):
    suffix, text = case
    try:
        parsed = parse_page(text, f"p{suffix}")
    except PageError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(f"p{suffix}")
        return
    assert parsed.rows


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("bom, codec", [
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(invoke, tmp_path, bom, codec):
    p = page(tmp_path, "p.md", bom + MD_SCHEDULE.encode(codec))
    out = tmp_path / "c.yaml"
    assert imported(invoke(str(p), "--course-id", "x", "--year", "2025", "-o", str(out)), out) == TITLES


@pytest.mark.parametrize("data, message", [
    (MD_SCHEDULE.encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    (MD_SCHEDULE.encode("utf-16-be"), "UTF-16 text without a byte-order mark"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8x\x00", "not UTF-16 text as its byte-order mark says"),
    (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "page is empty"),
    (codecs.BOM_UTF16_LE + "a\x00b".encode("utf-16-le"), "page is binary"),
])
def test_odd_encodings_fail_in_one_line(invoke, tmp_path, data, message):
    p = page(tmp_path, "p.md", data)
    out = tmp_path / "c.yaml"
    assert message in one_line_error(invoke(str(p), "--course-id", "x", "-o", str(out)), str(p))
    assert not out.exists()


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", codecs.BOM_UTF8])
def test_stdin_with_nothing(invoke, data):
    assert "page is empty" in one_line_error(invoke("-", "--course-id", "x", stdin=data), "<stdin>")


def test_stdin_utf16(invoke):
    r = invoke("-", "--course-id", "x", "--year", "2025", stdin=codecs.BOM_UTF16_LE + MD_SCHEDULE.encode("utf-16-le"))
    assert r.exit_code == 0
    assert [lec["title"] for lec in yaml.safe_load(r.stdout)["lectures"]] == TITLES


# --------------------------------------------------------------------------- names and outputs


@pytest.mark.parametrize("name", ["a\nb.md", "\x1b[31mred.md", "tab\there.md"])
def test_names_with_control_characters_print_on_one_line(invoke, tmp_path, name):
    bad = page(tmp_path, name, "")
    one_line_error(invoke(str(bad), "--course-id", "x"), one_line(str(bad)))
    good = page(tmp_path, "good.md", MD_SCHEDULE)
    out = tmp_path / "drafts"
    out.mkdir()
    r = invoke(str(bad), str(good), "-d", str(out), "--year", "2025")
    assert r.exit_code == 1
    assert "\x1b" not in r.stderr
    lines = r.stderr.splitlines()
    assert f"{one_line(name)}" in "\n".join(lines) and "1 of 2 pages drafted" in lines
    assert sum(1 for ln in lines if ln.startswith("error: ")) == 1
    assert sorted(p.name for p in out.iterdir()) == ["good.yaml"]


def test_output_name_too_long(invoke, tmp_path):
    good = page(tmp_path, "good.md", MD_SCHEDULE)
    out = tmp_path / ("y" * 300 + ".yaml")
    line = one_line_error(invoke(str(good), "--course-id", "x", "-o", str(out)), "File name too long")
    assert str(out) in line
    assert list(tmp_path.iterdir()) == [good]


def test_a_device_output_is_written_in_place_never_replaced(invoke, tmp_path):
    good = page(tmp_path, "good.md", MD_SCHEDULE)
    r = invoke(str(good), "--course-id", "x", "-o", os.devnull)
    assert r.exit_code == 0, r.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.skipif(not (os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)), reason="no /dev/full")
def test_a_full_disk_is_one_line(invoke, tmp_path):
    good = page(tmp_path, "good.md", MD_SCHEDULE)
    line = one_line_error(invoke(str(good), "--course-id", "x", "-o", "/dev/full", "--force"), "/dev/full")
    assert "No space left on device" in line
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_many_pages_each_failing_its_own_way(invoke, tmp_path):
    d = tmp_path / "pages"
    d.mkdir()
    for k in range(3):
        page(d, f"ok{k}.md", MD_SCHEDULE)
    page(d, "deep.html", "<div>" * (MAX_PARSE_NESTING + 1))
    page(d, "utf16.md", MD_SCHEDULE.encode("utf-16-le"))
    page(d, "nested.toml", "a = " + "[" * DEEP + "]" * DEEP + "\n")
    (d / "loop1.md").symlink_to(d / "loop2.md")
    (d / "loop2.md").symlink_to(d / "loop1.md")
    out = tmp_path / "drafts"
    out.mkdir()
    r = invoke(str(d), "-d", str(out), "--year", "2025")
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert "3 of 6 pages drafted" in r.stderr  # (symbolic links to nowhere are no pages)
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    assert [e.split(":")[1].strip().rsplit("/", 1)[-1] for e in errors] == ["deep.html", "nested.toml", "utf16.md"]
    assert sorted(p.name for p in out.iterdir()) == ["ok0.yaml", "ok1.yaml", "ok2.yaml"]
    assert all(len(ln) <= 80 for ln in r.stderr.splitlines() if not ln.startswith("error: "))


def test_threshold_nan_is_refused(invoke, tmp_path):
    r = invoke(str(page(tmp_path, "good.md", MD_SCHEDULE)), "--course-id", "x", "--threshold", "nan")
    assert r.exit_code == 2 and "nan is not a number between 0 and 1" in r.stderr


# --------------------------------------------------------------------------- big and wide


BIG = {
    "one-line.md": ("| 9/1 | Backpropagation | " * 200_000)[:4_900_000],
    "columns.md": "|" + "|".join(f"c{i}" for i in range(5000)) + "|\n|" + "---|" * 5000 + "\n|"
                  + "|".join("9/1" for _ in range(5000)) + "|\n",
    "columns.html": "<table><tr>" + "<th>Date</th>" * 5000 + "</tr><tr>" + "<td>9/1</td>" * 5000 + "</tr></table>",
    "empty-rows.html": "<table><tr><th>Date</th><th>Topic</th></tr>" + "<tr><td></td><td></td></tr>" * 100_000 + "</table>",
    "dates.txt": "Tue 99/99 | A |\nThu 13/45 | B |\nMon 1/1/99999 | C |\nWed 2/30/0 | D |\n",
}


@pytest.mark.parametrize("name", sorted(BIG))
def test_big_and_wide_pages_fail_in_one_line(invoke, tmp_path, name):
    p = page(tmp_path, name, BIG[name])
    out = tmp_path / "c.yaml"
    assert "no schedule found" in one_line_error(invoke(str(p), "--course-id", "x", "-o", str(out)), str(p))
    assert not out.exists()


def test_empty_rows_and_huge_cells_keep_the_schedule(invoke, tmp_path):
    text = ("| Date | Topic |\n|---|---|\n" + "| | |\n" * 100_000 + "| 9/1 | Backpropagation |\n"
            "| 9/3 | Transformers " + "word " * 20_000 + "|\n| 9/8 | GANs |\n")
    out = tmp_path / "c.yaml"
    titles = imported(invoke(str(page(tmp_path, "p.md", text)), "--course-id", "x", "--year", "2025", "-o", str(out)), out)
    assert titles[0] == "Backpropagation" and titles[2] == "GANs" and titles[1].startswith("Transformers")


def test_spans_on_every_cell_give_a_grid_of_bounded_width() -> None:
    # Every cell spanning 100 rows and 100 columns: without a bound each row is wider
    # than the last (tens of thousands of columns after a few hundred rows).
    from kg.importer.tables import GRID_COLUMNS, grid

    table = [[(f"9/{i % 28 + 1}", False, 100, 1, i), (f"Topic {i}", False, 100, 100, i)] for i in range(400)]
    rows = grid(table)
    assert len(rows) == 400
    assert max(len(cells) for _, cells, _ in rows) <= GRID_COLUMNS
    assert rows[0][1][:2] == ["9/1", "Topic 0"]
