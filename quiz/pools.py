"""What deciding is handed besides the state: the question pool, and the die that picks from it."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quiz.content import QuestionContent
from quiz.domain import Pool, PoolQuestion

# The Pool last built from each cached chapter pool (caches.pool hands out the same tuple for a
# few seconds): every NextQuestion decides on the whole chapter. Keyed by the tuple's id, and the
# entry holds the tuple, so the id cannot be reused while the entry exists.
_POOLS_BUILT: dict[int, tuple[Sequence[QuestionContent], Pool]] = {}
_POOLS_BUILT_MAX = 256


def pool_of(questions: Sequence[QuestionContent]) -> Pool:
    built = _POOLS_BUILT.get(id(questions))
    if built is not None and built[0] is questions:
        return built[1]
    pooled = tuple(
        PoolQuestion(q.id, q.revision, q.kind, tuple(q.accepted_answers)) for q in questions
    )
    # Deciding looks an answer's revision up in both, so one tuple serves assign and check.
    pool = Pool(questions=pooled)
    if len(questions) > 1:  # a chapter's pool (an answer's single question is cheap to wrap)
        if len(_POOLS_BUILT) >= _POOLS_BUILT_MAX:
            _POOLS_BUILT.clear()
        _POOLS_BUILT[id(questions)] = (questions, pool)
    return pool


def random_pick(candidates: Sequence[int]) -> int:
    return random.choice(candidates)
