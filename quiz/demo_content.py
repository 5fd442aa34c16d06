"""The demo question bank: course "Math basics" for a second-year class.

Plain data, checked by tests. Each question lists its accepted answers (several where a student
would naturally write the same value differently), a worked answer, and `wrong`: mistakes students
really make (adding numerators and denominators, taking a percentage of the wrong amount, dividing
exponents), which the demo-history simulator answers with.
Minus signs are typed as "-" so that what students see is what they can type. Accepted answers
write powers as the questions ask students to type them (`2^7`); answer checking reads a typed or
pasted superscript (`2⁷`) the same way.
"""
# The multiplication sign (U+00D7) is meant: it is what the maths books print.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass

OPEN = "open"
CHOICE = "choice"


@dataclass(frozen=True)
class DemoQuestion:
    kind: str
    text: str
    accepted: tuple[str, ...]
    worked: str
    wrong: tuple[str, ...]
    choices: tuple[tuple[str, str], ...] = ()

    def choice_dicts(self) -> list[dict[str, str]]:
        return [{"key": key, "text": text} for key, text in self.choices]


@dataclass(frozen=True)
class DemoChapter:
    title: str
    streak_goal: int
    questions: tuple[DemoQuestion, ...]


def x_is(value: str) -> tuple[str, ...]:
    """Accepted answers of an equation: the number, or "x = number" with or without spaces."""
    return (value, f"x={value}", f"x = {value}")


COURSE_TITLE = "Math basics"

FRACTIONS = DemoChapter(
    title="Fractions",
    streak_goal=3,
    questions=(
        DemoQuestion(
            OPEN,
            "Calculate 1/2 + 1/4.",
            ("3/4", "0.75", "0,75"),
            "Make the denominators equal: 1/2 = 2/4, so 2/4 + 1/4 = 3/4.",
            ("2/6", "1/3", "2/4"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 2/3 + 1/6.",
            ("5/6",),
            "2/3 = 4/6, so 4/6 + 1/6 = 5/6.",
            ("3/9", "1/3", "3/6"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 3/4 - 1/3.",
            ("5/12",),
            "Use the common denominator 12: 3/4 = 9/12 and 1/3 = 4/12, so 9/12 - 4/12 = 5/12.",
            ("2", "2/1", "2/12"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 2/5 × 3/4.",
            ("3/10", "6/20", "0.3", "0,3"),
            "Multiply the numerators and the denominators: (2 × 3)/(5 × 4) = 6/20 = 3/10.",
            ("8/15", "5/9", "6/9"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 3/4 ÷ 1/2.",
            ("3/2", "1 1/2", "6/4", "1.5", "1,5"),
            "Dividing by 1/2 is multiplying by 2/1: 3/4 × 2 = 6/4 = 3/2 = 1 1/2.",
            ("3/8", "2/3", "0.375"),
        ),
        DemoQuestion(
            OPEN,
            "What is 3/8 of 40?",
            ("15",),
            "1/8 of 40 is 40 ÷ 8 = 5, so 3/8 of 40 is 3 × 5 = 15.",
            ("120", "5", "13"),
        ),
        DemoQuestion(
            CHOICE,
            "Which fraction is the largest?",
            ("B",),
            "With the common denominator 120: 3/5 = 72/120, 2/3 = 80/120, 5/8 = 75/120 and "
            "7/12 = 70/120. So 2/3 is the largest.",
            ("C", "A", "D"),
            (("A", "3/5"), ("B", "2/3"), ("C", "5/8"), ("D", "7/12")),
        ),
        DemoQuestion(
            CHOICE,
            "Which fraction is equal to 0.4?",
            ("B",),
            "0.4 = 4/10, and dividing numerator and denominator by 2 gives 2/5.",
            ("A", "C"),
            (("A", "1/4"), ("B", "2/5"), ("C", "4/100"), ("D", "1/40")),
        ),
        # Multiple choice: an open answer is checked by its value, and "2 1/3" has the value of 7/3.
        DemoQuestion(
            CHOICE,
            "Which improper fraction (numerator larger than the denominator) is equal to 2 1/3?",
            ("B",),
            "2 wholes are 6/3, and 6/3 + 1/3 = 7/3.",
            ("A", "C"),
            (("A", "5/3"), ("B", "7/3"), ("C", "6/3"), ("D", "8/3")),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 1 1/2 + 2 3/4.",
            ("4 1/4", "17/4", "4.25", "4,25"),
            "Wholes: 1 + 2 = 3. Fractions: 1/2 + 3/4 = 2/4 + 3/4 = 5/4 = 1 1/4. "
            "Together 3 + 1 1/4 = 4 1/4.",
            ("3 4/6", "3 2/3", "3 1/4"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 5/6 - 1/2.",
            ("1/3", "2/6"),
            "1/2 = 3/6, so 5/6 - 3/6 = 2/6 = 1/3.",
            ("1", "4/4", "4/6"),
        ),
        DemoQuestion(
            CHOICE,
            "What is 1/3 of 3/4?",
            ("A",),
            "'Of' means multiply: 1/3 × 3/4 = 3/12 = 1/4.",
            ("B", "C", "D"),
            (("A", "1/4"), ("B", "4/7"), ("C", "1/12"), ("D", "9/4")),
        ),
    ),
)

PERCENTAGES = DemoChapter(
    title="Percentages",
    streak_goal=3,
    questions=(
        DemoQuestion(
            OPEN,
            "What is 25% of 80?",
            ("20",),
            "25% is 1/4, and 80 ÷ 4 = 20.",
            ("3.2", "320", "55"),
        ),
        DemoQuestion(
            OPEN,
            "What is 15% of 60?",
            ("9",),
            "10% of 60 is 6 and 5% is 3, so 15% is 6 + 3 = 9.",
            ("4", "90", "0.9"),
        ),
        DemoQuestion(
            OPEN,
            "A jacket costs €80 and is reduced by 30%. What is the new price in euros?",
            ("56", "€56", "€ 56", "56 euro", "56 euros"),
            "30% of 80 is 0.3 × 80 = 24, so the new price is 80 - 24 = €56 (or 0.7 × 80 = 56).",
            ("24", "50", "110"),
        ),
        DemoQuestion(
            OPEN,
            "Write 3/5 as a percentage.",
            ("60%", "60", "60 %"),
            "3/5 = 6/10 = 60/100 = 60%.",
            ("35%", "0.6", "3.5%"),
        ),
        DemoQuestion(
            OPEN,
            "Increase 50 by 20%.",
            ("60",),
            "20% of 50 is 10, so 50 + 10 = 60 (or 1.2 × 50 = 60).",
            ("70", "10", "52"),
        ),
        DemoQuestion(
            OPEN,
            "A price goes up from €40 to €50. By what percentage did it increase?",
            ("25%", "25", "25 %"),
            "The increase is €10. Compare it with the OLD price: 10/40 = 0.25 = 25%.",
            ("20%", "10%", "20"),
        ),
        DemoQuestion(
            CHOICE,
            "Which number is equal to 0.7%?",
            ("A",),
            "Percent means 'per hundred': 0.7% = 0.7 ÷ 100 = 0.007.",
            ("B", "C"),
            (("A", "0.007"), ("B", "0.07"), ("C", "0.7"), ("D", "7")),
        ),
        DemoQuestion(
            OPEN,
            "What is 12.5% of 64?",
            ("8",),
            "12.5% is 1/8, and 64 ÷ 8 = 8.",
            ("80", "6.4", "0.8"),
        ),
        DemoQuestion(
            CHOICE,
            "A shirt gets 20% off, and then another 10% off the new price. "
            "What is the total discount?",
            ("B",),
            "You pay 0.8 × 0.9 = 0.72 of the original price, so the discount is 28%, not 30%.",
            ("A", "A", "C"),
            (("A", "30%"), ("B", "28%"), ("C", "32%"), ("D", "2%")),
        ),
        DemoQuestion(
            OPEN,
            "After a 10% discount a book costs €27. What was the original price in euros?",
            ("30", "€30", "€ 30", "30 euro", "30 euros"),
            "€27 is 90% of the original price, so 1% is 27 ÷ 90 = 0.30 and 100% is €30.",
            ("29.7", "24.3", "37"),
        ),
        DemoQuestion(
            OPEN,
            "What percentage of 24 is 18?",
            ("75%", "75", "75 %"),
            "18/24 = 3/4 = 0.75 = 75%.",
            ("18%", "0.75", "133%"),
        ),
        DemoQuestion(
            CHOICE,
            "A town of 200 people grows by 10% per year. How many people live there after 2 years?",
            ("B",),
            "After 1 year: 200 × 1.1 = 220. After 2 years: 220 × 1.1 = 242. "
            "The second 10% is taken of 220, not of 200.",
            ("A", "C"),
            (("A", "240"), ("B", "242"), ("C", "220"), ("D", "400")),
        ),
    ),
)

EQUATIONS = DemoChapter(
    title="Equations",
    streak_goal=4,
    questions=(
        DemoQuestion(
            OPEN,
            "Solve for x: x + 7 = 12",
            x_is("5"),
            "Subtract 7 from both sides: x = 12 - 7 = 5.",
            ("19", "-5", "12/7"),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: 3x = 21",
            x_is("7"),
            "Divide both sides by 3: x = 21 ÷ 3 = 7.",
            ("18", "63", "24"),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: 2x + 5 = 17",
            x_is("6"),
            "Subtract 5: 2x = 12. Divide by 2: x = 6.",
            ("11", "12", "8.5"),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: 5x - 3 = 2x + 9",
            x_is("4"),
            "Subtract 2x: 3x - 3 = 9. Add 3: 3x = 12. Divide by 3: x = 4.",
            ("2", "12/7", "12"),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: x/4 = 3",
            x_is("12"),
            "Multiply both sides by 4: x = 3 × 4 = 12.",
            ("3/4", "0.75", "7"),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: 4(x - 2) = 20",
            x_is("7"),
            "Divide by 4: x - 2 = 5. Add 2: x = 7. (Or expand: 4x - 8 = 20, so 4x = 28 and x = 7.)",
            ("5.5", "3", "4.5"),
        ),
        DemoQuestion(
            CHOICE,
            "Which value of x solves 7 - x = 10?",
            ("B",),
            "Subtract 7: -x = 3, so x = -3. Check: 7 - (-3) = 10.",
            ("A", "C"),
            (("A", "3"), ("B", "-3"), ("C", "17"), ("D", "-17")),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: 3(x + 1) = 2(x + 4)",
            x_is("5"),
            "Expand: 3x + 3 = 2x + 8. Subtract 2x: x + 3 = 8. Subtract 3: x = 5.",
            ("3", "7", "1"),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: x/3 + 2 = 5",
            x_is("9"),
            "Subtract 2: x/3 = 3. Multiply by 3: x = 9.",
            ("1", "21", "7"),
        ),
        DemoQuestion(
            CHOICE,
            "Three consecutive whole numbers add up to 48. What is the smallest of them?",
            ("A",),
            "Call the smallest n: n + (n + 1) + (n + 2) = 48, so 3n + 3 = 48, 3n = 45 and n = 15. "
            "Check: 15 + 16 + 17 = 48.",
            ("B", "C"),
            (("A", "15"), ("B", "16"), ("C", "14"), ("D", "17")),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: 0.5x + 1.5 = 4",
            x_is("5"),
            "Subtract 1.5: 0.5x = 2.5. Divide by 0.5 (multiply by 2): x = 5.",
            ("11", "2.5", "1.25"),
        ),
        DemoQuestion(
            OPEN,
            "Solve for x: 6 - 2x = 0",
            x_is("3"),
            "Add 2x: 6 = 2x. Divide by 2: x = 3.",
            ("-3", "12", "4"),
        ),
    ),
)

POWERS = DemoChapter(
    title="Powers",
    streak_goal=4,
    questions=(
        DemoQuestion(
            OPEN,
            "What is 2⁵ (2 to the power 5)?",
            ("32",),
            "2⁵ = 2 × 2 × 2 × 2 × 2 = 32.",
            ("10", "25", "7"),
        ),
        DemoQuestion(
            OPEN,
            "What is 3⁴ (3 to the power 4)?",
            ("81",),
            "3⁴ = 3 × 3 × 3 × 3 = 9 × 9 = 81.",
            ("12", "64", "27"),
        ),
        DemoQuestion(
            OPEN,
            "What is 10⁰ (10 to the power 0)?",
            ("1",),
            "Any non-zero number to the power 0 is 1: 10³ ÷ 10³ = 10⁰ = 1.",
            ("0", "10"),
        ),
        DemoQuestion(
            OPEN,
            "What is (-2)³?",
            ("-8",),
            "(-2)³ = (-2) × (-2) × (-2) = 4 × (-2) = -8. An odd power of a negative is negative.",
            ("8", "-6", "6"),
        ),
        DemoQuestion(
            OPEN,
            "What is -3² (minus 3 squared, without brackets)?",
            ("-9",),
            "The power goes before the minus sign: 3² = 9, so -3² = -9. Only (-3)² = 9.",
            ("9", "-6", "6"),
        ),
        DemoQuestion(
            OPEN,
            "Write 2³ × 2⁴ as a single power of 2 (type it as 2^n) or as a number.",
            ("2^7", "128"),
            "Multiplying powers of the same base adds the exponents: 2³ × 2⁴ = 2⁷ = 128.",
            ("2^12", "4^7", "2^1"),
        ),
        DemoQuestion(
            OPEN,
            "What is 2⁻³ (2 to the power -3)? Give a fraction or a decimal number.",
            ("1/8", "0.125", "0,125"),
            "A negative exponent means one over the power: 2⁻³ = 1/2³ = 1/8 = 0.125.",
            ("-8", "-6", "8"),
        ),
        DemoQuestion(
            CHOICE,
            "Which power is equal to (3²)³?",
            ("B",),
            "A power of a power multiplies the exponents: (3²)³ = 3^(2×3) = 3⁶.",
            ("A", "C"),
            (("A", "3⁵"), ("B", "3⁶"), ("C", "3⁹"), ("D", "9⁵")),
        ),
        DemoQuestion(
            OPEN,
            "What is the square root of 144?",
            ("12",),
            "12 × 12 = 144, so √144 = 12.",
            ("72", "14", "11"),
        ),
        DemoQuestion(
            CHOICE,
            "Which number is 3.2 × 10⁴ written out?",
            ("B",),
            "10⁴ = 10000, and 3.2 × 10000 = 32000: move the decimal point 4 places right.",
            ("A", "C"),
            (("A", "3200"), ("B", "32000"), ("C", "320000"), ("D", "0.00032")),
        ),
        DemoQuestion(
            OPEN,
            "What is 10⁶ ÷ 10²? Give a power of 10 (type it as 10^n) or a number.",
            ("10^4", "10000"),
            "Dividing powers of the same base subtracts the exponents: 10⁶ ÷ 10² = 10⁴ = 10000.",
            ("10^3", "10^8", "1000"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 4³ - 4².",
            ("48",),
            "4³ = 64 and 4² = 16, so 64 - 16 = 48. (4³ - 4² is not 4¹.)",
            ("4", "16", "1"),
        ),
    ),
)

NEGATIVE_NUMBERS = DemoChapter(
    title="Negative numbers",
    streak_goal=3,
    questions=(
        DemoQuestion(
            OPEN,
            "Calculate -7 + 12.",
            ("5",),
            "Start at -7 on the number line and go 12 steps right: you end at 5.",
            ("-19", "19", "-5"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate -4 - 6.",
            ("-10",),
            "Start at -4 and go 6 steps left: -10.",
            ("-2", "2", "10"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate (-3) × (-5).",
            ("15",),
            "Negative times negative is positive: 3 × 5 = 15.",
            ("-15", "-8", "8"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate (-24) ÷ 6.",
            ("-4",),
            "Negative divided by positive is negative: 24 ÷ 6 = 4, so -4.",
            ("4", "-18", "-30"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate 5 - (-8).",
            ("13",),
            "Subtracting a negative number is adding: 5 - (-8) = 5 + 8 = 13.",
            ("-3", "3", "-13"),
        ),
        DemoQuestion(
            CHOICE,
            "Which number is the smallest?",
            ("B",),
            "On the number line -8 lies furthest to the left: -8 < -2 < 0 < 3.",
            ("A", "C"),
            (("A", "-2"), ("B", "-8"), ("C", "0"), ("D", "3")),
        ),
        DemoQuestion(
            OPEN,
            "At night it is -3 °C. During the day the temperature rises 9 degrees. "
            "How warm is it during the day, in °C?",
            ("6", "6 °C", "6°C"),
            "-3 + 9 = 6, so it is 6 °C.",
            ("-12", "12", "-6"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate (-2) × 3 × (-4).",
            ("24",),
            "(-2) × 3 = -6, and (-6) × (-4) = 24. Two minus signs make the result positive.",
            ("-24", "-9", "9"),
        ),
        DemoQuestion(
            OPEN,
            "Calculate (-6) + (-9).",
            ("-15",),
            "Adding a negative number is subtracting: -6 - 9 = -15.",
            ("15", "3", "-3"),
        ),
        DemoQuestion(
            CHOICE,
            "What is (-1)¹⁰⁰?",
            ("A",),
            "Every pair (-1) × (-1) gives 1, and 100 is even, so (-1)¹⁰⁰ = 1.",
            ("B", "C"),
            (("A", "1"), ("B", "-1"), ("C", "-100"), ("D", "100")),
        ),
        DemoQuestion(
            OPEN,
            "Calculate -12 + 4 × (-2).",
            ("-20",),
            "Multiplication first: 4 × (-2) = -8. Then -12 + (-8) = -20.",
            ("16", "-4", "-16"),
        ),
    ),
)

CHAPTERS: tuple[DemoChapter, ...] = (FRACTIONS, PERCENTAGES, EQUATIONS, POWERS, NEGATIVE_NUMBERS)

# Realistic Dutch names for the demo users (first names of today's teenagers; common surnames,
# some with their "tussenvoegsel").
FIRST_NAMES = (
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Noah", "Bram", "Jesse", "Thijs",
    "Ruben", "Luuk", "Mees", "Sven", "Jayden", "Thomas", "Lars", "Tim", "Stijn", "Gijs",
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Fleur", "Eva",
    "Lotte", "Lieke", "Anna", "Noor", "Saar", "Isa", "Femke", "Roos", "Yara", "Fenna",
)  # fmt: skip
LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek",
    "Willems", "van Vliet", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "Prins",
)  # fmt: skip
