"""Read-only admin for the event log: look, never touch."""

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import F, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html

from events import admin_counts
from events.admin_counts import EstimatedCountPaginator, too_deep
from events.models import Event
from studyflow.read_only_admin import ReadOnlyAdmin


def pretty(value: Any) -> str:
    return format_html(
        '<pre class="event-json">{}</pre>',
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False),
    )


# A stream id in the list: "quiz-" and the first 8 hex digits of its quiz id tell quizzes apart.
STREAM_SHOWN = 13

# Other apps name the streams a search term means to them (quiz: a student's username -> the
# student's quizzes), so the event log needs no knowledge of their data.
StreamFinder = Callable[[str], Iterable[str]]
_stream_finders: list[StreamFinder] = []


def register_stream_finder(finder: StreamFinder) -> StreamFinder:
    if finder not in _stream_finders:
        _stream_finders.append(finder)
    return finder


def streams_named_by(term: str) -> list[str]:
    return [term, *(stream for finder in _stream_finders for stream in finder(term))]


# The event types the apps append (quiz: its domain's). The "By type" filter lists these: the
# distinct types of the log took a read of every event on each view of the list.
_event_types: set[str] = set()


def register_event_types(types: Iterable[str]) -> None:
    _event_types.update(types)


def breakable_type(event_type: str) -> str:
    """An event type free to break after its app's dot only ("quiz.<wbr>QuestionAnsweredCorrectly"):
    in a narrow column a long type name would otherwise be cut mid-word or widen the column, as
    the name has no other place to break."""
    if "." not in event_type:
        return event_type
    app, _, name = event_type.partition(".")
    return format_html("{}.<wbr>{}", app, name)


def types_to_look_for(chosen: Iterable[str], appended: Iterable[str]) -> list[str]:
    """The chosen types no app appends (an old type, or a typo in the address), in the order
    chosen: whether the log holds any of them is not known without looking."""
    known = set(appended)
    return [event_type for event_type in chosen if event_type not in known]


def no_events_of(types: Iterable[str]) -> str:
    """The message of a list by types no event has."""
    named = list(types)
    kind = "type" if len(named) == 1 else "types"
    return (
        f"No event in the log is of the {kind} {', '.join(named)}, so none is listed. The types"
        " the apps append are under “By type”."
    )


class EventTypeFilter(admin.AllValuesFieldListFilter):
    """The "By type" filter: the types the apps append (register_event_types) and the one chosen,
    if another (an old link), its long type names broken after the dot (breakable_type)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookup_choices: Any = sorted(_event_types.union(self.lookup_val or ()))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event] | None:
        # A type no app appends and no event has (a typo in the address) was looked for by each
        # of the page's queries (its list, its count, its dates), every one a read of the whole
        # log with no index on type to find it: 0.6 s at a million events. Whether the log has
        # any of it is asked once; EXISTS stops at the first event of a type the log does hold.
        chosen = list(self.lookup_val or ())
        absent = [
            event_type
            for event_type in types_to_look_for(chosen, _event_types)
            if not Event.objects.filter(type=event_type).exists()
        ]
        if absent:
            messages.warning(request, no_events_of(absent))
        if chosen and len(absent) == len(chosen):
            return queryset.none()  # the page's queries read nothing of the log
        return super().queryset(request, queryset)

    def choices(self, changelist: Any) -> Iterator[Any]:  # Any: the stubs type a choice privately
        for choice in super().choices(changelist):
            display = choice["display"]
            if isinstance(display, str):
                choice = {**choice, "display": breakable_type(display)}
            yield choice


class EventChangeList(ChangeList):
    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if getattr(self.paginator, "past_deepest", False):
            deepest = admin_counts.DEEPEST_PAGE
            messages.warning(request, too_deep(self.page_num, deepest, self.list_per_page))

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        queryset = super().get_queryset(request, exclude_parameters)
        dated = any(name.startswith("recorded_at__") for name in self.params)
        if not dated or self.params.get(ORDER_VAR):
            return queryset
        return queryset.filter(**newest_position_bound(queryset))


def newest_position_bound(events: QuerySet[Event]) -> dict[str, int]:
    """`position__lte` the newest event of a list of events by date, unless the list holds the
    log's newest events (then nothing).

    Listed newest first by position, the events of a month or a year long past were found by
    reading back from the newest event of the log, past every later one (0.25 s of query for a
    year half the log back, more as the log grows): no index orders by position within a range
    of dates. Told where the list's newest event is, PostgreSQL reads back from there. That
    position is found from the index on (recorded_at, position) alone ("+ 0" keeps the primary
    key's order out of it). A list at the log's newest end (this year, today) needs no bound, and
    is spared finding it."""
    newest_listed = events.aggregate(at=Max("recorded_at"))["at"]
    newest = Event.objects.aggregate(at=Max("recorded_at"))["at"]
    if newest_listed is None or newest_listed >= newest:
        return {}
    last = events.aggregate(last=Max(F("position") + 0))["last"]
    return {} if last is None else {"position__lte": last}


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    deletion_refused = (
        "Events cannot be deleted: the event log is append-only (the database refuses it too), "
        "and every report is computed from it."
    )
    # The schema version is on an event's page (it matters to upcasters, not to reading the log);
    # a stream shows short, as a link to its events, and a long type and the time may take two
    # lines, so the row fits a laptop's screen beside the sidebar and the filters.
    list_display = ("position", "at", "event_type", "version", "stream")
    list_filter = (("type", EventTypeFilter), ("recorded_at", admin.DateFieldListFilter))
    search_fields = ("=stream_id",)  # shows the search box; get_search_results does the lookups
    # Exact only: a part of an id would need an index the log does not have (every append would
    # pay for it), so a partial id finds nothing; the help says so before staff wonder why.
    search_help_text = (
        "Exact values only, a part of one finds nothing: a quiz id, a whole stream id (a"
        " quiz's is quiz-<quiz id>), an event id, or a student's username (their quizzes)."
    )
    ordering = ("-position",)
    date_hierarchy = "recorded_at"
    list_per_page = 100
    show_full_result_count = False  # counting millions of events on every page view is slow
    # The list's own count, too, is the planner's estimate when the list is long (admin_counts).
    paginator = EstimatedCountPaginator
    fields = (
        "position",
        "transaction_id",
        "stream_id",
        "version",
        "type",
        "schema_version",
        "event_id",
        "recorded_at",
        "pretty_data",
        "pretty_metadata",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ("events/admin.css",)}

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return EventChangeList

    @admin.display(description="recorded at", ordering="position")
    def at(self, event: Event) -> str:
        # To the second, in the site's time zone: the order of a student's actions shows. The
        # date and the time each stay whole where the column is too narrow for both on a line.
        at = timezone.localtime(event.recorded_at)
        return format_html(
            '<span class="nowrap">{}</span> <span class="nowrap">{}</span>',
            date_format(at, "DATE_FORMAT"),  # the admin's one way (studyflow/formats)
            time_format(at, "TIME_FORMAT"),
        )

    @admin.display(description="type", ordering="type")
    def event_type(self, event: Event) -> str:
        return breakable_type(event.type)

    @admin.display(description="stream", ordering="stream_id")
    def stream(self, event: Event) -> str:
        shown = event.stream_id
        if len(shown) > STREAM_SHOWN + 1:
            shown = shown[:STREAM_SHOWN] + "…"
        query = urlencode({"q": event.stream_id})
        return format_html('<a href="?{}">{}</a>', query, shown)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Event], search_term: str
    ) -> tuple[QuerySet[Event], bool]:
        # Exact lookups only: the admin's own "=" search compares UPPER(...), which no index serves.
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            event_id = uuid.UUID(term)
        except ValueError:
            return queryset.filter(stream_id__in=streams_named_by(term)), False
        # A UUID: the event with that id, or a stream named by it, or the quiz of that id (the id
        # the pages and the API show, without the stream's prefix).
        streams = [term, str(event_id), f"quiz-{event_id}"]
        return queryset.filter(Q(event_id=event_id) | Q(stream_id__in=streams)), False

    @admin.display(description="data")
    def pretty_data(self, event: Event) -> str:
        return pretty(event.data)

    @admin.display(description="metadata")
    def pretty_metadata(self, event: Event) -> str:
        return pretty(event.metadata)
