"""Quiz content: courses, chapters, questions and their immutable revisions.

A question's wording and answers live in QuestionRevision rows that are never changed or deleted:
quiz events name a (question_id, question_revision) pair, so every past event stays interpretable
after an edit. Edit through `quiz.content.revise_question`, which adds a revision.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from studyflow.models import NamedUniquely, one_line

MIN_STREAK_GOAL = 1
MAX_STREAK_GOAL = 20

# The highest number of a course, chapter or question. Numbers only sort (a school has tens of
# courses and hundreds of questions to a chapter), so five digits leave room to number in tens or
# hundreds; and the chapter page's renumbering, which first moves rows past the last number
# (quiz.admin.chapters: at most twice this, plus one), stays far below PostgreSQL's integer: up to
# its 2,147,483,647, numbers over a billion made that move fail with a server error.
MAX_ORDER = 99_999


def order_field() -> "models.PositiveIntegerField[int, int]":
    """A course's, chapter's or question's number: 0 up to MAX_ORDER (0 was the model's default
    before an empty number came to mean "after the last", so rows may have it)."""
    return models.PositiveIntegerField(
        default=0,
        validators=[
            MaxValueValidator(
                MAX_ORDER, message=f"Use a number up to {MAX_ORDER}: numbers only set the order."
            )
        ],
    )


class Course(NamedUniquely):
    name_field = "title"

    # Unique among the courses one school's people see (the constraints and clean() below, and
    # on PostgreSQL an exclusion constraint, quiz 0015): two schools may each have their own
    # "Extra practice", but neither beside a shared one.
    title = models.CharField(max_length=200)
    order = order_field()
    # A school's own course is for that school's classes only; most courses are for every school.
    school = models.ForeignKey(
        "studyflow.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        help_text=(
            "Empty: every school's students practise it and every teacher sees it. A school: only "
            "the students and teachers of that school's classes do."
        ),
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            # "wiskunde KLAS 1" beside "Wiskunde klas 1" is a typo, not a second course.
            models.UniqueConstraint(
                Lower("title"),
                condition=models.Q(school__isnull=True),
                name="course_unique_shared_title_any_case",
                violation_error_message="There is a course of this title already (in any case).",
            ),
            models.UniqueConstraint(
                models.F("school"),
                Lower("title"),
                condition=models.Q(school__isnull=False),
                name="course_unique_school_title_any_case",
                violation_error_message=(
                    "This school has a course of this title already (in any case)."
                ),
            ),
        ]

    def __str__(self) -> str:
        # Two schools may each have a course of one title: a school's own is named with its
        # school, so that staff picking a course (a chapter's, in the admin) can tell them apart.
        if self.school_id is None:
            return self.title
        return f"{self.title} ({self.school})"

    def clean(self) -> None:
        self.title = one_line(self.title)
        clash = self.title_seen_beside()
        if clash is not None:
            raise ValidationError({"title": clash})

    def title_seen_beside(self) -> str | None:
        """Why this title cannot be used where the course is seen, beyond the constraints: a
        school's own course beside a shared one of that title (its people would see two), or a
        shared course beside any school's own. Checked on save in the admin, and by PostgreSQL's
        exclusion constraint (quiz 0015, which Django's model state does not know: SQLite has
        none), which refuses the second of two saves at once; the admin then checks the form
        again (FormAgainWhenTaken), and this says why."""
        # Lower() on both sides, as the constraints compare.
        others = (
            Course.objects.alias(lower_title=Lower("title"))
            .filter(lower_title=Lower(models.Value(self.title)))
            .exclude(pk=self.pk)
        )
        if self.school_id is not None:
            if others.filter(school__isnull=True).exists():
                return "There is a course for every school of this title already (in any case)."
            return None
        schools = sorted(
            others.filter(school__isnull=False).values_list("school__name", flat=True).distinct()
        )
        if schools:
            owners = (
                f"{schools[0]} has a course of its own"
                if len(schools) == 1
                else f"{', '.join(schools)} have courses of their own"
            )
            return f"{owners} of this title (in any case): a course for every school needs another."
        return None


class Chapter(NamedUniquely):
    name_field = "title"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="chapters")
    title = models.CharField(max_length=200)
    order = order_field()
    streak_goal = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(MIN_STREAK_GOAL), MaxValueValidator(MAX_STREAK_GOAL)],
        help_text=(
            "Correct answers in a row that pass the chapter's quiz. A change applies to quizzes "
            "started after it; a quiz already open keeps the goal it started with."
        ),
    )

    class Meta:
        ordering = ["course__order", "course_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "title"], name="chapter_unique_title"),
            models.UniqueConstraint(
                models.F("course"),
                Lower("title"),
                name="chapter_unique_title_any_case",
                violation_error_message=(
                    "This course has a chapter of this title already (in any case)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(streak_goal__gte=MIN_STREAK_GOAL)
                & models.Q(streak_goal__lte=MAX_STREAK_GOAL),
                name="chapter_streak_goal_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} / {self.title}"

    def clean(self) -> None:
        self.title = one_line(self.title)


class QuestionKind(models.TextChoices):
    OPEN = "open", "Open answer"
    CHOICE = "choice", "Multiple choice"


class Question(models.Model):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.OPEN)
    order = order_field()
    # Number of the revision students get now; 0 only in the instant before the first revision.
    current_revision = models.PositiveIntegerField(default=0, editable=False)
    live = models.BooleanField(
        "live for students",
        default=True,
        help_text=(
            "Ticked: quizzes put this question to students. Untick it to keep the question a "
            "draft while you write or check it."
        ),
    )

    class Meta:
        ordering = ["chapter", "order", "pk"]
        # No "delete": past quiz events name questions, so they are kept (a draft retires one);
        # a "Can delete question" among a user's permissions would promise what never happens.
        default_permissions = ("add", "change", "view")
        constraints = [
            # Staff tell a chapter's questions apart by their number (so does the demo's
            # re-seeding): two staff adding "#3" at once left the chapter with two. Not deferrable
            # (SQLite has no such constraint): the chapter page's renumbering saves in two steps.
            models.UniqueConstraint(
                fields=["chapter", "order"],
                name="question_unique_number_in_chapter",
                violation_error_message="This chapter has a question of this number already.",
            ),
        ]

    def __str__(self) -> str:
        return f"Question {self.pk} ({self.chapter.title} #{self.order})"


class ImmutableRevision(Exception):
    """A saved question revision was about to be changed or deleted."""


class QuestionRevisionQuerySet(models.QuerySet["QuestionRevision"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableRevision("Question revisions are immutable; add a new revision instead.")

    def delete(self) -> NoReturn:
        raise ImmutableRevision("Question revisions are never deleted.")


class QuestionRevision(models.Model):
    # PROTECT: a question with revisions cannot be deleted, since events may refer to them.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveIntegerField()
    text = models.TextField()
    # [{"key": "A", "text": "..."}] for choice questions, [] for open ones.
    choices = models.JSONField(default=list, blank=True)
    # Open: the accepted answers as written; choice: the keys of the correct choices.
    accepted_answers = models.JSONField(default=list)
    worked_answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = QuestionRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["question", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "revision"], name="question_revision_unique"
            ),
            models.CheckConstraint(condition=models.Q(revision__gte=1), name="revision_from_one"),
        ]

    def __str__(self) -> str:
        return f"Question {self.question_id} revision {self.revision}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRevision("Question revisions are immutable; add a new revision instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableRevision("Question revisions are never deleted.")


class CommandOutcome(models.Model):
    """A quiz command that appended nothing: it was rejected, or it was a start that returned the
    student's open quiz. Re-sending the command (same command id) returns this outcome again, where
    deciding afresh could now apply it: an answer refused while no question was open must not
    answer the question opened since. Commands that appended are found by their events instead.
    Kept for COMMAND_OUTCOME_DAYS (a daily task forgets older ones): a later re-send is decided
    afresh.
    """

    command_id = models.UUIDField(primary_key=True)
    command = models.CharField(max_length=40)  # the command's class: StartQuiz, AnswerQuestion, ...
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stream_id = models.CharField(max_length=200)
    version = models.PositiveIntegerField()  # the quiz's version when it was decided
    chapter_id = models.PositiveIntegerField(null=True, blank=True)  # StartQuiz: its chapter
    code = models.CharField(max_length=40, blank=True)  # the rejection's code; blank: not rejected
    message = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.command} {self.command_id}: {self.code or 'returned the open quiz'}"
