"""Moving models between apps keeps their content types (issue 21): the rows are renamed,
not recreated, so permissions granted to users and groups, admin log entries and generic
relations keep pointing at them. Run before ``post_migrate`` creates content types."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType as CurrentContentType


def rename(apps, *, models: Iterable[str], source: str, target: str) -> None:
    """Give the content types of ``models`` the app label ``target`` instead of ``source``.

    A row that already carries the target label (left by an earlier ``post_migrate``, for
    example after migrating back) is dropped in favour of the source row, which is the one
    the grants point at. A fresh database has no rows yet: nothing happens."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        old = content_type.objects.filter(app_label=source, model=model)
        if not old.exists():
            continue
        content_type.objects.filter(app_label=target, model=model).delete()
        old.update(app_label=target)
    CurrentContentType.objects.clear_cache()


def mover(*, models: Iterable[str], source: str, target: str) -> tuple[Callable, Callable]:
    """The forward and backward functions of a ``RunPython`` that moves ``models``."""
    models = tuple(models)

    def forward(apps, schema_editor) -> None:
        rename(apps, models=models, source=source, target=target)

    def backward(apps, schema_editor) -> None:
        rename(apps, models=models, source=target, target=source)

    return forward, backward
