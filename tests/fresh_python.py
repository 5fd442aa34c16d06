"""Python code run in a fresh process of the project: what the site's own settings and logging do
there, unaffected by the test process's set-up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def stderr_of(code: str, **env: str) -> str:
    """Run `code` (dedented) in a fresh process from the project's root, with `env` over this
    process's environment; its stderr (the log). Fails the test if the process fails."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr
