"""The security tests' world (an office, its clients, a message at 30, the client's own
environment): the pages walked here show the same objects."""

from tests.security.conftest import client_environment, world

__all__ = ["client_environment", "world"]
