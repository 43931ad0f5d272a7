"""kg's YAML loader (kg.build.yamlio) gives what PyYAML gives, with every line kept.

``load_yaml`` builds most documents in one iterative pass over the composed nodes and
leaves the rest to PyYAML's constructors. These tests hold it to a reference: the
recursive constructors it falls back on (``load_generic``), PyYAML's own safe loader for
the values, and hand-counted lines on a crafted file, over every data file, the drafts
of the development and seed pages, and documents that use YAML's rarer features.
"""

from __future__ import annotations

import datetime
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg import importer as imp
from kg.build.store import default_data_dir
from kg.build.yamlio import Map, Seq, load_generic, load_yaml
from kg.errors import DataError, KGError
from kg.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(os.environ.get("KG_IMPORT_PAGES") or ROOT.parent / "shared" / "import-pages")
SEEDS = ROOT.parent / "shared" / "seeds"

# ------------------------------------------------------------------ the reference loader

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def ref_load(text: str) -> Any:
    # The generic way (PyYAML's recursive constructors), which the one-pass builder must match.
    return load_generic(text)


# ------------------------------------------------------------------ comparisons


def same(a: Any, b: Any, where: str = "$") -> None:
    """``a`` and ``b`` are equal with the same types all the way down, and every Map and
    Seq has the same lines."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, Map):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        assert a.line == b.line, f"{where}: line {a.line} != {b.line}"
        assert a.key_lines == b.key_lines, f"{where}: key lines differ"
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, Seq):
        assert len(a) == len(b), f"{where}: {len(a)} items != {len(b)}"
        assert a.line == b.line, f"{where}: line {a.line} != {b.line}"
        assert a.lines == b.lines, f"{where}: item lines differ"
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def plain_value(ours: Any, plain: Any, where: str = "$") -> None:
    """``ours`` holds what PyYAML's plain safe loader gives, with keys as strings and
    dates kept as the text that PyYAML would read as that date."""
    if isinstance(plain, dict):
        assert isinstance(ours, Map), where
        assert list(ours) == [str(k) for k in plain], where
        for k, v in plain.items():
            plain_value(ours[str(k)], v, f"{where}.{k}")
    elif isinstance(plain, list):
        assert isinstance(ours, Seq) and len(ours) == len(plain), where
        for i, (x, y) in enumerate(zip(ours, plain)):
            plain_value(x, y, f"{where}[{i}]")
    elif isinstance(plain, (datetime.date, datetime.datetime)):
        assert isinstance(ours, str), where
        assert yaml.safe_load(ours) == plain, f"{where}: {ours!r} is not {plain!r}"
    elif isinstance(plain, float) and math.isnan(plain):
        assert isinstance(ours, float) and math.isnan(ours), where
    else:
        assert type(ours) is type(plain) and ours == plain, f"{where}: {ours!r} != {plain!r}"


def check(text: str, tmp_path: Path, name: str = "doc.yaml") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ours = load_yaml(path)
    same(ours, ref_load(text))
    plain_value(ours, yaml.load(text, Loader=_Base))  # noqa: S506 - PyYAML's safe loader
    return ours


# ------------------------------------------------------------------ real documents


def _data_files() -> list[Path]:
    d = default_data_dir()
    return sorted(p for p in d.rglob("*") if p.suffix in (".yaml", ".yml"))


def test_there_are_data_files() -> None:
    assert len(_data_files()) >= 10


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: str(p.relative_to(default_data_dir())))
def test_data_file(path: Path, tmp_path: Path) -> None:
    check(path.read_text(encoding="utf-8"), tmp_path, path.name)


def _pages() -> list[Path]:
    found = []
    for d in (PAGES / "pages", SEEDS):
        if d.is_dir():
            found += sorted(p for p in d.iterdir() if p.is_file() and not p.name.startswith("."))
    return found


@pytest.fixture(scope="module")
def vocab() -> imp.Vocabulary:
    return imp.Vocabulary.from_graph(KnowledgeGraph.open())


@pytest.mark.skipif(not _pages(), reason=f"no pages at {PAGES} or {SEEDS}")
def test_drafts_of_every_page(vocab: imp.Vocabulary, tmp_path: Path) -> None:
    loaded = 0
    for page in _pages():
        try:
            draft = imp.import_page(str(page), vocab, course_id=imp.course_id_for(str(page)), year=2019)
        except KGError:
            continue  # a page without a schedule has no draft
        ours = check(imp.render_yaml(draft), tmp_path, f"{page.stem}.yaml")
        assert len(ours["lectures"]) == len(draft.lectures)
        loaded += 1
    assert loaded >= 15


# ------------------------------------------------------------------ a crafted document

CRAFTED = """\
# a comment
id: crafted
count: 1_000
hex: 0x1F
octal: 017
sexagesimal: 1:30
float: 1.5e+3
inf: -.inf
nan: .NaN
yes_is_bool: yes
bool: True
nothing: ~
empty:
date: 2025-2-28
stamp: 2001-12-14t21:59:43.10-05:00
quoted: "a: b"
3: three
1.5: float key
true: bool key
folded: >
  one
  two
lectures:
  - title: First
    covers: [a, b,
      c]
  -
    title: Second
  - {title: Third, n: 3}
  - - nested
    - - deeper
  - plain
  - !!str plain
explicit: !!str 12
explicit_int: !!int "7"
tail: {a: [1, {b: c}], d: e}
"""


def test_crafted_document_lines(tmp_path: Path) -> None:
    doc = check(CRAFTED, tmp_path)
    assert doc.line == 2
    assert doc["count"] == 1000 and doc["hex"] == 31 and doc["octal"] == 15
    assert doc["sexagesimal"] == 90 and doc["float"] == 1500.0 and doc["inf"] == -math.inf
    assert doc["yes_is_bool"] is True and doc["bool"] is True and doc["nothing"] is None
    assert doc["date"] == "2025-2-28" and isinstance(doc["stamp"], str)
    assert doc["3"] == "three" and doc["1.5"] == "float key" and doc["True"] == "bool key"
    assert doc["explicit"] == "12" and doc["explicit_int"] == 7
    assert doc.line_of("lectures") == 23 and doc.line_of("tail") == 36
    lec = doc["lectures"]
    assert lec.line == 24 and lec.lines == [24, 28, 29, 30, 32, 33]
    assert lec[0].line == 24 and lec[0].key_lines == {"title": 24, "covers": 25}
    assert lec[0]["covers"].line == 25 and lec[0]["covers"].lines == [25, 25, 26]
    assert lec[1].line == 28 and lec[1].line_of("title") == 28
    assert lec[2].line == 29 and lec[2]["n"] == 3
    assert lec[3][1].line == 31 and lec[3][1] == ["deeper"]
    assert lec[4] == lec[5] == "plain"
    assert doc["tail"]["a"][1].line == 36


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "just a string\n",
        "- 1\n- two\n",
        "a: &x {b: 1}\nc: *x\n",  # an alias to a mapping: shared, as PyYAML shares it
        "a: &x 1\nb: &y [2, &z {c: 3}]\n",  # anchors no alias names
        "a: &x [1, 2]\nc: [*x, *x]\n",
        "s: !!set {a, b}\n",
        "o: !!omap [a: 1, b: 2]\n",
        "b: !!binary aGVsbG8=\n",
        "? [a, b]\n: c\n",  # a sequence as a key: refused below, the same way
        "x: !!float 1\n",
    ],
)
def test_rarer_documents_same_as_before(text: str, tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        expected = ref_load(text)
    except (yaml.YAMLError, DataError) as exc:
        with pytest.raises(DataError):
            load_yaml(path)
        return
    got = load_yaml(path)
    if isinstance(expected, (Map, Seq)):
        same(got, expected)
    else:
        assert got == expected and type(got) is type(expected)


def test_impossible_date_stays_a_string(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("date: 2025-02-30\n", encoding="utf-8")
    assert load_yaml(path) == {"date": "2025-02-30"}
    same(load_yaml(path), ref_load("date: 2025-02-30\n"))


def test_alias_lines(tmp_path: Path) -> None:
    # an alias's line is where its anchor's node starts, as PyYAML composes it
    doc = check("a:\n  - &x plain\n  - *x\nb: &m {c: 1}\nd: *m\n", tmp_path)
    assert doc["a"].lines == [2, 2] and doc.key_lines == {"a": 1, "b": 4, "d": 5}


def test_shared_alias_is_one_object(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("a: &x {b: 1}\nc: *x\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc["a"] is doc["c"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "doc.yaml:3: duplicate key 'a'"),
        ("x:\n  - k: 1\n    k: 2\n", "doc.yaml:3: duplicate key 'k'"),
        ("1: a\n'1': b\n", "doc.yaml:2: duplicate key '1'"),
        ("? [a, b]\n: c\n", "doc.yaml:1: unsupported key ['a', 'b']"),
        ("~: a\n", "doc.yaml:1: unsupported key None"),
        ("a: &x [*x]\n", "doc.yaml:1: invalid YAML: a value that holds itself (a recursive alias)"),
        ("a: !!python/name:os.system x\n", "could not determine a constructor"),
        ("<<: {a: 1}\n", "could not determine a constructor for the tag 'tag:yaml.org,2002:merge'"),
        ("a: !!int abc\n", "doc.yaml:1: invalid YAML: invalid literal"),
        ("a: [1, 2\n", "invalid YAML"),
        ("a: *nope\n", "found undefined alias"),
    ],
)
def test_refusals(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((DataError, ValueError)) as exc:
        load_yaml(path)
    assert message in str(exc.value)
    # and the reference refuses it the same way
    with pytest.raises((DataError, yaml.YAMLError, ValueError)) as ref:
        ref_load(text)
    assert type(ref.value).__name__ in {"DataError", "ConstructorError", "ComposerError",
                                        "ParserError", "ScannerError", "ValueError"}
