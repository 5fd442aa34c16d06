"""Read models. Only projections (reporting/projections/) write these tables."""

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
