"""`kg viz` pages written to a directory, or compared byte for byte with one.

    python bench/viz_identity.py --save DIR [--synthetic DATA_DIR]
    python bench/viz_identity.py --check DIR [--synthetic DATA_DIR]   # exit 1 if any differs

The views: on the shipped data, the whole graph (plain and with layers), two
neighbourhoods (one with every layer), two paths, each of the original four courses
and a few more, and several courses at once; with ``--synthetic`` (a data dir of
``bench/synth.py``), that graph whole (plain, with every layer and with courses), a neighbourhood with layers, two courses and a
path. A performance change to kg viz must leave every page unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from kg.graph import KnowledgeGraph
from kg.viz import make_view

ORIGINAL = ["berkeley-cs182-fa25", "bu-deep-learning", "mit-6.7960-fa25", "mit-6.s898-fa22"]


def pages(synthetic: Path | None) -> dict[str, str]:
    g = KnowledgeGraph.open()
    courses = [c["id"] for c in g.courses()]
    cases: dict[str, dict[str, object]] = {
        "graph": {},
        "graph-layers": {"layers": "courses,lectures,chapters,readings"},
        "graph-lectures": {"layers": "lectures"},
        "graph-courses": {"layers": "courses"},
        "focus-backprop": {"focus": "backprop"},
        "focus-transformers-1-layers": {"focus": "transformers", "depth": 1, "layers": "lectures,readings,chapters,courses"},
        "path-backprop-transformers": {"path": ("backprop", "transformers")},
        "path-scratch-transformers": {"path": ("-", "transformers")},
        "courses-first-4": {"courses": courses[:4]},
        "courses-2": {"courses": courses[1:3]},
        "courses-original": {"courses": ORIGINAL},
    }
    for c in sorted(set(courses[:4]) | set(ORIGINAL)):
        cases["course-" + c] = {"courses": [c]}
    out = {name: make_view(g, **kw).html() for name, kw in cases.items()}  # type: ignore[arg-type]
    if synthetic is not None:
        s = KnowledgeGraph.open(synthetic)
        ids = sorted(s.topic_ids())
        some = [c["id"] for c in s.courses()][:2]
        out["synthetic-graph"] = make_view(s).html()
        out["synthetic-graph-layers"] = make_view(s, layers="courses,lectures,chapters,readings").html()
        out["synthetic-graph-courses"] = make_view(s, layers="courses").html()
        out["synthetic-focus"] = make_view(s, focus=ids[len(ids) // 2], layers="lectures,courses,readings,chapters").html()
        out["synthetic-courses"] = make_view(s, courses=some).html()
        out["synthetic-path"] = make_view(s, path=("-", ids[len(ids) // 20])).html()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path)
    mode.add_argument("--check", type=Path)
    ap.add_argument("--synthetic", type=Path)
    args = ap.parse_args()
    got = pages(args.synthetic)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, text in got.items():
            (args.save / f"{name}.html").write_text(text, encoding="utf-8")
        print(f"{len(got)} pages saved in {args.save}")
        return
    bad = 0
    for name, text in got.items():
        path = args.check / f"{name}.html"
        old = path.read_bytes() if path.is_file() else None
        same = old == text.encode("utf-8")
        bad += not same
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        print(f"{'same' if same else 'DIFFERS' if old is not None else 'MISSING':<8} {digest} {len(text):>9} {name}")
    print(f"{len(got) - bad} of {len(got)} pages identical")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
