"""One date format and one date-time format (see config.formats): the day, the month in
words and the year; times on the 24-hour clock. A day of every year (a financial year's
end) is the day and the month in words."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
