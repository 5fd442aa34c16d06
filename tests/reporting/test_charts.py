"""Bar chart geometry (pure): bars in their slots, labels thinned for a phone's width; and the
chart as its template writes it."""

from django.template.loader import render_to_string

from reporting.charts import (
    LABEL_CHAR_PX,
    LABEL_GAP_PX,
    NARROW_PX,
    WIDE_PX,
    bar_chart,
    labelled_bars,
)


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


def test_a_fortnight_is_labelled_back_from_today() -> None:
    # given fourteen days, every second one labelled: counted from the first, today had none
    # when the labels are counted back from the last day
    shown = labelled_bars(14, 2, counted_from="last")
    # then today (the last) is labelled, and every second day before it
    assert sorted(shown) == [1, 3, 5, 7, 9, 11, 13]


def test_fifteen_days_on_a_phone_are_labelled_back_from_today() -> None:
    # given fifteen days, every fourth labelled (a phone's width)
    # when the labels are counted back from the last day
    shown = labelled_bars(15, 4, counted_from="last")
    # then today is labelled and the first day is not (counted from it, today was left bare)
    assert sorted(shown) == [2, 6, 10, 14]
    # and on a desktop's width every second day, today among them
    assert sorted(labelled_bars(15, 2, counted_from="last")) == [0, 2, 4, 6, 8, 10, 12, 14]


def test_a_scale_is_labelled_from_its_start() -> None:
    # given ten ranges of a scale (0.0-0.1 to 0.9-1.0), every fourth labelled
    # when the labels are counted from the first
    shown = labelled_bars(10, 4, counted_from="first")
    # then the scale's start is labelled
    assert sorted(shown) == [0, 4, 8]


def test_a_chart_of_days_labels_its_last_day_at_every_width() -> None:
    # given the class page's chart: fourteen days, every second one labelled, counted from today
    labels = [f"{d:02d} Nov" for d in range(1, 15)]
    chart = bar_chart("Answers", labels, [1] * 14, every=2, labels_from="last")
    # then today's bar is labelled on a desktop and on a phone
    assert chart.bars[-1].show_label and chart.bars[-1].show_label_narrow
    assert [b.label for b in chart.bars if b.show_label_narrow] == [
        "02 Nov",
        "06 Nov",
        "10 Nov",
        "14 Nov",
    ]


def test_a_charts_bars_labels_and_table_are_written_with_their_text_escaped() -> None:
    # given two days of minutes, the first day's label markup
    chart = bar_chart("Minutes", ["<b>1 Nov</b>", "2 Nov"], [3, 1.5], unit="min")
    # when the chart is written
    html = render_to_string("reporting/_bar_chart.html", {"chart": chart, "id": "time"})
    # then each bar is drawn, with its label as text and its value in a tooltip
    assert (
        '<rect x="45.0" y="4.0" width="210.0" height="175.0" class="bar">'
        "<title>&lt;b&gt;1 Nov&lt;/b&gt;: 3 min</title></rect>"
    ) in html
    assert (
        '<rect x="345.0" y="91.5" width="210.0" height="87.5" class="bar"><title>2 Nov: 1.5 min'
    ) in html
    # and labelled under the chart, and in the table for a screen reader
    assert '"><span>&lt;b&gt;1 Nov&lt;/b&gt;</span><span>2 Nov</span></div>' in html
    assert (
        '<tbody><tr><th scope="row">&lt;b&gt;1 Nov&lt;/b&gt;</th><td class="num">3</td></tr>'
        '<tr><th scope="row">2 Nov</th><td class="num">1.5</td></tr></tbody>'
    ) in html
