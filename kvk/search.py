"""Searching names the way people type them: "cafe" finds "Café De Hoek B.V.", "jansen bv"
finds "Jansen B.V.", "de  hoek" finds "De Hoek".

One rule (``search_key``) for what is stored and what is typed alike. A model whose name is
searched keeps the name's key in a column of its own (``NamedForSearch.search_name``), so a
search is one ``LIKE`` in the database, the same on PostgreSQL and SQLite: no extension
(PostgreSQL's ``unaccent`` needs one the product's database user may not be allowed to
create) and no filtering row by row in Python. The accountant's portal and the client's
environment both search this way, so it lives here, in the library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

#: Letters NFKD does not take apart, written as a Dutch keyboard writes them.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"})
#: An apostrophe joins what it separates ("'t Hoekje", "Jansen's"): "t hoekje", "jansens".
_APOSTROPHES = re.compile(r"['’‘`´]")
#: A single letter with a dot, before another single letter: one abbreviation, whether
#: written "B.V.", "b.v", "B. V." or "V.O.F." ("bv", "vof", as "BV" and "VOF" are written).
_ABBREVIATION = re.compile(r"\b([^\W\d_])\.\s*(?=[^\W\d_]\b)")
#: Whatever is neither letter nor digit separates words: dots, hyphens, commas, '&', spaces.
_SEPARATORS = re.compile(r"[\W_]+")


def search_key(text: str) -> str:
    """``text`` as a search compares it: without accents (NFKD, combining marks dropped),
    case-folded, an abbreviation written with dots as one word ("B.V." as "bv"), apostrophes
    dropped, any other punctuation a space, and the words one space apart.

    A name's key contains a typed text's key when the name is what was meant, whatever the
    accents, case, dots, hyphens and spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = plain.casefold().translate(_LETTERS)
    joined = _ABBREVIATION.sub(r"\1", _APOSTROPHES.sub("", folded))
    return " ".join(_SEPARATORS.sub(" ", joined).split())


def typed(text: str) -> str:
    """``text`` from a search box as a query can hold it: without NUL characters, which a
    PostgreSQL text value cannot contain (the query would fail, a server error). A search
    box's address is typed, pasted or made by anyone; what is left of it is searched."""
    return text.replace("\x00", "")


def number_text(text: str) -> str:
    """A typed number without its spaces: "1234 5678" looks for KvK number 12345678."""
    return "".join(typed(text).split())


def name_match(text: str, path: str = "") -> Q:
    """The rows whose name (at ``path``, e.g. "organisation__" for a message's organisation;
    a model with NamedForSearch) ``text`` finds: its key within the name's key. Or, as
    before the key, the name containing the text itself, whatever the case: a row the
    release before added while this one's migrations ran has no key until it is saved."""
    text = typed(text)
    match = Q(**{f"{path}name__icontains": text.strip()})
    key = search_key(text)
    if key:
        match |= Q(**{f"{path}search_name__contains": key})
    return match


def alphabetical(path: str = "") -> tuple[str, str]:
    """The order_by of names (at ``path``, e.g. "organisation__") as people read a list of
    them: by the name's key, so accents and case do not count ("Café de Graaf" before
    "Café Vos", "Élan" beside "Elzen", not after "Zuivel", as the database's own order of
    the bytes would have it); the name itself between names with one key."""
    return f"{path}search_name", f"{path}name"


class SearchNameQuerySet(models.QuerySet):
    """Keeps ``search_name`` with ``name`` where a queryset writes names without save()."""

    def update(self, **kwargs: Any) -> int:
        # bulk_update (below) names both, each as a CASE over the rows.
        if "name" in kwargs and "search_name" not in kwargs:
            name = kwargs["name"]
            if not isinstance(name, str):
                raise TypeError(
                    "update(name=...) needs the name itself, to keep search_name with it; "
                    "save each row to compute a name"
                )
            kwargs["search_name"] = search_key(name)
        return super().update(**kwargs)

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        for obj in objs:
            obj.search_name = search_key(obj.name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        if "name" in fields:
            for obj in objs:
                obj.search_name = search_key(obj.name)
            fields.append("search_name")
        return super().bulk_update(objs, fields, batch_size)


class NamedForSearch(models.Model):
    """A model with a ``name`` that search boxes find (``name_match``): the name's key kept
    with it on every save, and by the queryset's update and bulk writes. An abstract model:
    it adds the column to each model's own table."""

    #: search_key(name); a database default too, for rows the release before inserts
    #: while this release's migrations run.
    search_name = models.TextField(editable=False, default="", db_default="")

    objects = SearchNameQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = search_key(self.name)  # type: ignore[attr-defined]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class NameSearchAdminMixin:
    """A ModelAdmin whose search box also finds the names at ``name_search_paths`` by their
    keys (models with NamedForSearch), as the portals' search boxes do; what its
    ``search_fields`` find it still finds."""

    #: The paths to the names searched: "" the model's own, "organisation__" its
    #: organisation's.
    name_search_paths: tuple[str, ...] = ("",)

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        found, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        key = search_key(search_term)
        if key:
            keyed = Q()
            for path in self.name_search_paths:
                keyed |= Q(**{f"{path}search_name__contains": key})
            found |= queryset.filter(keyed)
        return found, may_have_duplicates
