"""The learner's profile: what they know (and chose to skip), kept between runs.

The profile is one JSON file in the user's config directory (``platformdirs``;
``$KG_CONFIG_DIR`` overrides it), in the same format the learner's app exports, so a
file moves both ways::

    {"format": "kg-progress", "version": 1,
     "known": ["backpropagation", "linear-algebra"], "skipped": [],
     "goal": "transformers", "from": null}

``kg path``, ``kg next`` and ``kg order`` count the known topics unless ``--no-profile``.

>>> p = Profile(known=["calculus"])
>>> p.to_json()["known"]
['calculus']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import DataError, NotFound, UsageError
from kg.files import write_atomic
from kg.graph import KnowledgeGraph

__all__ = [
    "FORMAT",
    "Profile",
    "config_dir",
    "profile_path",
    "load",
    "save",
    "read",
    "add",
    "remove",
    "clear",
    "import_file",
    "known_topics",
]

FORMAT = "kg-progress"
VERSION = 1


@dataclass
class Profile:
    """Known and skipped topic ids, and the goal (and start) last planned for."""

    known: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    goal: str | None = None
    from_: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The profile as the app and the CLI exchange it (ids sorted)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "known": sorted(set(self.known)),
            "skipped": sorted(set(self.skipped)),
            "goal": self.goal,
            "from": self.from_,
        }

    @classmethod
    def from_json(cls, doc: Any, where: str) -> Profile:
        """A profile from its JSON form; :class:`DataError` naming ``where`` and the bad
        field otherwise."""
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise DataError(f'not a kg progress file (expected "format": "{FORMAT}")', where)
        version = doc.get("version", VERSION)
        if not isinstance(version, int) or version > VERSION:
            raise DataError(f"progress file version {version!r} is newer than this kg reads ({VERSION})", where)

        def ids(key: str) -> list[str]:
            v = doc.get(key, [])
            if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
                raise DataError(f"{key!r} must be a list of topic ids", where)
            return list(dict.fromkeys(v))

        def one(key: str) -> str | None:
            v = doc.get(key)
            if v is not None and not isinstance(v, str):
                raise DataError(f"{key!r} must be a topic id or null, not {v!r}", where)
            return v

        return cls(known=ids("known"), skipped=ids("skipped"), goal=one("goal"), from_=one("from"))


def config_dir() -> Path:
    """``$KG_CONFIG_DIR``, else the platform's user config directory for kg."""
    env = os.environ.get("KG_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs  # only when the profile is touched

    return Path(platformdirs.user_config_dir("kg", appauthor=False))


def profile_path() -> Path:
    """Where the profile lives: ``config_dir() / "profile.json"``."""
    return config_dir() / "profile.json"


def read(path: str | Path) -> Profile:
    """A profile from a file (an export of the app or of ``kg known export``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {str(path)!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not JSON: {exc.msg}", path, exc.lineno) from None
    return Profile.from_json(doc, str(path))


def load(path: str | Path | None = None) -> Profile:
    """The saved profile (an empty one if there is none yet)."""
    path = Path(path) if path is not None else profile_path()
    if not path.exists():
        return Profile()
    return read(path)


def save(profile: Profile, path: str | Path | None = None) -> Path:
    """Write the profile atomically; returns where."""
    path = Path(path) if path is not None else profile_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {str(path.parent)!r}: {exc.strerror or exc}") from None
    write_atomic(path, (json.dumps(profile.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def add(kg: KnowledgeGraph, names: Iterable[str], *, skipped: bool = False) -> tuple[Profile, list[str]]:
    """Add topics (ids, labels or aliases) to the known (or skipped) topics and save.

    Every name is resolved before anything is written. Returns the profile and the ids
    added.
    """
    ids = [kg.resolve_topic(n) for n in names]
    p = load()
    target = p.skipped if skipped else p.known
    new = [t for t in dict.fromkeys(ids) if t not in target]
    target.extend(new)
    if not skipped:
        p.skipped = [t for t in p.skipped if t not in ids]
    save(p)
    return p, new


def remove(kg: KnowledgeGraph | None, names: Iterable[str]) -> tuple[Profile, list[str]]:
    """Remove topics from the known and skipped topics and save; a name that is not in
    the profile is an error (:class:`NotFound`, with the profile's close ids)."""
    p = load()
    held = [*p.known, *p.skipped]
    gone: list[str] = []
    for n in names:
        tid = n if n in held else None
        if tid is None and kg is not None:
            try:
                tid = kg.resolve_topic(n)
            except NotFound:
                tid = None
        if tid is None or tid not in held:
            from kg.build.sources import suggest

            raise NotFound("topic in your profile", n, suggest(n, held))
        gone.append(tid)
    p.known = [t for t in p.known if t not in gone]
    p.skipped = [t for t in p.skipped if t not in gone]
    save(p)
    return p, gone


def clear() -> Profile:
    """Forget everything (the file stays, empty)."""
    p = Profile()
    save(p)
    return p


def import_file(kg: KnowledgeGraph, path: str | Path, *, replace: bool = False) -> tuple[Profile, list[str]]:
    """Read a progress file (e.g. the app's export) into the profile: merged with what
    is there, or replacing it. Topics this graph does not have are left out and
    returned."""
    incoming = read(path)
    have = set(kg.topic_ids())
    missing = [t for t in [*incoming.known, *incoming.skipped] if t not in have]
    p = Profile() if replace else load()
    p.known = list(dict.fromkeys([*p.known, *(t for t in incoming.known if t in have)]))
    p.skipped = list(dict.fromkeys([*p.skipped, *(t for t in incoming.skipped if t in have)]))
    p.skipped = [t for t in p.skipped if t not in p.known]
    if incoming.goal in have:
        p.goal = incoming.goal
    if incoming.from_ in have:
        p.from_ = incoming.from_
    save(p)
    return p, missing


def known_topics(kg: KnowledgeGraph, use_profile: bool = True) -> list[str]:
    """The profile's known topics that this graph has (none with ``use_profile=False``);
    what ``path``, ``next`` and ``order`` add to ``--known``."""
    if not use_profile:
        return []
    p = load()
    if not p.known:
        return []
    have = set(kg.topic_ids())
    return [t for t in p.known if t in have]
