"""The class page's pickers of teachers and students, written at once.

Django's two-list picker (filter_horizontal) renders each of its options through a template of its
own. A class page lists every student of the group, each named with their class: the 3,000
students of a school group took most of a second of the page's time (measured in
bench/staff_pages.py), nearly all of it in those templates. This picker is Django's, with the same
HTML, its options written by one format_html_join.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.admin.widgets import FilteredSelectMultiple
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


def option_tags(choices: Iterable[tuple[Any, Any]], selected: Iterable[str]) -> SafeString:
    """The <option>s of a select, as Django's templates write them: one per (value, label), those
    whose value is in `selected` (as text) marked selected, value and label escaped."""
    chosen = set(selected)
    rows = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group of options: only model choices come here
            raise ValueError(f"option groups are not supported, not {label!r}")
        text = str(value)
        rows.append((text, SELECTED if text in chosen else "", label))
    return format_html_join("\n", '<option value="{}"{}>{}</option>', rows)


class QuickFilteredSelectMultiple(FilteredSelectMultiple):
    """Django's FilteredSelectMultiple, its options rendered without a template each."""

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> list[Any]:
        return []  # render() writes the options itself; Django's would build a dict each

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            option_tags(self.choices, widget["value"]),
        )
