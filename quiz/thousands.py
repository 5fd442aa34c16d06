"""An answer that may have a thousands separator, where quiz.answers reads a decimal one.

A point or comma before exactly three digits may be a thousands separator (`10.000` is ten
thousand in Dutch, `10,000` in English), and so may grouped forms (`1.000.000`, `1,000,000`,
`1.000,5`, `1,000.5`, which read as no number). quiz.answers reads them as decimal separators.
When the answer is wrong as read and right with those separators left out, it is not judged:
`doubtful_thousands` says what to ask the student (`10.000` for 10000: "Is that 10 or 10000?"),
and the quiz asks rather than count a mistake. It never accepts such an answer (`3.142` is not
3142), and an answer right as read is right (`3,142` for 3.142: a question asking for three
decimals must take it). Pure: no Django, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from quiz.answers import decimal_value, is_correct, normalise_answer

# A number with a point or comma before exactly three digits, maybe repeated (1.000.000), maybe with
# the other one after it as a decimal separator (1.000,5): what may have thousands separators.
_SEPARATED = re.compile(
    r"(?<![\d.,])(?<!\d )(?P<whole>[1-9]\d{0,2}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*)"
    r"(?:(?!(?P=sep))(?P<point>[.,])(?P<fraction>\d*))?(?![\d.,])"
)


def doubtful_thousands(answer: str, *, kind: str, accepted_answers: Iterable[str]) -> str | None:
    """What to ask a student whose answer is wrong as read but right with its points or commas
    before three digits read as thousands separators (`10.000` for 10000); None when the answer
    is judged as written: no such separator, the same verdict either way, or right as read."""
    if kind == "choice":
        return None
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
    accepted_answers = tuple(accepted_answers)
    if is_correct(answer, kind=kind, accepted_answers=accepted_answers) or not is_correct(
        thousands_answer, kind=kind, accepted_answers=accepted_answers
    ):
        return None
    advice = "Write the number without a thousands separator."
    as_read = decimal_value(normalised)
    if as_read is None:  # 1.000.000, 1.000,5: no number without the thousands
        return f"Did you mean {_shown(thousands, point)}? {advice}"
    return f"Is that {_shown(as_read, found['sep'])} or {_shown(thousands, point)}? {advice}"


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
