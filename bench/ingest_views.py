"""The bare cost of the framework, for bench/bench_ingest.py: a token-authenticated DRF POST
that inserts one row. Same authentication, permission, throttle and JSON parsing as the
client API (connectors.api.ClientAPIView), none of the domain work."""

from django.db import connection
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.api import ClientAPIView

TABLE = "bench_ping"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, token_id bigint NOT NULL, "
    "note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
)


class BarePing(ClientAPIView):
    def post(self, request: Request) -> Response:
        note = str(request.data.get("note", ""))[:200]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (token_id, note) VALUES (%s, %s) RETURNING id",  # noqa: S608
                [request.auth.pk, note],
            )
            row_id = cursor.fetchone()[0]
        return Response({"id": row_id}, status=status.HTTP_201_CREATED)
