"""A new password waits in the teacher's session for the page that shows it, by student, for a few
minutes: shown each time the page is opened meanwhile, then dropped, the page saying whether it was
shown; the form that makes it carries a key of the password it replaces. Pure: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from reporting.new_passwords import (
    KEPT,
    NOT_SHOWN_IN_TIME,
    SHOWN,
    WAITS,
    Display,
    Held,
    made,
    pruned,
    shown,
)
from studyflow.services import new_password_key

MADE = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SOON = MADE + timedelta(seconds=2)  # the redirect followed


def test_a_new_password_is_shown_again_while_it_waits() -> None:
    # given a password made for student 7, and its page shown
    kept = made({}, 7, "abcdefghjk", MADE)
    first, kept = shown(kept, 7, SOON)
    # when the page is shown again within WAITS (reloaded, come back to, a double click's second)
    again, kept = shown(kept, 7, MADE + WAITS - timedelta(seconds=1))
    # then both show the same password, kept as it was made, only marked shown
    assert first == again == Display(password="abcdefghjk")
    assert kept == {"7": {"password": "abcdefghjk", "made_at": MADE.isoformat(), "shown": True}}


def test_a_password_shown_then_waiting_too_long_is_dropped_and_said_shown_already() -> None:
    # given a password made for student 7, and shown just before it waited WAITS
    kept = made({}, 7, "abcdefghjk", MADE)
    _, kept = shown(kept, 7, MADE + WAITS - timedelta(seconds=1))
    # when the page is opened once it waited WAITS (from when it was made, not shown), then again
    late, kept = shown(kept, 7, MADE + WAITS)
    again, kept = shown(kept, 7, MADE + WAITS + timedelta(hours=1))
    # then neither shows it: each says it was shown already
    assert late == again == Display(shown_already=True)
    # and nothing of it is kept, only that
    assert kept == {"7": SHOWN} and "abcdefghjk" not in repr(kept)


def test_two_students_passwords_do_not_mix() -> None:
    # given passwords made for two students, in either order (two tabs)
    kept = made(made({}, 7, "seven77777", MADE), 8, "eight88888", MADE)
    # when the first student's page is shown, then the second's
    seven, kept = shown(kept, 7, SOON)
    eight, kept = shown(kept, 8, SOON)
    # then each shows its own
    assert seven.password == "seven77777" and eight.password == "eight88888"


def test_a_page_with_no_password_made_shows_none() -> None:
    # given a password made for another student only
    kept = made({}, 8, "eight88888", MADE)
    # when student 7's page is shown
    display, after = shown(kept, 7, SOON)
    # then it has nothing to show and keeps what there was
    assert display == Display() and after == kept


def test_a_password_made_again_replaces_the_one_waiting_and_the_one_shown() -> None:
    # given a student's password made and shown
    _, kept = shown(made({}, 7, "first22222", MADE), 7, SOON)
    # when another is made for them
    kept = made(kept, 7, "second3333", MADE)
    # then their page shows the new one, not yet shown: dropped unshown, it is said so
    assert shown(kept, 7, SOON)[0] == Display(password="second3333")
    assert pruned(kept, MADE + WAITS) == {"7": NOT_SHOWN_IN_TIME}


def test_only_the_newest_students_are_kept() -> None:
    # given passwords made for more students than are kept
    kept: dict[str, Held] = {}
    for student in range(KEPT + 5):
        kept = made(kept, student, f"password{student}", MADE)
    # then the newest are kept
    assert list(kept) == [str(student) for student in range(5, KEPT + 5)]
    # and one of them made again is the newest, the others all kept
    kept = made(kept, 5, "again55555", MADE)
    assert list(kept) == [*(str(student) for student in range(6, KEPT + 5)), "5"]


def test_a_password_is_shown_until_it_waited_too_long() -> None:
    # given a password made for student 7
    kept = made({}, 7, "abcdefghjk", MADE)
    # when its page is opened a moment before it waited WAITS
    display, _ = shown(kept, 7, MADE + WAITS - timedelta(seconds=1))
    # then it is shown
    assert display == Display(password="abcdefghjk")


def test_a_password_never_shown_is_dropped_and_said_not_shown_in_time() -> None:
    # given a password made for student 7, its page not opened (the redirect never followed)
    kept = made({}, 7, "abcdefghjk", MADE)
    # when the page is opened once it waited WAITS, then again
    late, kept = shown(kept, 7, MADE + WAITS)
    again, kept = shown(kept, 7, MADE + WAITS + timedelta(hours=1))
    # then neither shows it: each says it was not shown in time
    assert late == again == Display(not_shown_in_time=True)
    # and nothing of it is kept, only that
    assert kept == {"7": NOT_SHOWN_IN_TIME} and "abcdefghjk" not in repr(kept)


def test_passwords_waiting_too_long_are_dropped_whatever_is_done_next() -> None:
    # given passwords made for students 6 (shown) and 7 (not), and one made for student 8 later
    _, kept = shown(made(made({}, 6, "six6666666", MADE), 7, "seven77777", MADE), 6, SOON)
    kept = made(kept, 8, "eight88888", MADE + timedelta(minutes=5))
    # when the session is pruned once 6's and 7's waited WAITS, or a password is made for 9 then
    at = MADE + WAITS
    for after in (pruned(kept, at), made(kept, 9, "nine999999", at)):
        # then 6's and 7's are dropped, each saying whether it was shown; 8's, younger, still waits
        assert after["6"] == SHOWN and after["7"] == NOT_SHOWN_IN_TIME
        assert "six6666666" not in repr(after) and "seven77777" not in repr(after)
        assert shown(after, 8, at)[0] == Display(password="eight88888")
    # and a pruning with none too old changes nothing
    assert pruned(kept, MADE + timedelta(minutes=6)) == kept


def test_a_password_made_by_a_clock_far_ahead_waits_no_longer() -> None:
    # given a password made when the clock was far ahead, and set right since
    kept = made({}, 7, "abcdefghjk", MADE + timedelta(hours=1))
    # when its page is opened by the right clock
    display, kept = shown(kept, 7, MADE)
    # then it is not shown, and dropped: no password waits longer than WAITS by any clock
    assert display == Display(not_shown_in_time=True) and kept == {"7": NOT_SHOWN_IN_TIME}


def test_what_this_module_did_not_write_is_left_out() -> None:
    # given a session's value of other shapes: a password kept bare, or without its time, or
    # without whether it was shown, or with that not a yes or no; an unknown word
    at = MADE.isoformat()
    kept = {
        "7": "abcdefghjk",
        "8": {"password": "eight88888", "shown": False},
        "9": "what",
        "10": SHOWN,
        "11": {"password": "eleven1111", "made_at": at},
        "12": {"password": "twelve2222", "made_at": at, "shown": "yes"},
    }
    # when pages are shown
    for student in (7, 8, 11, 12):
        display, after = shown(kept, student, MADE)
        # then none of those is shown or kept; what was shown already still says so
        assert display == Display() and after == {"10": SHOWN}


def test_a_forms_key_is_of_the_password_it_replaces() -> None:
    # given a student and their stored password hash
    student = SimpleNamespace(pk=7, password="pbkdf2_sha256$10000$salt$hash")
    key = new_password_key(student)
    # then the key is the same while the password is, and another once it changed
    assert new_password_key(SimpleNamespace(pk=7, password=student.password)) == key
    assert new_password_key(SimpleNamespace(pk=7, password="pbkdf2_sha256$x$y$z")) != key
    # and another student with the same hash has another key; the hash is not in it
    assert new_password_key(SimpleNamespace(pk=8, password=student.password)) != key
    assert "hash" not in key and len(key) == 64
