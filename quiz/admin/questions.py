"""The question admin: a question and its content edited as one form.

A question's form shows its current revision's content; saving goes through
`quiz.content.revise_question`, so an edit adds a revision and the old ones stay (read-only inline).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from quiz.admin.revisions import RevisionInline, short_text, with_current_text
from quiz.admin.shared import LabelledAsShown, NamesSchools, NumberedAdmin
from quiz.admin.text_boxes import (
    AnswerLinesField,
    ChoiceLinesField,
    TextBoxField,
    format_choice_lines,
)
from quiz.content import clean_content, create_question, next_number, revise_question
from quiz.models import Question
from studyflow.admin_forms import ChecksACopy
from studyflow.read_only_admin import RefusesDeletion


class QuestionForm(ChecksACopy, LabelledAsShown):
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
        "Write a number without a point or comma for its thousands (10000 or 10 000, not "
        "10.000) and a fraction with a slash (1/2). "
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
