"""How the admin writes a moment, a date and a time: one way everywhere, as the event log's list
has always shown them ("2026-11-28 12:28:14", in TIME_ZONE), to the second, so that the order of a
student's actions shows. Django's English default ("Nov. 28, 2026, 12:28 p.m.") read differently
on an event's own page than in the list, and lost the seconds.

Only output formats: the admin's date and time inputs keep Django's input formats (which read
and write these same ISO dates). The teacher and student pages write their moments themselves
(reporting's `moment` filter), not with these."""

DATETIME_FORMAT = "Y-m-d H:i:s"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i:s"
