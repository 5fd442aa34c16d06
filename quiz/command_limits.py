"""How many quiz commands a student account may send: the rules, as pure functions.

Commands (start a quiz, answer, reveal, next question) append to the event log; reads append
nothing and are not limited. What is counted is commands per student account, never per address:
a whole school reaches us from one address. The limit is there for scripts (an API token in a
loop guessing answers, or filling the log without end); a student working as fast as they can
stays far below it (the default and its reasons: studyflow/settings.py, COMMAND_THROTTLE_RATE).
The windows are the log-in limit's (studyflow.login_limits); the counting lives in
quiz.command_guard.
"""

from __future__ import annotations

from studyflow.login_limits import Rate, parse_rate, wait_then_try_again

OFF = "0"


def command_rate(text: str) -> Rate | None:
    """'120/min' -> Rate(120, 60); '0' -> None: no limit. Anything else is refused (ValueError),
    '0/min' too: it would refuse every command, which no site wants."""
    if text.strip() == OFF:
        return None
    try:
        return parse_rate(text)
    except ValueError:
        raise ValueError(
            f"a rate looks like 120/min (per second, minute, hour or day), or 0 for no limit, "
            f"not {text!r}"
        ) from None


def counter_name(student_id: int) -> str:
    """The name the account's commands are counted under (one count per window)."""
    return f"quiz-commands:{student_id}"


# The API's 429 detail, before how long to wait (studyflow.exceptions.TooManyRequests).
API_DETAIL = "Too many quiz commands for this account; nothing was recorded."


def page_message(wait: int) -> str:
    """What the student pages say instead of sending the command."""
    return (
        "Too many answers and clicks in a short time, so this one was not sent. "
        + wait_then_try_again(wait)
    )
