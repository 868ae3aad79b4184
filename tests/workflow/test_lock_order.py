"""The order in which processing takes its locks (workflow.services.audit._lock_organisation:
the organisation lock is "always taken after the message lock ... so two actions never wait
for each other crosswise").

Processing links a new version to the versions of its year that ended (25, 40, 90): it writes
``replaces`` on them, and PostgreSQL's foreign-key check on the new version's ``replaces``
takes a lock on the one it replaces. "Berichtstatus herstellen" locks a rejected version,
then the organisation. Had processing locked the organisation first and those rows after,
the two would wait for each other (a deadlock PostgreSQL ends by failing one of them). So
processing locks the ended versions before the organisation, as it locks the versions at 30
(workflow.services.versions.lock_waiting_versions)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Organisation
from kvk.status import Status
from tests.workflow.conftest import fail_with_year, start_workflow
from workflow import services
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

MESSAGES = f'FROM "{ApprovalMessage._meta.db_table}"'
ORGANISATION_LOCK = f'SELECT "{Organisation._meta.db_table}"."id" AS "pk" FROM '


def _first_transaction(queries: CaptureQueriesContext) -> list[str]:
    """The statements of the first transaction captured (in a test, a savepoint): processing
    settles the versions it brought to 30 in a transaction of its own after it."""
    statements = [query["sql"] for query in queries.captured_queries]
    return statements[: next(i for i, sql in enumerate(statements) if "RELEASE SAVEPOINT" in sql)]


def test_processing_locks_the_ended_versions_before_the_organisation(flow):
    rejected = flow.at(Status.REJECTED)
    failed = fail_with_year(flow.register())
    corrected = flow.register()

    assert services.claim_for_processing(corrected.pk)

    with CaptureQueriesContext(connection) as queries:
        assert start_workflow(corrected.pk, flow.workflow)

    # The chain it wrote: the rejected version <- the failed one <- the correction.
    replaces = dict(
        ApprovalMessage.objects.filter(pk__in=[failed.pk, corrected.pk]).values_list(
            "pk", "replaces_id"
        )
    )
    assert replaces == {corrected.pk: failed.pk, failed.pk: rejected.pk}
    statements = _first_transaction(queries)
    (organisation_lock,) = [i for i, sql in enumerate(statements) if ORGANISATION_LOCK in sql]
    ended_lock = next(
        i
        for i, sql in enumerate(statements)
        if sql.startswith("SELECT") and MESSAGES in sql and '"status" IN (25, 40, 90)' in sql
    )
    writes = [
        i for i, sql in enumerate(statements) if '"replaces_id" = ' in sql and "UPDATE" in sql
    ]
    assert ended_lock < organisation_lock < min(writes), statements
    if connection.vendor == "postgresql":  # SQLite has no row locks (BEGIN IMMEDIATE instead)
        assert "FOR UPDATE" in statements[ended_lock]
        assert "FOR UPDATE" in statements[organisation_lock]
        message_locks = [
            i for i, sql in enumerate(statements) if MESSAGES in sql and "FOR UPDATE" in sql
        ]
        assert max(message_locks) < organisation_lock, statements
