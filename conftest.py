"""Test-wide setup: every test run gets its own graph cache and learner profile
directory, never the user's, and removes them when it ends."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

for _variable, _prefix in (("KG_CACHE_DIR", "kg-test-cache-"), ("KG_CONFIG_DIR", "kg-test-config-")):
    os.environ[_variable] = _directory = tempfile.mkdtemp(prefix=_prefix)
    atexit.register(shutil.rmtree, _directory, ignore_errors=True)
os.environ.pop("KG_DATA", None)
