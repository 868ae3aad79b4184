"""What the Django admins of the apps (portal, workflow, connectors) share about the
accountancy environment (or the organisation) a row belongs to."""

from __future__ import annotations

from kvk.admin_mixins import FixedAfterCreationAdminMixin


class EnvironmentFixedAdminMixin(FixedAfterCreationAdminMixin):
    """The ``environment`` of a row is chosen when it is added and shown read-only after:
    moving an organisation, a workflow or a connector to another accountancy environment
    would take its messages, contacts and tokens into another firm's InSite and leave its
    identification numbers (kept unique per environment) behind."""

    fixed_fields = ("environment",)


class OrganisationFixedAdminMixin(FixedAfterCreationAdminMixin):
    """The ``organisation`` of a contact is chosen when it is added and shown read-only
    after: moved to another organisation (of another firm, perhaps), its login would reach
    that organisation's messages, and the organisation it left would still name it as
    approver or adopter."""

    fixed_fields = ("organisation",)
