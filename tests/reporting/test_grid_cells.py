"""A grid cell as the teacher reads it (pure: no database)."""

import pytest

from reporting.selectors import Cell
from reporting.templatetags.reporting_format import minutes
from reporting.views import cell_html


def test_a_passed_chapter_shows_a_student_stuck_practising_it_again() -> None:
    # given a chapter passed, then practised again until the student got stuck
    stuck_again = Cell(student=1, chapter=2, status="passed", answered=9, mistakes=4, stuck=True)
    # then the cell still says passed, and that the student is stuck now
    html = cell_html(stuck_again)
    assert 'data-status="passed"' in html and "Passed" in html
    assert "stuck practising again" in html
    # and says it outside the numbers, which a phone's narrow grid leaves out
    detail = html[html.index('class="detail"') :]
    assert "stuck" not in detail[: detail.index("</span></span>")]


def test_a_passed_chapter_not_being_struggled_with_says_only_passed() -> None:
    html = cell_html(Cell(student=1, chapter=2, status="passed", answered=5, mistakes=1))
    assert "Passed" in html and "stuck" not in html


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0 min"),
        (None, "0 min"),
        (15, "< 1 min"),
        (29, "< 1 min"),
        (30, "1 min"),
        (150, "3 min"),
    ],
)
def test_time_is_whole_minutes_and_a_little_time_is_not_none(seconds, shown) -> None:
    assert minutes(seconds) == shown
