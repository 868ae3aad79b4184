"""The one HTTP client for the accountant's portal (CommSvc API)."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any

import requests


@dataclass
class PortalError(Exception):
    """A failed call; ``retryable`` says whether trying again later can help."""

    code: str
    message: str
    retryable: bool
    http_status: int | None = None

    def __str__(self) -> str:
        return self.message


class PortalClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict]:
        url = f"{self.base_url}/api/v1/{path}"
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise PortalError(
                "timeout", f"Het portal ({self.base_url}) antwoordt niet op tijd.", retryable=True
            )
        except requests.ConnectionError:
            raise PortalError(
                "unreachable",
                f"Het portaladres {self.base_url} is niet bereikbaar. Controleer "
                "het deelnemernummer of het eigen portaladres.",
                retryable=True,
            )
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            code = body.get("code", f"http_{response.status_code}")
            detail = body.get("detail") or response.reason or "Onbekende fout"
            retryable = response.status_code in (408, 429) or response.status_code >= 500
            raise PortalError(
                code,
                f"{detail} (HTTP {response.status_code})",
                retryable,
                http_status=response.status_code,
            )
        return response.status_code, body

    def upload(
        self, *, message_id: uuid.UUID, message_type: str, filename: str, content: bytes
    ) -> dict:
        _, body = self._call(
            "POST",
            "messages/",
            json={
                "message_id": str(message_id),
                "message_type": message_type,
                "filename": filename,
                "content": base64.b64encode(content).decode("ascii"),
            },
        )
        return body

    def status(self, message_id: uuid.UUID) -> dict:
        return self._call("GET", f"messages/{message_id}/")[1]

    def updates(self, since: int) -> tuple[list[dict], int]:
        body = self._call("GET", "messages/updates/", params={"since": since})[1]
        return body["updates"], int(body["cursor"])
