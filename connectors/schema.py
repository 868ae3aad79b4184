"""OpenAPI description of the client token, so /api/schema/ declares the Bearer scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "connectors.authentication.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token issued by the accountant for one client environment "
            "(shown once at creation).",
        }


def canonical_paths_only(endpoints: list[tuple]) -> list[tuple]:
    """drf-spectacular preprocessing hook: every API route also answers without its
    trailing slash (connectors.urls); the schema names each route once, with it."""
    return [endpoint for endpoint in endpoints if endpoint[0].endswith("/")]
