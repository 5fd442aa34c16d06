"""The release the code says it is (studyflow.__version__, in /api/health/) is UPGRADING.md's
newest: a release bumps both, or this fails."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import studyflow

ROOT = Path(__file__).resolve().parents[2]
UPGRADING = ROOT / "UPGRADING.md"
PYPROJECT = ROOT / "pyproject.toml"
HEADING = re.compile(r"^## The release of (\d{4})-(\d{2})-(\d{2})(?: \((\w+)\))?\s*$")


def newest_release(upgrading: str) -> str:
    """The version of the first "## The release of ..." heading: its date with dots, and the
    time of day of a second release that day after a hyphen."""
    for line in upgrading.splitlines():
        if (found := HEADING.match(line)) is not None:
            year, month, day, part = found.groups()
            return f"{year}.{month}.{day}" + (f"-{part}" if part else "")
    raise ValueError("no '## The release of YYYY-MM-DD' heading")


def test_the_newest_heading_names_the_release() -> None:
    # given an UPGRADING.md with releases newest first, then an older section
    text = (
        "# Upgrading\n\nNewest first:\n\n## The release of 2026-11-28\n\n- a change\n\n"
        "## The release of 2026-11-27 (night)\n\n## Earlier\n"
    )
    # then the version is the first heading's date, with dots
    assert newest_release(text) == "2026.11.28"


def test_a_second_release_of_the_day_carries_its_time_of_day() -> None:
    assert newest_release("## The release of 2026-11-27 (night)\n") == "2026.11.27-night"


def test_without_a_release_heading_nothing_is_guessed() -> None:
    with pytest.raises(ValueError, match="no '## The release of"):
        newest_release("# Upgrading\n\n## Earlier\n")


def test_the_code_is_the_newest_release_of_upgrading_md() -> None:
    assert studyflow.__version__ == newest_release(UPGRADING.read_text(encoding="utf-8"))


def test_the_package_metadata_names_the_same_release() -> None:
    # A second release of a day ("2026.11.27-night") is not a PEP 440 version; the package
    # metadata then names the day's release, the part before the hyphen.
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert project["version"] == studyflow.__version__.split("-")[0]
