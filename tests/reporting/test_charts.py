"""Bar chart geometry (pure): bars in their slots, labels thinned for a phone's width."""

from reporting.charts import LABEL_CHAR_PX, LABEL_GAP_PX, NARROW_PX, WIDE_PX, bar_chart


def test_bars_fill_their_slots_up_to_the_tallest() -> None:
    # given four days of answers
    chart = bar_chart("Answers", ["a", "b", "c", "d"], [0, 5, 10, 5], width=400, height=105)
    # then the tallest bar reaches the top, an empty day has no height, all stand on the axis
    assert [bar.height for bar in chart.bars] == [0, 50, 100, 50]
    assert {bar.y + bar.height for bar in chart.bars} == {chart.baseline}
    assert [bar.x for bar in chart.bars] == [15, 115, 215, 315]
    assert chart.max_value == 10


def test_a_long_axis_shows_half_its_labels_on_a_phone() -> None:
    # given fourteen days, every second one labelled
    chart = bar_chart("Answers", [str(d) for d in range(14)], [1] * 14, every=2)
    # then a phone's width keeps every fourth label
    assert [b.label for b in chart.bars if b.show_label] == ["0", "2", "4", "6", "8", "10", "12"]
    assert [b.label for b in chart.bars if b.show_label_narrow] == ["0", "4", "8", "12"]


def test_a_short_axis_keeps_its_labels_on_a_phone() -> None:
    # given five labelled bars
    chart = bar_chart("Spread", list("abcde"), [1, 2, 3, 4, 5])
    # then all of them fit at any width
    assert all(b.show_label and b.show_label_narrow for b in chart.bars)


def test_no_values_draws_an_empty_axis() -> None:
    chart = bar_chart("Nothing", [], [])
    assert chart.bars == [] and chart.max_value == 1


def test_long_labels_are_thinned_until_they_fit() -> None:
    # given thirty days with dates for labels ("13 Nov")
    labels = [f"{d:02d} Nov" for d in range(1, 31)]
    chart = bar_chart("Minutes", labels, [1] * 30)
    wide = [b for b in chart.bars if b.show_label]
    narrow = [b for b in wide if b.show_label_narrow]
    # then the labels shown fit a desktop column and a phone, the phone's among the desktop's
    label_px = LABEL_CHAR_PX * len("01 Nov") + LABEL_GAP_PX
    assert len(wide) * label_px <= WIDE_PX and len(narrow) * label_px <= NARROW_PX
    assert len(narrow) >= 3


def test_the_facility_ranges_all_show_on_a_desktop() -> None:
    labels = [f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)]
    chart = bar_chart("Facility", labels, [1] * 10)
    assert all(b.show_label for b in chart.bars)
    # three on a phone: five ran into each other (~59 px a label in ~28 px columns)
    assert [b.label for b in chart.bars if b.show_label_narrow] == ["0.0-0.1", "0.4-0.5", "0.8-0.9"]
