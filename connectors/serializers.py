from __future__ import annotations

import base64
import binascii
import re
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from connectors.models import MESSAGE_TYPE_CODES
from kvk.status import status_label
from workflow.models import ApprovalMessage, StatusEvent
from workflow.reasons import public
from workflow.selectors import STAFF_ONLY_ACTIONS
from workflow.services.duplicates import DUPLICATE_KINDS


class PayloadTooLarge(Exception):
    pass


# Standard base64 with padding, as base64.b64decode(validate=True) accepts it.
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class TextOnly:
    """JSON strings only: DRF would otherwise turn a number into text (or a UUID)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Verwacht een tekst (JSON-string)."))
        return super().to_internal_value(data)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: White space inside base64 (searched in C: the content may be megabytes).
_WHITE_SPACE = re.compile(r"\s")


class ProhibitSurrogateCharacters(ProhibitSurrogateCharactersValidator):
    """DRF's check, with the same code and our own message (DRF's Dutch catalogue lacks
    it), without its walk over the text one character at a time in Python (milliseconds
    for an upload's base64 content): ASCII text holds no surrogate, which str.isascii()
    tells at once; other text is searched in C.
    """

    message = gettext_lazy("Surrogaattekens zijn niet toegestaan: U+{code_point:X}.")

    def __call__(self, value) -> None:
        text = str(value)
        if text.isascii():
            return
        match = _SURROGATE.search(text)
        if match is not None:
            message = self.message.format(code_point=ord(match.group()))
            raise serializers.ValidationError(message, code=self.code)


class FastText(serializers.CharField):
    """A CharField whose surrogate check is ProhibitSurrogateCharacters, and whose length
    limit holds for the text as sent, as the schema's maxLength says (DRF would trim white
    space first and accept a longer text)."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators = [
            ProhibitSurrogateCharacters()
            if type(validator) is ProhibitSurrogateCharactersValidator
            else validator
            for validator in self.validators
        ]


class StrictUUIDField(TextOnly, serializers.UUIDField):
    default_error_messages = {"invalid": gettext_lazy("Dit is geen geldige UUID.")}


class StrictRegexField(TextOnly, FastText, serializers.RegexField):
    pass


@extend_schema_field({"type": "string", "enum": list(MESSAGE_TYPE_CODES)})
class MessageTypeField(TextOnly, FastText):
    """The code of a message type; the environment's own configuration decides at upload
    whether it is known, blocked or linked to a workflow."""


@extend_schema_field({"type": "string", "pattern": BASE64_PATTERN, "minLength": 4})
class Base64ContentField(TextOnly, FastText):
    """Base64 text; decoded (and size-checked) by UploadSerializer.validate_content."""


#: A day as the KvK's dates are written (BR-KVK-4.20: YYYY-MM-DD), and nothing else.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class StrictDateField(TextOnly, serializers.DateField):
    """A day written YYYY-MM-DD that exists in the calendar; DRF alone would also take a
    month or day of one digit."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Dit is geen geldige datum; schrijf een bestaande datum als JJJJ-MM-DD."
        )
    }

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str) and not _DAY.fullmatch(value):
            self.fail("invalid")
        return super().to_internal_value(value)


#: Allowed characters of a file name: no path separator, no C0 or C1 control character.
_NAME_CHAR = r"[^/\\\x00-\x1f\x7f-\x9f]"
FILENAME_PATTERN = rf"^{_NAME_CHAR}*[^\s/\\\x00-\x1f\x7f-\x9f]{_NAME_CHAR}*$"


class UploadSerializer(serializers.Serializer):
    message_id = StrictUUIDField(help_text="UUID chosen by the client environment.")
    message_type = MessageTypeField(max_length=50, help_text="Code of the message type.")
    # No path separators and no control characters, and at least one character that is not
    # white space (the field trims it): the name is shown to people and used in file names
    # of downloads. The schema states exactly this, so a schema-valid name is accepted.
    filename = StrictRegexField(
        FILENAME_PATTERN,
        max_length=200,
        error_messages={"invalid": gettext_lazy("Ongeldige bestandsnaam.")},
    )
    content = Base64ContentField(help_text="Base64 of the XBRL instance.")
    proposed_adoption_date = StrictDateField(
        required=False,
        allow_null=True,
        help_text="Optional: the adoption date the client entered with accounts that are not "
        'adopted yet ("Datum vaststelling jaarrekening"; their document carries '
        "DocumentAdoptionStatus Nee or none, and no DocumentAdoptionDate). It fills in the "
        'form where the client ticks "Jaarrekening vastgesteld" in the client portal; '
        "only that tick adopts the accounts and puts the date into the document. Not a fact "
        "of the document: a retry of the same message id keeps the date of the first upload. "
        "Anything but an existing day written YYYY-MM-DD is refused with code invalid.",
    )

    def validate_content(self, value: str) -> bytes:
        # Check the size before decoding so an oversized upload costs no memory twice.
        if len(value) * 3 // 4 > settings.API_MAX_UPLOAD_BYTES + 3:
            raise PayloadTooLarge()
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            if _WHITE_SPACE.search(value):
                # Broken into lines (the base64 command, MIME encoders): say so.
                raise serializers.ValidationError(
                    _(
                        "De inhoud is geen geldige base64: er staan regeleinden of spaties in. "
                        "Stuur de base64 als één regel."
                    )
                )
            raise serializers.ValidationError(_("De inhoud is geen geldige base64."))
        if len(decoded) > settings.API_MAX_UPLOAD_BYTES:
            raise PayloadTooLarge()
        if not decoded:
            raise serializers.ValidationError(_("De inhoud is leeg."))
        return decoded


class ReasonSerializer(serializers.Serializer):
    """One reason of a status (workflow.reasons.public): what a person reads."""

    code = serializers.CharField(
        required=False, help_text="The reason's code (a KvK check, a Digipoort error, ...)."
    )
    message = serializers.CharField(help_text="The sentence, in the reader's language.")


@extend_schema_field(ReasonSerializer(many=True))
class ReasonsField(serializers.JSONField):
    """The reasons as stored, read through workflow.reasons.public by the serializer."""


class ClientHistorySerializer(serializers.ListSerializer):
    """A message's history as the client may read it: without the staff's notes."""

    def to_representation(self, data: Any) -> list:
        items = data.all() if isinstance(data, models.manager.BaseManager) else data
        child = cast(serializers.Serializer, self.child)
        return [
            child.to_representation(item) for item in items if item.action not in STAFF_ONLY_ACTIONS
        ]


class _ClientReadable(serializers.ModelSerializer):
    """A status with its label and the reasons as a client reads them: each reason's
    sentence, never the staff's technical detail."""

    status_label = serializers.SerializerMethodField()

    def to_representation(self, instance: Any) -> dict:
        data = super().to_representation(instance)
        data["reasons"] = public(data.get("reasons"))
        return data


class EventSerializer(_ClientReadable):
    status = serializers.IntegerField(source="to_status")
    reasons = ReasonsField()
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = StatusEvent
        fields = ["sequence", "action", "status", "status_label", "reasons", "at"]
        list_serializer_class = ClientHistorySerializer

    def get_status_label(self, obj: StatusEvent) -> str:
        return status_label(obj.to_status)


class MessageSerializer(_ClientReadable):
    reasons = ReasonsField()

    class Meta:
        model = ApprovalMessage
        fields = [
            "message_id",
            "message_type",
            "filename",
            "financial_year",
            "status",
            "status_label",
            "reasons",
            "document_sha256",
            "created_at",
            "status_changed_at",
            "proposed_adoption_date",
        ]
        # Every answer carries these (the year null until processing reads it, the proposed
        # date null when none came); the model's default and null would otherwise make them
        # optional in the schema.
        extra_kwargs = {
            "status": {"required": True},
            "financial_year": {"required": True},
            "proposed_adoption_date": {
                "required": True,
                "help_text": "The adoption date the portal took from the upload's "
                "proposed_adoption_date, the one that fills in the client portal's "
                '"Jaarrekening vastgesteld" form (where all shareholders are directors the '
                "signing date comes first); null when none was sent. A proposal, not the "
                "adoption: the updates feed's adopted and adoption_date say whether and when "
                "the client adopted. Absent from portals of earlier releases, which ignore "
                "the date.",
            },
        }

    def get_status_label(self, obj: ApprovalMessage) -> str:
        return status_label(obj.status)


#: Shared by every upload response; see message_data().
_MESSAGE_SERIALIZER = MessageSerializer()


def message_data(message: ApprovalMessage) -> dict:
    """What ``MessageSerializer(message).data`` gives, at a twentieth of the CPU: a
    ModelSerializer derives its fields from the model again for every new instance, which
    costs more than the representation itself. The fields are built once here; they keep
    no state per message, so one serializer serves every request and thread."""
    return _MESSAGE_SERIALIZER.to_representation(message)


class MessageDetailSerializer(MessageSerializer):
    history = EventSerializer(source="events", many=True, read_only=True)

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "history"]


class UpdateSerializer(serializers.Serializer):
    message_id = serializers.UUIDField()
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    reasons = ReasonsField()
    sequence = serializers.IntegerField()
    adoption_date = serializers.DateField(
        allow_null=True,
        help_text="The date the accounts were adopted, once the client adopted them.",
    )
    adopted = serializers.BooleanField(
        help_text="Whether the accounts are adopted (DocumentAdoptionStatus Ja). False at 50 "
        "to 80 means they are approved and filed as accounts not adopted (art. 2:394 lid 2 "
        "BW): the adopted accounts follow as a new message, the tweede aanlevering, "
        "without the heraanlevering flag. Absent from portals of earlier releases.",
    )


class UpdatesSerializer(serializers.Serializer):
    updates = UpdateSerializer(many=True)
    cursor = serializers.IntegerField(help_text="Pass as ?since= to get the next changes.")
    more = serializers.BooleanField(
        help_text="True when more changes wait after this page: ask again with the cursor."
    )


class OrganisationSerializer(serializers.Serializer):
    kvk_number = serializers.CharField(
        allow_null=True,
        help_text="The KvK number the accountant recorded for the organisation the token was "
        "issued for; null when none is recorded. Messages whose document carries another "
        "number fail processing (kvk_number_not_yours).",
    )


#: Every ``code`` an error of the client API carries (connectors.api): a client may switch
#: on it; the sentence in ``detail`` is for people.
ERROR_CODES = (
    "token_missing",
    "token_malformed",
    "token_unknown",
    "token_revoked",
    "token_expired",
    "authentication_failed",
    "permission_denied",
    "feature_inactive",
    "connector_blocked",
    "message_type_blocked",
    "message_type_without_workflow",
    "unknown_message_type",
    "unknown_parameter",
    "invalid",
    "invalid_cursor",
    "cursor_ahead",
    "malformed_json",
    "unsupported_media_type",
    "unsupported_encoding",
    "not_acceptable",
    "method_not_allowed",
    "length_required",
    "payload_too_large",
    "not_found",
    "message_id_reused",
    "duplicate_document",
    "throttled",
)


class ErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=ERROR_CODES,
        help_text="Stable, for machines; the detail is for people. Later versions may add "
        "codes: read an unknown one as a general error and show its detail.",
    )
    detail = serializers.CharField(help_text="One sentence, in Dutch or per Accept-Language.")


class ValidationErrorSerializer(ErrorSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # Added here: as a declared field, "errors" would hide Serializer.errors.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="With code invalid: the sentences per field of the request, the same "
            "as detail joins in one line ({field: [sentences]}).",
        )
        return fields


class ConflictSerializer(ErrorSerializer):
    kind = serializers.ChoiceField(
        choices=DUPLICATE_KINDS,
        required=False,
        help_text="Only with code duplicate_document: the message that has the document is "
        "still under way (10 to 70), filed with the KvK (80; a correction goes as a "
        "heraanlevering), rejected by the client (40; the accountant can put it back into "
        "the workflow) or refused by the KvK (90; make new documents).",
    )
    message_id = serializers.UUIDField(
        required=False,
        help_text="Only with code duplicate_document: the message id of the message that has "
        "the document (GetMessageStatus).",
    )
    status = serializers.IntegerField(
        required=False,
        help_text="Only with code duplicate_document: the status of that message when the "
        "upload was refused.",
    )


class CursorAheadSerializer(ErrorSerializer):
    cursor = serializers.IntegerField(
        required=False,
        help_text="Only with code cursor_ahead: the portal's last cursor for the "
        "organisation. The given cursor lies beyond it (after a restore of the portal, say): "
        "start again from 0 to read every message's status, or from this cursor.",
    )
