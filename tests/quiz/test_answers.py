"""Answer checking: a table of what a maths teacher would accept, Dutch decimal comma included."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.answers import (
    MAX_ANSWER_LENGTH,
    answer_group,
    is_correct,
    names_a_choice,
    normalise_answer,
    parse_number,
    validate_answer,
)
from quiz.errors import InvalidAnswer
from quiz.thousands import doubtful_accepted_answer, doubtful_thousands

ASK = "ask"  # not judged: the student is asked whether a point or comma separates thousands

# (answer, accepted answers, correct? or ASK)
OPEN_CASES = [
    # numbers by value: Dutch decimal comma, point, leading point, fractions
    ("0,5", ["0.5"], True),
    ("0.5", ["1/2"], True),
    (".5", ["0,5"], True),
    (",5", ["1/2"], True),
    ("1/2", ["0.5"], True),
    ("2/4", ["1/2"], True),
    (" 1 / 2 ", ["0.5"], True),
    ("-3", ["-3"], True),
    ("\u22123", ["-3"], True),  # Unicode minus sign
    ("+3", ["3"], True),
    ("-3", ["3"], False),
    ("2.50", ["2.5"], True),
    ("2,50", ["2.5"], True),
    ("2,5", ["5/2"], True),
    ("-1/4", ["-0,25"], True),
    ("1 1/2", ["1.5"], True),  # mixed number
    ("-1 1/2", ["-3/2"], True),  # the sign applies to the whole mixed number
    ("11/2", ["1 1/2"], False),
    ("1½", ["1 1/2"], True),  # fraction characters read as the fraction they show
    ("1 ½", ["3/2"], True),
    ("½", ["0,5"], True),
    ("-2¾", ["-11/4"], True),
    ("3\u20444", ["0.75"], True),  # FRACTION SLASH
    ("⅓", ["1/3"], True),
    ("1½", ["11/2"], False),
    ("1,000", ["1"], True),  # a comma is always decimal
    ("1,000", ["1000"], ASK),  # but before three digits maybe a thousands separator: which is it?
    ("10.000", ["10000"], ASK),  # wrong as a decimal, right as ten thousand: ask, never a mistake
    ("10,000", ["10000"], ASK),
    ("3.142", ["3142"], ASK),  # nor accepted: it may be pi
    ("3,142", ["3142"], ASK),
    ("-10.000", ["-10000"], ASK),  # whatever goes with the number
    ("x = 10.000", ["10000"], ASK),
    ("(4.201)", ["4201"], ASK),
    ("€ 1.000,-", ["1000"], ASK),
    ("10.000 cm", ["10000 cm"], ASK),
    ("10.000", ["10 000"], ASK),
    ("1.000.000", ["1000000"], ASK),  # grouped forms read as no number: right only as thousands
    ("1,000,000", ["1000000"], ASK),
    ("1.000,5", ["1000.5"], ASK),
    ("1,000.5", ["1000,5"], ASK),
    ("1.000.000,25", ["1000000.25"], ASK),
    ("3,142", ["3.142"], True),  # right as read: right (a question asking for three decimals)
    ("3.142", ["3,142"], True),
    ("10.000", ["10"], True),
    ("2.500", ["2500", "2.5"], True),
    ("10.000", ["5"], False),  # wrong either way: wrong
    ("1.000.000", ["5"], False),
    ("10.000 m", ["10000 cm"], False),
    ("0.500", ["500"], False),  # no thousands separator after a 0, or after four digits
    ("1234.567", ["1234567"], False),
    ("12 345.678", ["12345678"], False),  # nor in a number grouped by spaces
    ("4.2010", ["4201"], False),  # nor before four digits
    ("1.000/2", ["500"], False),  # nor in a fraction
    ("1.000 of 2.000", ["1000 of 2000"], False),  # nor in two numbers
    ("10 000", ["10000"], True),  # thousands grouped by spaces, the Dutch and SI way
    ("1 000 000", ["1000000"], True),
    ("12 345,5", ["12345.5"], True),
    ("-1 000", ["-1000"], True),
    ("€ 1 000,-", ["1000"], True),
    ("10000", ["10 000"], True),
    ("1 000", ["1"], False),
    ("1 5", ["15"], False),  # but digits apart are no number, nor one number as text
    ("4 8", ["48"], False),
    ("1 2", ["12"], False),
    ("12 34", ["1234"], False),  # groups of exactly three
    ("1 0000", ["10000"], False),
    ("0 500", ["500"], False),  # after 1 to 3 digits not starting with 0
    ("1 5", ["1 5"], True),  # as text, the space between the digits counts
    ("3 · 10 ⁴", ["3 · 10⁴"], True),  # a space before a superscript joins no two numbers
    ("x = 1 2", ["x = 12"], False),
    ("0.333", ["1/3"], False),  # exact, no rounding
    ("7.", ["7"], True),
    ("007", ["7"], True),
    ("1/0", ["1/0"], True),  # not a number: compared as text
    ("25%", ["25"], True),  # a trailing % is a unit
    ("25 %", ["25%"], True),
    ("0.25", ["25%"], False),
    ("€56,00", ["56"], True),  # so is a currency sign, and a Dutch price in whole euros
    ("€ 56,-", ["€56"], True),
    ("$ 56.00", ["56"], True),
    ("56,-", ["56"], True),
    ("€56,50", ["56"], False),
    ("€-5", ["-5"], True),
    ("-€ 5", ["-5"], True),
    ("-€-5", ["5"], False),
    ("56 €", ["56"], True),  # the sign after the number, or the word
    ("56€", ["€56"], True),
    ("56,00 euro", ["56"], True),
    ("56 euros", ["€ 56"], True),
    ("56 eur", ["56"], True),
    ("56 dollar", ["56"], False),
    ("56 euro's", ["56", "€56", "56 euro"], True),  # the Dutch plural, typed or curly apostrophe
    ("56 euro\u2019s", ["€56"], True),
    ("EUR 56", ["56", "€56", "56 euro"], True),  # the bank's way, before the number
    ("EUR56,-", ["€ 56"], True),
    ("eur -5", ["-5"], True),
    ("EUR 56", ["56%"], False),  # still money, not another kind
    ("EUR 56 euro", ["56"], False),  # two units
    ("euro 56", ["56", "€56", "56 euro"], True),  # the word before the number, as EUR is
    ("Euro 56,-", ["€ 56"], True),
    ("euro56", ["56"], True),
    ("euro 56", ["65", "€65"], False),  # never another number
    ("euro 56", ["56%"], False),  # nor another kind
    ("euro 56 euro", ["56"], False),  # two units
    ("25 procent", ["25%"], True),  # Dutch for percent
    ("25 percent", ["25"], True),
    ("6°", ["6"], True),  # degrees
    ("6 °C", ["6"], True),
    ("6 \u2103", ["6"], True),  # DEGREE CELSIUS
    ("6\u2103", ["6", "6 °C", "6°C"], True),
    ("6 \u00baC", ["6", "6 °C", "6°C"], True),  # the ordinal indicator, typed for the degree sign
    ("6\u00ba", ["6 °C"], True),
    ("6\u02da", ["6 °C"], True),  # the ring above (a Mac's option-K), typed for it too
    ("6 \u02daC", ["6", "6 °C"], True),
    ("6 oC", ["6", "6 °C", "6°C"], True),  # the letter o, where a student finds no degree sign
    ("6oC", ["6 °C"], True),
    ("-3 o C", ["-3 °C"], True),
    ("6 oC", ["6 cm"], False),
    ("6 oC", ["60 °C", "60"], False),  # never another number
    ("6\u02da", ["60 °C", "60"], False),
    ("6o", ["6 °C"], False),  # the o alone is no degree sign: 6o may be a 60 mistyped
    ("6o", ["60"], False),
    ("6 degrees C", ["6 °C"], True),
    ("6 graden C", ["6"], True),
    ("6 graden", ["6", "6 °C", "6°C"], True),  # the words, Dutch and English
    ("6 degrees", ["6", "6 °C", "6°C"], True),
    ("6 graden Celsius", ["6 °C"], True),
    ("6 degrees celsius", ["6°C"], True),
    ("1 graad", ["1 °C"], True),
    ("6 ° C", ["6°"], True),
    ("6 graden", ["6"], True),  # a question naming no unit takes them, as it takes 6°
    ("6 graden", ["6 cm"], False),  # but not for another unit
    ("6 cm", ["6", "6 °C", "6°C"], False),  # nor another unit for degrees
    ("6 %", ["6 °C"], False),
    ("7 graden", ["6 °C"], False),
    ("6 C", ["6", "6 °C", "6°C"], True),  # a bare C is degrees where the question asks degrees
    ("6C", ["6 °C"], True),
    ("-3 c", ["-3°"], True),
    ("6 C", ["6"], False),  # else it may be algebra's c
    ("6c", ["6"], False),
    ("6 c", ["6c"], True),  # compared as text, as it was
    ("6", ["6 c"], False),  # and a teacher's "6 c" may be algebra: never the number alone
    ("6 °C", ["6 C"], True),  # a teacher's C is read as a student's: any spelling of degrees
    ("6 graden", ["6 c"], True),
    ("6°", ["6C"], True),
    ("6 C", ["6 C"], True),
    ("-3 oC", ["-3 C"], True),
    ("6", ["6 C"], False),  # but as algebra's c too: never the number alone
    ("6 cm", ["6 C"], False),  # nor another unit
    ("7 °C", ["6 C"], False),  # nor another number
    ("6 °C", ["6 c^2"], False),  # a c that is no unit stays text
    ("6 cm", ["6"], True),  # so is a unit of measure, when the question names none
    ("16", ["16 cm"], True),  # or names it
    ("16 cm", ["16 cm"], True),
    ("16cm", ["16 cm"], True),
    ("16,0 cm", ["16 cm"], True),
    ("16 centimeter", ["16 cm"], True),
    ("16 m", ["16 cm"], False),  # but not another unit: no conversions either
    ("0.16 m", ["16 cm"], False),
    ("15 cm2", ["15 cm^2"], True),  # a unit's power, however written
    ("15 cm²", ["15 cm^2"], True),
    ("15 cm^2", ["15 cm²"], True),
    ("15 cm", ["15 cm^2"], False),
    ("6", ["6 m²"], True),
    ("6 m3", ["6 m^3"], True),
    ("80 km/u", ["80 km/h"], True),  # Dutch "uur"
    ("90 minuten", ["90 min"], True),
    ("1 1/2 uur", ["1.5 h"], True),
    ("2,5 liter", ["2.5 l"], True),
    ("3 kg", ["3000 g"], False),
    ("6", ["6m^2"], False),  # a single letter right after a number is algebra, not a unit
    ("2", ["2h"], False),
    ("2 h", ["2h"], True),  # compared as text, where spacing does not matter
    ("5 dollar", ["5"], False),  # a word that is no unit we know: text
    ("16 metre", ["16 m"], True),  # the words, English and Dutch, with their prefixes
    ("16 decimeter", ["16 dm"], True),
    ("5 milligram", ["5 mg"], True),
    ("2 milliliter", ["2 ml"], True),
    ("3 kilo", ["3 kg"], True),
    ("1 m", ["1 km", "1000 m"], False),  # each accepted answer with its own unit
    ("1000 m", ["1 km", "1000 m"], True),
    ("90 uur", ["1,5 uur", "90 min"], False),
    ("1,5 min", ["1,5 uur", "90 min"], False),
    ("16 m", ["16 cm", "0,16 m"], False),
    ("0,16 cm", ["16 cm", "0,16 m"], False),
    ("0.5%", ["50%", "0.5"], False),  # nor a unit beside a unitless answer of another form
    ("3", ["3km"], False),  # a teacher's unit right after the number may be algebra: never
    ("4", ["4kg"], False),  # the number alone
    ("-3", ["-3cm"], False),
    ("3 km", ["3km"], True),  # but that unit, however written
    ("3,0 kilometer", ["3km"], True),
    ("16 cm2", ["16cm²"], True),
    ("80 km/u", ["80km/h"], True),
    ("16 m", ["16cm", "16"], False),  # and its unit is the question's: not another one
    ("3 m", ["3km", "3"], False),
    ("2 h", ["2min", "2"], False),
    ("25%", ["25 %"], True),  # %, money and degrees may stand right after a number anywhere
    ("60 euro", ["60%", "60"], False),  # nor a unit of another kind than the question's
    ("60 procent", ["60%", "60"], True),
    ("6 %", ["6", "6 °C"], False),
    ("56%", ["56", "€56"], False),
    ("25°", ["25%"], False),
    ("€ 56 €", ["56"], False),  # two units
    ("$56 €", ["56"], False),
    ("(-15)", ["-15"], True),  # a number in brackets, as negative numbers are written
    ("( -4 )", ["-4"], True),
    ("x = (-3)", ["-3"], True),
    ("(15)", ["-15"], False),
    ("((-15))", ["-15"], False),
    ("2⁷", ["2^7"], True),  # superscripts are a power, as the questions write it
    ("2⁷", ["27"], False),
    ("27", ["2⁷"], False),
    ("2⁷⁸", ["2^78"], True),
    ("10⁻³", ["10^-3"], True),
    ("x²", ["x^2"], True),
    ("x² + 1", ["x^2+1"], True),
    ("(a+b)²", ["(a+b)^2"], True),
    ("25 m²", ["25 m2"], True),  # as plain digits too, where that changes no number
    ("25 m2", ["25 m²"], True),
    ("x2", ["x²"], True),
    ("2**7", ["2^7", "128"], True),  # a programmer's power
    ("2 ** 7", ["2^7"], True),
    ("x**2+1", ["x^2 + 1"], True),
    ("2**7", ["27"], False),
    ("2*7", ["2^7"], False),
    ("x:5", ["x/5"], True),  # in algebra a colon is division, the Dutch way
    ("X : 5", ["x/5"], True),
    ("(x+1):2", ["(x + 1)/2"], True),
    ("a:b", ["a/b"], True),
    ("x:5", ["x/4"], False),
    ("x/5", ["x:5"], False),  # not the other way: the teacher's colon may be a ratio
    ("x:5", ["x:5"], True),
    ("3:4", ["3/4"], False),  # between numbers alone it may be a ratio
    ("6:8", ["3:4", "0.75"], False),
    ("1:30", ["1/30"], False),  # or a time
    ("x = 3:4", ["x = 3/4"], False),  # the assignment's letter makes no algebra of it
    # Nor does a unit: a number's unit (as a number reads it: `cm`, `uur`, `graden`, `euro`, a
    # single-letter one after a space) is no letter, so 3:4 keeps its meaning with one.
    ("3:4 cm", ["3/4 cm"], False),  # a ratio
    ("3 cm : 4 cm", ["3cm/4cm"], False),
    ("2:30 uur", ["2/30 uur"], False),  # a time
    ("1:30 h", ["1/30 h"], False),
    ("€ 3:4", ["€ 3/4"], False),
    ("euro 3:4", ["euro 3/4"], False),
    ("6:8 graden", ["6/8 graden"], False),
    ("x:5 cm", ["x/5 cm"], True),  # a letter beside the unit is algebra still
    ("3a:4", ["3a/4"], True),
    ("2h:3", ["2h/3"], True),  # a single letter right after a number is algebra, as 2h is
    ("2 uur:x", ["2 uur/x"], True),
    ("3:4 cm", ["3:4 cm"], True),  # and as text it is what it was
    ("¹\u2044₂", ["1/2"], True),  # a superscript numerator is a fraction, not a power
    ("³/₁₆", ["0,1875"], True),
    ("x = 4", ["4"], True),
    ("x=4", ["x = 4"], True),
    ("4", ["x = 4"], True),
    ("X = 4", ["x = 4"], True),
    ("y = 4", ["x = 4"], False),  # the accepted answer names its letter: another does not solve it
    ("y = 4", ["4"], True),  # no letter named: the question's text says which (not read here)
    ("y = 4", ["x = 4", "y = 4"], True),
    ("y = 5", ["5", "x=5", "x = 5"], False),  # nor beside the number alone: the question is x
    ("y=5", ["5", "x = 5"], False),
    ("5", ["5", "x=5", "x = 5"], True),
    ("x = 5", ["5", "x = 5"], True),
    ("X=5", ["5", "x = 5"], True),
    ("0.5", ["0.6"], False),
    # several accepted answers
    ("3", ["2", "3"], True),
    ("4", ["2", "3"], False),
    ("x = 2 of x = -2", ["x = 2 of x = -2", "x = -2 of x = 2"], True),
    ("x = -2 of x = 2", ["x = 2 of x = -2", "x = -2 of x = 2"], True),
    # text: trimmed, whitespace and case folded
    ("  Evenredig ", ["evenredig"], True),
    ("2 X  + 3", ["2x+3"], True),  # spacing in a formula does not matter
    ("x = 4", ["x=4"], True),
    ("3 x", ["3x"], True),  # nor between a digit and a letter
    ("2x + 3", ["2x+3"], True),
    ("x^2", ["X^2"], True),
    ("x^3", ["x^2"], False),
    ("", ["0"], False),
    ("abc", ["0"], False),
]


def judged(answer: str, accepted: list[str]) -> bool | str:
    """What a student gets for an answer to an open question: ASK, or whether it is right."""
    if doubtful_thousands(answer, kind="open", accepted_answers=accepted) is not None:
        return ASK
    return is_correct(answer, kind="open", accepted_answers=accepted)


@pytest.mark.parametrize(("answer", "accepted", "expected"), OPEN_CASES)
def test_open_answers(answer, accepted, expected):
    assert judged(answer, accepted) == expected
    if expected == ASK:  # asked, never accepted as written
        assert is_correct(answer, kind="open", accepted_answers=accepted) is False


UNITS_WITH_A_RATIO = ["cm", "m", "m2", "uur", "h", "min", "graden", "°C", "oC", "%", "euro", "km/u"]


@pytest.mark.parametrize("unit", UNITS_WITH_A_RATIO)
def test_a_unit_makes_no_algebra_of_a_ratio_or_a_time(unit):
    # given a ratio or a time written with a unit, and a question accepting the fraction
    for answer, fraction in ((f"3:4 {unit}", f"3/4 {unit}"), (f"2:30 {unit}", f"2/30 {unit}")):
        # when it is checked, then its colon is no division: the unit is not a letter of algebra
        assert not is_correct(answer, kind="open", accepted_answers=[fraction]), answer
    # while a letter of its own beside the unit makes algebra of it, where a colon divides
    assert is_correct(f"x:4 {unit}", kind="open", accepted_answers=[f"x/4 {unit}"])


@pytest.mark.parametrize(
    ("answer", "accepted", "question"),
    [
        ("10.000", ["10000"], "Is that 10 or 10000?"),
        ("10,000", ["10000"], "Is that 10 or 10000?"),
        ("3.142", ["3142"], "Is that 3.142 or 3142?"),
        ("3,142", ["3142"], "Is that 3,142 or 3142?"),  # the decimal comma as the student wrote it
        ("-2,500", ["-2500"], "Is that -2,5 or -2500?"),
        ("€ 1.000,-", ["1000"], "Is that 1 or 1000?"),
        ("1.000.000", ["1000000"], "Did you mean 1000000?"),
        ("1.000,5", ["1000.5"], "Did you mean 1000,5?"),
        ("1,000.5", ["1000.5"], "Did you mean 1000.5?"),
    ],
)
def test_what_a_student_is_asked_about_a_thousands_separator(answer, accepted, question):
    asked = doubtful_thousands(answer, kind="open", accepted_answers=accepted)
    assert asked == f"{question} Write the number without a thousands separator."


def test_a_choice_answer_is_never_asked_about_thousands():
    assert doubtful_thousands("1.000", kind="choice", accepted_answers=["1000"]) is None


# --- the same rule for an accepted answer: refused, saying what it is checked as ---------------


@pytest.mark.parametrize(
    ("accepted", "checked_as", "meant", "unmistaken", "told"),
    [
        ("10.000", "10", "10000", "10", "'10.000' is checked as 10 (a point or comma is a "
         "decimal separator), so a student's 10000 is marked wrong. Write the number as 10000 if "
         "you mean 10000, or as 10 if you mean 10."),
        ("€ 1.250,-", "1.25", "1250", "1.25", "'€ 1.250,-' is checked as 1.25 (a point or comma "
         "is a decimal separator), so a student's 1250 is marked wrong. Write the number as 1250 "
         "if you mean 1250, or as 1.25 if you mean 1.25."),
        ("3,142", "3,142", "3142", "3,1420", "'3,142' is checked as 3,142 (a point or comma is a "
         "decimal separator), so a student's 3142 is marked wrong. Write the number as 3142 if "
         "you mean 3142, or as 3,1420 if you mean 3,142."),
        ("x = -2.500", "-2.5", "-2500", "-2.5", None),
        ("12.500 cm", "12.5", "12500", "12.5", None),
    ],
)  # fmt: skip
def test_an_accepted_answer_with_a_point_or_comma_before_three_digits_is_refused(
    accepted, checked_as, meant, unmistaken, told
):
    # given an accepted answer whose point or comma may separate thousands, when it is checked
    doubt = doubtful_accepted_answer(accepted, kind="open")
    # then it is refused, saying what it is checked as and how to write either reading
    assert doubt is not None
    if told is not None:
        assert doubt == told
    assert f"checked as {checked_as} " in doubt and f"as {meant} if you mean {meant}" in doubt
    # and that is the truth: a student's number as read is right, the thousands wrong
    assert is_correct(checked_as, kind="open", accepted_answers=[accepted])
    assert not is_correct(meant, kind="open", accepted_answers=[accepted])
    # and either way of writing it it suggests is no doubt, and checked as it says
    for suggested, value in ((meant, meant), (unmistaken, checked_as)):
        assert doubtful_accepted_answer(suggested, kind="open") is None
        assert is_correct(value, kind="open", accepted_answers=[suggested])


@pytest.mark.parametrize(("accepted", "meant"), [("1.000.000", "1000000"), ("1.000,5", "1000,5")])
def test_an_accepted_answer_that_is_no_number_for_its_separators_is_refused(accepted, meant):
    doubt = doubtful_accepted_answer(accepted, kind="open")
    assert doubt == (
        f"{accepted!r} is no number as written, so it accepts only that very text and a "
        f"student's {meant} is marked wrong. Write the number as {meant} if you mean {meant}."
    )
    assert is_correct(accepted, kind="open", accepted_answers=[accepted])
    assert not is_correct(meant, kind="open", accepted_answers=[accepted])


@pytest.mark.parametrize(
    "accepted", ["10000", "10 000", "10", "10,0", "0.500", "3.1420", "3.14", "(1.000, 2.000)", "x"]
)
def test_an_accepted_answer_without_that_doubt_is_kept(accepted):
    assert doubtful_accepted_answer(accepted, kind="open") is None


def test_a_choice_key_is_never_refused_for_thousands():
    assert doubtful_accepted_answer("1.000", kind="choice") is None


@given(number=st.integers(1000, 10**9), separator=st.sampled_from(".,"), sign=st.booleans())
def test_a_number_with_thousands_separators_is_never_an_accepted_answer(number, separator, sign):
    written = ("-" if sign else "") + f"{number:,}".replace(",", separator)
    # whatever it means, it is refused, and the number it is told to write is not
    doubt = doubtful_accepted_answer(written, kind="open")
    assert doubt is not None
    meant = str(-number if sign else number)
    assert f"Write the number as {meant} if you mean {meant}" in doubt
    assert doubtful_accepted_answer(meant, kind="open") is None


CHOICE_CASES = [
    ("b", ["b"], True),
    ("B", ["b"], True),
    (" b) ", ["B"], True),
    ("b.", ["b"], True),
    ("c", ["b"], False),
    ("0.5", ["b"], False),
    ("a", ["a", "c"], True),
]


@pytest.mark.parametrize(("answer", "accepted", "expected"), CHOICE_CASES)
def test_choice_answers_compare_keys(answer, accepted, expected):
    assert is_correct(answer, kind="choice", accepted_answers=accepted) is expected


@pytest.mark.parametrize(
    ("answer", "expected"), [("B", True), (" c) ", True), ("E", False), ("0.5", False), ("", False)]
)
def test_an_answer_names_a_choice_only_by_its_key(answer, expected):
    assert names_a_choice(answer, ["A", "B", "C", "D"]) is expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0,5", Fraction(1, 2)),
        ("-1/4", Fraction(-1, 4)),
        ("1 1/2", Fraction(3, 2)),
        ("2.50", Fraction(5, 2)),
        ("-3", Fraction(-3)),
        ("12 %", Fraction(12)),
        ("y = 0,2", Fraction(1, 5)),
        ("1/0", None),
        ("1 2", None),
        ("12 34", None),
        ("1 0000", None),
        ("10 000", Fraction(10_000)),
        ("12 345,5", Fraction(24_691, 2)),
        ("1 000/2", Fraction(1)),  # a mixed number, as before: no grouping inside a fraction
        ("1.2.3", None),
        ("half", None),
        ("", None),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_normalise_answer_trims_folds_whitespace_and_case():
    assert normalise_answer("  Twee\tDERDE \n ") == "twee derde"
    assert normalise_answer("\u22123") == "-3"
    assert normalise_answer("\uff21\uff22") == "ab"  # full-width letters (NFKC)
    assert normalise_answer("2³ * 2⁴") == "2^3 * 2^4"  # superscripts: powers, not digits


# (answer as typed, the group reports count it in)
GROUP_CASES = [
    # a decimal number: comma or point, with or without its leading zero
    ("0.6", "0.6"),
    ("0,6", "0.6"),
    (".6", "0.6"),
    (",6", "0.6"),
    (" 0,6 ", "0.6"),
    ("-,6", "-0.6"),
    ("+0,6", "0.6"),
    ("7.", "7"),
    ("10 000", "10000"),  # thousands grouped by spaces
    ("12 345,5", "12345.5"),
    # its digits as written: 1,000 is not 1 (that student likely meant a thousand)
    ("2,50", "2.50"),
    ("1,000", "1.000"),
    # its unit in one place, as one symbol, with or without a space before it
    ("35 %", "35%"),
    ("35%", "35%"),
    ("35 procent", "35%"),
    ("16cm", "16 cm"),
    ("16 cm", "16 cm"),
    ("16 centimeter", "16 cm"),
    ("16,5 Centimeter", "16.5 cm"),
    ("25 m²", "25 m^2"),
    ("25 m2", "25 m^2"),
    ("80 km/u", "80 km/h"),
    ("2 uur", "2 h"),
    ("2 h", "2 h"),
    ("€ 56,-", "€56"),
    ("56 euro", "€56"),
    ("56€", "€56"),
    ("$56", "$56"),
    ("-€ 5", "-€5"),
    ("€-5", "-€5"),
    ("6 °C", "6°"),
    ("6°", "6°"),
    ("6℃", "6°"),
    ("6 ºC", "6°"),
    ("6 graden", "6°"),
    ("6 Degrees Celsius", "6°"),
    ("6 C", "6 c"),  # a bare C stays: it is right only where degrees are asked
    ("6,0C", "6.0 c"),
    ("EUR 56", "€56"),
    ("euro 56", "€56"),
    ("6 oC", "6°"),
    ("6\u02da", "6°"),
    ("6 degrees C", "6°"),
    ("56 euro's", "€56"),
    # an assignment and brackets stay, around the number's one spelling
    ("x=,6", "x = 0.6"),
    ("X = 0,6", "x = 0.6"),
    ("( -0,5 )", "(-0.5)"),
    # fractions and mixed numbers as written: 3/5 for 0.6 is another misconception
    ("3/5", "3/5"),
    ("1 1/2", "1 1/2"),
    ("-1 1/2", "-1 1/2"),
    ("1½", "1 1/2"),
    ("0,5/2", "0,5/2"),
    # anything that is no number (as answer checking reads them): normalise_answer's form
    ("2h", "2h"),  # algebra
    ("1 5", "1 5"),
    ("€56 €", "€56 €"),
    ("5 dollar", "5 dollar"),
    ("  Twee  DERDE ", "twee derde"),
    ("2⁷", "2^7"),
    ("2**7", "2^7"),
    ("x:5", "x:5"),
    ("x = 2 of x = -2", "x = 2 of x = -2"),
]


@pytest.mark.parametrize(("answer", "group"), GROUP_CASES)
def test_answer_group(answer, group):
    assert answer_group(answer) == group


@pytest.mark.parametrize(("answer", "_"), GROUP_CASES)
def test_an_answer_group_is_judged_like_the_answers_in_it(answer, _):
    # The question page marks a past wrong answer "accepted now" by checking its group. (Not
    # beside an algebra answer such as "2h", which "2 h" equals as text and "2 uur" does not.)
    for accepted in (
        *(["0.6"], ["35%"], ["16cm"], ["€56"], ["6"], ["6 °C"], ["6 C"], ["3/5"], ["x = 0,6"]),
        ["1000"],
        ["6", "x = 6"],
    ):
        assert is_correct(answer_group(answer), kind="open", accepted_answers=accepted) is (
            is_correct(answer, kind="open", accepted_answers=accepted)
        ), accepted


def test_validate_answer_trims():
    assert validate_answer("  0,5 \n") == "0,5"
    assert validate_answer("x" * MAX_ANSWER_LENGTH) == "x" * MAX_ANSWER_LENGTH


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * (MAX_ANSWER_LENGTH + 1)])
def test_validate_answer_rejects_empty_and_too_long(text):
    with pytest.raises(InvalidAnswer):
        validate_answer(text)


@pytest.mark.parametrize("text", ["1\x002", "\x00", "caf\udce9", "\ud800"])
def test_validate_answer_rejects_text_storage_refuses(text):
    with pytest.raises(InvalidAnswer):
        validate_answer(text)


def test_validate_answer_keeps_any_real_unicode():
    assert validate_answer(" √2 ≈ 1,41 😀 ") == "√2 ≈ 1,41 😀"


# --- a thousands separator, for any number (hypothesis) -------------------------------------------

# Anything typed of these characters, and numbers with points and commas in many places.
NUMBERS = st.from_regex(r"\A-?[0-9]{1,4}(?:[.,](?:[0-9]{3}|[0-9]{1,4})){0,3}(?: ?cm|%)?\Z")
ANSWERS = st.one_of(st.text(st.sampled_from("0123456789.,- /€%xcm"), max_size=12), NUMBERS)


@given(answer=ANSWERS, accepted=st.lists(ANSWERS, min_size=1, max_size=3))
def test_an_answer_without_a_point_or_comma_before_three_digits_is_judged(answer, accepted):
    if re.search(r"[.,]\d{3}", answer) is None:
        assert doubtful_thousands(answer, kind="open", accepted_answers=accepted) is None


@given(answer=NUMBERS, others=st.lists(ANSWERS, max_size=2))
def test_an_answer_asked_about_is_wrong_as_written_and_right_without_separators(answer, others):
    # the answer's digits as one number among the accepted answers: now and then it is asked
    accepted = [re.sub(r"[.,]", "", answer), *others]
    if doubtful_thousands(answer, kind="open", accepted_answers=accepted) is not None:
        assert not is_correct(answer, kind="open", accepted_answers=accepted)
        assert re.search(r"[.,]\d{3}", answer)


@given(number=st.integers(1000, 10**9), separator=st.sampled_from(".,"), sign=st.booleans())
def test_a_number_written_with_thousands_separators_is_never_a_mistake(number, separator, sign):
    written = ("-" if sign else "") + f"{number:,}".replace(",", separator)
    value = str(-number if sign else number)
    # asked (or, where the decimal reading happens to be right too, right), never a mistake
    assert judged(written, [value]) in (ASK, True)
    # and never accepted for another number, nor asked about one
    assert judged(written, [str(number + 1)]) is False


@given(thousandths=st.integers(-(10**7), 10**7), separator=st.sampled_from(".,"))
def test_a_number_with_three_decimals_is_right_when_it_is_right(thousandths, separator):
    value = Fraction(thousandths, 1000)
    whole, decimals = divmod(abs(thousandths), 1000)
    written = f"{'-' if thousandths < 0 else ''}{whole}{separator}{decimals:03d}"
    assert judged(written, [str(float(value)) if value.denominator > 1 else str(value)]) is True
    assert judged(written, [written]) is True
