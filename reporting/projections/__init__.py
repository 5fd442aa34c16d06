"""Reporting projections, registered with the engine when Django starts (autodiscovered).

Each module holds a pure `project` function (events and the current rows of the keys they touch in,
new rows out) and its thin `apply`/`reset` writer. None reads event metadata, so the runner reads
the log without it.
"""

from events.projections import Projection, register
from reporting.projections import class_activity, progress, question_stats, wrong_answers
from reporting.projections import common as c
from reporting.projections.answers import answers

register(answers)
register(
    Projection(
        name="progress",
        event_types=c.QUIZ_EVENT_TYPES,
        apply=progress.apply,
        reset=progress.reset,
        description="Student x chapter: status, streaks, answers, mistakes, time spent.",
        reads_metadata=False,
    )
)
register(
    Projection(
        name="question_stats",
        event_types=frozenset({c.QUESTION_ASSIGNED, *c.TRY_TYPES}),
        apply=question_stats.apply,
        reset=question_stats.reset,
        # 2: the rest scores (students per first try and score on the rest of the chapter)
        version=2,
        description=(
            "Question revision and question x student: counts, first tries, durations; "
            "students per first try and score on the rest of the chapter."
        ),
        reads_metadata=False,
    )
)
register(
    Projection(
        name="wrong_answers",
        event_types=frozenset({c.ANSWERED_INCORRECTLY}),
        apply=wrong_answers.apply,
        reset=wrong_answers.reset,
        # 2: grouped by answer_group ("0,6" and "0.6" one answer), not by spelling; 3: degrees
        # and prices in all their spellings ("7 graden" and "7 °C" one answer, "EUR 5" and "€5"),
        # and a power written "2**7" with "2^7"; 4: degrees typed "7 oC", "7˚" or "7 degrees C",
        # and a price "euro 5", with "7 °C" and "€5"
        version=4,
        description="Question x wrong answer (grouped): count, distinct students, last seen.",
        reads_metadata=False,
    )
)
register(
    Projection(
        name="class_activity",
        event_types=c.QUIZ_EVENT_TYPES,
        apply=class_activity.apply,
        reset=class_activity.reset,
        description="Class x day: answers, active students, time spent; recent-events feed.",
        reads_metadata=False,
    )
)
