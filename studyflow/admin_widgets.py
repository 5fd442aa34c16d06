"""The class page's pickers of teachers and students, and the school page's class rows, written at
once.

Django's two-list picker (filter_horizontal) renders each of its options through a template of its
own. A class page lists every student of the group, each named with their class: the 3,000
students of a school group took most of a second of the page's time (measured in
bench/staff_pages.py), nearly all of it in those templates. This picker is Django's, with the same
HTML, its options written by one format_html_join.

A school page has a row for each of its classes, of four <input>s each (the name, and the class,
the school and the delete box Django adds), each also rendered through a template of its own: a
school group's 100 classes, 400 of them, about 0.2 ms each. InputsAtOnce writes them as Django's
template does.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django.contrib.admin.widgets import FilteredSelectMultiple
from django.forms.renderers import DjangoTemplates
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


# Widgets whose template is Django's <input> and nothing else.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("input", "text", "hidden", "checkbox")
)


def escaped(value: Any) -> str:
    """`value` as text in HTML, as the templates write it: escaped, unless it is safe already
    (Django's conditional_escape, without its lazy-text wrapper: it is called 2,000 times a
    page)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def input_tag(widget: dict[str, Any]) -> SafeString:
    """An <input> from a widget's context, as Django's input.html writes it: its value when it has
    one, then its attributes in their order, a True one by its name alone, a False one left out;
    values and names escaped."""
    value = "" if widget["value"] is None else f' value="{escaped(widget["value"])}"'
    attrs = "".join(
        f" {escaped(name)}" if given is True else f' {escaped(name)}="{escaped(given)}"'
        for name, given in widget["attrs"].items()
        if given is not False
    )
    kind, name = escaped(widget["type"]), escaped(widget["name"])
    # Every part escaped above.
    return mark_safe(f'<input type="{kind}" name="{name}"{value}{attrs}>')


class InputsAtOnce(DjangoTemplates):
    """Django's form renderer, but for <input>s, written by input_tag without a template."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_tag(context["widget"])
        return super().render(template_name, context, request)


# One for all forms that use it: each renderer has its own template engine (and its cache).
INPUTS_AT_ONCE = InputsAtOnce()
