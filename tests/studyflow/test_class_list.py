"""A pasted class list read and its usernames made (studyflow.class_list): given a list, when it
is read, then these students or these problems. No database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyflow.class_list import (
    MADE_USERNAME_LENGTH,
    ClassListProblems,
    ListedStudent,
    NameLimits,
    StudentOfAnotherClass,
    StudentOfClass,
    assign_usernames,
    fold_to_ascii,
    parse_class_list,
    parse_line,
    repeated_usernames,
    same_name_problems,
    username_base,
)


def problems_of(text: str, **options: object) -> tuple[str, ...]:
    with pytest.raises(ClassListProblems) as refused:
        parse_class_list(text, **options)  # type: ignore[arg-type]
    return refused.value.problems


def test_a_list_of_names_with_commas_tabs_and_blank_lines() -> None:
    given = "Zoë, de Vries\n\n  Sem ,Bakker , sem.b \nNoor\tEl  Amrani\t\t\n"
    then = [
        ListedStudent(1, "Zoë", "de Vries"),
        ListedStudent(3, "Sem", "Bakker", "sem.b"),
        ListedStudent(4, "Noor", "El Amrani"),
    ]
    assert parse_class_list(given) == then


def test_a_line_with_a_tab_is_split_on_tabs_only() -> None:
    # a spreadsheet cell may hold a comma; the tab is the column
    assert parse_class_list("Anna\tBakker, jr.") == [ListedStudent(1, "Anna", "Bakker, jr.")]


@pytest.mark.parametrize(
    ("given", "then"),
    [
        # a spreadsheet's rows saved as CSV: the quotes are not part of the names
        ('"Anna","de Vries"', ("Anna", "de Vries")),
        # a comma inside quotes is part of the cell
        ('"Smith, Jr.",John', ("Smith, Jr.", "John")),
        ('Anna, "Bakker, jr.", anna.b', ("Anna", "Bakker, jr.", "anna.b")),
        # a doubled quote is one quote
        ('"O""Brien", Anna', ('O"Brien', "Anna")),
        # spaces around quoted cells, and inside them, are folded as around the others
        (' "Anna" ,  " de  Vries "  ', ("Anna", "de Vries")),
        # quoted columns from a spreadsheet: a tab line honours quotes too
        ('"Anna"\t"Bakker, jr."\t""', ("Anna", "Bakker, jr.")),
        # a quote inside a cell that does not start with one is a letter of the name
        ('Anna "Annie", O"Brien', ('Anna "Annie"', 'O"Brien')),
    ],
)
def test_a_line_saved_as_csv_has_its_quotes_read(given: str, then: tuple[str, ...]) -> None:
    assert parse_class_list(given) == [ListedStudent(1, *then)]


def test_a_row_of_empty_quoted_cells_is_a_blank_line() -> None:
    assert parse_class_list('"",""\nAnna, Bos\n"", ,""') == [ListedStudent(2, "Anna", "Bos")]


def test_a_quoted_heading_row_is_not_a_student() -> None:
    given = '"First name","Last name","Username"\n"Anna","Bos","anna"'
    assert parse_class_list(given) == [ListedStudent(2, "Anna", "Bos", "anna")]


@pytest.mark.parametrize(
    ("given", "then"),
    [
        ('"Smith, Jr., John', 'Line 2 (“"Smith, Jr., John”) has a quote that is never closed.'),
        ('Anna, "de Vries', 'Line 2 (“Anna, "de Vries”) has a quote that is never closed.'),
        ('"', 'Line 2 (“"”) has a quote that is never closed.'),
        ('"Anna"\t"Bos', 'Line 2 (“"Anna" "Bos”) has a quote that is never closed.'),
    ],
)
def test_a_quote_never_closed_is_a_wrong_line(given: str, then: str) -> None:
    # given a list with such a line among good ones: it is named, with the list's other problems
    assert problems_of(f"Anna, Bos\n{given}\nBram") == (
        then,
        "Line 3 (“Bram”) has no last name; write “First name, Last name”.",
    )


def test_a_cell_too_long_for_the_csv_reader_is_a_wrong_line() -> None:
    # past the csv module's field limit (131,072 characters): named, not a server error
    (problem,) = problems_of(f"Anna, {'x' * 200_000}")
    assert problem == f"Line 1 (“Anna, {'x' * 33}…”) has a cell too long to be a name."


def test_a_spreadsheets_heading_row_is_not_a_student() -> None:
    # given a list pasted with its column headings, English or Dutch
    for heading in ("First name\tLast name\tUsername", "Voornaam, Achternaam"):
        # then the heading is skipped and the pupils keep their line numbers
        assert parse_class_list(f"{heading}\nAnna\tBos") == [ListedStudent(2, "Anna", "Bos")]
    # but a pupil who happens to be called Name is one, after the first line
    assert parse_class_list("Anna, Bos\nName, Surname")[1] == ListedStudent(2, "Name", "Surname")
    assert problems_of("First name, Last name") == (
        "The list is empty: write one student per line.",
    )


def test_windows_line_ends_and_a_byte_order_mark_are_read_as_lines() -> None:
    assert parse_class_list("\ufeffAnna, Bos\r\nBram, Bos\r\n") == [
        ListedStudent(1, "Anna", "Bos"),
        ListedStudent(2, "Bram", "Bos"),
    ]


def test_every_wrong_line_is_named_with_its_number() -> None:
    given = "Anna, Bos\nBram\n, Jansen\nCas, Dijk, cas, extra\n"
    assert problems_of(given) == (
        "Line 2 (“Bram”) has no last name; write “First name, Last name”.",
        "Line 3 (“, Jansen”) has no first name.",
        "Line 4 (“Cas, Dijk, cas, extra”) has 4 parts; write “First name, Last name” or "
        "“First name, Last name, username”.",
    )


def test_the_lines_read_well_come_with_the_problems() -> None:
    # for what else is checked of them, so that every problem is told in one go
    with pytest.raises(ClassListProblems) as refused:
        parse_class_list("Anna, Bos, anna\nBram\nCas, Dijk")
    assert refused.value.students == (
        ListedStudent(1, "Anna", "Bos", "anna"),
        ListedStudent(3, "Cas", "Dijk"),
    )


@pytest.mark.parametrize(
    ("given", "then"),
    [
        # an empty spreadsheet row pasted as CSV is a blank line: skipped, the others keep their
        # numbers
        ("Anna, Bos\n,,,\n , \nBram, Bos", [(1, "Anna", "Bos"), (4, "Bram", "Bos")]),
        (",\nAnna\tBos\n\t\t", [(2, "Anna", "Bos")]),
        # and so is one above a spreadsheet's headings: they are still its first line
        (",,\nFirst name, Last name\nAnna, Bos", [(3, "Anna", "Bos")]),
    ],
)
def test_a_line_of_only_commas_or_tabs_is_a_blank_line(
    given: str, then: list[tuple[int, str, str]]
) -> None:
    assert parse_class_list(given) == [ListedStudent(*student) for student in then]


@pytest.mark.parametrize("given", [",", ",,,", " , ", "\t", ",\n \t \t\n,,"])
def test_a_list_of_only_empty_rows_is_an_empty_list(given: str) -> None:
    assert problems_of(given) == ("The list is empty: write one student per line.",)


@pytest.mark.parametrize(
    ("given", "then"),
    [
        # a comma inside a tab's cell is part of a name, so this line has cells
        ("\t,", "Line 2 (“,”) has no first name."),
        (",\t", "Line 2 (“,”) has no last name; write “First name, Last name”."),
        (", , Anna", "Line 2 (“, , Anna”) has no first name."),
    ],
)
def test_a_line_of_empty_names_beside_a_cell_is_a_wrong_line(given: str, then: str) -> None:
    assert then in problems_of(f"Anna, Bos\n{given}")


def test_a_line_without_cells_read_alone_has_no_names() -> None:
    with pytest.raises(ClassListProblems) as refused:
        parse_line(7, ",,")
    assert refused.value.problems == (
        "Line 7 (“,,”) has no first name.",
        "Line 7 (“,,”) has no last name; write “First name, Last name”.",
    )


# Separators, spaces of every kind, quotes, and the line ends str.splitlines() splits on.
NOT_A_NAME = st.text(alphabet=",\t \"'\n\r\x0b\x0c\x1c\x85\u00a0\u2028\u3000\ufeff", max_size=40)


@settings(max_examples=300, deadline=None)
@given(NOT_A_NAME, NOT_A_NAME)
def test_no_list_of_commas_spaces_and_quotes_fails_but_as_a_wrong_list(
    before: str, after: str
) -> None:
    # a list of such lines is read, or refused naming its problems: never another error
    for text in (before, f"{before}\nAnna, Bos\n{after}"):
        try:
            students = parse_class_list(text)
        except ClassListProblems as refused:
            assert refused.problems and all(refused.problems)
        else:
            assert all(s.first_name and s.last_name for s in students)
    for line in before.splitlines() or [before]:
        try:
            parse_line(1, line)
        except ClassListProblems as refused:
            assert refused.problems


def test_a_name_too_long_for_the_user_model_is_refused() -> None:
    given = f"Anna, {'x' * 11}\n{'y' * 11}, Bos, {'z' * 6}"
    assert problems_of(given, limits=NameLimits(first_name=10, last_name=10, username=5)) == (
        f"Line 1 (“Anna, {'x' * 11}”): the last name is longer than 10 characters.",
        f"Line 2 (“{'y' * 11}, Bos, {'z' * 6}”): the first name is longer than 10 characters.",
        f"Line 2 (“{'y' * 11}, Bos, {'z' * 6}”): the username is longer than 5 characters.",
    )


def test_a_long_line_is_quoted_shortened() -> None:
    (problem,) = problems_of("A" * 60)
    assert problem.startswith(f"Line 1 (“{'A' * 39}…”) has no last name")


def test_a_username_given_on_two_lines_is_refused_in_any_case() -> None:
    given = parse_class_list("Anna, Bos, anna\nBram, Bos, bram\nAnja, Bos, ANNA\nAnn, Bos, Anna")
    assert repeated_usernames(given, fold=str.casefold) == [
        "Lines 1, 3 and 4 give the same username “anna”."
    ]


def test_a_list_over_the_maximum_is_refused_as_a_whole() -> None:
    given = "\n".join(f"Kid, Number{n}" for n in range(4))
    assert problems_of(given, max_students=3) == (
        "The list has 4 students; add at most 3 at a time.",
    )
    assert len(parse_class_list(given, max_students=4)) == 4


@pytest.mark.parametrize("given", ["", "\n  \n\t\n"])
def test_an_empty_list_is_refused(given: str) -> None:
    assert problems_of(given) == ("The list is empty: write one student per line.",)


@pytest.mark.parametrize(
    ("first_name", "last_name", "username"),
    [
        ("Zoë", "de Vries", "zoe.devries"),
        ("Jan-Willem", "O'Brien", "janwillem.obrien"),
        ("Søren", "Strauß", "soren.strauss"),
        ("Łukasz", "Żółć", "lukasz.zolc"),
        ("\uff21\uff4e\uff4e\uff41", "Bos", "anna.bos"),  # full-width letters are letters
        ("I\u015f\u0131k", "Y\u0131lmaz", "isik.yilmaz"),  # Turkish dotless i
        ("Mei", "李", "mei"),
        ("李", "明", "student"),  # nothing folds to ASCII: a plain word, then a number
    ],
)
def test_a_username_is_made_from_the_names(first_name: str, last_name: str, username: str) -> None:
    assert username_base(first_name, last_name) == username


def test_a_made_username_leaves_room_for_a_number_within_the_maximum() -> None:
    base = username_base("a" * 150, "b" * 150, max_length=20)
    assert base == "aaaaaa.bbbbbbb" and len(base) + len("999999") == 20


@pytest.mark.parametrize(
    ("first_name", "last_name", "username"),
    [
        # both names long: each keeps half, the last name the odd letter
        (
            "Maximiliaan-Alexander",
            "van der Zandvoort-Oosterhuizen",
            "maximiliaana.vanderzandvo",
        ),
        # a short name leaves the rest to the other one
        ("Bo", "van der Zandvoort-Oosterhuizen", "bo.vanderzandvoortoosterh"),
        ("Maximiliaan-Alexander-Johannes", "Bos", "maximiliaanalexanderj.bos"),
        # one name alone is cut to the same length
        ("Maximiliaan-Alexander-Johannes", "李", "maximiliaanalexanderjohan"),
        # just fitting: unchanged
        ("Alexander", "Oosterhuizen", "alexander.oosterhuizen"),
    ],
)
def test_a_long_name_makes_a_username_short_enough_to_type_on_a_phone(
    first_name: str, last_name: str, username: str
) -> None:
    made = username_base(first_name, last_name)
    assert made == username
    assert len(made) <= MADE_USERNAME_LENGTH
    assert len(f"{made}99999") <= 30


def test_long_names_made_alike_are_numbered_within_thirty_characters() -> None:
    given = [
        ListedStudent(1, "Maximiliaan-Alexander", "van der Zandvoort-Oosterhuizen"),
        ListedStudent(2, "Maximiliaan-Alexandra", "van der Zandvoort-Oosterhuis"),
    ]
    taken = ["maximiliaana.vanderzandvo"]
    assert assign_usernames(given, taken=taken, fold=str.casefold) == [
        "maximiliaana.vanderzandvo2",
        "maximiliaana.vanderzandvo3",
    ]


def test_folding_keeps_letters_and_digits_only() -> None:
    assert fold_to_ascii("Émile 3 d'Ørsted-Ångström!") == "emile3dorstedangstrom"


def test_made_usernames_are_numbered_past_existing_accounts_and_earlier_lines() -> None:
    given = [
        ListedStudent(1, "Anna", "Bos"),
        ListedStudent(2, "Anna", "Bos"),
        ListedStudent(3, "Bram", "Bos", "Anna.Bos3"),  # given on a later line: still not made
        ListedStudent(4, "Anna", "Bos"),
    ]
    taken = ["anna.bos", "ANNA.BOS2", "someone"]
    assert assign_usernames(given, taken=taken, fold=str.casefold) == [
        "anna.bos4",
        "anna.bos5",
        "Anna.Bos3",
        "anna.bos6",
    ]


def test_usernames_compare_as_the_fold_given_folds_them() -> None:
    # given the folding of PostgreSQL's upper(), which folds the dotless i as I (casefold keeps it)
    given = [ListedStudent(1, "Ayla", "Kaya", "M\u0131LA.BOS2"), ListedStudent(2, "Mila", "Bos")]
    made = assign_usernames(given, taken=["m\u0131la.bos"], fold=str.upper)
    assert made == ["M\u0131LA.BOS2", "mila.bos3"]


def test_a_username_free_everywhere_is_the_plain_one() -> None:
    given = [ListedStudent(1, "Zoë", "de Vries"), ListedStudent(2, "Sem", "Bakker")]
    assert assign_usernames(given, taken=(), fold=str.casefold) == ["zoe.devries", "sem.bakker"]


# --- names met twice ------------------------------------------------------------------------------


def listed(*names: tuple[str, str]) -> list[ListedStudent]:
    return [ListedStudent(n, first, last) for n, (first, last) in enumerate(names, start=1)]


def test_a_name_on_two_lines_is_named_with_its_lines() -> None:
    # given a list pasted twice, spelt as people retype names
    given = listed(("Zoë", "de Vries"), ("Sem", "Bakker"), ("zoe", "DeVries"), ("Sem", "Bakker"))
    assert same_name_problems(given, (), "3C") == [
        "Lines 1 and 3 have the same name “Zoë de Vries”.",
        "Lines 2 and 4 have the same name “Sem Bakker”.",
    ]


def test_a_name_of_a_student_of_the_class_is_named_with_their_username() -> None:
    in_class = [
        StudentOfClass("Zoë", "de Vries", "zoe.devries"),
        StudentOfClass("Sem", "Bakker", "sem.bakker"),
        StudentOfClass("SEM", "BAKKER", "sem.bakker2"),
    ]
    given = listed(("Noor", "El Amrani"), ("Zoe", "de vries"), ("Sem", "Bakker"))
    assert same_name_problems(given, in_class, "3C") == [
        "Line 2: Zoe de vries is in 3C already (username zoe.devries).",
        "Line 3: Sem Bakker is in 3C already (usernames sem.bakker and sem.bakker2).",
    ]


def test_a_name_of_a_student_of_another_class_is_named_with_their_username_and_class() -> None:
    # given a school whose class 2B has Zoë de Vries, and 2B and 2C each a Sem Bakker
    elsewhere = [
        StudentOfAnotherClass("Zoë", "de Vries", "zoe.devries", "2B"),
        StudentOfAnotherClass("Sem", "Bakker", "sem.bakker2", "2C"),
        StudentOfAnotherClass("Sem", "Bakker", "sem.bakker", "2B"),
    ]
    # when a list for 1A names them
    given = listed(("Noor", "El Amrani"), ("Sem", "Bakker"), ("Bram", "Bos"), ("Zoe", "De Vries"))
    # then each line is named, with who they are and where, how to move them, and the way out
    assert same_name_problems(given, (), "1A", elsewhere) == [
        "Line 2 (Sem Bakker): students of that name are in other classes: sem.bakker in 2B and "
        "sem.bakker2 in 2C; to move one to 1A, remove them from their class's students on its "
        "class page, then choose them among 1A's students on its page; if this is a different "
        "student, tick “Add them anyway” below.",
        "Line 4 (Zoe De Vries): a student of that name, zoe.devries, is in class 2B; to move them "
        "to 1A, remove them from 2B's students on its class page, then choose them among 1A's "
        "students on its page; if this is a different student, tick “Add them anyway” below.",
    ]


def test_namesakes_in_one_other_class_are_named_with_that_class() -> None:
    elsewhere = [
        StudentOfAnotherClass("Zoë", "de Vries", "zoe.devries2", "2B"),
        StudentOfAnotherClass("Zoe", "de Vries", "zoe.devries", "2B"),
    ]
    (problem,) = same_name_problems(listed(("Zoë", "de Vries")), (), "1A", elsewhere)
    assert problem.startswith(
        "Line 1 (Zoë de Vries): students of that name, zoe.devries and zoe.devries2, are in class "
        "2B; to move one to 1A, remove them from 2B's students on its class page,"
    )


def test_a_name_on_two_lines_of_a_student_of_another_class_names_both() -> None:
    elsewhere = [StudentOfAnotherClass("Zoë", "de Vries", "zoe.devries", "2B")]
    problems = same_name_problems(
        listed(("Zoë", "de Vries"), ("Zoe", "Devries")), (), "1A", elsewhere
    )
    assert problems[0] == "Lines 1 and 2 have the same name “Zoë de Vries”."
    assert [p[: p.index(":")] for p in problems[1:]] == [
        "Line 1 (Zoë de Vries)",
        "Line 2 (Zoe Devries)",
    ]


def test_a_student_of_the_class_is_told_of_and_not_their_namesakes_elsewhere() -> None:
    # the list sent again: the class's own student is the one the line most likely is
    in_class = [StudentOfClass("Zoë", "de Vries", "zoe.devries")]
    elsewhere = [StudentOfAnotherClass("Zoë", "de Vries", "zoe.devries2", "2B")]
    assert same_name_problems(listed(("Zoë", "de Vries")), in_class, "1A", elsewhere) == [
        "Line 1: Zoë de Vries is in 1A already (username zoe.devries)."
    ]


def test_names_apart_from_other_classes_students_are_not_the_same_name() -> None:
    elsewhere = [
        StudentOfAnotherClass("Anna", "Bosch", "anna.bosch", "2B"),
        StudentOfAnotherClass("王", "芳", "student", "2B"),
        StudentOfAnotherClass("-", ".", "student2", "2B"),
    ]
    given = listed(("Anna", "Bos"), ("李", "明"), (".", "-"))
    assert same_name_problems(given, (), "1A", elsewhere) == []


def test_names_apart_are_not_the_same_name() -> None:
    given = listed(
        ("Anna", "Bos"),
        ("Anna", "Bosch"),  # another last name
        ("Bos", "Anna"),  # the names the other way round
        ("李", "明"),  # no ASCII letter: kept, not folded away
        ("王", "芳"),
        ("-", "."),  # no letter at all: compares to nothing
        (".", "-"),
    )
    in_class = [StudentOfClass("", "", "student7"), StudentOfClass("Anna", "Bo", "anna.bo")]
    assert same_name_problems(given, in_class, "3C") == []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Zoë", "de Vries"), ("ZOE", "devries")),
        (("Jan-Willem", "O'Brien"), ("Jan Willem", "OBrien")),
        (("Søren", "Strauß"), ("Soren", "Strauss")),
        (("I\u1e63\u0131k", "Y\u0131lmaz"), ("isik", "yilmaz")),  # dotless i, ṣ
        (("李", "明"), ("李", " 明")),
    ],
)
def test_names_that_make_one_username_are_one_name(
    one: tuple[str, str], other: tuple[str, str]
) -> None:
    assert same_name_problems(listed(one, other), (), "3C") == [
        f"Lines 1 and 2 have the same name “{one[0]} {one[1]}”."
    ]
