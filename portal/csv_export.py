"""The CSV downloads of InSite's lists ("Termijnen", "Activiteit"): separated by semicolons,
as spreadsheet programs with Dutch settings read them, in UTF-8 with a byte order mark so
that they detect it."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation


def csv_safe(value: object) -> str:
    """A text cell as written: one starting with = + - @ (or a tab or carriage return) gets
    a leading apostrophe, or a spreadsheet would run it as a formula. For text that others
    typed (names, reasons), not for numbers."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_download(filename: str) -> tuple[HttpResponse, Any]:
    """An attachment ``filename`` and the CSV writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # lets spreadsheet programs detect UTF-8
    return response, csv.writer(response, delimiter=";")


class _Line:
    """A file for csv.writer that hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_stream(filename: str, rows: Iterable[list[Any]]) -> StreamingHttpResponse:
    """An attachment ``filename`` written row by row while it is sent, for a list with no
    upper bound (all of an office's audit events): the rows are made as the download goes,
    in the language of the request that asked for it."""
    language = translation.get_language()
    writer = csv.writer(_Line(), delimiter=";")

    def lines() -> Iterator[str]:
        yield "\ufeff"  # lets spreadsheet programs detect UTF-8
        with translation.override(language):
            for row in rows:
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
