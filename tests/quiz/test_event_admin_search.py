"""Staff find a student's events in the event admin by the student's username."""

import uuid

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from quiz import services
from tests.quiz.conftest import World


def staff() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(f"staff-{uuid.uuid4()}", "s@x.nl", "pw"))
    return client


def test_a_username_finds_the_events_of_that_students_quizzes(world: World) -> None:
    # given two students who each started a quiz, and one who answered in it
    mine = services.start_quiz(
        actor=world.student, chapter_id=world.chapter.pk, command_id=uuid.uuid4()
    )
    services.reveal_answer(actor=world.student, quiz_id=mine.quiz.id, command_id=uuid.uuid4())
    theirs = services.start_quiz(
        actor=world.other_student, chapter_id=world.chapter.pk, command_id=uuid.uuid4()
    )
    # when staff search the event log for the first student's username
    listing = staff().get("/admin/events/event/", {"q": world.student.username})
    # then they see every event of that student's quiz, and none of the other's
    html = listing.content.decode()
    assert listing.status_code == 200
    assert html.count(f"quiz-{mine.quiz.id}") == 3  # started, assigned, revealed
    assert f"quiz-{theirs.quiz.id}" not in html
    assert "a student&#x27;s username" in html
    # and the search's help says it finds exact values only: no index serves a part of an id
    assert "Exact values only, a part of one finds nothing" in html


def test_an_unknown_username_finds_nothing_and_times_show_seconds(world: World) -> None:
    # given a quiz's events
    started = services.start_quiz(
        actor=world.student, chapter_id=world.chapter.pk, command_id=uuid.uuid4()
    )
    client = staff()
    # when staff search for a name nobody has
    html = client.get("/admin/events/event/", {"q": "nobody-by-this-name"}).content.decode()
    # then no event is listed
    assert f"quiz-{started.quiz.id}" not in html and "0 events" in html
    # and the plain list shows the events' times to the second, the date and the time each whole
    html = client.get("/admin/events/event/").content.decode()
    at = timezone.localtime(started.events[0].recorded_at)
    assert (
        f'<td class="field-at"><span class="nowrap">{at:%Y-%m-%d}</span> '
        f'<span class="nowrap">{at:%H:%M:%S}</span></td>'
    ) in html
    assert "events/admin.css" in html
