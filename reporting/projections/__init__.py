"""The reporting projections, registered with the engine (events.projections autodiscovers this
module). Each submodule holds a pure `project` function and its thin `apply`/`reset` writer.
"""

from events.projections import Projection, register

from reporting.projections import class_activity, progress, question_stats, wrong_answers
from reporting.projections import common as c

register(
    Projection(
        name="progress",
        event_types=c.QUIZ_EVENT_TYPES,
        apply=progress.apply,
        reset=progress.reset,
    )
)
register(
    Projection(
        name="question_stats",
        event_types=frozenset({c.QUESTION_ASSIGNED, *c.TRY_TYPES}),
        apply=question_stats.apply,
        reset=question_stats.reset,
    )
)
register(
    Projection(
        name="wrong_answers",
        event_types=frozenset({c.ANSWERED_INCORRECTLY}),
        apply=wrong_answers.apply,
        reset=wrong_answers.reset,
    )
)
register(
    Projection(
        name="class_activity",
        event_types=c.QUIZ_EVENT_TYPES,
        apply=class_activity.apply,
        reset=class_activity.reset,
    )
)
