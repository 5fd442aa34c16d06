"""The class page's pickers and the school page's class rows write the HTML Django's own would (no
database)."""

import pytest
from django import forms
from django.contrib.admin.widgets import AdminTextInputWidget, FilteredSelectMultiple
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from studyflow.admin_widgets import INPUTS_AT_ONCE, QuickFilteredSelectMultiple

CHOICES = [
    (1, "Anna de Vries (anna)"),
    (2, "Bram <b>Bakker</b> & co (bram), in 2A (Demo School)"),  # escaped, as Django does
    (10, 'Chris "C" (chris)'),
]


def test_the_picker_writes_what_djangos_picker_writes() -> None:
    for stacked in (False, True):
        for chosen in ([], ["2"], [1, 10]):
            # given Django's picker and the quick one, with the same options and choice
            django = FilteredSelectMultiple("students", stacked, choices=CHOICES)
            quick = QuickFilteredSelectMultiple("students", stacked, choices=CHOICES)
            attrs = {"id": "id_students"}
            # when rendered, then the HTML is the same, element by element
            ours = quick.render("students", chosen, attrs)
            theirs = django.render("students", chosen, attrs)
            assert parse_html(ours) == parse_html(theirs), (ours, theirs)
            # and it needs Django's scripts, as Django's picker does
            assert str(quick.media) == str(django.media)


def test_only_chosen_values_are_selected() -> None:
    html = QuickFilteredSelectMultiple("students", False, choices=CHOICES).render("s", ["1"])
    assert '<option value="1" selected>' in html
    assert '<option value="10">' in html  # "1" is not "10"


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [
        (AdminTextInputWidget(), "2A", {"id": "id_classrooms-0-name", "maxlength": 100}),
        (AdminTextInputWidget(), None, {"id": "id_name", "required": True}),  # a new row's
        (forms.TextInput(), 'R&D "<b>"', {"disabled": False, "aria-describedby": "x_help"}),
        (forms.TextInput(), mark_safe("<i>safe</i>"), {}),  # safe already: written as it is
        (forms.HiddenInput(), 7, {"id": "id_classrooms-0-id"}),
        (forms.HiddenInput(), "", {}),
        (forms.CheckboxInput(), True, {"id": "id_classrooms-0-DELETE"}),
        (forms.CheckboxInput(), False, {"id": "id_classrooms-0-DELETE"}),
    ],
)
def test_a_rows_inputs_are_written_as_djangos_templates_write_them(widget, value, attrs) -> None:
    # given an <input> widget, rendered by Django's own renderer and by the one without templates
    theirs = widget.render("classrooms-0-name", value, dict(attrs), renderer=DjangoTemplates())
    # when rendered without a template
    ours = widget.render("classrooms-0-name", value, dict(attrs), renderer=INPUTS_AT_ONCE)
    # then it is the same HTML, character for character
    assert ours == theirs


def test_other_widgets_are_rendered_by_their_templates() -> None:
    # given a widget whose template is more than an <input> (a select with its options)
    select = forms.Select(choices=[("1", "one"), ("2", "two")])
    # then its HTML is its template's, as with Django's own renderer
    assert select.render("s", "2", renderer=INPUTS_AT_ONCE) == select.render(
        "s", "2", renderer=DjangoTemplates()
    )
