"""The units a number in an answer may carry, as quiz.answers reads them. Pure: no Django.

Three kinds are one unit however written, and a question's answer may leave them out: PERCENT
(`%`, `procent`), MONEY (`€`, `$`, `£`, `euro`, `euro's`, `eur`; `€`, `EUR` and `euro` before the
number too) and DEGREES (`°`, `°C`, `℃`, `oC`, `graden`, `degrees`, `graden Celsius`, `degrees C`).
Units of measure read as their symbol (`16 centimeter` is `16 cm`, `cm2` and `cm²` are `cm^2`);
which of them a question takes is quiz.answers' rule.
"""

from __future__ import annotations

import re

PERCENT, MONEY, DEGREES = "percent", "money", "degrees"

# The ordinal indicator (º) and the ring above (˚, a Mac's option-K) are typed for the degree sign
# (°): NFKC would make them the letter o and a space with a combining ring.
DEGREE_SIGNS = str.maketrans({"\u00ba": "\u00b0", "\u02da": "\u00b0"})

# Units of measure a number may carry: as a symbol (km, cm^2, mg, dl, km/h) or a word, English or
# Dutch (centimeter, metres, kilo, liter, minuten, uur). A student may write one right after the
# number or after a space; a single-letter one (m, g, l, s, h) only after a space, since "2h" and
# "6m^2" are algebra. An accepted answer is read strictly: any unit of measure after a space, so
# a teacher's "3km" or "-3cm" stays algebra, compared as text.
_MEASURE_WORDS = (
    r"(?:milli|centi|deci|kilo)?(?:met(?:er|re)|lit(?:er|re))s?|(?:milli|kilo)?grams?|kilo"
    r"|sec(?:onds?|onden?)?|min(?:utes?|uten|uut)?|uur|uren|hours?|ton"
)
_MEASURES = r"(?:km/[hu]|m/s|[mcdk]m(?:\^?[23])?|mg|kg|[mcd]l|" + _MEASURE_WORDS + ")"
SINGLE_LETTER = r"(?:m(?:\^?[23])?|g|l|s|h)"
# Prices: a sign or the word, the Dutch plural too ("euro's", the apostrophe typed or curly).
_MONEY = r"[€$£]|euro(?:s|['\u2019]s)?|eur"
# Before the number: a sign, or the word as a bank writes it ("EUR 56") or a student ("euro 56").
CURRENCY = r"[€$£]|euro?"
# Degrees: the sign (℃ is "°c" after NFKC), with C or Celsius, and the words, Dutch and English.
# A letter o with its C is the sign where a student finds none ("6 oC"); the o alone is not (6o
# may be a 60 mistyped).
_DEGREES = (
    r"°(?: ?c(?:elsius)?)?|o ?c(?:elsius)?|(?:graden|graad|degrees?)(?: c(?:elsius)?)?|celsius"
)
# Every unit but a bare c, which may as well be algebra's.
_NOT_C = "|".join(("%|procent|percent", _MONEY, _DEGREES, _MEASURES))
# Any unit a number may carry (a pattern, of normalised text); a bare c is a Celsius written
# without its sign, or algebra's c: quiz.answers decides which.
UNIT = _NOT_C + "|c"

_KINDS = {
    PERCENT: re.compile("%|procent|percent"),
    MONEY: re.compile(_MONEY),
    DEGREES: re.compile(_DEGREES),
}
# Units of measure as their symbol: "16 centimeter" is "16 cm", "80 km/u" (Dutch) "80 km/h".
_PREFIXED_WORD = re.compile(r"^(milli|centi|deci|kilo)?(met(?:er|re)|lit(?:er|re)|gram)s?$")
_PREFIXES = {"milli": "m", "centi": "c", "deci": "d", "kilo": "k", None: ""}
_BASES = {"met": "m", "lit": "l", "gra": "g"}  # by the word's first three letters
_MEASURE_SYMBOLS = {
    "kilo": "kg",
    "sec": "s", "second": "s", "seconds": "s", "seconde": "s", "seconden": "s",
    "minute": "min", "minutes": "min", "minuut": "min", "minuten": "min",
    "uur": "h", "uren": "h", "hour": "h", "hours": "h", "km/u": "km/h",
}  # fmt: skip
_POWER = re.compile(r"\^?([23])$")


def unit_symbol(written: str) -> str:
    """The kind of a %, money or degrees unit; a unit of measure as its symbol, powers as ^:
    "cm2", "cm²" and "cm^2" are all "cm^2"."""
    kind = unit_kind(written)
    if kind is not None:
        return kind
    word = _PREFIXED_WORD.match(written)
    if word:
        return _PREFIXES[word[1]] + _BASES[word[2][:3]]
    return _POWER.sub(r"^\1", _MEASURE_SYMBOLS.get(written, written))


# The one way each kind of unit is written in a group of wrong answers (money: its own sign).
_GROUP_SIGNS = {PERCENT: "%", DEGREES: "°"}


def grouped_with_unit(sign: str, digits: str, written: str) -> str:
    """A number with the unit written with it, as reports group wrong answers: `€56`, `$56`,
    `-€5`, `35%`, `6°`, `16 cm`."""
    unit = unit_symbol(written)
    if unit == MONEY:
        return f"{sign}{written if written in '$£' else '€'}{digits}"
    if unit in _GROUP_SIGNS:
        return f"{sign}{digits}{_GROUP_SIGNS[unit]}"
    return f"{sign}{digits} {unit}"


def unit_kind(written: str) -> str | None:
    """PERCENT, MONEY or DEGREES for a unit of that kind however written; None for others."""
    return next((kind for kind, spelled in _KINDS.items() if spelled.fullmatch(written)), None)


# A unit where a number carries it, as quiz.answers reads one: a currency before the number; any
# other unit after it, a single-letter one after a space only ("2 h", not algebra's "2h"), never
# a bare c (algebra's c as much). Not the start of a longer word.
_CARRIED = re.compile(
    rf"(?<![^\W\d_])(?:{CURRENCY})\s*(?=[+-]?[\d.,])"
    rf"|(?<=\d)\s*(?:{_NOT_C})(?![^\W\d_])"
    rf"|(?<=\d)\s+{SINGLE_LETTER}(?![^\W\d_])"
)


def without_units(normalised: str) -> str:
    """A normalised answer without the units its numbers carry: what is left are its own letters
    (`3:4 cm` has none, `x:5 cm` has x)."""
    return _CARRIED.sub("", normalised)
