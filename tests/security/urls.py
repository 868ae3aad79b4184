"""Every URL pattern of the project, from the resolver, filled in with organisation A's
objects, so pages added later are covered without touching the security tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern


@dataclass
class Page:
    name: str  # "namespace:name"
    route: str  # the pattern as written, for messages
    params: list[str] = field(default_factory=list)

    @property
    def area(self) -> str:
        for prefix, area in (
            ("admin/", "admin"),
            ("api/v1/", "api"),
            ("klant/", "clientside"),
            ("insite/", "portal"),
            ("outsite/", "portal"),
        ):
            if self.route.startswith(prefix):
                return area
        return "public"


def pages() -> list[Page]:
    found: list[Page] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    f"{namespace}:{ns}" if namespace and ns else (ns or namespace),
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                if isinstance(pattern.pattern, RoutePattern):
                    params = list(pattern.pattern.converters)
                else:
                    params = list(pattern.pattern.regex.groupindex)
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append(Page(name, prefix + str(pattern.pattern), params))

    walk(get_resolver().url_patterns, "", "")
    return found


#: Object kinds by URL name, for the parameter ``pk``; anything else named ``pk`` (and any
#: integer parameter nobody mapped) is filled with A's message.
PK_KINDS = {
    "insite-organisation": "organisation",
    "insite-organisation-approvers": "organisation",
    "insite-organisation-responsible": "organisation",
    "insite-contact-create": "organisation",
    "insite-contact-access": "organisation",
    "insite-identification-add": "organisation",
    "insite-identification-change": "organisation",
    "insite-identification-remove": "organisation",
    "insite-connector": "connector",
    "insite-connector-close": "connector",
    "insite-token-create": "connector",
    "insite-token-revoke": "connector",
    "insite-message-type": "message_type",
}
ACTIONS = {"insite-action": "repair", "outsite-action": "approve"}
#: The client's environment (``klant/``): its ``pk`` is what the route names before it.
CLIENTSIDE_PK_KINDS = {
    "administraties": "administration",
    "activering": "administration",
    "jaarrapporten": "report",
    "berichten": "outbound_message",
}


def _pk_kind(page: Page) -> str:
    if page.area == "clientside":
        before = page.route.split("<int:pk>")[0].rstrip("/").rsplit("/", 1)[-1]
        return CLIENTSIDE_PK_KINDS.get(before, "administration")
    return PK_KINDS.get(page.name.rsplit(":", 1)[-1], "message")


def values(world, *, missing: bool = False) -> dict[str, object]:
    """The objects of organisation A (and of the client's environment, when the world has
    one), or ids that do not exist (``missing``)."""
    from connectors.models import MessageType

    if missing:
        return {
            "message": 987_654_321,
            "organisation": 987_654_321,
            "connector": 987_654_321,
            "message_type": 987_654_321,
            "contact": 987_654_321,
            "token": 987_654_321,
            "message_id": "00000000-0000-4000-8000-000000000000",
            "administration": 987_654_321,
            "report": 987_654_321,
            "outbound_message": 987_654_321,
            "signatory": 987_654_321,
        }
    env = world.client_environment
    clientside = (
        {
            "administration": env.administration.pk,
            "report": env.report.pk,
            "outbound_message": env.report.messages.get().pk,
            "signatory": env.administration.signatories.get().pk,
        }
        if env
        else {}
    )
    return {
        **clientside,
        "message": world.message.pk,
        "organisation": world.a.organisation.pk,
        "connector": world.token.connector_id,
        "message_type": MessageType.objects.get(environment=world.a.organisation.environment).pk,
        "contact": world.contact.pk,
        "token": world.token.pk,
        "message_id": str(world.message.message_id),
    }


def url_for(page: Page, world, *, missing: bool = False) -> str | None:
    objects = values(world, missing=missing)
    local = page.name.rsplit(":", 1)[-1]
    kwargs: dict[str, object] = {}
    for param in page.params:
        if param == "pk":
            kwargs[param] = objects.get(_pk_kind(page), objects["message"])
        elif param == "signatory_pk":
            kwargs[param] = objects.get("signatory", objects["message"])
        elif param == "organisation_id":
            kwargs[param] = objects["organisation"]
        elif param == "contact_pk":
            kwargs[param] = objects["contact"]
        elif param == "token_pk":
            kwargs[param] = objects["token"]
        elif param == "message_id":
            kwargs[param] = objects["message_id"]
        elif param == "action":
            kwargs[param] = ACTIONS.get(local, "approve")
        elif param == "app_label":
            kwargs[param] = "workflow"
        elif param in ("uidb64", "token"):
            kwargs[param] = "MQ" if param == "uidb64" else "set-password"
        elif param in ("object_id", "content_type_id", "id"):
            kwargs[param] = str(objects["message"])
        else:
            # An integer id nobody mapped yet: A's message id is the likeliest object.
            kwargs[param] = objects["message"]
    try:
        return reverse(page.name, kwargs=kwargs)
    except Exception:  # noqa: BLE001 - a converter refused the value: try it as text
        try:
            return reverse(page.name, kwargs={k: str(v) for k, v in kwargs.items()})
        except Exception:  # noqa: BLE001
            return None
