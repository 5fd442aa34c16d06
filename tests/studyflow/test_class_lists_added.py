"""The class lists a session added wait, with their new students' passwords, for the page that
shows them: shown each time it is opened for a few minutes, then dropped, the page saying whether
they were shown. Pure: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from studyflow.class_lists_added import (
    KEPT,
    Display,
    NewStudent,
    added,
    shown,
    students_of,
)
from studyflow.passwords_waiting import NOT_SHOWN_IN_TIME, SHOWN, WAITS, Held

MADE = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SOON = MADE + timedelta(seconds=2)  # the redirect followed
LIST = "0b0e5a8e-52a4-4a8e-9f1c-1f7f3c2b9d10"
CLASS = 3
ANNA = NewStudent("Anna", "Bos", "anna.bos", "abcdefghjk")
BRAM = NewStudent("Bram", "de Vries", "bram.devries", "mnpqrstuvw")


def test_a_lists_passwords_are_shown_again_while_they_wait() -> None:
    # given a list of two added to class 3, and its page shown
    kept = added({}, LIST, CLASS, [ANNA, BRAM], MADE)
    first, kept = shown(kept, LIST, CLASS, SOON)
    # when the page is shown again within WAITS (reloaded, a double click's second, sent again)
    again, kept = shown(kept, LIST, CLASS, MADE + WAITS - timedelta(seconds=1))
    # then both show the same students with their passwords, in the list's order
    assert first == again == Display(students=(ANNA, BRAM))
    assert again.students is not None and again.students[1].initial_password == "mnpqrstuvw"
    # and the list is kept as it was added, only marked shown
    assert kept[LIST] == {
        "class": CLASS,
        "students": [
            ["Anna", "Bos", "anna.bos", "abcdefghjk"],
            ["Bram", "de Vries", "bram.devries", "mnpqrstuvw"],
        ],
        "made_at": MADE.isoformat(),
        "shown": True,
    }


def test_passwords_shown_then_waiting_too_long_are_dropped_and_said_shown_already() -> None:
    # given a list added and its page shown
    _, kept = shown(added({}, LIST, CLASS, [ANNA], MADE), LIST, CLASS, SOON)
    # when the page is opened once they waited WAITS, then again
    late, kept = shown(kept, LIST, CLASS, MADE + WAITS)
    again, kept = shown(kept, LIST, CLASS, MADE + WAITS + timedelta(hours=1))
    # then neither shows them: each says they were shown already; nothing of them is kept
    assert late == again == Display(shown_already=True)
    assert kept == {LIST: SHOWN} and "abcdefghjk" not in repr(kept)


def test_passwords_never_shown_are_dropped_and_said_not_shown_in_time() -> None:
    # given a list added, its page never opened (the redirect not followed)
    kept = added({}, LIST, CLASS, [ANNA], MADE)
    # when the page is opened once they waited WAITS
    late, kept = shown(kept, LIST, CLASS, MADE + WAITS)
    # then it says they were not shown in time, and nothing of them is kept
    assert late == Display(not_shown_in_time=True)
    assert kept == {LIST: NOT_SHOWN_IN_TIME} and "abcdefghjk" not in repr(kept)


def test_the_page_of_another_class_shows_nothing_and_marks_nothing_shown() -> None:
    # given a list added to class 3
    kept = added({}, LIST, CLASS, [ANNA], MADE)
    # when its id is asked for with class 4
    display, after = shown(kept, LIST, 4, SOON)
    # then nothing is shown, and the list still waits for its own page, unshown
    assert display == Display() and after == kept
    assert shown(after, LIST, CLASS, SOON)[0] == Display(students=(ANNA,))


def test_two_lists_pages_do_not_mix_and_the_newest_lists_are_kept() -> None:
    # given more lists added than are kept, one student each
    kept: dict[str, Held] = {}
    for number in range(KEPT + 5):
        student = NewStudent("Kid", f"Number{number}", f"kid{number}", f"password{number}")
        kept = added(kept, f"list-{number}", CLASS, [student], MADE)
    # then the newest are kept, each its own students
    assert list(kept) == [f"list-{number}" for number in range(5, KEPT + 5)]
    display, _ = shown(kept, "list-7", CLASS, SOON)
    assert display.students is not None and display.students[0].username == "kid7"
    assert shown(kept, "list-4", CLASS, SOON)[0] == Display()


def test_what_this_module_did_not_write_is_left_out() -> None:
    # given a session's value from before (the ids of the lists added, without passwords)
    assert shown([LIST], LIST, CLASS, SOON) == (Display(), {})
    # and entries of other shapes: students not in rows of four, none, a field more
    at = MADE.isoformat()
    for fields in (
        {"class": CLASS, "students": [["Anna", "Bos", "anna.bos"]]},
        {"class": CLASS, "students": [["Anna", "Bos", "anna.bos", 7]]},
        {"class": CLASS, "students": []},
        {"class": CLASS, "students": [["Anna", "Bos", "anna.bos", "abcdefghjk"]], "more": 1},
    ):
        kept = {LIST: {**fields, "made_at": at, "shown": False}}
        display, after = shown(kept, LIST, CLASS, SOON)
        # then none of those is shown, or kept
        assert students_of(fields) is None
        assert display == Display() and after == {}
    # and a class that is not a number is no class's
    assert students_of({"class": "3", "students": [["Anna", "Bos", "a.b", "abcdefghjk"]]}) is None


def test_a_students_password_is_not_in_its_repr() -> None:
    assert "abcdefghjk" not in repr(ANNA) and "abcdefghjk" not in repr(Display((ANNA,)))
