"""Test-wide setup: every test run gets its own graph cache and learner profile
directory, never the user's."""

from __future__ import annotations

import os
import tempfile

os.environ["KG_CACHE_DIR"] = tempfile.mkdtemp(prefix="kg-test-cache-")
os.environ["KG_CONFIG_DIR"] = tempfile.mkdtemp(prefix="kg-test-config-")
os.environ.pop("KG_DATA", None)
