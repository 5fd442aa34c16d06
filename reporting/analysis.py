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
