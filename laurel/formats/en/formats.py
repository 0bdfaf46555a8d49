# Laurel's English dates: "1 December 2026", as on a certificate, for readers anywhere
# (Django's own English is American: "Dec. 1, 2026"). Everything else is Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
