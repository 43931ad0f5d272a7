"""`kg path --format json` output on the shipped data, saved or compared byte for byte.

    python bench/plan_identity.py --save FILE     # record every goal's plan
    python bench/plan_identity.py --check FILE    # exit 1 if any plan differs

The goals: every topic from scratch (``kg path - TOPIC``), a few FROM/TO pairs and a
plan with known topics. Run in one process through click's test runner against the
local store (``KG_CACHE_DIR`` picks the cache), so a check of a few hundred plans takes
seconds. A performance change to planning must leave the saved file unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from kg.graph import KnowledgeGraph

PAIRS = [
    ["backprop", "transformers"],
    ["-", "lora", "--known", "fine-tuning"],
    ["linear-regression", "attention"],
]


def plans() -> dict[str, str]:
    topics = sorted(t["id"] for t in KnowledgeGraph.open().topics())
    goals = [["-", t] for t in topics] + PAIRS
    runner = CliRunner()
    out: dict[str, str] = {}
    for g in goals:
        res = runner.invoke(cli, ["path", *g, "--no-profile", "--format", "json"])
        out[" ".join(g)] = f"exit {res.exit_code}\n{res.output}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path)
    mode.add_argument("--check", type=Path)
    args = ap.parse_args()
    got = plans()
    if args.save:
        args.save.write_text(json.dumps(got, indent=0, sort_keys=True))
        print(f"saved {len(got)} plans to {args.save}")
        return
    want = json.loads(args.check.read_text())
    bad = [g for g in sorted(set(want) | set(got)) if want.get(g) != got.get(g)]
    print(f"{len(got)} plans, {len(bad)} differ" + "".join(f"\n  {g}" for g in bad[:20]))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
