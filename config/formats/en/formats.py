"""English uses the same formats as Dutch (config.formats.nl); Django reads them per
language, so this module only names them."""

from config.formats.nl.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
