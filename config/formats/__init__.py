"""How dates and times are shown, per language (settings.FORMAT_MODULE_PATH).

One date format and one date-time format everywhere ("6 december 2026", "6 december 2026
08:30" in Dutch; "6 December 2026", "6 December 2026 08:30" in English), so Django's named
formats (DATE_FORMAT, SHORT_DATE_FORMAT, ...) all agree. Templates show dates with the
``day`` and ``moment`` filters of portal/templatetags/dates.py (config.dates in Python).
"""
