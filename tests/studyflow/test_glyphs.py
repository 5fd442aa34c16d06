"""Pages use no emoji: a school's browsers need not have an emoji font (Debian's chromium draws an
empty box for one), so status marks come from the Basic Multilingual Plane's symbol blocks, which
the common text fonts (DejaVu, Liberation) cover."""

from pathlib import Path

from reporting import views

ROOT = Path(__file__).resolve().parents[2]


# The Basic Multilingual Plane's characters drawn as emoji by default (Unicode's emoji-data.txt,
# Emoji_Presentation=Yes below U+10000): the text fonts lack most of them too.
BMP_EMOJI = set(
    "⌚⌛⏩⏪⏫⏬⏰⏳◽◾☔☕♈♉♊♋♌♍♎♏♐♑♒♓♿⚓⚡⚪⚫⚽⚾⛄⛅⛎⛔⛪⛲⛳⛵⛺⛽✅✊✋✨❌❎❓❔❕❗\u2795\u2796➗➰➿⬛⬜⭐⭕"
)


def astral(text: str) -> set[str]:
    """The emoji in `text`: characters beyond the BMP, and the BMP's default-emoji ones."""
    return {ch for ch in text if ord(ch) > 0xFFFF or ch in BMP_EMOJI}


def test_templates_use_no_emoji() -> None:
    # given every template of the site
    found = {
        str(path.relative_to(ROOT)): astral(path.read_text(encoding="utf-8"))
        for path in (ROOT / "templates").rglob("*.html")
    }
    # then none holds a character outside the Basic Multilingual Plane
    assert {path: chars for path, chars in found.items() if chars} == {}


def test_report_marks_use_no_emoji() -> None:
    # given the marks the teacher pages show for statuses and answers
    marks = [mark for mark, _ in (*views.STATUS_VIEW.values(), *views.OUTCOME_VIEW.values())]
    # then each is one character of the Basic Multilingual Plane
    assert [m for m in marks if len(m) != 1 or astral(m)] == []
