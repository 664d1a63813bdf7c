"""English dates as read where Pacesetter's English readers work (Viet Nam, China and
international bodies): day, month, year, a 24-hour clock; never the US month-first order,
which reads wrongly beside the Vietnamese and Chinese pages. What this module leaves out
(the input formats, the number separators) comes from Django's own English formats."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
