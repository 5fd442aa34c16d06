"""A new password waits in the teacher's session for the one page that shows it, by student; the
form that makes it carries a key of the password it replaces. Pure: no database."""

from __future__ import annotations

from types import SimpleNamespace

from reporting.new_passwords import KEPT, SHOWN, Display, made, shown
from studyflow.services import new_password_key


def test_a_new_password_is_shown_once_then_said_to_be_shown() -> None:
    # given a password made for student 7
    kept = made({}, 7, "abcdefghjk")
    # when its page is shown, then shown again (reloaded, or come back to)
    first, kept = shown(kept, 7)
    again, kept = shown(kept, 7)
    # then the first shows it, the second only that it was shown, and it is no longer kept
    assert first == Display(password="abcdefghjk")
    assert again == Display(shown_already=True)
    assert kept == {"7": SHOWN}


def test_two_students_passwords_do_not_mix() -> None:
    # given passwords made for two students, in either order (two tabs)
    kept = made(made({}, 7, "seven77777"), 8, "eight88888")
    # when the first student's page is shown, then the second's
    seven, kept = shown(kept, 7)
    eight, kept = shown(kept, 8)
    # then each shows its own
    assert seven.password == "seven77777" and eight.password == "eight88888"


def test_a_page_with_no_password_made_shows_none() -> None:
    # given a password made for another student only
    kept = made({}, 8, "eight88888")
    # when student 7's page is shown
    display, after = shown(kept, 7)
    # then it has nothing to show and keeps what there was
    assert display == Display() and after == kept


def test_a_password_made_again_replaces_the_one_waiting_and_the_one_shown() -> None:
    # given a student's password made and shown
    _, kept = shown(made({}, 7, "first22222"), 7)
    # when another is made for them
    kept = made(kept, 7, "second3333")
    # then their page shows the new one, once
    assert shown(kept, 7)[0] == Display(password="second3333")


def test_only_the_newest_students_are_kept() -> None:
    # given passwords made for more students than are kept
    kept: dict[str, str] = {}
    for student in range(KEPT + 5):
        kept = made(kept, student, f"password{student}")
    # then the newest are kept
    assert list(kept) == [str(student) for student in range(5, KEPT + 5)]
    # and one of them made again is the newest, the others all kept
    kept = made(kept, 5, "again55555")
    assert list(kept) == [*(str(student) for student in range(6, KEPT + 5)), "5"]


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
