from __future__ import annotations

import base64
import binascii

from django.conf import settings
from rest_framework import serializers

from kvk.status import status_label
from workflow.models import ApprovalMessage, StatusEvent


class PayloadTooLarge(Exception):
    pass


class UploadSerializer(serializers.Serializer):
    message_id = serializers.UUIDField(help_text="UUID chosen by the client environment.")
    message_type = serializers.CharField(max_length=50)
    filename = serializers.RegexField(
        r"^[^/\\]{1,200}$",
        error_messages={"invalid": "Ongeldige bestandsnaam."},
    )
    content = serializers.CharField(help_text="Base64 of the XBRL instance.", trim_whitespace=True)

    def validate_content(self, value: str) -> bytes:
        # Check the size before decoding so an oversized upload costs no memory twice.
        if len(value) * 3 // 4 > settings.API_MAX_UPLOAD_BYTES + 3:
            raise PayloadTooLarge()
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("De inhoud is geen geldige base64.")
        if len(decoded) > settings.API_MAX_UPLOAD_BYTES:
            raise PayloadTooLarge()
        if not decoded:
            raise serializers.ValidationError("De inhoud is leeg.")
        return decoded


class EventSerializer(serializers.ModelSerializer):
    status = serializers.IntegerField(source="to_status")
    status_label = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = StatusEvent
        fields = ["sequence", "action", "status", "status_label", "reasons", "at"]

    def get_status_label(self, obj: StatusEvent) -> str:
        return status_label(obj.to_status)


class MessageSerializer(serializers.ModelSerializer):
    status_label = serializers.SerializerMethodField()
    reasons = serializers.JSONField()

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
        ]

    def get_status_label(self, obj: ApprovalMessage) -> str:
        return status_label(obj.status)


class MessageDetailSerializer(MessageSerializer):
    history = EventSerializer(source="events", many=True, read_only=True)

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "history"]


class UpdateSerializer(serializers.Serializer):
    message_id = serializers.UUIDField()
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    reasons = serializers.JSONField()
    sequence = serializers.IntegerField()


class UpdatesSerializer(serializers.Serializer):
    updates = UpdateSerializer(many=True)
    cursor = serializers.IntegerField(help_text="Pass as ?since= to get the next changes.")


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
