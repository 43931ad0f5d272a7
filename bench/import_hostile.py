"""`kg import` on hostile inputs: wall time and peak memory beside an honest floor.

For each input (a cell of tens of thousands of names, a YAML alias bomb, /dev/zero, a
stream on stdin, pages nested 100,000 deep, 100,000 columns, a 5 MB line, binary
files, ...), each tree given (default: this one, and the base checkout /tmp/base when it
exists) imports it in a fresh process, runs interleaved, N times; printed are the median
and min-max of the import's wall time and of the process's peak resident memory, what
came of it (written, or the first words of its one-line error), and the floor: the
same process reading the bytes and parsing them with the bare parser (lexbor for HTML,
cmark-gfm for Markdown, libyaml's composer for YAML), with the ratio import/floor.

Every run is capped (``--timeout`` seconds, 3 GB of address space): a run over the
cap prints as ``>TIMEOUT`` or ``MemoryError``. ::

    python bench/import_hostile.py                  # 3 runs, this tree and /tmp/base
    python bench/import_hostile.py -n 5 -k bomb -k names --trees .
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NAMES = ["backprop", "GANs", "transformers", "attention", "CNNs", "RNNs", "dropout"]


def _table(cell: str) -> str:
    return f"| Date | Topic |\n|---|---|\n| 9/1 | Backpropagation |\n| 9/3 | {cell} |\n| 9/8 | GANs |\n"


def _bomb(levels: int) -> str:
    text = "a0: &a0 [" + ", ".join(["lol"] * 9) + "]\n"
    for k in range(1, levels):
        text += f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]\n"
    return text + f"lectures:\n  - {{date: 9/1, title: A, topics: *a{levels - 1}}}\n  - {{date: 9/3, title: B}}\n"


def inputs(d: Path) -> dict[str, tuple[str, str]]:
    """name -> (page argument, floor kind); pages written into ``d``."""
    def w(name: str, data: str | bytes) -> str:
        p = d / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return str(p)

    return {
        "names-40k": (w("names.md", _table(", ".join(NAMES[i % 7] for i in range(40_000)))), "md"),
        "new-terms-10k": (w("terms.md", _table(", ".join(f"zorb{i} quux" for i in range(10_000)))), "md"),
        "bomb-9x9": (w("bomb.yaml", _bomb(9)), "yaml"),
        "long-int-yaml": (w("int.yaml", "- {date: 9/1, title: A}\n- {date: 9/3, title: B, n: " + "1" * 5000 + "}\n"),
                          "yaml"),
        "long-int-toml": (w("int.toml", "[[l]]\ntitle = 'A'\n[[l]]\ntitle = 'B'\nn = " + "1" * 5000 + "\n"), "bytes"),
        "dev-zero": ("/dev/zero", "device"),
        "dev-urandom": ("/dev/urandom", "device"),
        "stdin-20MB": ("-", "stdin"),
        "html-100k-deep": (w("deep.html", "<div>" * 100_000 + "x"), "html"),
        "md-list-10k-deep": (w("list.md", "- " * 10_000 + "item\n\n" + _table("GANs")), "md"),
        "md-100k-cols": (w("cols.md", "| " + " | ".join(f"c{i}" for i in range(100_000)) + " |\n|" + "---|" * 100_000
                           + "\n| " + " | ".join(["9/1"] * 100_000) + " |\n"), "md"),
        "html-100k-cols": (w("cols.html", "<table><tr>" + "<td>9/1</td>" * 100_000 + "</tr></table>"), "html"),
        "line-5MB": (w("line.md", "Backpropagation and more " * 190_000), "md"),
        "cell-4.9MB": (w("cell.md", _table("x" * 4_900_000)), "md"),
        "indented-3000": (w("indent.yaml", "".join(" " * i + "a:\n" for i in range(3000))), "yaml-text"),
        "controls": (w("ctl.txt", bytes(range(1, 9)) * 100_000), "bytes"),
        "bad-utf8": (w("latin.md", _table("Caf\xe9").encode("latin-1")), "bytes"),
        "utf16-no-bom": (w("u16.md", _table("GANs").encode("utf-16-le")), "bytes"),
        "png": (w("a.png", b"\x89PNG\r\n\x1a\n" + bytes(100_000)), "bytes"),
        "pdf": (w("a.pdf", b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 10_000), "bytes"),
        "gzip": (w("a.md.gz", gzip.compress(_table("GANs").encode())), "bytes"),
    }


# Run in a fresh process: the import through kg's library, timed, then its peak memory.
IMPORT = r"""
import json, resource, sys, time
from kg.graph import KnowledgeGraph
from kg.importer.vocab import Vocabulary
from kg.importer.pages import import_pages
vocab = Vocabulary.from_graph(KnowledgeGraph.open())
out = sys.argv[2]
t = time.perf_counter()
try:
    r = import_pages([sys.argv[1]], vocab, course_ids=["x"], output=None if out == "-" else __import__("pathlib").Path(out),
                     force=True)
    what = ("error: " + r[0].error) if r[0].error else "written"
except BaseException as exc:  # what a user would see as a traceback
    what = f"TRACEBACK {type(exc).__name__}: {exc}"
dt = time.perf_counter() - t
print(json.dumps({"time": dt, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "what": what[:200]}))
"""

# The floor: the same process reading the bytes and parsing them with the bare parser.
FLOOR = r"""
import json, resource, sys, time
kind = sys.argv[2]
import yaml, cmarkgfm
from selectolax.lexbor import LexborHTMLParser
t = time.perf_counter()
if kind == "stdin":
    data = sys.stdin.buffer.read(5_000_001)
elif kind == "device":
    with open(sys.argv[1], "rb") as f:
        data = f.read(5_000_001)
else:
    data = open(sys.argv[1], "rb").read()
if kind == "md":
    cmarkgfm.github_flavored_markdown_to_html(data.decode("utf-8"))
elif kind == "html":
    LexborHTMLParser(data.decode("utf-8")).body
elif kind == "yaml":
    yaml.compose(data.decode("utf-8"), Loader=yaml.CSafeLoader)
elif kind == "yaml-text":  # over libyaml's nesting bound: read as text (Markdown)
    cmarkgfm.github_flavored_markdown_to_html(data.decode("utf-8"))
dt = time.perf_counter() - t
print(json.dumps({"time": dt, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "what": "floor"}))
"""


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def run(tree: str, script: str, page: str, arg: str, timeout: float, stdin: Path | None) -> dict:
    env = {**os.environ, "PYTHONPATH": tree}
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as fin:
        try:
            p = subprocess.run([sys.executable, "-c", script, page, arg], env=env, cwd=tree, stdin=fin,
                               capture_output=True, text=True, timeout=timeout, preexec_fn=_cap)
        except subprocess.TimeoutExpired:
            return {"time": float("inf"), "rss": float("nan"), "what": f">{timeout:.0f} s: stopped"}
    last = p.stdout.strip().splitlines()[-1:] or [""]
    try:
        return dict(json.loads(last[0]))
    except ValueError:
        err = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"time": float("nan"), "rss": float("nan"), "what": f"died: {err}"[:200]}


def _stat(xs: list[float], fmt: str) -> str:
    ok = [x for x in xs if x == x and x != float("inf")]
    if len(ok) < len(xs):
        return "  " + (">timeout" if any(x == float("inf") for x in xs) else "n/a")
    return f"{format(statistics.median(ok), fmt)} ({format(min(ok), fmt)}-{format(max(ok), fmt)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=3, help="runs per input and tree (interleaved)")
    ap.add_argument("-k", action="append", default=[], help="only inputs whose name holds this (repeatable)")
    ap.add_argument("--trees", nargs="+", default=None, help="kg checkouts to compare (default: this, /tmp/base)")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    trees = args.trees or [str(ROOT)] + (["/tmp/base"] if Path("/tmp/base/kg").is_dir() else [])
    trees = [str(Path(t).resolve()) for t in trees]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        stream = d / "stream.txt"
        stream.write_bytes(b"| 9/1 | Backpropagation |\n" * 800_000)  # 20 MB on stdin
        cases = {k: v for k, v in inputs(d).items() if not args.k or any(s in k for s in args.k)}
        for tree in trees:  # warm the graph cache of each tree
            run(tree, IMPORT, str(d / "cell.md"), "-", 600, None)
        print(f"{args.n} runs each, interleaved; time in s, peak RSS in MB (median (min-max)); ratio = import/floor")
        print(f"{'input':18} {'tree':10} {'import time':>22} {'peak MB':>20} {'floor s':>8} {'ratio':>7}  result")
        for name, (page, kind) in cases.items():
            stdin = stream if page == "-" else None
            got: dict[str, list[dict]] = {t: [] for t in trees}
            floors: list[dict] = []
            for _ in range(args.n):
                floors.append(run(str(ROOT), FLOOR, page, kind, args.timeout, stdin))
                for tree in trees:
                    out = str(d / "out.yaml")
                    got[tree].append(run(tree, IMPORT, page, out, args.timeout, stdin))
                    Path(out).unlink(missing_ok=True)
            floor = statistics.median(f["time"] for f in floors)
            for tree in trees:
                rs = got[tree]
                times = [r["time"] for r in rs]
                med = statistics.median(times) if all(t == t for t in times) else float("nan")
                ratio = f"{med / floor:7.0f}" if floor > 0 and med == med and med != float("inf") else "      -"
                label = "this" if tree == str(ROOT) else Path(tree).name
                print(f"{name:18} {label:10} {_stat(times, '.2f'):>22} {_stat([r['rss'] for r in rs], '.0f'):>20} "
                      f"{floor:8.3f} {ratio}  {rs[-1]['what'][:70]}", flush=True)


if __name__ == "__main__":
    main()
