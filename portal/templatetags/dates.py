"""The one way templates show dates and times (config.dates):

{% load dates %}
{{ message.adoption_date|day }}          6 december 2026
{{ adoption.adoption_dates|days }}       30 november 2026, 6 december 2026
{{ message.created_at|moment }}          6 december 2026 08:30 (Europe/Amsterdam)
{{ status.timestamp|moment }}            an ISO string in UTC, e.g. Digipoort's
<time datetime="{{ value|iso }}">        the machine-readable form
"""

from __future__ import annotations

from typing import Any

from django import template

from config import dates

register = template.Library()


@register.filter
def day(value: Any) -> str:
    """The date of a date, datetime or ISO string; "" for none."""
    return dates.format_day(value) or _unreadable(value)


@register.filter
def days(values: Any) -> str:
    """Several dates, each as ``day`` shows it, separated by commas."""
    return ", ".join(day(value) for value in values or ())


@register.filter
def moment(value: Any) -> str:
    """The date and time of a datetime or ISO string, in the current time zone."""
    return dates.format_moment(value) or _unreadable(value)


@register.filter
def month_day(value: Any) -> str:
    """A day of every year (a financial year's end): the day and the month."""
    return dates.format_month_day(value) if value else ""


@register.filter
def iso(value: Any) -> str:
    return dates.iso(value)


def _unreadable(value: Any) -> str:
    """A text that is not a date is shown as it is rather than hidden."""
    return value.strip() if isinstance(value, str) else ""
