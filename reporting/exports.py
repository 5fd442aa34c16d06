"""The class progress grid as a file: CSV and XLSX (openpyxl), one row per student."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from reporting import access, selectors
from reporting.selectors import Grid

STATUS_LABELS = {
    "not_started": "not started",
    "in_progress": "in progress",
    "stuck": "stuck",
    "passed": "passed",
}
FILLS = {"passed": "E3F4E8", "stuck": "FBE6E4", "in_progress": "FFF1D6"}
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def grid_to_export(user: Any, classroom_id: int) -> Grid:
    """The class's grid as both downloads give it (page and API): by name, the order a teacher
    expects in a spreadsheet (the page's "stuck first" changes by the minute)."""
    return selectors.grid(access.classroom_for(user, classroom_id), sort="name")


def table(grid: Grid) -> list[list[Any]]:
    """Header and rows: per chapter the status, answers, mistakes and minutes spent."""
    header: list[Any] = ["student_id", "student"]
    for chapter in grid.chapters:
        header += [
            f"{chapter.title}: status",
            f"{chapter.title}: answered",
            f"{chapter.title}: mistakes",
            f"{chapter.title}: minutes",
        ]
    # The school's time, as the teacher's pages show it; the header says which zone that is.
    header += ["total minutes", f"last activity ({timezone.get_current_timezone_name()})"]
    rows = [header]
    for row in grid.rows:
        line: list[Any] = [row.student.id, row.student.name]
        for cell in row.cells:
            status = STATUS_LABELS[cell.status]
            if cell.stuck_again:
                status += ", stuck practising again"  # as the grid says
            line += [
                status,
                cell.answered,
                cell.mistakes,
                round(cell.time_spent_seconds / 60, 1),
            ]
        last = row.last_activity
        line += [
            round(row.time_spent_seconds / 60, 1),
            timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
        ]
        rows.append(line)
    return rows


def to_csv(grid: Grid) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in table(grid):
        writer.writerow([_safe(value) for value in line])
    # A byte order mark so spreadsheet programs read the names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(value: Any) -> Any:
    """Defuse spreadsheet formulas in free text (CSV injection): also after a tab or carriage
    return, which some spreadsheet programs skip before reading a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _cell_text(value: Any) -> Any:
    """A value a worksheet cell takes: openpyxl refuses control characters (a vertical tab is how
    a word processor writes a soft line break, so a name pasted from one carries it)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def to_xlsx(grid: Grid) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    # Sheet titles refuse some characters (\ * ? : / [ ]): a class called "3A/B" was a 500.
    title = INVALID_TITLE_REGEX.sub("-", _cell_text(grid.classroom.name))[:31]
    sheet.title = title or "Progress"
    lines = table(grid)
    for line in lines:
        sheet.append([_safe(_cell_text(value)) for value in line])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    last_activity = len(lines[0])
    for r, row in enumerate(grid.rows, start=2):
        for c, grid_cell in enumerate(row.cells):
            fill = FILLS.get(grid_cell.status)
            if fill:
                sheet.cell(row=r, column=3 + 4 * c).fill = PatternFill("solid", fgColor=fill)
        if row.last_activity is not None:
            # A date the spreadsheet can sort and filter, not text (a sheet has no time zones).
            cell = sheet.cell(row=r, column=last_activity)
            cell.value = timezone.localtime(row.last_activity).replace(tzinfo=None)
            cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(grid: Grid, extension: str, day: date, *, ascii_only: bool = False) -> str:
    name = grid.classroom.name
    if ascii_only:
        # "2ä" as "2a"; a letter with no ASCII form ("ł", "二") is left out.
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return f"progress-{safe or grid.classroom.pk}-{day:%Y%m%d}.{extension}"


def attachment(grid: Grid, extension: str) -> str:
    """The Content-Disposition: an ASCII file name every client reads and, for a class name
    beyond ASCII, RFC 6266's filename* with the name itself. (A header value beyond Latin-1 goes
    out MIME-encoded whole, "=?utf-8?b?...?=", which no client reads as an attachment.)"""
    day = timezone.localdate()
    plain = filename(grid, extension, day, ascii_only=True)
    named = filename(grid, extension, day)
    if named == plain:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(named, safe='')}"


def download(grid: Grid, extension: str) -> HttpResponse:
    """The grid as an attachment: `extension` is "csv" or "xlsx" (the teacher page and the API)."""
    if extension == "csv":
        response = HttpResponse(to_csv(grid), content_type=CSV)
    else:
        response = HttpResponse(to_xlsx(grid), content_type=XLSX)
    response["Content-Disposition"] = attachment(grid, extension)
    return response
