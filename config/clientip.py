"""The caller's address, the same for throttling, django-axes and the audit trail.

Behind TRUSTED_PROXY_COUNT proxies (the TLS proxy of production) the address is the one the
outermost trusted proxy saw, read from X-Forwarded-For as Django REST framework does with
NUM_PROXIES (set from the same setting); without proxies it is REMOTE_ADDR. A client cannot
choose its address by sending its own X-Forwarded-For: only the entries the trusted
proxies appended count.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import BaseThrottle


def client_ip(request: Any, *args: Any, **kwargs: Any) -> str:
    """The client address of ``request`` (also django-axes' AXES_CLIENT_IP_CALLABLE)."""
    return str(BaseThrottle().get_ident(request) or "")
