"""Every mistake a user can make in a data file: one line naming file, line and value;
exit status 1; no traceback; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import CycleError, DataError
from kg.build.sources import load_sources

from .conftest import kg_process


def _graphs(cache: Path) -> list[Path]:
    root = cache / "graphs"
    return [p for p in root.iterdir()] if root.is_dir() else []


def _fails(run, data: Path, cache: Path, *needles: str) -> str:
    before = _graphs(cache)
    result = run("build", data=data)
    assert result.exit_code == 1, result.output
    err = result.stderr.strip()
    assert "\n" not in err, err
    assert "Traceback" not in result.output
    for n in needles:
        assert n in err, (n, err)
    assert _graphs(cache) == before, "a failed build must not leave a store behind"
    return err


def test_malformed_yaml(run, mini, cache):
    (mini / "topics" / "t.yaml").write_text("topics:\n  - id: a\n    label: [unclosed\n")
    err = _fails(run, mini, cache, "t.yaml:", "invalid YAML")
    assert "t.yaml:4" in err or "t.yaml:3" in err


def test_unknown_topic_with_suggestion(run, mini, cache):
    text = (mini / "courses" / "c1.yaml").read_text().replace("covers: [calculus]", "covers: [calculas]")
    (mini / "courses" / "c1.yaml").write_text(text)
    err = _fails(run, mini, cache, "c1.yaml:8", "unknown topic 'calculas'", "did you mean 'calculus'")


def test_unknown_prerequisite(run, mini, cache):
    text = (mini / "topics" / "t.yaml").read_text().replace("topic: chain-rule", "topic: chain-rules")
    (mini / "topics" / "t.yaml").write_text(text)
    _fails(run, mini, cache, "t.yaml:", "unknown topic 'chain-rules'", "did you mean 'chain-rule'")


def test_duplicate_topic_id(run, mini, cache):
    with (mini / "topics" / "t.yaml").open("a") as f:
        f.write("  - id: calculus\n    label: Calculus again\n")
    _fails(run, mini, cache, "t.yaml:20", "duplicate topic id 'calculus'", "line 2")


def test_duplicate_id_across_files(run, mini, cache):
    (mini / "topics" / "u.yaml").write_text("topics:\n  - id: chain-rule\n    label: Chain\n")
    _fails(run, mini, cache, "u.yaml:2", "duplicate topic id 'chain-rule'", "t.yaml:")


def test_duplicate_key(run, mini, cache):
    (mini / "readings.yaml").write_text(
        "readings:\n  - id: r\n    title: A\n    title: B\n    kind: paper\n"
    )
    _fails(run, mini, cache, "readings.yaml:4", "duplicate key 'title'")


def test_cycle_is_named(run, mini, cache):
    text = (mini / "topics" / "t.yaml").read_text().replace(
        "    definition: Rates of change.\n",
        "    definition: Rates of change.\n    requires:\n      - topic: backpropagation\n        reason: Made up.\n",
    )
    (mini / "topics" / "t.yaml").write_text(text)
    err = _fails(run, mini, cache, "prerequisite cycle:")
    for t in ("calculus", "chain-rule", "backpropagation"):
        assert t in err
    with pytest.raises(CycleError) as info:
        load_sources(mini)
    assert set(info.value.cycle) == {"calculus", "chain-rule", "backpropagation"}


def test_impossible_date(run, mini, cache):
    text = (mini / "courses" / "c1.yaml").read_text().replace("2025-09-03", "2025-02-30")
    (mini / "courses" / "c1.yaml").write_text(text)
    _fails(run, mini, cache, "c1.yaml:10", "impossible date '2025-02-30'")


def test_badly_written_date(run, mini, cache):
    text = (mini / "courses" / "c1.yaml").read_text().replace("2025-09-03", "Sep 3")
    (mini / "courses" / "c1.yaml").write_text(text)
    _fails(run, mini, cache, "c1.yaml:10", "invalid date 'Sep 3'", "YYYY-MM-DD")


def test_missing_required_field(run, mini, cache):
    text = (mini / "courses" / "c1.yaml").read_text().replace("  - title: Intro\n", "  - \n")
    text = text.replace("  - \n    date: 2025-09-01", "  - date: 2025-09-01")
    (mini / "courses" / "c1.yaml").write_text(text)
    _fails(run, mini, cache, "c1.yaml:5", "missing required field 'title'")


def test_missing_reason(run, mini, cache):
    text = (mini / "topics" / "t.yaml").read_text().replace("        reason: It is a rule of calculus.\n", "")
    (mini / "topics" / "t.yaml").write_text(text)
    _fails(run, mini, cache, "t.yaml:", "missing required field 'reason'")


def test_unknown_field_suggests(run, mini, cache):
    text = (mini / "courses" / "c1.yaml").read_text().replace("  - title: Intro", "  - titel: Intro")
    (mini / "courses" / "c1.yaml").write_text(text)
    _fails(run, mini, cache, "c1.yaml:5", "unknown field 'titel'", "did you mean 'title'")


def test_non_utf8_file(run, mini, cache):
    path = mini / "courses" / "c1.yaml"
    path.write_bytes(path.read_bytes().replace(b"Ann Lee", b"Ann L\xe9e"))
    _fails(run, mini, cache, "c1.yaml:7", "not valid UTF-8", "0xe9")


def test_unknown_reading(run, mini, cache):
    text = (mini / "courses" / "c1.yaml").read_text().replace("reading: notes-1", "reading: notes-2")
    (mini / "courses" / "c1.yaml").write_text(text)
    _fails(run, mini, cache, "c1.yaml:13", "unknown reading 'notes-2'", "did you mean 'notes-1'")


def test_unknown_chapter(run, mini, cache):
    (mini / "books.yaml").write_text(
        "books:\n  - id: b\n    title: B\n    chapters:\n      - number: 1\n        title: One\n"
    )
    text = (mini / "courses" / "c1.yaml").read_text().replace("reading: notes-1", "chapter: b/2")
    (mini / "courses" / "c1.yaml").write_text(text)
    _fails(run, mini, cache, "c1.yaml:13", "unknown chapter b/2")


def test_ambiguous_alias(run, mini, cache):
    text = (mini / "topics" / "t.yaml").read_text().replace("aliases: [backprop]", "aliases: [backprop, Chain Rule]")
    (mini / "topics" / "t.yaml").write_text(text)
    _fails(run, mini, cache, "'Chain Rule'", "already names topic 'chain-rule'")


def test_empty_file(run, mini, cache):
    (mini / "readings.yaml").write_text("")
    _fails(run, mini, cache, "readings.yaml:1", "file is empty")


def test_wrong_type(run, mini, cache):
    text = (mini / "courses" / "c1.yaml").read_text().replace("speakers: [Ann Lee]", "speakers: {a: 1}")
    (mini / "courses" / "c1.yaml").write_text(text)
    _fails(run, mini, cache, "c1.yaml:7", "'speakers' must be a list")


def test_bad_turtle(run, mini, cache):
    (mini / "extra.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    _fails(run, mini, cache, "extra.ttl:2", "invalid Turtle")


def test_missing_data_dir(run, tmp_path):
    result = run("build", data=tmp_path / "nope")
    assert result.exit_code != 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_real_process_reports_one_line(mini, cache):
    (mini / "topics" / "t.yaml").write_text("topics: [\n")
    proc = kg_process("--data", str(mini), "show", "backprop")
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "t.yaml" in lines[0] and "Traceback" not in proc.stderr


def test_export_failure_writes_nothing(run, mini, cache, tmp_path):
    (mini / "topics" / "t.yaml").write_text("topics: 3\n")
    out = tmp_path / "out.ttl"
    result = run("export", "-o", str(out), data=mini)
    assert result.exit_code == 1
    assert not out.exists()


def test_data_error_str_has_location():
    assert str(DataError("bad", "x.yaml", 3)) == "x.yaml:3: bad"
    assert str(DataError("bad")) == "bad"


_REPO_SOURCE = "source:\n  repository: d2l-ai/berkeley-stat-157\n  path: syllabus.md\n  commit: {commit}\n"


def test_bad_source_commit(run, mini, cache):
    course = mini / "courses" / "c1.yaml"
    course.write_text(course.read_text().replace("term: Fall 2025\n", "term: Fall 2025\n" + _REPO_SOURCE.format(commit="HEAD")))
    _fails(run, mini, cache, "c1.yaml:7", "invalid commit 'HEAD'")


def test_source_missing_path(run, mini, cache):
    course = mini / "courses" / "c1.yaml"
    source = _REPO_SOURCE.format(commit="cfc1b92").replace("  path: syllabus.md\n", "")
    course.write_text(course.read_text().replace("term: Fall 2025\n", "term: Fall 2025\n" + source))
    _fails(run, mini, cache, "c1.yaml:", "source of the course is missing required field 'path'")
