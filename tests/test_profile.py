"""Where the profile lives: kg's own reading of the XDG variables on Linux gives the
directory platformdirs gives, in every case it answers (the others go to platformdirs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from kg import profile


@pytest.mark.parametrize(
    "xdg, home",
    [
        (None, "/home/ada"),
        ("", "/home/ada"),
        ("/tmp/xdg-config", "/home/ada"),
        ("/tmp/xdg-config/", "/home/ada/"),
        ("relative/config", "/home/ada"),
        ("   ", "/home/ada"),
        (None, "relative-home"),
        (None, None),
        ("/tmp/xdg-config", None),
    ],
)
def test_config_dir_is_platformdirs_answer(monkeypatch, xdg, home):
    monkeypatch.delenv("KG_CONFIG_DIR", raising=False)
    for name, value in (("XDG_CONFIG_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    try:
        expected: Path | type[RuntimeError] = Path(platformdirs.user_config_dir("kg", appauthor=False))
    except RuntimeError:  # platformdirs finds no home: kg says the same
        expected = RuntimeError
    if expected is RuntimeError:
        with pytest.raises(RuntimeError):
            profile.config_dir()
    else:
        assert profile.config_dir() == expected


@pytest.mark.skipif(sys.platform != "linux", reason="kg reads the XDG variables itself on Linux only")
def test_config_dir_without_platformdirs_on_linux(tmp_path):
    # The common case costs no platformdirs import (every `kg path` reads the profile).
    code = (
        "import sys; from kg.profile import config_dir; d = config_dir()\n"
        "print(d, 'platformdirs' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("KG_CONFIG_DIR", "XDG_CONFIG_HOME")}
    env["HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.split() == [str(tmp_path / ".config" / "kg"), "False"]


def test_config_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_CONFIG_DIR", str(tmp_path))
    assert profile.config_dir() == tmp_path
    assert profile.profile_path() == tmp_path / "profile.json"
