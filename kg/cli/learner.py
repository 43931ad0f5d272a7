"""``kg known`` (the learner's profile) and ``kg publish`` (the app as a static site).

Loaded only when one of these commands runs. Each command calls one library function
(:mod:`kg.profile`, :func:`kg.learner.site.publish`) and prints the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.common import State, format_option, pass_state, profile_option

__all__ = ["known", "publish", "profile_option"]  # profile_option: see kg.cli.common


def _list(p: Any, fmt: str, labels: dict[str, str] | None = None) -> None:
    if fmt == "json":
        click.echo(json.dumps(p.to_json(), indent=2, ensure_ascii=False))
        return
    if not p.known and not p.skipped:
        click.echo("no known topics yet; add some with `kg known add TOPIC`")
        return
    from kg.cli.output import table

    rows = [(t, (labels or {}).get(t, ""), "known") for t in sorted(p.known)]
    rows += [(t, (labels or {}).get(t, ""), "skipped") for t in sorted(p.skipped)]
    click.echo(table(["topic", "label", "status"], rows))


def _labels(state: State) -> dict[str, str]:
    return {r["id"]: r["label"] for r in state.kg.topics()}


@click.group()
def known() -> None:
    """Your profile: the topics you know, used by `kg path`, `kg next` and `kg order`
    (unless --no-profile). The file is the same JSON the app's "Export progress" writes.

    \b
    Example:
        kg known add backprop linear-algebra
        kg known list
        kg path - transformers        # counts what you know
        kg known import kg-progress.json
    """


@known.command("add")
@click.argument("topics", nargs=-1, required=True)
@click.option("--skip", is_flag=True, help="Mark the topics skipped instead of known.")
@pass_state
def known_add(state: State, topics: tuple[str, ...], skip: bool) -> None:
    """Add TOPICS (ids, labels or aliases) to what you know.

    \b
    Example:
        kg known add backprop "linear algebra"
    """
    from kg.profile import add

    p, new = add(state.kg, topics, skipped=skip)
    click.echo(f"{'skipped' if skip else 'known'}: +{len(new)} ({len(p.skipped if skip else p.known)} in all)")


@known.command("remove")
@click.argument("topics", nargs=-1, required=True)
@pass_state
def known_remove(state: State, topics: tuple[str, ...]) -> None:
    """Remove TOPICS from your profile.

    \b
    Example:
        kg known remove backprop
    """
    from kg.profile import remove

    p, gone = remove(state.kg, topics)
    click.echo(f"removed {len(gone)} ({len(p.known)} known left)")


@known.command("list")
@format_option()
@pass_state
def known_list(state: State, fmt: str) -> None:
    """List what you know (and skip).

    \b
    Example:
        kg known list --format json
    """
    from kg.profile import load

    p = load()
    _list(p, fmt, _labels(state) if fmt == "text" and (p.known or p.skipped) else None)


@known.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask.")
def known_clear(yes: bool) -> None:
    """Forget everything in your profile.

    \b
    Example:
        kg known clear --yes
    """
    from kg.profile import clear

    if not yes:
        click.confirm("Forget every known topic?", abort=True)
    clear()
    click.echo("profile cleared")


@known.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
def known_export(output: Path | None) -> None:
    """Write your profile as JSON (the app imports it with "Import progress").

    \b
    Example:
        kg known export -o kg-progress.json
    """
    from kg.profile import load

    text = json.dumps(load().to_json(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    from kg.files import write_atomic

    write_atomic(output, text.encode("utf-8"))
    click.echo(f"wrote {output}", err=True)


@known.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace your profile instead of merging into it.")
@pass_state
def known_import(state: State, file: Path, replace: bool) -> None:
    """Read a progress file (the app's "Export progress") into your profile.

    \b
    Example:
        kg known import ~/Downloads/kg-progress.json
    """
    from kg.profile import import_file

    p, missing = import_file(state.kg, file, replace=replace)
    note = f"; left out {len(missing)} not in this graph: {', '.join(missing[:5])}" if missing else ""
    click.echo(f"{len(p.known)} known, {len(p.skipped)} skipped{note}")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@format_option()
@pass_state
def publish(state: State, directory: Path, fmt: str) -> None:
    """Write the learner's app and the dumps into DIRECTORY: a static site that works
    offline, from file:// or any static host.

    \b
    Example:
        kg publish site/
        python -m http.server -d site    # or open site/index.html
    """
    from kg.learner.site import publish as run

    done = run(state.kg, directory)
    if fmt == "json":
        record = {"directory": str(done.directory), "files": done.files, "bytes": done.total_bytes, "seconds": round(done.seconds, 2)}
        click.echo(json.dumps(record, indent=2))
        return
    for name, size in done.files.items():
        click.echo(f"{size:>12,}  {done.directory / name}")
    click.echo(f"{done.total_bytes:>12,}  bytes in all; open {done.directory / 'index.html'} or serve the directory")
