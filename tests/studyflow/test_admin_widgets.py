"""The class page's pickers write the HTML Django's own would (no database)."""

from django.contrib.admin.widgets import FilteredSelectMultiple
from django.test.html import parse_html

from studyflow.admin_widgets import QuickFilteredSelectMultiple

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
