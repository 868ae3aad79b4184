"""The one status vocabulary (0..90) shared by the client side and the accountant side.

Labels are the Dutch texts users know from the product (see KVK-SBR.md section 2); they are
marked for translation so the English interface shows English labels.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    PREPARED = 0, _("Klaargezet voor verzending naar portal")
    SEND_FAILED = 5, _("Fout bij verzenden naar portal")
    RECEIVED = 10, _("Verzonden naar portal")
    PROCESSING = 20, _("Bezig met verwerken in portal")
    PROCESSING_FAILED = 25, _("Fout bij verwerken in portal")
    IN_REVIEW = 30, _("Aangeboden ter beoordeling door cliënt")
    REJECTED = 40, _("Afgekeurd door cliënt")
    APPROVED = 50, _("Goedgekeurd door cliënt en klaargezet voor verzending naar KvK")
    SENT_TO_KVK = 60, _("Goedgekeurd door cliënt en verzonden naar KvK")
    TRANSPORT_ERROR = 70, _("Fout bij verzenden naar KvK")
    FILED = 80, _("Gedeponeerd bij KvK")
    REFUSED = 90, _("Afgekeurd door KvK")


#: The statuses a message of the accountant's portal can have, in order: 0 and 5 exist only
#: on the client side, before the portal has the message (KVK-SBR.md section 2).
PORTAL_STATUSES = tuple(status for status in Status if status >= Status.RECEIVED)

#: Statuses after which nothing can happen to a message any more.
FINAL_STATUSES = frozenset({Status.PROCESSING_FAILED, Status.FILED, Status.REFUSED})

#: Statuses that ask a person to act (staff dashboards, client warnings).
ATTENTION_STATUSES = frozenset(
    {Status.PROCESSING_FAILED, Status.REJECTED, Status.TRANSPORT_ERROR, Status.REFUSED}
)


def status_label(code: int) -> str:
    """The label for a status code; unknown codes are shown as the bare number."""
    try:
        return str(Status(code).label)
    except ValueError:
        return str(code)
