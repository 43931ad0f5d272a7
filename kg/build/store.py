"""The embedded graph store and its build cache.

The graph (ontology + curated data + any ``*.ttl`` in the data directory) is compiled
into an on-disk pyoxigraph store under the cache directory, keyed by a fingerprint of
every source file's content and of the code that builds it. Opening a cached store is a
read-only RocksDB open (milliseconds, whatever the graph size); a changed source makes a
new fingerprint and a rebuild. A build writes into a temporary directory that is renamed
into place only when complete, so a failed build leaves nothing behind and concurrent
readers never see a half-written store.
"""

from __future__ import annotations

import gc
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import collector
from kg.errors import DataError, KGError, StoreError

# Opening a built store is every query command's start-up: what only a build (or a
# changed source) needs is imported where it is used (hashlib, re, shutil, fcntl,
# traceback, tempfile, logging, kg.build.cycles, kg.build.sources ...).

if TYPE_CHECKING:
    from kg.build.sources import Sources

__all__ = [
    "package_dir",
    "build_code",
    "default_data_dir",
    "ontology_files",
    "cache_root",
    "fingerprint",
    "cache_key",
    "source_files",
    "Built",
    "build_store",
    "open_fresh",
    "open_store",
]

# Bump when the shape of the built graph changes without a source change.
_FORMAT = "kg-store-2"  # 2: the manifest lists the store files
_KG = Path(__file__).resolve().parent.parent  # the kg package
_IMPORT = r"^\s*(?:from\s+kg((?:\.\w+)*)\s+import\s+([\w, ()]+)|import\s+kg((?:\.\w+)+))"
# A stamp is trusted only for files last changed longer ago than this: a file changed
# twice within one tick of the file system's clock could keep its size and times.
_SETTLED_NS = 2_000_000_000


def package_dir() -> Path:
    """The installed ``kg`` package."""
    return _KG


def _module_file(dotted: str) -> Path | None:
    base = _KG.joinpath(*dotted.split(".")) if dotted else _KG
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def build_code() -> list[Path]:
    """The modules a build runs: the ``kg.build`` package and every kg module it imports,
    followed transitively. The cache key hashes them, so moving a helper between modules
    still invalidates stale stores without a hand-kept list."""
    import re

    pattern = re.compile(_IMPORT, re.M)
    todo = sorted((_KG / "build").glob("*.py"))
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            if m.group(3):
                names = [m.group(3).lstrip(".")]
            else:
                pkg = (m.group(1) or "").lstrip(".")
                names = [pkg] + [f"{pkg}.{n}".lstrip(".") for n in re.findall(r"\w+", m.group(2))]
            for name in names:
                found = _module_file(name)
                if found is not None and found not in seen:
                    todo.append(found)
    return sorted(seen)


def _shipped(name: str) -> Path:
    # A wheel carries data/ and ontology/ inside the package; a source checkout (or an
    # editable install) has them beside it.
    inside = _KG / name
    return inside if inside.is_dir() else _KG.parent / name


def default_data_dir() -> Path:
    """``$KG_DATA`` if set, else the data shipped with kg."""
    env = os.environ.get("KG_DATA")
    return Path(env) if env else _shipped("data")


def _ending(directory: Path, suffix: str) -> list[Path]:
    # sorted(directory.glob("*" + suffix)) without compiling a pattern: opening a store
    # lists the sources on every run, and the globs' regular expressions were most of it.
    try:
        with os.scandir(directory) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(suffix))
    except OSError:
        return []
    return [directory / name for name in names]


def ontology_files() -> list[Path]:
    return _ending(_shipped("ontology"), ".ttl")


def cache_root() -> Path:
    """``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``."""
    env = os.environ.get("KG_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kg"


def source_files(data_dir: Path) -> list[Path]:
    """Every file the graph is built from, in a stable order (for fingerprints)."""
    files: list[Path] = []
    files += _ending(data_dir / "topics", ".yaml")
    for name in ("books.yaml", "readings.yaml"):
        if (data_dir / name).is_file():
            files.append(data_dir / name)
    files += _ending(data_dir / "courses", ".yaml")
    files += _ending(data_dir, ".ttl")
    return files


def _inputs(data_dir: Path, code: list[Path] | None = None) -> list[tuple[str, Path]]:
    """What a build reads, each with the name it has in the fingerprint: the sources,
    the ontology, then the build code (``code``, default :func:`build_code`)."""
    files = [(f"data/{p.relative_to(data_dir).as_posix()}", p) for p in source_files(data_dir)]
    files += [(f"ontology/{p.name}", p) for p in ontology_files()]
    files += [(f"code/{p.relative_to(_KG).as_posix()}", p) for p in (build_code() if code is None else code)]
    return files


def _hash(files: list[tuple[str, Path]]) -> str:
    import hashlib

    h = hashlib.sha256(_FORMAT.encode())
    for name, path in files:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
        h.update(name.encode() + b"\0" + len(content).to_bytes(8, "big") + content)
    return h.hexdigest()


def fingerprint(data_dir: Path) -> str:
    """A hash of everything a build reads: sources, ontology and the build code."""
    return _hash(_inputs(data_dir))


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def cache_key(data_dir: Path, cache: Path | None = None) -> str:
    """:func:`fingerprint` of ``data_dir``, without reading a file when none changed.

    Reading and hashing every source and module costs more than opening the store, so
    each computed fingerprint is kept in a stamp in the cache (``stamps/``) with the
    size, times and inode of every file it read. When the same files (the same source,
    ontology and ``kg/build`` listings, the same kg modules) all still stat the same,
    the stamp's fingerprint is the answer; any difference, or no stamp, computes it
    afresh. A stamp is only written when every file was last modified more than two
    seconds before, so that two writes within one tick of the file system's clock
    cannot hide the second.
    """
    data_dir = Path(data_dir)
    stamp_file, who = _stamp_file(cache or cache_root(), data_dir)
    listed = _inputs(data_dir, code=[])  # sources and ontology: the listings are cheap
    try:
        stamp = json.loads(stamp_file.read_text(encoding="utf-8"))
        code = [_KG / name for name in stamp["code"]]
        if (
            stamp["who"] == who
            and stamp["listed"] == [name for name, _ in listed]
            and set(_ending(_KG / "build", ".py")) <= set(code)
        ):
            paths = [p for _, p in listed] + code
            key = stamp["key"]
            if isinstance(key, str) and [_stat(p) for p in paths] == stamp["stats"]:
                return key
    except (OSError, ValueError, KeyError, TypeError):
        pass
    files = _inputs(data_dir)
    stats = [_stat(p) for _, p in files]  # before reading: a later change shows in them
    key = _hash(files)
    now = time.time_ns()
    if all(st is not None and now - st[1] > _SETTLED_NS for st in stats):
        stamp = {
            "who": who,
            "key": key,
            "listed": [name for name, _ in listed],
            "code": [p.relative_to(_KG).as_posix() for _, p in files[len(listed):]],
            "stats": stats,
        }
        tmp = stamp_file.with_name(f".{stamp_file.name}.{os.getpid()}")
        try:
            stamp_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(stamp), encoding="utf-8")
            os.replace(tmp, stamp_file)
        except OSError:  # a read-only cache: computed again next time
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
    return key


def _stamp_file(cache: Path, data_dir: Path) -> tuple[Path, str]:
    """The stamp of ``data_dir`` read by this kg package, and whom it is for."""
    import zlib

    who = f"{data_dir.resolve()}\0{_KG}"
    return cache / "stamps" / f"{zlib.crc32(who.encode()):08x}.json", who


@dataclass
class Built:
    """A store ready for queries, and what is known about how it was made."""

    store: ox.Store
    data_dir: Path
    key: str
    path: Path | None  # None for an in-memory store (cache unavailable)
    manifest: dict[str, Any]
    rebuilt: bool


def _prepare(data_dir: Path) -> tuple[Sources, dict[str, Any]]:
    """Load and check every source and parse every Turtle file, so that any error
    surfaces before a store is created on disk."""
    from kg.build.sources import load_sources

    src = load_sources(data_dir)
    for path in src.turtle:
        _turtle(path)
    manifest = {
        "format": _FORMAT,
        "data_dir": str(data_dir.resolve()),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "topics": len(src.topics),
        "courses": len(src.courses),
        "lectures": sum(len(c.lectures) for c in src.courses.values()),
        "readings": len(src.readings),
        "books": len(src.books),
        "chapters": sum(len(b.chapters) for b in src.books.values()),
        "prerequisites": sum(len(t.requires) for t in src.topics.values()),
        "turtle_files": [p.name for p in src.turtle],
    }
    return src, manifest


def _turtle(path: Path) -> list[ox.Quad]:
    try:
        return [
            ox.Quad(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        ]
    except SyntaxError as exc:
        raise DataError(f"invalid Turtle: {_syntax(exc)}", path, _line(exc)) from None
    except (UnicodeDecodeError, ValueError):
        raise DataError("not valid UTF-8 Turtle", path) from None


def _fill(store: ox.Store, src: Sources, manifest: dict[str, Any], scratch: Path | None) -> dict[str, Any]:
    """Bulk-load the ontology, the Turtle files and the data graph into ``store``, then
    add what the ontology entails. The data graph streams as N-Triples text through
    ``scratch`` (a file next to the store), or through memory when there is no directory
    to write to; no Python object is made per triple except while the entailments read
    the loaded store's statements of the few predicates they need. The facts derived from the ``kg:requires`` graph are added
    after the acyclicity check (:func:`_derive`)."""
    from kg.build.entail import entailed, relevant_predicates
    from kg.build.rdf import ntriples

    for path in [*ontology_files(), *src.turtle]:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    if scratch is None:
        store.bulk_load("".join(ntriples(src)).encode(), format=ox.RdfFormat.N_TRIPLES)
    else:
        with scratch.open("w", encoding="utf-8", newline="\n") as f:
            f.writelines(ntriples(src))
        store.bulk_load(path=str(scratch), format=ox.RdfFormat.N_TRIPLES)
        scratch.unlink()
    # The RDFS types and statements kg's ontology entails (kg:Topic ⊑ skos:Concept, ...).
    ontology = [q for path in ontology_files() for q in _turtle(path)]
    # Only the statements that can entail or be entailed: one index range per predicate.
    data = (q for p in relevant_predicates(ontology) for q in store.quads_for_pattern(None, p, None, ox.DefaultGraph()))
    extra = list(entailed(ontology, data))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in extra)
    return {**manifest, "triples": len(store)}


def _derive(store: ox.Store, edges: list[tuple[str, str]], manifest: dict[str, Any]) -> None:
    """Add the facts derived from the (checked, acyclic) ``kg:requires`` graph
    (:mod:`kg.build.derive`), replacing any a Turtle file states (a reloaded export)."""
    from kg.build.derive import derived, stated

    with collector.paused():
        old = list(stated(store))
        for quad in old:
            store.remove(quad)
        extra = list(derived(store, edges))
        store.bulk_extend(extra)
    manifest["triples"] += len(extra) - len(old)


def _plan_index(store: ox.Store, path: Path, key: str) -> bool:
    """Write the plan index of the built ``store`` (:mod:`kg.build.planindex`); whether
    the graph could be indexed."""
    from kg.build.planindex import write_plan_index

    with collector.paused():
        return write_plan_index(store, path, key)


def _syntax(exc: SyntaxError) -> str:
    msg = str(exc.args[0] if exc.args else exc)
    return msg.split(": ", 1)[1] if msg.startswith("Parser error at line") else msg


def _line(exc: SyntaxError) -> int | None:
    return exc.lineno if isinstance(exc.lineno, int) else None


def build_store(data_dir: Path, *, force: bool = False, cache: Path | None = None) -> Built:
    """Open the cached store for ``data_dir``, building it first when stale.

    The cache heals itself: a cached store that fails to open or to verify (a file
    truncated or deleted since it was built) is rebuilt, with one warning line on the
    ``kg.build`` logger. Builders of one cache take turns (a file lock), so two
    processes building at once cannot spoil each other's work; leftover ``.build-*``
    directories of a killed build are removed by the next build.

    Raises
    ------
    DataError
        When a source file is invalid; nothing is written to the cache then.
    CycleError
        When the merged graph (YAML and Turtle) has a ``kg:requires`` cycle.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"data directory {str(data_dir)!r} does not exist")
    if not source_files(data_dir):
        raise DataError(
            f"data directory {str(data_dir)!r} has no data files "
            "(expected topics/*.yaml, courses/*.yaml, readings.yaml, books.yaml or *.ttl)"
        )
    key = cache_key(data_dir, cache)
    root = (cache or cache_root()) / "graphs"
    final = root / key[:24]
    if not force:
        found = _open_cached(final, data_dir, key)
        if found is not None:
            return found
    with collector.paused():
        src, prepared = _prepare(data_dir)  # every data error surfaces before the cache is touched
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = _BuildLock(root.parent / "graphs.lock")
    except OSError:
        return _build_in_memory(data_dir, key, src, prepared)
    with lock:
        if not force:  # another process may have built it while we waited
            found = _open_cached(final, data_dir, key, warn=False)
            if found is not None:
                return found
        _remove_stale_builds(root)
        return _build_cached(data_dir, key, root, final, src, prepared)


def _build_in_memory(data_dir: Path, key: str, src: Sources, prepared: dict[str, Any]) -> Built:
    # No writable cache: build in memory, every time.
    from kg.build.cycles import check_acyclic

    store = ox.Store()
    with collector.paused():
        manifest = _fill(store, src, prepared, None)
    edges = check_acyclic(store, [data_dir / name for name in prepared["turtle_files"]])
    _derive(store, edges, manifest)
    return Built(store, data_dir, key, None, manifest, rebuilt=True)


def _build_cached(
    data_dir: Path, key: str, root: Path, final: Path, src: Sources, prepared: dict[str, Any]
) -> Built:
    import shutil
    import tempfile
    import traceback

    from kg.build.cycles import check_acyclic

    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    store: ox.Store | None = None
    try:
        store = ox.Store(str(tmp / "store"))
        with collector.paused():
            manifest = _fill(store, src, prepared, tmp / "data.nt")
        edges = check_acyclic(store, [data_dir / name for name in prepared["turtle_files"]])
        _derive(store, edges, manifest)
        manifest["key"] = key
        manifest["plan_index"] = _plan_index(store, tmp / "plan-index", key)
        store.flush()
        del store
        manifest["store_files"] = _store_files(tmp / "store")
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        if final.exists():  # forced, or a damaged entry: we hold the lock, replace it
            shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
    except BaseException as exc:
        # Close RocksDB before removing its files: an open store's background threads
        # can write into the directory while it is being removed. The traceback's frames
        # (check_acyclic's, _fill's) hold the store too, so their locals are cleared.
        store = None
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(root, final, manifest["data_dir"])
    try:
        store = ox.Store.read_only(str(final / "store"))
    except OSError as exc:
        raise StoreError(f"cannot open the built store in {final}: {' '.join(str(exc).split())}") from None
    return Built(store, data_dir, key, final, manifest, rebuilt=True)


def _store_files(store_dir: Path) -> dict[str, int]:
    """The size of each table file of a store, recorded so truncation can be seen."""
    return {p.name: p.stat().st_size for p in _ending(store_dir, ".sst")}


def _open_cached(final: Path, data_dir: Path, key: str, *, warn: bool = True) -> Built | None:
    """The cached store in ``final`` if it opens and verifies; ``None`` (after one
    warning line when an entry was there but damaged) otherwise."""
    manifest_file = final / "manifest.json"
    if not manifest_file.is_file():
        if warn and (final / "store").exists():
            _warn("kg: warning: the cached graph in %s has no manifest; rebuilding it", final)
        return None
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("manifest is not an object")
        expected = manifest.get("store_files")
        if not isinstance(expected, dict):
            raise ValueError("manifest lists no store files")
        found = _store_files(final / "store")
        if found != expected:
            missing = sorted(set(expected) - set(found)) or sorted(n for n in found if found[n] != expected.get(n))
            raise ValueError(f"store file {(missing or ['?'])[0]} is missing or changed size")
        store = ox.Store.read_only(str(final / "store"))
    except (OSError, ValueError, RuntimeError) as exc:
        if warn:
            reason = " ".join(str(exc).split())
            reason = reason if len(reason) <= 100 else reason[:97] + "..."
            _warn("kg: warning: the cached graph in %s is damaged (%s); rebuilding it", final, reason)
        return None
    return Built(store, data_dir, key, final, manifest, rebuilt=False)


def _warn(msg: str, *args: object) -> None:
    """One warning line on the ``kg.build`` logger."""
    import logging

    logging.getLogger("kg.build").warning(msg, *args)


class _BuildLock:
    """An exclusive ``flock`` on a file in the cache: one builder at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def __enter__(self) -> _BuildLock:
        import fcntl

        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        import fcntl

        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def _remove_stale_builds(root: Path) -> None:
    """Remove ``.build-*`` directories: with the lock held, no build is running, so any
    left are from a build that was killed."""
    import shutil

    for entry in root.glob(".build-*"):
        shutil.rmtree(entry, ignore_errors=True)


def _prune(root: Path, keep: Path, data_dir: str) -> None:
    """Remove older builds of the same data directory."""
    import shutil

    for entry in root.iterdir():
        if entry == keep or entry.name.startswith("."):
            continue
        try:
            m = json.loads((entry / "manifest.json").read_text())
        except (OSError, ValueError):
            continue
        if isinstance(m, dict) and m.get("data_dir") == data_dir:
            shutil.rmtree(entry, ignore_errors=True)


def open_fresh(data_dir: Path) -> Built | None:
    """The cached store for ``data_dir`` when it is there and fresh, else ``None``.

    Never builds and never warns: for opening a store ahead of need (``kg path`` opens
    it while networkx imports), where :func:`build_store` then does whatever else is
    needed and reports what is wrong.
    """
    try:
        data_dir = Path(data_dir)
        if not data_dir.is_dir():
            return None
        key = cache_key(data_dir)
        return _open_cached(cache_root() / "graphs" / key[:24], data_dir, key, warn=False)
    except (KGError, OSError, ValueError):
        return None


def open_store(data_dir: Path | None = None, *, force: bool = False) -> Built:
    return build_store(data_dir or default_data_dir(), force=force)
