"""Moving models between apps keeps their content types (issue 21): the rows are renamed,
not recreated, so permissions granted to users and groups, admin log entries and generic
relations keep pointing at them. Run before ``post_migrate`` creates content types."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType as CurrentContentType


def rename(apps, *, models: Iterable[str], source: str, target: str, using: str) -> None:
    """Give the content types of ``models`` the app label ``target`` instead of ``source``,
    in the database ``using`` (the one being migrated, which need not be the default).

    A row that already carries the target label (left by an earlier ``post_migrate``, for
    example after migrating back) is dropped in favour of the source row, which is the one
    the grants point at. A fresh database has no rows yet: nothing happens."""
    rows = apps.get_model("contenttypes", "ContentType").objects.using(using)
    for model in models:
        old = rows.filter(app_label=source, model=model)
        if not old.exists():
            continue
        rows.filter(app_label=target, model=model).delete()
        old.update(app_label=target)
    CurrentContentType.objects.clear_cache()


def mover(*, models: Iterable[str], source: str, target: str) -> tuple[Callable, Callable]:
    """The forward and backward functions of a ``RunPython`` that moves ``models``."""
    models = tuple(models)

    def forward(apps, schema_editor) -> None:
        alias = schema_editor.connection.alias
        rename(apps, models=models, source=source, target=target, using=alias)

    def backward(apps, schema_editor) -> None:
        alias = schema_editor.connection.alias
        rename(apps, models=models, source=target, target=source, using=alias)

    return forward, backward
