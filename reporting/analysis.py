"""Item analysis and small statistics, pure (no Django): the selectors feed these plain rows.

- Facility index: the share of first tries that were correct.
- Discrimination index (after Moodle's quiz statistics): the correlation, over students, between
  the first try on this question (1 correct, 0 not) and the student's first-try score on the rest of
  the chapter. Students see different random subsets of a chapter's pool, so "score on the rest" is
  the share correct of their other first tries; students with no other first try are left out.
  Undefined (None) with fewer than two students or when either side does not vary.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

# A flag needs evidence: below this many first tries a question is never "needs checking".
MIN_TRIES_FOR_FLAG = 10
FLAG_BELOW = 0.2


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2 or min(xs) == max(xs) or min(ys) == max(ys):
        return None  # undefined: decided exactly, not by a rounding-noise variance
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def discrimination(first_tries: Iterable[tuple[int, int, bool]]) -> dict[int, float | None]:
    """Per question, from (student, question, first try correct) rows of one chapter."""
    rows = list(first_tries)
    correct: dict[int, int] = defaultdict(int)
    tried: dict[int, int] = defaultdict(int)
    for student, _, ok in rows:
        tried[student] += 1
        correct[student] += ok
    pairs: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    result: dict[int, float | None] = {}
    for student, question, ok in rows:
        result.setdefault(question, None)
        others = tried[student] - 1
        if others == 0:
            continue
        xs, ys = pairs[question]
        xs.append(float(ok))
        ys.append((correct[student] - ok) / others)
    for question, (xs, ys) in pairs.items():
        result[question] = pearson(xs, ys)
    return result


# A student's first try on a question beside their score on the rest of the chapter, counted:
# (question, first try correct, other first tries in the chapter, of which correct) -> students.
RestScore = tuple[int, bool, int, int]
# Those counts summed per (question, rest tried), as the database sums them: students, students
# right, and over the students the rest correct, its square, and the rest correct of those right.
RestSums = tuple[int, int, int, int, int]


def rest_scores(first_tries: Iterable[tuple[int, int, bool]]) -> dict[RestScore, int]:
    """The counts the question_stats projection keeps up to date, from (student, question, first
    try correct) rows of one chapter."""
    rows = list(first_tries)
    correct: dict[int, int] = defaultdict(int)
    tried: dict[int, int] = defaultdict(int)
    for student, _, ok in rows:
        tried[student] += 1
        correct[student] += ok
    counts: dict[RestScore, int] = defaultdict(int)
    for student, question, ok in rows:
        counts[(question, ok, tried[student] - 1, correct[student] - ok)] += 1
    return dict(counts)


def rest_sums(counts: Iterable[tuple[RestScore, int]]) -> dict[tuple[int, int], RestSums]:
    """Rest scores summed per (question, rest tried)."""
    out: dict[tuple[int, int], RestSums] = {}
    for (question, ok, rest_tried, rest_correct), n in counts:
        students, right, total, squares, when_right = out.get((question, rest_tried), (0,) * 5)
        out[(question, rest_tried)] = (
            students + n,
            right + n * ok,
            total + n * rest_correct,
            squares + n * rest_correct * rest_correct,
            when_right + n * ok * rest_correct,
        )
    return out


def discrimination_from_rest_sums(
    sums: Iterable[tuple[tuple[int, int], RestSums]],
) -> dict[int, float]:
    """`discrimination` from the rest scores summed per (question, rest tried), with no list of
    first tries: the same correlation, in integers until its last step. The rest scores are put
    over one denominator per question (the lcm of its rest sizes), so the sums and the centred
    sums of squares are exact; only the final quotient and root round. A question whose index
    is undefined (fewer than two students, or a side that does not vary) is left out."""
    by_question: dict[int, list[tuple[int, RestSums]]] = defaultdict(list)
    for (question, rest_tried), summed in sums:
        if rest_tried > 0 and summed[0]:  # a student with no other first try is left out
            by_question[question].append((rest_tried, summed))
    result: dict[int, float] = {}
    for question, parts in by_question.items():
        common = math.lcm(*(rest_tried for rest_tried, _ in parts))
        n = sx = sy = syy = sxy = 0
        for rest_tried, (students, right, total, squares, when_right) in parts:
            scale = common // rest_tried  # a rest score times `common`: rest correct times this
            n += students
            sx += right
            sy += scale * total
            syy += scale * scale * squares
            sxy += scale * when_right
        # n² times the variances and the covariance (x is 0 or 1, so x² = x): zero exactly when
        # a side does not vary, as pearson() decides it.
        var_x, var_y, cov = n * sx - sx * sx, n * syy - sy * sy, n * sxy - sx * sy
        if n < 2 or var_x == 0 or var_y == 0:
            continue
        result[question] = math.copysign(math.sqrt(cov * cov / (var_x * var_y)), cov)
    return result


def discrimination_from_rest_scores(counts: Iterable[tuple[RestScore, int]]) -> dict[int, float]:
    """`discrimination_from_rest_sums` of the counted rest scores."""
    return discrimination_from_rest_sums(rest_sums(counts).items())


def facility(first_tries: int, first_try_correct: int) -> float | None:
    return first_try_correct / first_tries if first_tries else None


def needs_checking(first_tries: int, facility: float | None, discrimination: float | None) -> bool:
    if first_tries < MIN_TRIES_FOR_FLAG:
        return False
    too_hard = facility is not None and facility < FLAG_BELOW
    no_signal = discrimination is not None and discrimination < FLAG_BELOW
    return too_hard or no_signal


def median_from_histogram(counts: Mapping[int, int]) -> float | None:
    """The median of a multiset given as value -> count (the mean of the two middle values)."""
    total = sum(counts.values())
    if total == 0:
        return None
    middle = [(total - 1) // 2, total // 2]
    found: list[float] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
        if not middle:
            break
    return (found[0] + found[1]) / 2
