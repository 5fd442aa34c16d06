"""Content admin: courses with their chapters, and questions edited as one form.

A question's form shows its current revision's content; saving goes through
`quiz.content.revise_question`, so an edit adds a revision and the old ones stay (read-only inline).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.forms.utils import pretty_name
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from events.admin import register_stream_finder
from quiz import selectors, services
from quiz.content import (
    NoNumberLeft,
    after_the_last,
    clean_content,
    create_question,
    newline_breaks,
    next_number,
    no_number_left,
    number_after,
    revise_question,
)
from quiz.models import (
    Chapter,
    CommandOutcome,
    Course,
    Question,
    QuestionRevision,
)
from studyflow.models import one_line
from studyflow.read_only_admin import ReadOnlyAdmin, RefusesDeletion
from studyflow.taken_meanwhile import FormAgainWhenTaken, RowsUniqueInTheirParent


def parse_choice_lines(text: str) -> list[dict[str, str]]:
    """'A: 1/2' lines to [{"key": "A", "text": "1/2"}]; blank lines are skipped."""
    choices = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, colon, choice_text = line.partition(":")
        if not colon:
            raise ValidationError(f'Line {number} is not "key: text": {line.strip()!r}.')
        choices.append({"key": key.strip(), "text": choice_text.strip()})
    return choices


def format_choice_lines(choices: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['key']}: {c['text']}" for c in choices)


def parse_answer_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class TextBoxField(forms.CharField):
    """A textarea's text with LF line breaks (a browser sends CRLF), and changed only when what it
    says changed: the form's initial value is read as the posted one is, so an unchanged box of
    several lines is not "Changed choices." in the question's history."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        return newline_breaks(super().to_python(value) or "")

    def clean(self, value: Any) -> Any:
        return self.read(super().clean(value))

    def read(self, text: str) -> Any:
        """What the box says, as the form's cleaned data has it."""
        return text

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            return self.read(self.to_python(initial)) != self.read(self.to_python(data))
        except ValidationError:  # a box that cannot be read is a change (the form says why)
            return True


class ChoiceLinesField(TextBoxField):
    def read(self, text: str) -> list[dict[str, str]]:
        return parse_choice_lines(text)


class AnswerLinesField(TextBoxField):
    def read(self, text: str) -> list[str]:
        return parse_answer_lines(text)


def bounds_of(db_field: models.Field[Any, Any]) -> dict[str, Any]:
    """A number form field's arguments that hold it to its model field's bounds: the tightest of
    its validators (a number's, beside a positive integer's 0 and the database's 2,147,483,647),
    each refused with its validator's message, as the model would."""
    if not isinstance(db_field, models.IntegerField):
        return {}
    lowest = [v for v in db_field.validators if isinstance(v, MinValueValidator)]
    highest = [v for v in db_field.validators if isinstance(v, MaxValueValidator)]
    bounds: dict[str, Any] = {}
    refusals: dict[str, Any] = {}
    for argument, limit in (
        ("min_value", max(lowest, key=lambda v: v.limit_value, default=None)),
        ("max_value", min(highest, key=lambda v: v.limit_value, default=None)),
    ):
        if limit is not None:
            bounds[argument] = limit.limit_value
            refusals[argument] = limit.message
    return {**bounds, "error_messages": refusals} if bounds else {}


class NumbersInTheirBounds:
    """An admin (or inline) whose number inputs say their model's bounds to the browser, as min
    and max: a course's, chapter's or question's number (0..MAX_ORDER), a chapter's streak goal
    (1..20). Without them the inputs' arrows went past the bounds, which only the server then
    refused; the form refuses them with the model's own messages."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs = {**bounds_of(db_field), **kwargs}
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class NumberedAdmin(NumbersInTheirBounds, FormAgainWhenTaken):
    """A course's, chapter's or question's admin: its numbers in their bounds, and an empty number
    that a save finds no number left for (another staff member's took the highest since the form
    was checked) is said on the form, as the form says it when it sees that first."""

    taken_meanwhile = (NoNumberLeft,)


class LabelledAsShown(forms.ModelForm):
    """Each field labelled as the form shows it, also in the object's History: Django's history
    names a field by its label, and a field the form declares (not the model's) has none, so
    "Changed Live for students and accepted_answers." mixed the label of one with the name of the
    other. The page shows such a field by its name made readable: so does the history now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.label is None:
                field.label = pretty_name(name)


class LastWhenEmptyForm(LabelledAsShown):
    """A new course or chapter: an empty number puts it after the others (the model's 0 put it
    before them, above "Math basics" on every student's dashboard), or is refused on the form when
    the last has the highest number (NoNumberLeft says why). A number given is kept."""

    goes_after = "the others"
    what = "row"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "order" in self.fields:
            self.initial.pop("order", None)
            self.fields["order"].initial = None
            self.fields["order"].required = False
            self.fields["order"].help_text = f"Empty: after {self.goes_after}."

    def listed_with(self, data: dict[str, Any]) -> QuerySet[Any] | None:
        """The rows an empty number puts this one after (None: not known, the form says why)."""
        raise NotImplementedError

    def number_after_the_last(self) -> int:
        """The number an empty one stands for: after the others (NoNumberLeft when none is)."""
        others = self.listed_with(self.cleaned_data)
        assert others is not None, "a form with errors is not saved"
        return next_number(others, self.what)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        empty = "order" in data and data["order"] is None and self.instance.pk is None
        others = self.listed_with(data) if empty else None
        if others is not None:
            try:
                next_number(others, self.what)  # numbered when saved (save_model)
            except NoNumberLeft as error:
                self.add_error("order", error)
        return data


class CourseForm(LastWhenEmptyForm):
    goes_after = "the last course"
    what = "course"

    def listed_with(self, data: dict[str, Any]) -> QuerySet[Course] | None:
        return Course.objects.all()


class ChapterForm(LastWhenEmptyForm):
    goes_after = "the course's last chapter"
    what = "chapter"

    def listed_with(self, data: dict[str, Any]) -> QuerySet[Chapter] | None:
        course = data.get("course")
        return None if course is None else Chapter.objects.filter(course=course)


class QuestionForm(LabelledAsShown):
    text = TextBoxField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))
    choices = ChoiceLinesField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="For multiple-choice questions only; leave it empty for an open answer. One "
        'choice per line as "key: text", e.g. "A: 3/4".',
    )
    accepted_answers = AnswerLinesField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="One per line. Open questions: every answer that counts as correct "
        "(numbers also match by value, so 0.5 also accepts 0,5 and 1/2; a unit such as "
        "16 cm, 15 cm^2, 25% or €5 accepts the number with that unit or alone, never with "
        "another unit). "
        "Multiple choice: the key of the correct choice (a student picks one; list a "
        "second key only if that choice is right too).",
    )
    worked_answer = TextBoxField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Shown to a student who reveals the answer.",
    )

    class Meta:
        model = Question
        fields = ["chapter", "order", "kind", "live"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        question = self.instance
        if question.pk is None:  # a new question goes last unless told otherwise
            self.initial.pop("order", None)
            self.fields["order"].initial = None
            self.fields["order"].required = False
            self.fields["order"].help_text = "Empty: after the chapter's last question."
        if question.pk is not None and question.current_revision:
            current = question.revisions.get(revision=question.current_revision)
            self.initial.update(
                text=current.text,
                choices=format_choice_lines(current.choices),
                accepted_answers="\n".join(current.accepted_answers),
                worked_answer=current.worked_answer,
            )
        if question.pk is not None:
            # The kind decided how every past answer was checked; another kind is a new question.
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = "Fixed once created; add a new question instead."

    def clean_order(self) -> int | None:
        """A number no other question of the chapter has: the chapter's order, and the demo's
        re-seeding, tell questions apart by it. Empty: there is a number after the chapter's last
        (NoNumberLeft says why not)."""
        order: int | None = self.cleaned_data.get("order")
        chapter = self.cleaned_data.get("chapter")
        if chapter is None:
            return order
        if order is None:
            # Only checked here: saving numbers it (create_question), after one saved meanwhile.
            next_number(Question.objects.filter(chapter=chapter), "question")
            return order
        taken = (
            Question.objects.filter(chapter=chapter, order=order)
            .exclude(pk=self.instance.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if taken is not None:
            raise ValidationError(
                f"Question {taken} of this chapter has number {order} already. Pick another"
                + (", or leave it empty to put this one last." if self.instance.pk is None else ".")
            )
        return order

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            clean_content(
                kind=data["kind"],
                text=data["text"],
                choices=data["choices"],
                accepted_answers=data["accepted_answers"],
                worked_answer=data.get("worked_answer", ""),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data


REVISION_FIELDS = (
    "revision",
    "text",
    "choice_lines",
    "answer_lines",
    "worked_answer",
    "created_at",
    "created_by",
)


def with_current_text(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Each question with its current revision's wording as `text` (one subquery, no query a
    row)."""
    current = QuestionRevision.objects.filter(
        question=OuterRef("pk"), revision=OuterRef("current_revision")
    )
    return questions.annotate(text=Subquery(current.values("text")[:1]))


def short_text(question: Question) -> str:
    text: str = getattr(question, "text", "") or ""
    return text if len(text) <= 80 else text[:77] + "..."


class RevisionInline(admin.TabularInline):
    model = QuestionRevision
    extra = 0
    can_delete = False
    ordering = ["-revision"]
    fields = REVISION_FIELDS
    readonly_fields = REVISION_FIELDS
    verbose_name_plural = "Revision history (read-only; saving the form above adds a revision)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # As the form above writes them, one per line, rather than as stored (JSON).
    @admin.display(description="choices")
    def choice_lines(self, revision: QuestionRevision) -> str:
        return _lines(format_choice_lines(revision.choices or []).splitlines())

    @admin.display(description="accepted answers")
    def answer_lines(self, revision: QuestionRevision) -> str:
        return _lines(revision.accepted_answers)


def _lines(lines: list[str]) -> str:
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "-"


class NamesSchools:
    """The course and chapter pickers name a school's own course with its school (Course.__str__),
    in one query: two schools may each have a course of one title."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "course":
            kwargs.setdefault("queryset", Course.objects.select_related("school"))
        if db_field.name == "chapter":
            kwargs.setdefault("queryset", Chapter.objects.select_related("course__school"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Question)
class QuestionAdmin(NamesSchools, NumberedAdmin, RefusesDeletion):
    form = QuestionForm
    # Events refer to questions by id and revision; a question is retired by making it a draft.
    deletion_refused = (
        "Questions cannot be deleted: past answers refer to them, and stay readable only while "
        "they are kept. To take a question out of quizzes, untick “live for students” on it."
    )
    inlines = [RevisionInline]
    # The wording right after the id: it is what a row is looked for by. Short heads (Django's
    # are in capitals) and short values keep the list within a laptop's screen.
    list_display = [
        "id",
        "current_text",
        "in_chapter",
        "number",
        "kind",  # its display name, as the filter and the form say it ("Multiple choice")
        "is_live",
        "revision",
    ]
    list_filter = ["chapter__course", "chapter", "kind", "live"]
    list_select_related = ["chapter__course__school"]
    search_fields = ["revisions__text"]
    readonly_fields = ["current_revision"]

    class Media:
        css = {"all": ("quiz/admin.css",)}
        js = ("quiz/admin_question.js",)

    fieldsets = [
        (None, {"fields": ["chapter", "order", "kind", "live", "current_revision"]}),
        ("Content", {"fields": ["text", "choices", "accepted_answers", "worked_answer"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return with_current_text(super().get_queryset(request))

    def get_fieldsets(self, request: HttpRequest, obj: Question | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        # Before the first save there is no revision: "Current revision: 0" and an empty
        # history said nothing.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "current_revision"]})
            for name, options in fieldsets
        ]

    def get_inline_instances(
        self, request: HttpRequest, obj: Question | None = None
    ) -> list[admin.options.InlineModelAdmin[Any, Any]]:
        return [] if obj is None else super().get_inline_instances(request, obj)

    @admin.display(description="text")
    def current_text(self, question: Question) -> str:
        return short_text(question)

    # A method, not the field: Django keeps a related object's name on one line ("nowrap"), and
    # "Extra practice (Demo School) / Mental arithmetic" took the text's room.
    @admin.display(description="chapter", ordering="chapter")
    def in_chapter(self, question: Question) -> str:
        return str(question.chapter)

    # Not sortable: the list is in the chapters' order of their questions already, and a sortable
    # head's arrows and rank made the column twice as wide as its numbers.
    @admin.display(description="no.")
    def number(self, question: Question) -> int:
        return question.order

    @admin.display(description="live", boolean=True, ordering="live")
    def is_live(self, question: Question) -> bool:
        return question.live

    @admin.display(description="rev.", ordering="current_revision")
    def revision(self, question: Question) -> int:
        return question.current_revision

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Question], search_term: str
    ) -> tuple[QuerySet[Question], bool]:
        results, _ = super().get_search_results(request, queryset, search_term)
        return results.distinct(), False

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        data = form.cleaned_data
        content = {
            "text": data["text"],
            "choices": data["choices"],
            "accepted_answers": data["accepted_answers"],
            "worked_answer": data.get("worked_answer", ""),
        }
        if not change:
            created = create_question(
                chapter=obj.chapter,
                kind=obj.kind,
                order=data.get("order"),  # None: after the chapter's last
                live=data.get("live", True),
                actor=request.user,
                **content,
            )
            # The admin redirects to and logs `obj`: make it the question just created.
            obj.pk = created.pk
            obj.order = created.order
            obj.current_revision = created.current_revision
            obj._state.adding = False
            return
        obj.save(update_fields=["chapter", "order", "live"])
        revise_question(question=obj, actor=request.user, **content)

    def response_add(
        self, request: HttpRequest, obj: Question, post_url_continue: str | None = None
    ) -> HttpResponse:
        return _same_chapter_next(
            request, obj, super().response_add(request, obj, post_url_continue)
        )

    def response_change(self, request: HttpRequest, obj: Question) -> HttpResponse:
        return _same_chapter_next(request, obj, super().response_change(request, obj))


def _same_chapter_next(
    request: HttpRequest, question: Question, response: HttpResponse
) -> HttpResponse:
    """ "Save and add another" opens the next question's form in the same chapter: questions are
    written a chapter at a time, and an empty chapter picker was one more thing to get wrong."""
    if not isinstance(response, HttpResponseRedirect):
        return response
    if "_addanother" in request.POST:
        path = response["Location"].split("?")[0]
        response["Location"] = f"{path}?chapter={question.chapter_id}"
    elif (
        "_save" in request.POST
        and request.GET.get("chapter")
        and request.user.has_perm("quiz.view_chapter")
    ):
        # Opened from the chapter page ("Add a question to this chapter"): back to it.
        response["Location"] = reverse("admin:quiz_chapter_change", args=[question.chapter_id])
    return response


class KeepsItsQuestions(admin.ModelAdmin):
    """Deleting a course or chapter deletes its questions, which past answers refer to: the
    delete page refuses it with the reason and what to do instead (Django's own page blamed
    missing permissions), and there is no bulk delete. An empty one is deleted as usual."""

    actions = None
    questions_of: str  # the Question lookup naming the course or chapter: "chapter_id"

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        pk = int(object_id) if object_id.isdigit() else 0
        count = Question.objects.filter(**{self.questions_of: pk}).count()
        if not count:
            return super().delete_view(request, object_id, extra_context)
        what = self.model._meta.model_name
        messages.error(
            request,
            f"This {what} has {count} question{'s' if count != 1 else ''}, so it cannot be "
            "deleted: questions are kept, so that every answer ever given to them stays readable. "
            "To take it away from students, untick “live for students” on its questions (the "
            "chapter then leaves their dashboards).",
        )
        return HttpResponseRedirect(reverse(f"admin:quiz_{what}_change", args=[object_id]))


def name_row_fields(form: forms.BaseForm, labels: dict[str, str], row: str) -> None:
    """Django's tabular inline gives a row's inputs no label (its column heads are not labels for
    them): each is named with its row ("Number of question 61"), for a screen reader or voice
    control. `labels` are formats of `row`."""
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].widget.attrs["aria-label"] = label.format(row=row)


class CourseChaptersFormSet(RowsUniqueInTheirParent):
    """The course page's chapter rows: titles that differ in more than case. The rows' forms leave
    the course out of their checks (it is the page's), so the database's constraint would be the
    first to notice; every chapter of the course is a row, so comparing the rows is enough, but
    for a chapter another staff member added meanwhile (RowsUniqueInTheirParent)."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        if form.instance.pk is None:  # a new row: empty goes after the course's last chapter
            form.fields["order"].initial = None
            form.fields["order"].required = False
        title = form.instance.title if form.instance.pk else ""
        name_row_fields(
            form,
            {
                "order": "Number of {row}",
                "title": "Title of {row}",
                "streak_goal": "Streak goal of {row}",
                "DELETE": "Delete {row}",
            },
            f"chapter “{title}”" if title else "the new chapter",
        )

    def clean(self) -> None:
        super().clean()
        seen: dict[str, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            title = data.get("title")
            if not title or data.get("DELETE"):
                continue
            if title.lower() in seen:
                raise forms.ValidationError(
                    f"The chapters “{seen[title.lower()]}” and “{title}” have one title "
                    "(in any case): give each chapter of the course its own."
                )
            seen[title.lower()] = title
        self.number_new_rows()

    def number_new_rows(self) -> None:
        """New rows left without a number go after the others, in the order of the rows; a row
        after the highest number is refused on its number (no number is left for it)."""
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        numbered = [form for form in kept if form.cleaned_data.get("order") is not None]
        last = max(numbered, key=lambda form: form.cleaned_data["order"], default=None)
        for form in kept:
            if form.instance.pk is not None or form.cleaned_data.get("order") is not None:
                continue
            number = number_after(None if last is None else last.cleaned_data["order"])
            if number is None:
                assert last is not None  # no number is left only after one
                title = last.cleaned_data.get("title")
                form.add_error(
                    "order",
                    no_number_left(
                        what="chapter",
                        last=f"the chapter “{title}”" if title else "the last chapter",
                        last_number=last.cleaned_data["order"],
                    ),
                )
                continue
            form.cleaned_data["order"] = form.instance.order = number
            last = form


class OneLineField(forms.CharField):
    """A title as it reads, in the form's own data: "Powers  of ten" (or with a soft line break
    pasted from a word processor) is "Powers of ten" before the rows are compared with each other,
    not only when the model saves it."""

    def to_python(self, value: Any) -> str:
        return one_line(super().to_python(value) or "")


class ChapterFields:
    """A chapter's title is kept on one line."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "title":
            kwargs.update(form_class=OneLineField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class ChapterInline(ChapterFields, NumbersInTheirBounds, admin.TabularInline):
    model = Chapter
    formset = CourseChaptersFormSet
    extra = 0
    fields = ["order", "title", "streak_goal", "question_count"]
    readonly_fields = ["question_count"]
    ordering = ["order", "pk"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Chapter]:
        # One count per page instead of one query per chapter row.
        live = Count("questions", filter=Q(questions__live=True))
        return (
            super().get_queryset(request).annotate(num_questions=Count("questions"), num_live=live)
        )

    @admin.display(description="questions")
    def question_count(self, chapter: Chapter) -> str:
        total = int(getattr(chapter, "num_questions", 0) or 0)
        live = int(getattr(chapter, "num_live", 0) or 0)
        return str(total) if live == total else f"{total} ({live} live)"


@admin.register(Course)
class CourseAdmin(NumberedAdmin, KeepsItsQuestions):
    form = CourseForm
    list_display = ["title", "school", "order"]
    list_filter = ["school"]
    inlines = [ChapterInline]
    questions_of = "chapter__course_id"

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        if obj.order is None:
            obj.order = form.number_after_the_last()
        super().save_model(request, obj, form, change)


class ChapterQuestionsFormSet(forms.BaseInlineFormSet):
    """The chapter page's question rows: each number once (what QuestionForm.clean_order asks of
    a single question). The rows are the chapter's questions, so numbers may be swapped; but for
    one another staff member added since the page was opened, or while it is saved."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        name_row_fields(
            form,
            {"order": "Number of {row}", "live": "{row} live for students"},
            f"Question {form.instance.pk}",
        )

    def clean(self) -> None:
        # Before Django's own check of the rows (the unique constraint's), which said only
        # "Please correct the duplicate data for order" and marked one of the two rows.
        numbered: dict[int, Any] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            order = data.get("order")
            if order is None:
                continue
            if order in numbered:
                first, second = numbered[order].instance.pk, form.instance.pk
                raise forms.ValidationError(
                    f"Questions {first} and {second} both have number {order}. "
                    "Give each question of the chapter its own number."
                )
            numbered[order] = form
        super().clean()
        self.refuse_numbers_of_questions_not_shown(numbered)

    def refuse_numbers_of_questions_not_shown(self, numbered: dict[int, Any]) -> None:
        """A row's number that a question not among the rows has (added since the page was
        opened: the form check of a save that met one added meanwhile, FormAgainWhenTaken)."""
        if not numbered or self.instance.pk is None:  # a new chapter has no questions yet
            return
        shown = [form.instance.pk for form in self.forms if form.instance.pk is not None]
        others = (
            Question.objects.filter(chapter=self.instance, order__in=list(numbered))
            .exclude(pk__in=shown)
            .values_list("order", "pk")
        )
        for order, pk in others:
            numbered[order].add_error(
                "order",
                f"Question {pk} of this chapter has number {order} already (it was added since "
                "this page was opened: reload it to see that question). Pick another.",
            )

    def save_existing_objects(self, commit: bool = True) -> list[Question]:
        if commit:
            self.move_renumbered_rows_past_the_last()
        return super().save_existing_objects(commit)

    def move_renumbered_rows_past_the_last(self) -> None:
        """The rows whose number changes first leave their old numbers, past the chapter's last
        (in one update): saved one by one, a swap's first row met the other's old number in the
        database's unique constraint. Each is then saved with its new number."""
        renumbered = [
            form.instance.pk for form in self.initial_forms if "order" in form.changed_data
        ]
        if not renumbered:
            return
        past = after_the_last(Question.objects.filter(chapter=self.instance))
        # Numbers of one chapter differ, so do these; each is above every number it had before.
        Question.objects.filter(pk__in=renumbered).update(order=F("order") + past)


class QuestionInline(NumbersInTheirBounds, admin.TabularInline):
    model = Question
    formset = ChapterQuestionsFormSet
    extra = 0
    # The wording beside the number: "Question 61" alone did not say which to renumber or draft.
    fields = ["order", "live", "current_text", "kind", "current_revision"]
    readonly_fields = ["current_text", "kind", "current_revision"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return with_current_text(super().get_queryset(request))

    @admin.display(description="text")
    def current_text(self, question: Question) -> str:
        return short_text(question)

    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # questions are added with their content through the question form


@admin.register(Chapter)
class ChapterAdmin(NamesSchools, ChapterFields, NumberedAdmin, KeepsItsQuestions):
    form = ChapterForm
    list_display = ["title", "course", "order", "streak_goal"]
    list_filter = ["course__school", "course"]
    list_select_related = ["course__school"]
    inlines = [QuestionInline]
    questions_of = "chapter_id"
    # The page's "Add a question to this chapter" button (questions are added through their form).
    change_form_template = "admin/quiz/chapter/change_form.html"

    def save_model(self, request: HttpRequest, obj: Chapter, form: Any, change: bool) -> None:
        if obj.order is None:
            obj.order = form.number_after_the_last()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        chapter = form.instance
        live = chapter.questions.filter(live=True).count()
        if 0 < live < chapter.streak_goal:
            messages.warning(
                request,
                f"“{chapter.title}” has {live} live question{'s' if live != 1 else ''} and a "
                f"streak goal of {chapter.streak_goal}: on the way to passing, a student gets "
                "the same question more than once. Add questions or lower the goal.",
            )


@admin.register(CommandOutcome)
class CommandOutcomeAdmin(ReadOnlyAdmin):
    """Read-only: why a student's command changed nothing (support questions)."""

    list_display = ["recorded_at", "command", "actor", "stream_id", "code"]
    list_filter = ["command", "code"]
    search_fields = ["stream_id", "=command_id", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "recorded_at"
    show_full_result_count = False  # one row per refused command: it grows

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a student deletes their outcomes; refusing that refused the student's
        # deletion whenever they had a recent one. An outcome is disposable: without it a
        # re-sent command is decided afresh, as after COMMAND_OUTCOME_DAYS.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


@register_stream_finder
def quizzes_of_username(term: str) -> list[str]:
    """The event admin's search: a student's username finds the events of all their quizzes."""
    student = User.objects.filter(username=term).values_list("pk", flat=True).first()
    if student is None:
        return []
    return [services.stream_id(quiz_id) for quiz_id in selectors.quiz_ids_of(student)]
