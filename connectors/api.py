"""The CommSvc API for client environments (UploadMessage, GetMessageStatus,
GetUpdatedMessages, and the KvK number of the token's own organisation). One base class
fixes authentication, permission and throttling; every queryset is scoped to the token's
organisation."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, permissions, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView, exception_handler

from config.clientip import client_ip
from connectors import schema as _schema  # noqa: F401  (registers the Bearer scheme)
from connectors import selectors, tasks
from connectors.authentication import (
    ClientTokenAuthentication,
    TooManyFailedAttempts,
    feature_active,
)
from connectors.models import ClientToken
from connectors.serializers import (
    ConflictSerializer,
    CursorAheadSerializer,
    ErrorSerializer,
    MessageDetailSerializer,
    MessageSerializer,
    OrganisationSerializer,
    PayloadTooLarge,
    UpdatesSerializer,
    UploadSerializer,
    ValidationErrorSerializer,
    message_data,
)
from kvk.status import status_label
from workflow import services as workflow_services
from workflow.errors import Conflict
from workflow.models import Actor, ApprovalMessage, StatusEvent
from workflow.reasons import public
from workflow.services.duplicates import DUPLICATE_CODE, duplicate_kind

UPDATES_PAGE_SIZE = 500
MAX_CURSOR = 10**18 - 1  # fits a signed 64-bit integer


class ApiError(exceptions.APIException):
    def __init__(
        self, status_code: int, code: str, detail: str, *, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.error_code = code
        #: More fields of the error body, beside "code" and "detail" (e.g. "kind").
        self.extra = dict(extra or {})


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error of the client API as ``{"code", "detail"}``."""
    if isinstance(exc, Http404):
        exc = ApiError(404, "not_found", _("Bericht niet gevonden."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "error_code", None)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": code or "invalid",
            "detail": _validation_text(exc.detail),
            "errors": _field_errors(exc.detail),
        }
        return response
    default = getattr(exc, "default_code", "error")
    response.data = {
        "code": _error_code(exc, code) or default,
        "detail": _error_text(exc, context.get("request")),
        **getattr(exc, "extra", {}),
    }
    return response


def _validation_text(detail: Any) -> str:
    """A validation error's messages in one line: per field for a dict; the errors of the
    request as a whole (DRF's ``non_field_errors``) without a field name."""
    if isinstance(detail, dict):
        return "; ".join(
            _messages(msgs)
            if field == api_settings.NON_FIELD_ERRORS_KEY
            else f"{field}: {_messages(msgs)}"
            for field, msgs in detail.items()
        )
    return _messages(detail)


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """A validation error's sentences per field, for a client that shows them beside its
    own fields (``detail`` joins them in one line). Errors of the request as a whole are
    in ``detail`` only, never under DRF's key ``non_field_errors``."""
    if not isinstance(detail, dict):
        return {}
    return {
        str(field): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        for field, msgs in detail.items()
        if field != api_settings.NON_FIELD_ERRORS_KEY
    }


def _messages(messages: Any) -> str:
    return " ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))


def _error_text(exc: Exception, request: Request | None) -> str:
    """The sentence for an error: our own for those DRF raises, whose texts are English
    or stilted Dutch (its Dutch catalogue is incomplete and dated)."""
    if isinstance(exc, exceptions.Throttled):
        return _throttled_text(exc)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _(
            "Het mediatype '%(media_type)s' wordt niet ondersteund; stuur JSON "
            "(Content-Type: application/json)."
        ) % {"media_type": getattr(request, "content_type", "")}
    if isinstance(exc, exceptions.NotAcceptable):
        return _(
            "Deze API antwoordt alleen met JSON; vraag in de Accept-header om application/json."
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("De methode %(method)s is hier niet toegestaan.") % {
            "method": getattr(request, "method", "")
        }
    return str(getattr(exc, "detail", exc))


def _throttled_text(exc: exceptions.Throttled) -> str:
    """Too many requests, with the wait in whole seconds (Retry-After says the same)."""
    guessing = isinstance(exc, TooManyFailedAttempts)
    wait: float | None = getattr(exc, "wait", None)  # set by Throttled, missing in its stubs
    if wait is None:
        if guessing:
            return _("Te veel mislukte pogingen met een token; probeer het later opnieuw.")
        return _("Te veel verzoeken met dit token; probeer het later opnieuw.")
    seconds = max(math.ceil(wait), 1)
    if guessing:
        text = ngettext(
            "Te veel mislukte pogingen met een token; probeer het over %(seconds)d seconde "
            "opnieuw.",
            "Te veel mislukte pogingen met een token; probeer het over %(seconds)d seconden "
            "opnieuw.",
            seconds,
        )
    else:
        text = ngettext(
            "Te veel verzoeken met dit token; probeer het over %(seconds)d seconde opnieuw.",
            "Te veel verzoeken met dit token; probeer het over %(seconds)d seconden opnieuw.",
            seconds,
        )
    return text % {"seconds": seconds}


def _error_code(exc: Exception, code: str | None) -> str | None:
    """The API's code for an error DRF raised (its own, unless the error names one)."""
    if isinstance(exc, exceptions.ParseError):
        return code or "malformed_json"
    if isinstance(exc, exceptions.Throttled):
        return "throttled"
    if isinstance(exc, exceptions.NotAuthenticated):
        return code or "token_missing"
    return code


def _conflict_extra(error: Conflict) -> dict[str, Any]:
    """For a copy (duplicate_document): the "kind" of message that has the document, its
    message id and its status, so a client can say what to do and link that message
    without reading the sentence (the code stays the same)."""
    if error.code != DUPLICATE_CODE:
        return {}
    extra: dict[str, Any] = {"kind": duplicate_kind(error.key)}
    for name in ("message_id", "status"):
        if name in error.params:
            extra[name] = error.params[name]
    return extra


def declared_length(request: Request) -> int:
    """The body's length as the client declared it (Content-Length). Django reads a body of
    exactly that length only: a chunked body (Transfer-Encoding, no Content-Length, under
    runserver and gunicorn alike) would arrive empty and every field would seem missing,
    so it is refused with 411, as is a length that is no number. A request with neither
    header has no body (RFC 9112 §6.3), which the fields' own errors then say."""
    raw = str(request.META.get("CONTENT_LENGTH") or "0").strip()
    if request.META.get("HTTP_TRANSFER_ENCODING") or not (raw.isascii() and raw.isdigit()):
        raise ApiError(
            411,
            "length_required",
            _(
                "Het verzoek heeft geen Content-Length; stuur het bericht in één keer met de "
                "header Content-Length (niet in delen met Transfer-Encoding: chunked)."
            ),
        )
    return int(raw)


@csrf_exempt
def unknown_api_path(request: HttpRequest) -> JsonResponse:
    """Any /api/ path no route knows, with any method: the API's JSON 404 rather than the
    portal's HTML page, so a client that got the address wrong reads why."""
    return JsonResponse(
        {
            "code": "not_found",
            "detail": _(
                "Dit adres bestaat niet in de API; de adressen staan in de documentatie op "
                "/api/docs/."
            ),
        },
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def caller(request: Request) -> ClientToken:
    """The client token the request authenticated with (ClientTokenAuthentication)."""
    return cast(ClientToken, request.auth)


class CommSvcAccess(permissions.BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.auth is None:
            return False
        token = caller(request)
        # Switched off, the portal takes no new message; a client still follows those it
        # sent (status, updates, its organisation), so reads go through.
        if request.method not in permissions.SAFE_METHODS and not feature_active(token):
            raise ApiError(
                403,
                "feature_inactive",
                _(
                    "De activering 'Communicatieconnector accordering OutSite' staat uit bij "
                    "uw accountant; er kunnen nu geen berichten worden aangeleverd. Berichten "
                    "die al zijn verzonden, kunt u blijven volgen. Neem contact op met uw "
                    "accountant."
                ),
            )
        connector = token.connector
        if connector.blocked or not connector.commsvc:
            raise ApiError(
                403,
                "connector_blocked",
                _(
                    "De app connector van dit token is geblokkeerd of geeft geen toegang tot "
                    "CommSvcConnector; neem contact op met uw accountant."
                ),
            )
        return True


class ClientTokenThrottle(throttling.SimpleRateThrottle):
    scope = "client_token"

    def get_rate(self) -> str | None:
        # DRF binds THROTTLE_RATES at import; read the rate per request so a settings
        # change (or a test's override) takes effect.
        return cast(str | None, api_settings.DEFAULT_THROTTLE_RATES.get(self.scope))

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = caller(request)
        return f"throttle_token_{token.pk}" if token is not None else None


ERRORS = {
    401: OpenApiResponse(
        ErrorSerializer, description="Token missing, unknown, revoked or expired."
    ),
    403: OpenApiResponse(
        ErrorSerializer,
        description="Connector or message type blocked, or (uploads only) the feature not "
        "activated at the accountant (feature_inactive).",
    ),
    405: OpenApiResponse(ErrorSerializer, description="Method not allowed here."),
    406: OpenApiResponse(ErrorSerializer, description="The Accept header asks for no JSON."),
    429: OpenApiResponse(
        ErrorSerializer,
        description="Too many requests (throttled); the Retry-After header says how many "
        "seconds to wait.",
    ),
}

#: Declares the Retry-After header of a 429 (every operation lists it).
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before asking again.",
)


class SafeJSONParser(parsers.JSONParser):
    """JSON, where nesting too deep for Python's parser is a malformed body (400), not a
    server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("Ongeldige JSON: te diep genest."))
        except exceptions.ParseError as error:
            # DRF's text is "JSON parse error - " and Python's English; the cause it
            # wrapped tells where the JSON broke.
            raise exceptions.ParseError(_malformed_json_text(error.__context__)) from error


def _malformed_json_text(cause: BaseException | None) -> str:
    if isinstance(cause, json.JSONDecodeError) and cause.pos == 0 and cause.doc[:1] == "\ufeff":
        # "Line 1, column 1" would point at a character nobody sees.
        return _(
            "Ongeldige JSON: de tekst begint met een byte order mark (BOM); stuur UTF-8 zonder BOM."
        )
    if isinstance(cause, json.JSONDecodeError):
        return _("Ongeldige JSON op regel %(line)d, kolom %(column)d.") % {
            "line": cause.lineno,
            "column": cause.colno,
        }
    if isinstance(cause, UnicodeDecodeError):
        return _("Ongeldige JSON: de tekst is geen UTF-8.")
    return _("Ongeldige JSON.")


class ClientAPIView(APIView):
    parser_classes = [SafeJSONParser]
    authentication_classes = [ClientTokenAuthentication]
    permission_classes = [CommSvcAccess]
    throttle_classes = [ClientTokenThrottle]

    #: Query parameters the view understands; anything else is refused, not ignored, so a
    #: misspelt parameter never silently changes what a client gets.
    query_parameters: frozenset[str] = frozenset()

    def get_exception_handler(self):  # type: ignore[override]
        return api_exception_handler

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.query_parameters)
        if unknown:
            raise ApiError(
                400,
                "unknown_parameter",
                _("Onbekende parameter: %(names)s.")
                % {"names": ", ".join(repr(name) for name in unknown[:5])},
            )

    def actor(self, request: Request) -> Actor:
        token = caller(request)
        return Actor.for_token(
            organisation_id=token.organisation_id,
            label=f"token {token.prefix}…",
            ip_address=client_ip(request) or None,
        )

    def messages(self, request: Request):
        return ApprovalMessage.objects.filter(organisation_id=caller(request).organisation_id)


class MessageListView(ClientAPIView):
    @extend_schema(
        operation_id="upload_message",
        summary="UploadMessage: register an annual-accounts message",
        request=UploadSerializer,
        parameters=[RETRY_AFTER],
        responses={
            200: OpenApiResponse(MessageSerializer, description="Already registered (retry)."),
            201: MessageSerializer,
            400: OpenApiResponse(
                ValidationErrorSerializer,
                description="Malformed JSON, base64 or type; unknown parameter. With code "
                "invalid, errors gives the sentences per field.",
            ),
            409: OpenApiResponse(
                ConflictSerializer,
                description="Message id reused with other content (message_id_reused), or "
                "the document is one the organisation already sent, in a message still under "
                "way or filed, rejected by the client or refused by the KvK "
                "(duplicate_document, with its kind); the detail names that message. Nothing "
                "is stored.",
            ),
            411: OpenApiResponse(
                ErrorSerializer,
                description="No Content-Length (a chunked body is not read): length_required.",
            ),
            413: OpenApiResponse(ErrorSerializer, description="Content over the size limit."),
            415: OpenApiResponse(
                ErrorSerializer,
                description="No JSON (unsupported_media_type), or a compressed body "
                "(Content-Encoding: gzip, say; unsupported_encoding).",
            ),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding not in ("", "identity"):
            raise ApiError(
                415,
                "unsupported_encoding",
                _(
                    "De inhoud is gecomprimeerd (Content-Encoding: %(encoding)s); stuur de "
                    "JSON zonder compressie."
                )
                % {"encoding": encoding[:40]},
            )
        if declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise self._too_large()
        if not isinstance(request.data, dict):
            # null, an array or a bare value; DRF would say "No data provided" or name a
            # Python type, under the key non_field_errors.
            raise ApiError(400, "invalid", _("Het verzoek moet een JSON-object zijn."))
        serializer = UploadSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except PayloadTooLarge:
            raise self._too_large()
        data = serializer.validated_data
        token = caller(request)
        message_type = selectors.message_type(
            environment_id=token.organisation.environment_id, code=data["message_type"]
        )
        if message_type is None:
            raise ApiError(
                400,
                "unknown_message_type",
                _("Onbekende berichtsoort '%(code)s'.") % {"code": data["message_type"]},
            )
        if message_type.blocked:
            raise ApiError(
                403,
                "message_type_blocked",
                _("Berichtsoort '%(name)s' is geblokkeerd bij uw accountant.")
                % {"name": message_type.name},
            )
        if message_type.workflow_id is None:
            raise ApiError(
                403,
                "message_type_without_workflow",
                _(
                    "Aan berichtsoort '%(name)s' is nog geen workflow gekoppeld; neem "
                    "contact op met uw accountant."
                )
                % {"name": message_type.name},
            )
        try:
            message, created = workflow_services.register_message(
                organisation=token.organisation,
                message_id=data["message_id"],
                message_type=message_type.code,
                filename=data["filename"],
                content=data["content"],
                actor=self.actor(request),
                proposed_adoption_date=data.get("proposed_adoption_date"),
            )
        except Conflict as error:
            raise ApiError(409, error.code, error.message, extra=_conflict_extra(error))
        if created:
            # Processed right away, in one batch with the uploads of the same moment; the
            # periodic job is the safety net.
            transaction.on_commit(tasks.kick_processing)
        return Response(
            message_data(message),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @staticmethod
    def _too_large() -> ApiError:
        limit_mb = settings.API_MAX_UPLOAD_BYTES / (1024 * 1024)
        return ApiError(
            413,
            "payload_too_large",
            _("Het document is groter dan de limiet van %(limit)s MB.")
            % {"limit": f"{limit_mb:g}"},
        )


class MessageDetailView(ClientAPIView):
    @extend_schema(
        operation_id="get_message_status",
        parameters=[
            OpenApiParameter(
                "message_id",
                OpenApiTypes.UUID,
                OpenApiParameter.PATH,
                description="The message id the client chose at upload.",
            ),
            RETRY_AFTER,
        ],
        summary="GetMessageStatus: status, reasons and history of one message",
        responses={
            200: MessageDetailSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Unknown query parameter."),
            404: OpenApiResponse(ErrorSerializer, description="No such message for this client."),
            **ERRORS,
        },
    )
    def get(self, request: Request, message_id: str) -> Response:
        # Matched as text so a malformed id gets the same JSON 404 as an unknown one.
        try:
            message_uuid = uuid.UUID(message_id)
        except ValueError:
            raise ApiError(404, "not_found", _("Bericht niet gevonden."))
        message = (
            self.messages(request)
            .filter(message_id=message_uuid)
            .prefetch_related("events")
            .first()
        )
        if message is None:
            raise ApiError(404, "not_found", _("Bericht niet gevonden."))
        return Response(MessageDetailSerializer(message).data)


class OrganisationView(ClientAPIView):
    @extend_schema(
        operation_id="get_organisation",
        summary="The KvK number of the token's own organisation",
        description="Lets a client environment check, before it sends, that the token belongs "
        "to the administration it sends for (clientside's connection test). Read-only; only "
        "ever the organisation the token was issued for.",
        parameters=[RETRY_AFTER],
        responses={
            200: OrganisationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Unknown query parameter."),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        return Response({"kvk_number": caller(request).organisation.kvk_number})


class MessageUpdatesView(ClientAPIView):
    query_parameters = frozenset({"since"})

    @extend_schema(
        operation_id="get_updated_messages",
        summary="GetUpdatedMessages: status changes after a cursor",
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "integer", "minimum": 0, "maximum": MAX_CURSOR},
                description="Cursor from the last call; 0 (or absent) at first.",
            ),
            RETRY_AFTER,
        ],
        responses={
            200: UpdatesSerializer,
            400: OpenApiResponse(
                CursorAheadSerializer,
                description="Invalid cursor (invalid_cursor), a cursor beyond the portal's "
                "last change (cursor_ahead, with the last cursor: start again from 0 or from "
                "it), or an unknown parameter.",
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("since", "0")
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_CURSOR:
            raise ApiError(
                400, "invalid_cursor", _("De cursor 'since' moet een geheel getal ≥ 0 zijn.")
            )
        since = int(raw)
        # The organisation came with the token (one query): its last sequence number is free.
        last = caller(request).organisation.status_sequence
        if since > last:
            raise ApiError(
                400,
                "cursor_ahead",
                _(
                    "De cursor %(since)s ligt voorbij de laatste wijziging in het portal "
                    "(%(last)s), bijvoorbeeld na het terugzetten van een back-up. Begin "
                    "opnieuw vanaf 0, of vanaf de cursor %(last)s in dit antwoord."
                )
                % {"since": since, "last": last},
                extra={"cursor": last},
            )
        events = list(
            StatusEvent.objects.filter(
                organisation_id=caller(request).organisation_id, sequence__gt=since
            )
            .order_by("sequence")
            .values(
                "sequence",
                "from_status",
                "to_status",
                "reasons",
                "message__message_id",
                "message__adoption_date",
                "message__adopted",
            )[:UPDATES_PAGE_SIZE]
        )
        latest: dict = {}
        for event in events:
            if event["from_status"] == event["to_status"]:
                # An event that leaves the status as it was (adoption, a staff note such as
                # a size-class override) has nothing for the client to mirror; its reasons
                # must not replace those of the status the client shows.
                continue
            latest.pop(event["message__message_id"], None)
            latest[event["message__message_id"]] = event
        updates = [
            {
                "message_id": event["message__message_id"],
                "status": event["to_status"],
                "status_label": status_label(event["to_status"]),
                "reasons": public(event["reasons"]),  # never the staff's technical detail
                "sequence": event["sequence"],
                # The adopted date the filed document carries (set in the client portal).
                "adoption_date": event["message__adoption_date"],
                # False at 50..80: filed as accounts not adopted; the tweede aanlevering
                # with the adopted accounts follows (workflow.services.not_adopted).
                "adopted": event["message__adopted"],
            }
            for event in latest.values()
        ]
        cursor = events[-1]["sequence"] if events else since
        more = len(events) == UPDATES_PAGE_SIZE
        return Response({"updates": updates, "cursor": cursor, "more": more})
