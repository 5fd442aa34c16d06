"""Staff read access to the event log, cursor-paged in commit-safe order."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from events import store
from studyflow.api import errors
from studyflow.permissions import IsStaff

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


@extend_schema_serializer(component_name="Event")
class EventOutputSerializer(serializers.Serializer):
    """One recorded event (shared by /api/events/ and /api/quizzes/{id}/events/)."""

    position = serializers.IntegerField()
    stream_id = serializers.CharField()
    version = serializers.IntegerField()
    type = serializers.CharField()
    schema_version = serializers.IntegerField()
    # The metaclass moves declared fields off the class, so this does not shadow Serializer.data.
    data = serializers.DictField()  # type: ignore[assignment]
    metadata = serializers.DictField()
    event_id = serializers.UUIDField()
    recorded_at = serializers.DateTimeField(default_timezone=UTC)  # as studyflow.api.UTC_TIME


class EventListApi(APIView):
    permission_classes = [IsStaff]

    class FilterSerializer(serializers.Serializer):
        cursor = serializers.CharField(required=False, allow_blank=True, max_length=500)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT
        )
        type = serializers.ListField(
            child=serializers.CharField(max_length=200), required=False, max_length=50
        )
        stream = serializers.CharField(required=False, max_length=200)

    @extend_schema_serializer(component_name="EventPage")
    class OutputSerializer(serializers.Serializer):
        results = EventOutputSerializer(many=True)
        next_cursor = serializers.CharField(
            help_text=(
                "Pass back as `cursor` for the next page. An empty page means you are caught up: "
                "poll again later with the same cursor."
            )
        )

    @extend_schema(
        operation_id="events_list",
        summary="All events in commit-safe order (staff)",
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR, description="Opaque; from next_cursor."),
            OpenApiParameter("limit", OpenApiTypes.INT, description="1..1000, default 100."),
            OpenApiParameter(
                "type", OpenApiTypes.STR, many=True, description="Only these event types."
            ),
            OpenApiParameter("stream", OpenApiTypes.STR, description="Only this stream id."),
        ],
        responses={200: OutputSerializer, **errors(400, 401, 403, 503)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        # An empty parameter is one not given, as on the API's other lists (query_params reads
        # a QueryDict so; this dict is built by hand for the comma-separated types).
        raw: dict[str, Any] = {
            key: params[key] for key in ("cursor", "limit", "stream") if params.get(key, "") != ""
        }
        types = [t for value in params.getlist("type") for t in value.split(",") if t.strip()]
        if types:
            raw["type"] = [t.strip() for t in types]
        filters = self.FilterSerializer(data=raw)
        filters.is_valid(raise_exception=True)
        query = filters.validated_data
        try:
            page = store.read_all(
                after=query.get("cursor") or None,
                limit=query["limit"],
                types=query.get("type") or None,
                stream_id=query.get("stream") or None,
            )
        except store.InvalidCursor as error:
            # A cursor the store cannot decode (tampered, truncated, from another system). The
            # other inputs are validated above; anything else is a bug and must not pass as one.
            raise exceptions.ValidationError({"cursor": ["Not a valid cursor."]}) from error
        body = {"results": page.events, "next_cursor": page.cursor}
        return Response(self.OutputSerializer(body).data)
