"""Answer checking. Pure: no Django, no database; the same rules for the quiz and for reports.

Rules (what a maths teacher at a Dutch school would accept):

- Text is compared after `normalise_answer`: Unicode NFKC, trimmed, runs of whitespace folded to one
  space, case folded. Text answers then compare without whitespace (`x = 4` equals `x=4`,
  `2 x + 3` equals `2x+3`), except a space between two digits, which separates numbers: `1 5` is
  not `15`, nor `x = 1 2` `x = 12`.
- When both the answer and an accepted answer read as a number they compare by value
  (`fractions.Fraction`, exact), so `0,5`, `0.5`, `.5`, `,5` and `1/2` are all one half, `2.50`
  equals `2.5`, `-3` is minus three (so is U+2212 MINUS SIGN 3, as pasted from a word
  processor), and `+3` is `3`.
- A comma is ALWAYS a decimal separator (the Dutch convention our students use): `1,000` is one,
  not a thousand. Thousands may be grouped with spaces only, the Dutch and SI way: 1 to 3 digits
  (the first not 0), then groups of exactly three: `10 000`, `1 000 000` and `12 345,5` are
  numbers; `1 5`, `12 34`, `1 0000` and `0 500` are not (nor, as text, `15`, `1234`, `10000`
  or `500`).
- But a point or comma before exactly three digits may be a thousands separator (`10.000` is ten
  thousand in Dutch): an answer wrong as read and right as that is asked about, not judged
  (`quiz.thousands`).
- Mixed numbers are accepted: `1 1/2` is three halves and `-1 1/2` is minus three halves (the sign
  applies to the whole number, as written in Dutch textbooks). A fraction character reads as the
  fraction it shows: `½` is `1/2`, `1½` is `1 1/2`, and 3, U+2044 FRACTION SLASH, 4 is `3/4`.
- A trailing `%` is a unit and ignored on both sides: `25%`, `25 %`, `25 procent` and `25` are equal
  (the question says what unit it wants). `0.25` is not `25%`.
- So is a currency sign before or after the number (`€`, `$`, `£`; `EUR` and `euro` before it
  too), the words `euro`, `euros`, `euro's` and `eur`, and a price written the Dutch way for whole
  euros: `€56,00`, `€ 56,-`, `EUR 56`, `euro 56`, `56 €`, `56,00 euro`, `56 euro's` and `56` are
  equal; and degrees: `6°`, `6 °C`, `6℃`, `6 ºC` and `6˚` (the ordinal indicator and the ring
  above typed for the degree sign), `6 oC` (the letter, with its C), `6 graden`, `6 degrees`,
  `6 graden Celsius`, `6 degrees C` and `6` are equal. `6 C` is too where an accepted answer
  writes degrees (else the C may be algebra's c); a teacher's `6 C` is read the same way, so it
  takes every spelling of 6 degrees, but never `6` alone. Only the kind of unit the accepted
  answers write (when any writes one) is ignored: `60 euro` is not `60%`, `6 cm` not `6 °C`, nor
  `€56 €` a number.
- So is a unit of measure (length, area and volume as `cm`, `cm2`, `cm²` or `cm^2`; mass; litres;
  time; `km/h`, `km/u` and `m/s`; symbols, and the English and Dutch words for them with their
  prefixes: `centimetre`, `kilo`, `minuten`, `uur`): `16`, `16 cm`, `16cm`, `16,0 centimeter` are
  equal when the question accepts `16 cm` (or `16`). An accepted answer with a unit takes only
  that unit: `16 m` is not `16 cm`, and a question accepting `1 km` and `1000 m` does not accept
  `1 m`. Nothing is converted (`0.16 m` is not `16 cm`). A single-letter unit (`m`, `g`, `l`,
  `s`, `h`) only after a space: `2h` and `6m^2` are algebra, compared as text; and a teacher's
  accepted `3km` (the unit right after the number) takes `3 km`, `3km` and `3 kilometer`, never
  `3` alone: it may be algebra.
- A number in brackets is that number: `(-15)` is `-15`, as negative numbers are often written.
- `**` is a power, as programmers write it: `2**7` is `2^7`. In algebra (an answer with a letter)
  `:` is division, the Dutch way, where the accepted answer writes `/`: `x:5` is `x/5`. Between
  numbers alone it is not (`3:4` is not `3/4`, nor `1:30` `1/30`): it may be a ratio or a time;
  nor is a unit a number carries a letter (`3:4 cm`, `2:30 uur` and `€ 3:4` keep the colon, while
  `x:5 cm` is `x/5 cm` and `2h:3`, algebra's h, `2h/3`).
- Superscript digits after a number, a letter or a bracket are a power, as the questions write
  them: `2⁷` is `2^7` (not 27, which is what Unicode's NFKC alone makes of it), `10⁻³` is `10^-3`,
  `x²` is `x^2`. Where that changes no number, the digits as plain digits match too (`25 m²` and
  `25 m2`, `x²` and `x2`), as they did before. A superscript numerator is a fraction: superscript 1,
  FRACTION SLASH, subscript 2 is `1/2`.
- A single-letter assignment prefix is ignored for numbers: `x = 4` is accepted for `4`. Where the
  accepted answers name a letter, another letter is wrong: `y = 4` is not `x = 4`, also beside an
  accepted `4` of the same question (`4`, `x = 4`: "Solve for x").
- A question may accept several answers; any one matching is enough.
- Multiple-choice questions compare choice keys, case-insensitively (`B`, `b`, `b)` and `b.`).

Reports group wrong answers by `answer_group`: `normalise_answer`, with a decimal number and its
unit in one spelling (`0,6`, `.6` and `0.6` are one wrong answer; `35 %` and `35%` too), but
fractions as written (`3/5` is not `0.6`: it shows another misconception).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

from events.text import is_storable
from quiz.errors import InvalidAnswer
from quiz.units import (
    CURRENCY,
    DEGREE_SIGNS,
    DEGREES,
    MONEY,
    SINGLE_LETTER,
    UNIT,
    grouped_with_unit,
    unit_kind,
    unit_symbol,
    without_units,
)

MAX_ANSWER_LENGTH = 500

# Dashes students paste from word processors all mean "minus" in an answer box.
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-"})
# NFKC alone turns "1½" into eleven, a FRACTION SLASH and two: each fraction character first becomes
# " n/d " (so it reads as a mixed number), and the fraction slash a plain one.
_FRACTION_CHARACTERS = str.maketrans(
    {
        char: " " + unicodedata.normalize("NFKC", char).replace("\u2044", "/") + " "
        for char in map(chr, (0xBC, 0xBD, 0xBE, *range(0x2150, 0x215F), 0x2189))
    }
    | {"\u2044": "/"}
)
# A run of superscript digits (and signs) is an exponent: "2⁷" -> "2^7", "x⁻²" -> "x^-2".
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
# An exponent follows its base and is no fraction's numerator (before a slash or FRACTION SLASH).
_SUPERSCRIPT_RUN = re.compile(
    f"(?:(?<=[^\\W_])|(?<=[)\\]]))[{_SUPERSCRIPTS}]+(?![{_SUPERSCRIPTS}\u2044/])"
)
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789-+")
_ANY_SUPERSCRIPT = re.compile(f"[{_SUPERSCRIPTS}]")
_ALGEBRA = re.compile(r"[^\W\d_]")  # a letter
_ASSIGNMENT = re.compile(r"^[a-z]\s*=\s*(?P<rest>.+)$")
_DECIMAL = r"(?:\d+(?:[.,]\d*)?|[.,]\d+)"
# A number may group its thousands with spaces, the Dutch and SI way: 1 to 3 digits (not starting
# with 0), then groups of exactly three ("10 000", "12 345,5"). Only as a number on its own: in a
# fraction "1 000/2" stays the mixed number it always was.
_GROUPED = r"(?:[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d*)?)"
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)\s*(?:(?P<currency>" + CURRENCY + r")\s*(?P<after>[+-]?)\s*)?(?:"  # -€5, €-5
    r"(?P<whole>\d+)\s+(?P<mnum>\d+)\s*/\s*(?P<mden>\d+)"  # mixed number: 1 1/2
    r"|(?P<num>" + _DECIMAL + r")\s*/\s*(?P<den>" + _DECIMAL + r")"  # fraction: 1/2, 0,5/2
    r"|(?P<dec>" + _GROUPED + "|" + _DECIMAL + r")(?:[.,]-)?"  # 3, 2.50, 0,5, .5, 56,-, 10 000
    r")(?:(?P<gap>\s*)(?P<unit>" + UNIT + r")"  # unit
    r"|\s+(?P<single>" + SINGLE_LETTER + r"))?$"
)


def normalise_answer(text: str, *, powers: bool = True) -> str:
    """The canonical form of an answer: for comparing, and for grouping wrong answers in reports.
    `powers=False`: superscripts as plain digits (NFKC's reading)."""
    text = text.translate(_FRACTION_CHARACTERS).translate(DEGREE_SIGNS)
    if powers:
        text = _SUPERSCRIPT_RUN.sub(_exponent, text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_MINUS_SIGNS).replace("**", "^")
    return " ".join(text.split()).casefold()


def _exponent(run: re.Match[str]) -> str:
    return "^" + run[0].translate(_FROM_SUPERSCRIPT)


def validate_answer(text: str) -> str:
    """The answer as stored (trimmed); raises InvalidAnswer unless it has 1..500 characters."""
    if not isinstance(text, str):
        raise InvalidAnswer("An answer must be text.")
    trimmed = text.strip()
    if not trimmed:
        raise InvalidAnswer("Type an answer first.")
    if len(trimmed) > MAX_ANSWER_LENGTH:
        raise InvalidAnswer(f"An answer has at most {MAX_ANSWER_LENGTH} characters.")
    if not is_storable(trimmed):
        raise InvalidAnswer("An answer cannot contain NUL characters or broken Unicode.")
    return trimmed


def _decimal(text: str) -> Fraction:
    return Fraction(text.replace(" ", "").replace(",", ".").rstrip(".") or "0")


class Number(NamedTuple):
    value: Fraction
    # PERCENT, MONEY or DEGREES: the kind of unit written with it; a unit of measure's symbol
    # ("cm", "m^2", "km/h"); None when it has none
    unit: str | None
    # An accepted answer's unit that may be algebra (a unit of measure right after the number,
    # "3km"; a bare C): only an answer with that very unit matches it, never the number alone.
    tight: bool = False
    # Degrees written as a bare C ("6 C"): algebra's c as much, so only where degrees are asked.
    loose: bool = False


def parse_number(text: str, *, powers: bool = True) -> Fraction | None:
    """The exact value of a numeric answer, or None when it is not a number we recognise."""
    number = read_number(text, powers=powers)
    return None if number is None else number.value


def read_number(text: str, *, powers: bool = True, strict: bool = False) -> Number | None:
    """A numeric answer's value and the kind of unit written with it; None when it is not a
    number we recognise. `strict` (an accepted answer): a unit of measure right after the number
    is marked `tight`."""
    match = _NUMBER.match(_unwrap(normalise_answer(text, powers=powers)).inner)
    return None if match is None else _number(match, strict=strict)


class _Wrapped(NamedTuple):
    assignment: str  # the letter of "x = ...", or ""
    inner: str
    bracketed: bool


def _unwrap(normalised: str) -> _Wrapped:
    """A normalised answer without its assignment prefix (`x = 4`) and brackets (`(-15)`)."""
    assignment = _ASSIGNMENT.match(normalised)
    text = assignment["rest"] if assignment else normalised
    bracketed = text.startswith("(") and text.endswith(")")
    return _Wrapped(
        normalised[0] if assignment else "", text[1:-1].strip() if bracketed else text, bracketed
    )


def _number(match: re.Match[str], *, strict: bool = False) -> Number | None:
    if match["whole"] is not None:
        denominator = int(match["mden"])
        if denominator == 0:
            return None
        value = int(match["whole"]) + Fraction(int(match["mnum"]), denominator)
    elif match["num"] is not None:
        denominator_value = _decimal(match["den"])
        if denominator_value == 0:
            return None
        value = _decimal(match["num"]) / denominator_value
    else:
        value = _decimal(match["dec"])
    if match["sign"] and match["after"]:
        return None  # two signs (-€-5): not a number we read
    if match["currency"] and match["unit"]:
        return None  # two units (€56 €): not a number we read
    loose = match["unit"] == "c"
    written = match["unit"] or match["single"]
    # A teacher's bare C is degrees as a student's is, and algebra's c as much: tight.
    measure = not match["gap"] and unit_kind(match["unit"] or "") is None
    tight = bool(strict and match["unit"] and (loose or measure))
    symbol = unit_symbol(written) if written else None
    unit = MONEY if match["currency"] else DEGREES if loose else symbol
    return Number(-value if "-" in (match["sign"], match["after"]) else value, unit, tight, loose)


def answer_group(text: str) -> str:
    """The form wrong answers are grouped by in reports: `normalise_answer`, and a decimal number
    in one spelling, so a teacher sees one row per answer rather than per way of typing it.

    A decimal point for a comma, a leading zero, no thousands spaces (`0,6`, `.6` and `0.6` are
    `0.6`; `10 000` is `10000`), and its unit as one symbol in one place (`35 %`, `35 procent`:
    `35%`; `16cm`, `16 centimeter`: `16 cm`; `56 euro`, `€ 56,-`: `€56`; `6 graden`: `6°`, but
    `6 C` stays `6 c`: it is right only where degrees are asked). The digits stay as
    written (`2,50` is `2.50`, and `1,000` is `1.000`, not `1`: that student likely meant a
    thousand). Fractions and mixed numbers stay as written: `3/5` for `0.6` is another
    misconception. So does anything that is not a number."""
    normalised = normalise_answer(text)
    wrapped = _unwrap(normalised)
    match = _NUMBER.match(wrapped.inner)
    if match is None or match["dec"] is None or _number(match) is None:
        return normalised
    spelled = _spelling(match)
    if wrapped.bracketed:
        spelled = f"({spelled})"
    return f"{wrapped.assignment} = {spelled}" if wrapped.assignment else spelled


def _spelling(match: re.Match[str]) -> str:
    """A decimal number's one spelling (see answer_group)."""
    digits = match["dec"].replace(" ", "").replace(",", ".").rstrip(".")  # "7." is 7
    if digits.startswith("."):
        digits = "0" + digits
    sign = "-" if "-" in (match["sign"], match["after"]) else ""
    written = match["currency"] or match["unit"] or match["single"]
    return sign + digits if written is None else grouped_with_unit(sign, digits, written)


# A space that is not between two digits: "1 5" is two numbers (or a slip), never fifteen.
_LOOSE_SPACE = re.compile(r"(?<!\d) | (?!\d)")
# A space before a superscript goes before the superscript becomes a plain digit: "10 ⁴" read
# with plain digits is "104", as "10⁴" is, not two numbers.
_SPACE_BEFORE_SUPERSCRIPT = re.compile(f"\\s+(?=[{_SUPERSCRIPTS}])")


def _compact(text: str, *, powers: bool = True) -> str:
    """Normalised text without whitespace: spacing in a formula is not part of the answer. A space
    between two digits is, though: it separates numbers (`1 5` is not `15`)."""
    text = _SPACE_BEFORE_SUPERSCRIPT.sub("", text)
    return _LOOSE_SPACE.sub("", normalise_answer(text, powers=powers))


def choice_key(text: str) -> str:
    """The key a multiple-choice answer names: `b`, `B`, `b)` and `b.` all name `b`."""
    return normalise_answer(text).rstrip(").").strip()


def names_a_choice(answer: str, keys: Iterable[str]) -> bool:
    """Whether a multiple-choice answer names one of the question's choices (right or wrong)."""
    return choice_key(answer) in {choice_key(key) for key in keys}


def is_correct(answer: str, *, kind: str, accepted_answers: Iterable[str]) -> bool:
    """Whether `answer` matches any accepted answer of a question of this kind."""
    accepted_answers = tuple(accepted_answers)
    if kind == "choice":
        key = choice_key(answer)
        return any(key == choice_key(accepted) for accepted in accepted_answers)
    number = read_number(answer)
    letter = _letter(answer) if number is not None else ""
    letters = _letters(accepted_answers) if letter else frozenset()
    compact = _compact(answer)
    divided = _divided(answer, compact)
    superscripts = _ANY_SUPERSCRIPT.search(answer) is not None
    plain: _Plain | None = None
    units = _units(accepted_answers) if number is not None else frozenset()
    for accepted in accepted_answers:
        accepted_number, accepted_compact, accepted_plain, accepted_letter = _accepted(accepted)
        if number is not None and accepted_number is not None:
            if (
                number.value == accepted_number.value
                and _unit_fits(number, accepted_number, units)
                and _letters_agree(letter, accepted_letter, letters)
            ):
                return True
        elif compact == accepted_compact or divided == accepted_compact:
            return True
        elif superscripts or accepted_plain.compact != accepted_compact:
            # Superscripts read as plain digits (m² and m2), unless that makes a number of either.
            plain = plain or _plain(answer)
            if plain == accepted_plain and not plain.is_number:
                return True
    return False


def _divided(answer: str, compact: str) -> str | None:
    """An algebra answer's compact text with `:` read as `/` (`x:5` is `x/5`); None for one without
    a colon or a letter (after its `x =`): between numbers alone a colon may be a ratio or time.
    A unit its numbers carry is no letter: `3:4 cm` is a ratio, `2:30 uur` a time."""
    inner = _unwrap(normalise_answer(answer)).inner
    if ":" not in compact or not _ALGEBRA.search(without_units(inner)):
        return None
    return compact.replace(":", "/")


def decimal_value(normalised: str) -> Fraction | None:
    """The value of a normalised answer that is one decimal number (not a fraction), maybe with a
    unit; None for anything else."""
    match = _NUMBER.match(_unwrap(normalised).inner)
    number = None if match is None or match["dec"] is None else _number(match)
    return None if number is None else number.value


def _unit_fits(given: Number, accepted: Number, units: frozenset[str]) -> bool:
    """Whether the unit written with a number may stand beside an accepted answer of equal value.
    None does (the question names the unit), unless the accepted answer wrote its unit right
    after the number ("3km", maybe algebra). Beside an answer with a unit, only that unit: a
    question accepting "1 km" and "1000 m" does not accept "1 m". Beside one without, any unit
    when no accepted answer writes one, else none: "60 euro" is not the "60" of a question that
    also accepts "60%". A bare C only where the accepted answers write degrees."""
    if given.unit is None:
        return not accepted.tight
    if given.loose and given.unit not in units:
        return False
    if accepted.unit is not None:
        return given.unit == accepted.unit
    return not units


def _letters_agree(given: str, accepted: str, letters: frozenset[str]) -> bool:
    """The letters of `x = 4` and an accepted answer: either may leave it out (`4`), but a letter
    written on both sides is the same one (`y = 4` does not solve for x). Beside an accepted answer
    without one, the letter is one the question's accepted answers name, when any names one: a
    question accepting `4` and `x = 4` asks for x, and `y = 4` names the wrong unknown."""
    if not given:
        return True
    if accepted:
        return given == accepted
    return not letters or given in letters


def _letter(text: str) -> str:
    """The letter an answer assigns to (`x` of `x = 4`), or ""."""
    return _unwrap(normalise_answer(text)).assignment


class _Plain(NamedTuple):
    compact: str
    is_number: bool


def _plain(text: str) -> _Plain:
    return _Plain(_compact(text, powers=False), parse_number(text, powers=False) is not None)


@functools.lru_cache(maxsize=4096)
def _units(accepted_answers: tuple[str, ...]) -> frozenset[str]:
    """The kinds of unit a question's accepted answers write (cached like _accepted)."""
    numbers = (_accepted(accepted)[0] for accepted in accepted_answers)
    return frozenset(number.unit for number in numbers if number and number.unit)


@functools.lru_cache(maxsize=4096)
def _letters(accepted_answers: tuple[str, ...]) -> frozenset[str]:
    """The letters a question's accepted answers assign to (`x` of `x = 4`), cached."""
    return frozenset(filter(None, (_accepted(accepted)[3] for accepted in accepted_answers)))


@functools.lru_cache(maxsize=4096)
def _accepted(text: str) -> tuple[Number | None, str, _Plain, str]:
    """An accepted answer's number, compact text, plain reading and letter: the same few are
    checked over and over."""
    return read_number(text, strict=True), _compact(text), _plain(text), _letter(text)
