"""Where the profile lives."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from kg import profile


def test_config_dir_is_platformdirs_answer(monkeypatch, tmp_path):
    monkeypatch.delenv("KG_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert profile.config_dir() == Path(platformdirs.user_config_dir("kg", appauthor=False))
    assert profile.config_dir() == tmp_path / "xdg" / "kg"


def test_config_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_CONFIG_DIR", str(tmp_path))
    assert profile.config_dir() == tmp_path
    assert profile.profile_path() == tmp_path / "profile.json"
