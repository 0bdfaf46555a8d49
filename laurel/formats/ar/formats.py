# Django's Arabic has a date format but no date-and-time one (it would fall back to the
# English "N j, Y, P"): the same date, then the time on a 24-hour clock.
DATETIME_FORMAT = "j F، Y، H:i"
