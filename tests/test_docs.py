"""The README's commands and the docs stay true."""

from __future__ import annotations

import re
from pathlib import Path

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.S)[:2]


def test_ci_runs_exactly_the_readme_test_command():
    run_script = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert readme_commands()[1] == run_script[-1]


def test_readme_opens_with_the_main_job():
    assert readme_commands()[0].endswith("kg path backprop transformers")


def test_every_command_in_readme():
    text = (ROOT / "README.md").read_text()
    import click

    for name in cli.list_commands(click.Context(cli)):
        assert f"kg {name}" in text, f"kg {name} is not in the README"
