"""Read models. Only projections (reporting/projections/) write these tables; everything else reads
them. Ids of students, classes, chapters and questions are plain integers, not foreign keys: a read
model records what happened, even about rows deleted since, and must rebuild in any order.
"""

from django.db import models


class Answer(models.Model):
    """One answer given in a quiz (correct, incorrect or revealed): the base of the reports.

    Keyed by the event's position, so a row exists at most once per event. Ids are plain integers,
    not foreign keys: a read model records what happened, even about rows deleted since.
    """

    class Outcome(models.TextChoices):
        CORRECT = "correct", "Correct"
        INCORRECT = "incorrect", "Incorrect"
        REVEALED = "revealed", "Revealed"

    position = models.BigIntegerField(primary_key=True)
    quiz_id = models.UUIDField()
    student_id = models.IntegerField()
    classroom_id = models.IntegerField(null=True, blank=True)  # the student's class at the time
    course_id = models.IntegerField(null=True, blank=True)
    chapter_id = models.IntegerField()
    question_id = models.IntegerField()
    question_revision = models.IntegerField()
    answer = models.TextField(blank=True)  # as given; empty for a revealed answer
    normalised_answer = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    correct = models.BooleanField()
    seconds_to_answer = models.FloatField(null=True, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["student_id", "answered_at"], name="answer_student_time"),
            models.Index(fields=["classroom_id", "answered_at"], name="answer_class_time"),
            models.Index(fields=["question_id", "outcome"], name="answer_question_outcome"),
            models.Index(fields=["chapter_id", "student_id"], name="answer_chapter_student"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.outcome} q{self.question_id} @{self.position}"


class AnswersQuiz(models.Model):
    """The answers projection's own memory of each quiz's start (its course), because answer events
    carry the chapter but not the course."""

    quiz_id = models.UUIDField(primary_key=True)
    course_id = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.quiz_id} course {self.course_id}"


# --- progress -----------------------------------------------------------------------------------


class StudentProgress(models.Model):
    """One student x chapter: a cell of the class progress grid."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        STUCK = "stuck", "Stuck"
        PASSED = "passed", "Passed"

    student_id = models.IntegerField()
    chapter_id = models.IntegerField(db_index=True)
    course_id = models.IntegerField(null=True)
    classroom_id = models.IntegerField(null=True, help_text="Class of the latest event")
    status = models.CharField(max_length=16, choices=Status.choices)
    stuck = models.BooleanField(default=False)
    streak = models.IntegerField(default=0)
    best_streak = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    correct = models.IntegerField(default=0)
    mistakes = models.IntegerField(default=0)
    reveals = models.IntegerField(default=0)
    quizzes = models.IntegerField(default=0)
    passed_at = models.DateTimeField(null=True)
    first_activity = models.DateTimeField(null=True)
    last_activity = models.DateTimeField(null=True)
    time_spent_ms = models.BigIntegerField(default=0)
    open_quiz_id = models.UUIDField(
        null=True, help_text="The quiz the student is on; empty once it passed"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student_id", "chapter_id"], name="progress_key")
        ]
        verbose_name_plural = "student progress"

    def __str__(self) -> str:
        return f"student {self.student_id} · chapter {self.chapter_id}: {self.status}"


class StudentDay(models.Model):
    """One student x local day: time spent and answers (the student page's chart)."""

    student_id = models.IntegerField()
    day = models.DateField()
    time_spent_ms = models.BigIntegerField(default=0)
    answered = models.IntegerField(default=0)
    correct = models.IntegerField(default=0)
    reveals = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student_id", "day"], name="student_day_key")
        ]

    def __str__(self) -> str:
        return f"student {self.student_id} · {self.day}"


class ProgressClock(models.Model):
    """The time of each student's last event seen by `progress` (for the capped gaps)."""

    student_id = models.IntegerField(primary_key=True)
    last_event_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"student {self.student_id} @ {self.last_event_at}"


# --- question_stats -----------------------------------------------------------------------------


class QuestionStats(models.Model):
    """One question revision: how often assigned, answered, right, wrong, revealed, and how fast."""

    question_id = models.IntegerField()
    revision = models.IntegerField()
    chapter_id = models.IntegerField(db_index=True)
    assigned = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    correct = models.IntegerField(default=0)
    incorrect = models.IntegerField(default=0)
    revealed = models.IntegerField(default=0)
    first_tries = models.IntegerField(default=0)
    first_try_correct = models.IntegerField(default=0)
    seconds_count = models.IntegerField(default=0)
    seconds_sum = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question_id", "revision"], name="question_stats_key")
        ]
        verbose_name_plural = "question stats"

    def __str__(self) -> str:
        return f"question {self.question_id} r{self.revision}"

    @property
    def mean_seconds(self) -> float | None:
        return self.seconds_sum / self.seconds_count if self.seconds_count else None


class QuestionDuration(models.Model):
    """Histogram of seconds to answer per question revision, in whole seconds (for the median)."""

    question_id = models.IntegerField()
    revision = models.IntegerField()
    seconds = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question_id", "revision", "seconds"], name="question_duration_key"
            )
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} r{self.revision}: {self.seconds}s x {self.count}"


class QuestionStudent(models.Model):
    """One question x student: their counts and their first try (item analysis reads these)."""

    question_id = models.IntegerField()
    student_id = models.IntegerField(db_index=True)
    chapter_id = models.IntegerField()
    classroom_id = models.IntegerField(null=True)
    assigned = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    correct = models.IntegerField(default=0)
    incorrect = models.IntegerField(default=0)
    revealed = models.IntegerField(default=0)
    seconds_count = models.IntegerField(default=0)
    seconds_sum = models.FloatField(default=0.0)
    first_try_revision = models.IntegerField(null=True)
    first_try_correct = models.BooleanField(null=True)
    first_try_at = models.DateTimeField(null=True)
    last_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            # The projection's upsert key.
            models.UniqueConstraint(
                fields=["question_id", "student_id"], name="question_student_key"
            )
        ]
        indexes = [
            # The discrimination index reads the first tries of a chapter's questions (by their
            # ids: a question moved to another chapter takes its rows along). Covered, that is an
            # index-only scan (PostgreSQL), where the heap's pages, scattered by the projection's
            # upserts, cost about half the page's query. Not the key's own index: Django makes no
            # unique constraint with `include` on a database without INCLUDE (SQLite), where this
            # one is a plain index.
            models.Index(
                fields=["question_id", "student_id"],
                include=["first_try_correct"],
                name="question_student_first_tries",
            ),
            # For the admin's chapter filter: the rows filed under a chapter (their first event's).
            models.Index(fields=["chapter_id"], name="question_student_chapter"),
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} · student {self.student_id}"


class QuestionRestScore(models.Model):
    """How many students' first try on a question was right (or not) beside a given score on the
    rest of the chapter: their other first tries in it, and how many of those were right. The
    discrimination index is a correlation over these counts, kept up to date by question_stats.
    The chapter is the one the question x student rows are filed under (see question_stats)."""

    chapter_id = models.IntegerField()
    question_id = models.IntegerField()
    correct = models.BooleanField()
    rest_tried = models.IntegerField()
    rest_correct = models.IntegerField()
    students = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The projection's key (it adds to the count), and the question table's read of a
            # chapter.
            models.UniqueConstraint(
                fields=["chapter_id", "question_id", "correct", "rest_tried", "rest_correct"],
                name="question_rest_score_key",
            )
        ]

    def __str__(self) -> str:
        right = "right" if self.correct else "wrong"
        return (
            f"question {self.question_id} {right}, rest {self.rest_correct}/{self.rest_tried}: "
            f"{self.students} students"
        )


# --- wrong_answers ------------------------------------------------------------------------------


class WrongAnswer(models.Model):
    """One question x wrong answer, grouped by quiz.answers.answer_group."""

    question_id = models.IntegerField()
    answer = models.CharField(max_length=500)
    chapter_id = models.IntegerField(db_index=True)
    count = models.IntegerField(default=0)
    students = models.IntegerField(default=0)
    last_seen = models.DateTimeField(null=True)
    example = models.CharField(max_length=500, blank=True, help_text="Last answer as typed")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question_id", "answer"], name="wrong_answer_key")
        ]

    def __str__(self) -> str:
        return f"question {self.question_id}: {self.answer!r} x {self.count}"


class WrongAnswerStudent(models.Model):
    """Who gave a wrong answer, how often: distinct students, and answers narrowed to a class."""

    question_id = models.IntegerField()
    answer = models.CharField(max_length=500)
    student_id = models.IntegerField(db_index=True)
    count = models.IntegerField(default=0)
    last_seen = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question_id", "answer", "student_id"], name="wrong_answer_student_key"
            )
        ]

    def __str__(self) -> str:
        return f"question {self.question_id}: {self.answer!r} by {self.student_id}"


# --- class_activity -----------------------------------------------------------------------------


class ClassDay(models.Model):
    """One class x local day."""

    classroom_id = models.IntegerField()
    day = models.DateField()
    answered = models.IntegerField(default=0)
    correct = models.IntegerField(default=0)
    incorrect = models.IntegerField(default=0)
    revealed = models.IntegerField(default=0)
    quizzes_started = models.IntegerField(default=0)
    quizzes_passed = models.IntegerField(default=0)
    active_students = models.IntegerField(default=0)
    time_spent_ms = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom_id", "day"], name="class_day_key")
        ]

    def __str__(self) -> str:
        return f"class {self.classroom_id} · {self.day}"


class ClassDayStudent(models.Model):
    """One class x day x student who was active (distinct active students per day)."""

    classroom_id = models.IntegerField()
    day = models.DateField()
    student_id = models.IntegerField()
    answered = models.IntegerField(default=0)
    time_spent_ms = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom_id", "day", "student_id"], name="class_day_student_key"
            )
        ]

    def __str__(self) -> str:
        return f"class {self.classroom_id} · {self.day} · student {self.student_id}"


class ActivityClock(models.Model):
    """The time of each student's last event seen by `class_activity`."""

    student_id = models.IntegerField(primary_key=True)
    last_event_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"student {self.student_id} @ {self.last_event_at}"


class ClassFeedItem(models.Model):
    """A recent event of a class, for the live feed (the newest FEED_KEEP per class). Filed under
    the class of the quiz's start; read by student, for the class the student is in now."""

    classroom_id = models.IntegerField()
    position = models.BigIntegerField()
    at = models.DateTimeField()
    student_id = models.IntegerField()
    chapter_id = models.IntegerField()
    type = models.CharField(max_length=64)
    question_id = models.IntegerField(null=True)
    correct = models.BooleanField(null=True)
    answer = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom_id", "position"], name="class_feed_key")
        ]
        indexes = [
            # The projection's trim: a class's FEED_KEEP-th newest item and the older range.
            models.Index(fields=["classroom_id", "-at", "-position"], name="class_feed_recent"),
            # The feed as a teacher reads it: the items of the class's current students, wherever
            # they are filed (a student who moved class goes on in a quiz of their old class).
            models.Index(fields=["student_id", "-at", "-position"], name="class_feed_student"),
        ]

    def __str__(self) -> str:
        return f"class {self.classroom_id} · {self.type} @ {self.at}"
