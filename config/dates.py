"""Dates and times as people read them: one date format and one date-time format in the
reader's language (config/formats), times in the current time zone (Europe/Amsterdam).

Digipoort's timestamps are stored as ISO strings in UTC ("2026-12-06T07:30:00Z",
"...+00:00" or without an offset): ``aware`` reads them, so they are shown in the same
format and time zone as every other moment. The templates use the ``day`` and ``moment``
filters of portal/templatetags/dates.py; Python code that writes a date into a sentence
uses ``format_day`` and ``format_moment``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime


def aware(value: Any) -> datetime | date | None:
    """``value`` as an aware datetime, or a date for a day without a time; None when it is
    empty or cannot be read.

    A naive datetime object is in the current time zone (as Django stores them); a naive
    ISO string is in UTC (Digipoort's timestamps)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:  # YYYY-MM-DD: a day, not midnight
            return parse_date(text)
        parsed = parse_datetime(text)
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def format_day(value: Any) -> str:
    """The day of ``value`` ("6 december 2026"); "" when there is none."""
    moment = aware(value)
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    return formats.date_format(moment, "DATE_FORMAT")


def format_month_day(value: date) -> str:
    """A day of every year, such as a financial year's end ("31 december")."""
    return formats.date_format(value, "MONTH_DAY_FORMAT")


def format_moment(value: Any) -> str:
    """The date and time of ``value`` in the current time zone ("6 december 2026 08:30");
    a day without a time as ``format_day``; "" when there is none."""
    moment = aware(value)
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return formats.date_format(moment, "DATE_FORMAT")
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def iso(value: Any) -> str:
    """The machine-readable form of ``value`` (a ``<time datetime>`` attribute), with the
    offset of the current time zone; "" when there is none."""
    moment = aware(value)
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).replace(microsecond=0).isoformat()
    return moment.isoformat()
