"""`kg import` on hostile and mistaken input, third round: bounded time and memory, one
line, nothing half-written.

Cells of tens of thousands of names (the linker's per-name loops), YAML that expands
(alias bombs, recursive aliases) or holds numbers Python will not read, pages that never
end (devices, pipes, stdin), binary files, outputs that would destroy their page, links
to write through, Ctrl-C. Each runs through the library, the command (CliRunner) or a
real ``kg`` process. What tests/test_import_hostile2.py covers is not repeated.
"""

from __future__ import annotations

import gzip
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build.yamlio import check_node, load_yaml_text
from kg.cli import State
from kg.cli.importer import import_cmd
from kg.errors import DataError, KGError, PageError, UsageError
from kg.files import write_atomic
from kg.importer.link import _Match, _resolve_keyed
from kg.importer.pages import expand_pages
from kg.importer.read import read_page

MD_SCHEDULE = "| Date | Topic |\n|---|---|\n| 9/1 | Backpropagation |\n| 9/3 | Transformers |\n| 9/8 | GANs |\n"
NAMES = ["backprop", "GANs", "transformers", "attention", "CNNs", "RNNs", "dropout"]
KG = [sys.executable, "-m", "kg"]


@pytest.fixture
def invoke():
    group = click.Group(commands=[import_cmd])
    runner = CliRunner()

    def run(*args: str, stdin: str | bytes | None = None):
        return runner.invoke(group, ["import", *args], obj=State(None), input=stdin, catch_exceptions=False)

    return run


def one_line_error(result, *names: str) -> str:
    """The one line of a failed run: exit 1, nothing on stdout, each of ``names`` in it."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def run_kg(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, "import", *args], cwd=cwd, input=stdin, capture_output=True, timeout=timeout)


def proc_one_line(proc: subprocess.CompletedProcess, *names: str) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def table_page(cell: str) -> str:
    return f"| Date | Topic |\n|---|---|\n| 9/1 | Backpropagation |\n| 9/3 | {cell} |\n| 9/8 | GANs |\n"


# --------------------------------------------------------------------- the linker's loops


def _resolve_reference(found: list[_Match]) -> list[tuple]:
    """The resolution as it was written first: every kept match looked at for each new
    one (quadratic); the linear one must keep the same matches in the same order."""
    keys = [(-(m.j - m.i), -m.conf, m.i, m.topic) for m in found]
    kept: list[_Match] = []
    for at in sorted(range(len(found)), key=keys.__getitem__):
        m = found[at]
        inside, crossing = [], False
        for x, k in enumerate(kept):
            if k.i < m.j and m.i < k.j:
                if k.i <= m.i and m.j <= k.j:
                    inside.append(k)
                else:
                    crossing = True
                    if k.topic == m.topic:
                        kept[x] = _Match(min(k.i, m.i), max(k.j, m.j), k.topic, max(k.conf, m.conf), k.text, k.how)
                    break
        if crossing:
            continue
        if inside:
            if any(k.topic == m.topic for k in inside):
                continue
            if any((k.i, k.j) != (m.i, m.j) for k in inside):
                m = m.but(m.conf * 0.75, "sub-span")
        kept.append(m)
    return [(m.i, m.j, m.topic, m.conf, m.how) for m in kept]


_SPANS = st.lists(
    st.tuples(st.integers(0, 20), st.integers(0, 6), st.sampled_from("abc"), st.sampled_from([0.5, 0.7, 0.9])),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_SPANS)
def test_resolving_overlaps_keeps_what_the_quadratic_way_kept(spans):
    found = [_Match(i, i + n, t, c, "x", "name") for i, n, t, c in spans]
    kept, _keys = _resolve_keyed(found)
    assert [(m.i, m.j, m.topic, m.conf, m.how) for m in kept] == _resolve_reference(found)


def test_resolving_many_names_is_linear():
    # 50,000 names, each overlapping its neighbours: the quadratic way took minutes.
    found = [_Match(i, i + 2, "ab"[i % 2], 0.9, "x", "name") for i in range(50_000)]
    start = time.perf_counter()
    kept, _ = _resolve_keyed(found)
    assert time.perf_counter() - start < 2
    assert len(kept) < len(found)


@pytest.mark.parametrize(
    "cell",
    [
        ", ".join(NAMES[i % len(NAMES)] for i in range(12_000)),  # names that link
        ", ".join(f"zorblat{i} quux" for i in range(12_000)),  # terms that name no topic
        " ".join(f"{chr(97 + i % 26)}-{chr(97 + i // 26 % 26)}word" for i in range(20_000)),  # hyphens
        ", ".join(f"Smith et al. {2000 + i % 20}" for i in range(10_000)),  # citations
    ],
    ids=["names", "new-terms", "hyphens", "citations"],
)
def test_a_cell_of_many_names_imports_in_bounded_time(invoke, tmp_path, cell):
    p = tmp_path / "wide.md"
    p.write_text(table_page(cell))
    start = time.perf_counter()
    r = invoke(str(p), "--course-id", "x", "-o", str(tmp_path / "x.yaml"))
    assert r.exit_code == 0, r.output
    assert time.perf_counter() - start < 4  # (before: 12,000 names took 10 s and more)
    titles = [lec["title"] for lec in yaml.safe_load((tmp_path / "x.yaml").read_text())["lectures"]]
    assert titles[0] == "Backpropagation" and titles[-1] == "GANs"


# ------------------------------------------------------------------------ write_atomic


def test_writing_through_a_link_keeps_the_link_and_the_mode(tmp_path):
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to("real.yaml")
    chain = tmp_path / "chain.yaml"
    chain.symlink_to(link)
    write_atomic(chain, b"new\n")
    assert chain.is_symlink() and link.is_symlink()
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chain.yaml", "link.yaml", "real.yaml"]


def test_writing_through_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "link.yaml"
    link.symlink_to("made.yaml")
    write_atomic(link, b"x\n")
    assert link.is_symlink() and (tmp_path / "made.yaml").read_text() == "x\n"


def test_a_loop_of_links_is_one_line(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(KGError, match="cannot write .*a': Too many levels of symbolic links"):
        write_atomic(tmp_path / "a", b"x")


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    out = tmp_path / "out.yaml"
    out.write_text("old\n")

    def interrupted(*_a):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(out, b"new\n")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_the_import_writes_through_a_link(invoke, tmp_path):
    page = tmp_path / "p.md"
    page.write_text(MD_SCHEDULE)
    (tmp_path / "drafts").mkdir()
    link = tmp_path / "x.yaml"
    link.symlink_to("drafts/x.yaml")
    r = invoke(str(page), "--course-id", "x", "-o", str(link))
    assert r.exit_code == 0, r.output
    assert link.is_symlink()
    assert yaml.safe_load((tmp_path / "drafts" / "x.yaml").read_text())["id"] == "x"


# ------------------------------------------------------------------------------- YAML


def _bomb(levels: int, width: int = 9) -> str:
    """Nine aliases of nine aliases of ...: 9**levels strings from a few hundred bytes."""
    text = "a0: &a0 [" + ", ".join(["lol"] * width) + "]\n"
    for k in range(1, levels):
        text += f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]\n"
    return text + (
        f"lectures:\n  - {{date: 9/1, title: Intro, topics: *a{levels - 1}}}\n"
        "  - {date: 9/3, title: More}\n  - {date: 9/5, title: Last}\n"
    )


def test_an_alias_bomb_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(DataError, match=r"^f\.yaml:\d+: invalid YAML: its aliases expand to over 100,000 values"):
        load_yaml_text(_bomb(9), "f.yaml")  # 387 million values
    assert time.perf_counter() - start < 1


def test_the_alias_limit_counts_expansions_not_text():
    node = yaml.compose(_bomb(3), Loader=yaml.SafeLoader)  # 1,458 strings (a2 twice), 60 distinct nodes
    check_node(node, max_aliased=2000)
    with pytest.raises(DataError, match="expand to over 1,000 values"):
        check_node(node, max_aliased=1000)
    # A long document without aliases adds nothing, however large.
    check_node(yaml.compose("[" + ", ".join(["x"] * 5000) + "]", Loader=yaml.SafeLoader), max_aliased=10)


def test_anchors_reused_a_few_times_still_load():
    text = "d: &d {kind: lecture, room: A}\nlectures:\n" + "".join(f"  - {{title: T{i}, extra: *d}}\n" for i in range(200))
    doc = load_yaml_text(text, "f.yaml")
    assert doc["lectures"][199]["extra"] == {"kind": "lecture", "room": "A"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1, *x]\n", "f.yaml:1: invalid YAML: a value that holds itself (a recursive alias)"),
        ("x: &a 1\ny: " + "[" * 300 + "*a" + "]" * 300 + "\n", "f.yaml:2: invalid YAML: nested over 100 levels deep"),
        ("a: 1\nb: " + "7" * 5000 + "\n", "f.yaml:2: an integer of 5,000 digits, over the 4,300 Python reads"),
        ("a: &x 1\nb: *x\nc: " + "7" * 5000 + "\n", "f.yaml:3: an integer of 5,000 digits"),  # the generic way
        ("[" * 100_000, "f.yaml:1: invalid YAML: while increasing flow level, exceeded maximum nesting depth"),
    ],
    ids=["recursive", "deep-with-alias", "long-int", "long-int-generic", "100k-brackets"],
)
def test_yaml_that_cannot_be_read_is_one_line(text, message):
    with pytest.raises(DataError) as exc:
        load_yaml_text(text, "f.yaml")
    assert str(exc.value).startswith(message), str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("bomb.yaml", _bomb(9), "bomb.yaml:6: invalid YAML: its aliases expand"),  # a5: 9**6 values
        # a duplicate key sends the page to PyYAML's own safe loader: checked the same
        ("bomb-dup.yaml", _bomb(9).replace("lectures:", "a0: x\nlectures:"), "its aliases expand"),
        ("loop.yaml", "lectures:\n  - {date: 9/1, title: A, topics: &a [x, *a]}\n  - {date: 9/3, title: B}\n",
         "loop.yaml:2: invalid YAML: a value that holds itself"),
        ("long.yaml", "- {date: 9/1, title: A}\n- {date: 9/3, title: B, n: " + "1" * 5000 + "}\n",
         "long.yaml:2: an integer of 5,000 digits"),
        ("long.toml", "[[l]]\ntitle = 'A'\ndate = '9/1'\n[[l]]\ntitle = 'B'\nn = " + "1" * 5000 + "\n",
         "long.toml:6: an integer of 5,000 digits"),
        ("date.yaml", "- {date: 2025-02-30, title: A, title: B}\n- {date: 9/3, title: C}\n",
         "date.yaml: invalid YAML: day is out of range for month"),
    ],
)
def test_data_pages_that_cannot_be_read_are_one_line(invoke, tmp_path, name, text, where):
    p = tmp_path / name
    p.write_text(text)
    start = time.perf_counter()
    one_line_error(invoke(str(p), "--course-id", "x", "-o", str(tmp_path / "x.yaml")), str(tmp_path), where)
    assert time.perf_counter() - start < 2
    assert not (tmp_path / "x.yaml").exists()


# -------------------------------------------------------------------------- reading


def test_devices_are_read_only_to_the_limit():
    for dev in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(PageError, match=f"^{dev}: page is over the 1,000-byte limit$"):
            read_page(dev, limit=1000)


def test_a_pipe_that_never_ends_is_read_only_to_the_limit(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    wrote = []

    def writer():
        try:
            with open(fifo, "wb") as f:
                for _ in range(1000):
                    f.write(b"| 9/1 | Backprop |\n" * 100)
                    wrote.append(1)
        except BrokenPipeError:
            pass

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    with pytest.raises(PageError, match=r"fifo: page is over the 10,000-byte limit"):
        read_page(fifo, limit=10_000)
    t.join(5)
    assert len(wrote) < 1000  # the reader stopped; the writer was cut off


def test_a_pipe_with_a_page_is_read(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    t = threading.Thread(target=lambda: fifo.write_text(MD_SCHEDULE), daemon=True)
    t.start()
    assert read_page(fifo) == MD_SCHEDULE
    t.join(5)


def test_a_path_that_cannot_be_opened_is_one_line(tmp_path):
    # A socket cannot be opened as a file, by root or anyone.
    path = tmp_path / "sock.md"
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(path))
        with pytest.raises(PageError, match=r"sock\.md: cannot read page: No such device or address$"):
            read_page(path)
    finally:
        s.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_page_is_one_line(tmp_path):
    p = tmp_path / "secret.md"
    p.write_text(MD_SCHEDULE)
    p.chmod(0)
    with pytest.raises(PageError, match=r"secret\.md: cannot read page: Permission denied$"):
        read_page(p)


def test_an_unlistable_directory_is_one_line(tmp_path, monkeypatch):
    d = tmp_path / "pages"
    d.mkdir()
    if os.geteuid() != 0:
        d.chmod(0)
    else:  # root lists any directory: the system's refusal, as it would come
        def refuse(self):
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "iterdir", refuse)
    try:
        with pytest.raises(UsageError, match=r"^cannot list directory '.*pages': Permission denied$"):
            expand_pages([str(d)])
    finally:
        d.chmod(0o755)


def test_a_directory_given_as_a_page(tmp_path):
    with pytest.raises(PageError, match="is a directory, not a page"):
        read_page(tmp_path)


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("a.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20), "a PNG image (image/png)"),
        # A PDF may hold no NUL and decode as UTF-8: its magic number names it.
        ("syllabus.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n",
         "a PDF document (application/pdf), not HTML, text or Markdown; save its text as a page"),
        ("page.md.gz", gzip.compress(MD_SCHEDULE.encode()), "a gzip archive (application/gzip)"),
        ("p.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20), "a JPG image (image/jpeg)"),
    ],
)
def test_binary_files_are_named_by_what_they_are(invoke, tmp_path, name, data, what):
    p = tmp_path / name
    p.write_bytes(data)
    one_line_error(invoke(str(p), "--course-id", "x"), f"{p}: page is binary: {what}")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bytes(range(1, 9)) * 500, "page holds no text, only control characters"),
        (b"\xef\xbb\xbf \n", "page is empty"),
        (b"\x1b[31m\x07\x08" * 1000, "no schedule found"),
    ],
)
def test_pages_of_control_characters(invoke, tmp_path, data, message):
    p = tmp_path / "ctl.txt"
    p.write_bytes(data)
    one_line_error(invoke(str(p), "--course-id", "x"), f"{p}: {message}")


# -------------------------------------------------------------------------- outputs


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_an_output_that_is_the_page_is_refused_even_with_force(invoke, tmp_path, how):
    page = tmp_path / "p.md"
    page.write_text(MD_SCHEDULE)
    out = page
    if how == "symlink":
        out = tmp_path / "l.md"
        out.symlink_to(page)
    elif how == "hardlink":
        out = tmp_path / "h.md"
        os.link(page, out)
    line = one_line_error(invoke(str(page), "--course-id", "x", "-o", str(out), "--force"), str(out))
    assert "its draft would replace it" in line
    assert page.read_text() == MD_SCHEDULE


def test_an_out_dir_holding_a_data_page_would_replace_it(invoke, tmp_path):
    d = tmp_path / "pages"
    d.mkdir()
    page = d / "c.yaml"
    text = "- {date: 9/1, title: Backprop}\n- {date: 9/3, title: GANs}\n- {date: 9/5, title: RNNs}\n"
    page.write_text(text)
    (d / "b.md").write_text(MD_SCHEDULE)
    one_line_error(invoke(str(d), "-d", str(d), "--force"), "c.yaml' is the page itself")
    assert page.read_text() == text
    assert sorted(p.name for p in d.iterdir()) == ["b.md", "c.yaml"]  # not even b's draft


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{a}", "{b}", "-o", "{out}"], "--output '{out}' names one file, but 2 pages were given: use --out-dir DIR"),
        (["{dir}", "-o", "{out}"], "--output '{out}' names one file, but 2 pages were given"),
        (["{a}", "--course-id", "x", "-o", "{out}", "-d", "{dir}"], "give --output FILE (one page) or --out-dir DIR"),
        (["{a}", "--course-id", "x", "-o", "{dir}/no/x.yaml"], "cannot write '{dir}/no/x.yaml': directory '{dir}/no' does not exist"),
    ],
    ids=["several-pages", "a-directory", "both", "missing-directory"],
)
def test_outputs_that_cannot_work(invoke, tmp_path, args, message):
    d = tmp_path / "pages"
    d.mkdir()
    (d / "a.md").write_text(MD_SCHEDULE)
    (d / "b.md").write_text(MD_SCHEDULE)
    names = {"a": str(d / "a.md"), "b": str(d / "b.md"), "dir": str(d), "out": str(tmp_path / "out.yaml")}
    one_line_error(invoke(*[a.format(**names) for a in args]), message.format(**names))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages"]
    assert sorted(p.name for p in d.iterdir()) == ["a.md", "b.md"]


def test_an_output_in_a_directory_no_one_may_write(invoke, tmp_path):
    target = Path("/sys/kg-import-test.yaml")  # /sys refuses new files, even root's
    if not Path("/sys").is_dir() or os.access("/sys", os.W_OK) and os.geteuid() != 0:
        pytest.skip("no /sys that refuses new files here")
    page = tmp_path / "p.md"
    page.write_text(MD_SCHEDULE)
    r = invoke(str(page), "--course-id", "x", "-o", str(target))
    if r.exit_code == 0:  # pragma: no cover - a /sys that took the file
        target.unlink()
        pytest.skip("/sys took a new file here")
    one_line_error(r, f"cannot write '{target}': ")


# ----------------------------------------------------------------- pathological pages


@pytest.mark.parametrize(
    ("name", "text", "outcome"),
    [
        ("deep.html", "<div>" * 100_000 + "x", "elements nested over 10,000 deep"),
        ("list.md", "- " * 10_000 + "an item\n\n" + MD_SCHEDULE, 3),
        ("cols.md", "| " + " | ".join(f"c{i}" for i in range(20_000)) + " |\n|" + "---|" * 20_000 + "\n| "
         + " | ".join(["9/1"] * 20_000) + " |\n", "no schedule found"),
        ("line.md", "Backpropagation and more " * 40_000, "no schedule found"),  # one line of 1 MB
        ("cell.md", table_page("x" * 400_000), 3),
        ("spaces.md", " " * 1_000_000 + "\n" + MD_SCHEDULE, 3),
    ],
)
def test_pathological_pages_in_bounded_time(invoke, tmp_path, name, text, outcome):
    p = tmp_path / name
    p.write_text(text)
    out = tmp_path / "x.yaml"
    start = time.perf_counter()
    r = invoke(str(p), "--course-id", "x", "-o", str(out))
    assert time.perf_counter() - start < 5
    if isinstance(outcome, int):
        assert r.exit_code == 0, r.output
        assert len(yaml.safe_load(out.read_text())["lectures"]) == outcome
    else:
        one_line_error(r, str(p), outcome)
        assert not out.exists()


# -------------------------------------------------------------- a real `kg` process


def test_real_process_alias_bomb(tmp_path):
    (tmp_path / "bomb.yaml").write_text(_bomb(9))
    proc_one_line(run_kg("bomb.yaml", "--course-id", "x", "-o", "x.yaml", cwd=tmp_path), "bomb.yaml:6: invalid YAML")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.yaml"]


def test_real_process_stdin_that_never_ends(tmp_path):
    proc = run_kg("-", "--course-id", "x", "-o", "x.yaml", cwd=tmp_path, stdin=b"| 9/1 | Backprop |\n" * 300_000)
    proc_one_line(proc, "<stdin>: page is over the 5,000,000-byte limit")
    assert list(tmp_path.iterdir()) == []


def test_real_process_dev_zero_and_a_png(tmp_path):
    proc_one_line(run_kg("/dev/zero", "--course-id", "x", cwd=tmp_path), "/dev/zero: page is over the 5,000,000-byte limit")
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(30))
    proc_one_line(run_kg("a.png", "--course-id", "x", cwd=tmp_path), "a.png: page is binary: a PNG image")


def test_real_process_output_over_the_page(tmp_path):
    (tmp_path / "p.md").write_text(MD_SCHEDULE)
    proc_one_line(run_kg("p.md", "--course-id", "x", "-o", "p.md", "--force", cwd=tmp_path), "'p.md' is the page itself")
    assert (tmp_path / "p.md").read_text() == MD_SCHEDULE


def test_real_process_ctrl_c_leaves_no_files(tmp_path):
    # A page that takes the importer a few seconds; SIGINT once it is under way.
    (tmp_path / "big.md").write_text("".join(f"9/{i % 28 + 1} Backpropagation part {i}\n" for i in range(60_000)))
    proc = subprocess.Popen([*KG, "import", "big.md", "--course-id", "x", "-o", "x.yaml"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.2)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    if proc.returncode == 0:  # pragma: no cover - a machine that finished first
        pytest.skip("the import finished before the signal")
    assert proc.returncode == 1
    assert b"Traceback" not in err
    assert err.decode().strip() == "Aborted!"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.md"]


def test_real_process_stdin_from_the_output_file(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(MD_SCHEDULE)
    with open(page, "rb") as f:
        proc = subprocess.run([*KG, "import", "-", "--course-id", "x", "-o", "p.md", "--force"], cwd=tmp_path,
                              stdin=f, capture_output=True, timeout=60)
    proc_one_line(proc, "output 'p.md' is the page '<stdin>'")
    assert page.read_text() == MD_SCHEDULE
