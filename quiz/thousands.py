"""An answer that may have a thousands separator, where quiz.answers reads a decimal one.

A point or comma before exactly three digits may be a thousands separator (`10.000` is ten
thousand in Dutch, `10,000` in English), and so may grouped forms (`1.000.000`, `1,000,000`,
`1.000,5`, `1,000.5`, which read as no number). quiz.answers reads them as decimal separators.
When the answer is wrong as read and right with those separators left out, it is not judged:
`doubtful_thousands` says what to ask the student (`10.000` for 10000: "Is that 10 or 10000?"),
and the quiz asks rather than count a mistake. It never accepts such an answer (`3.142` is not
3142), and an answer right as read is right (`3,142` for 3.142: a question asking for three
decimals must take it). The same rule refuses such a number in an accepted answer
(`doubtful_accepted_answer`): `10.000` there is checked as 10, so staff write the number they mean
without the doubt. Pure: no Django, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

from quiz.answers import decimal_value, is_correct, normalise_answer

# A number with a point or comma before exactly three digits, maybe repeated (1.000.000), maybe with
# the other one after it as a decimal separator (1.000,5): what may have thousands separators.
_SEPARATED = re.compile(
    r"(?<![\d.,])(?<!\d )(?P<whole>[1-9]\d{0,2}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*)"
    r"(?:(?!(?P=sep))(?P<point>[.,])(?P<fraction>\d*))?(?![\d.,])"
)


class ThousandsReading(NamedTuple):
    """An answer read with its point or comma before three digits as a thousands separator."""

    answer: str  # the normalised answer with those separators left out: `10000` for `10.000`
    thousands: Fraction  # its value so: 10000
    as_read: Fraction | None  # its value as quiz.answers reads it (10), None when no number
    separator: str  # the point or comma before three digits, as written
    point: str  # the decimal separator after them (`1.000,5`), as written, or ""


def thousands_reading(answer: str) -> ThousandsReading | None:
    """An answer whose one number has a point or comma before exactly three digits, read with it
    as a thousands separator (`10.000` as 10000); None when there is no such number, more than
    one number, or the answer reads as no number that way."""
    normalised = normalise_answer(answer)
    separated = list(_SEPARATED.finditer(normalised))
    if len(separated) != 1:
        return None  # none, or more than one number: judged as written
    found = separated[0]
    point = found["point"] or ""
    plain = found["whole"].replace(found["sep"], "") + (point and "." + found["fraction"])
    thousands_answer = normalised[: found.start()] + plain + normalised[found.end() :]
    thousands = decimal_value(thousands_answer)
    if thousands is None:
        return None
    return ThousandsReading(
        thousands_answer, thousands, decimal_value(normalised), found["sep"], point
    )


def doubtful_thousands(answer: str, *, kind: str, accepted_answers: Iterable[str]) -> str | None:
    """What to ask a student whose answer is wrong as read but right with its points or commas
    before three digits read as thousands separators (`10.000` for 10000); None when the answer
    is judged as written: no such separator, the same verdict either way, or right as read."""
    if kind == "choice":
        return None
    reading = thousands_reading(answer)
    if reading is None:
        return None
    accepted_answers = tuple(accepted_answers)
    if is_correct(answer, kind=kind, accepted_answers=accepted_answers) or not is_correct(
        reading.answer, kind=kind, accepted_answers=accepted_answers
    ):
        return None
    advice = "Write the number without a thousands separator."
    thousands = _shown(reading.thousands, reading.point)
    if reading.as_read is None:  # 1.000.000, 1.000,5: no number without the thousands
        return f"Did you mean {thousands}? {advice}"
    return f"Is that {_shown(reading.as_read, reading.separator)} or {thousands}? {advice}"


def doubtful_accepted_answer(accepted: str, *, kind: str) -> str | None:
    """Why an accepted answer may not mean what it is checked as, and how to write it instead;
    None when it is not doubtful.

    The students' rule seen from the other side: an accepted answer whose number has a point or
    comma before three digits is checked as quiz.answers reads it (`10.000` as 10, `€ 1.250,-` as
    1,25; `1.000.000`, no number, as that very text), so a student's `10000` is wrong and `10`
    right. Whoever wrote it may have meant the thousands, and a student asked "Is that 10 or
    10000?" and answering 10000 would be told it is wrong."""
    if kind == "choice":
        return None
    reading = thousands_reading(accepted)
    if reading is None:
        return None
    thousands = _shown(reading.thousands, reading.point)
    meant = f"Write the number as {thousands} if you mean {thousands}"
    if reading.as_read is None:
        return (
            f"{accepted!r} is no number as written, so it accepts only that very text and a "
            f"student's {thousands} is marked wrong. {meant}."
        )
    as_read = _shown(reading.as_read, reading.separator)
    # 3.1420, not 3.142, which is doubtful itself
    unmistaken = as_read + "0" if thousands_reading(as_read) is not None else as_read
    return (
        f"{accepted!r} is checked as {as_read} (a point or comma is a decimal separator), so a "
        f"student's {thousands} is marked wrong. {meant}, or as {unmistaken} if you mean {as_read}."
    )


def _shown(value: Fraction, point: str) -> str:
    """A decimal number's value as a student writes it: `10`, `-2,5` (with `point`)."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(abs(value.numerator * 10**places // value.denominator)).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    if not places:
        return sign + digits
    return f"{sign}{digits[:-places]}{point or ','}{digits[-places:]}"
