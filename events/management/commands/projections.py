"""`manage.py projections status|rebuild NAME...|--all|catch-up [NAME]`.

`rebuild` takes one or more groups: a group is a projection name or several joined by commas. The
projections of a group are rebuilt together with one read of the log (events.replay); several groups
are rebuilt side by side, one process each (one per core is the point). `--all` is one group of
every projection.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import time
from argparse import ArgumentTypeError
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from events import projections, replay, runner, selectors
from events.models import ProjectionCheckpoint

Status = ProjectionCheckpoint.Status
# A rebuild's progress is on its checkpoints, so whoever catches the projection up finishes it.
RESUMES = (
    "A rebuild under way is finished by a running worker, or here by `projections catch-up NAME`."
)


# A release raised a projection's version: its rows are the old code's until a worker rebuilds it.
PENDING = (
    "A pending rebuild is started by the first worker running this release (the reports show the "
    "old version's rows until then), or here by `projections rebuild NAME`."
)

# A release added a projection and no worker running it has run it (no checkpoint yet).
NEW = (
    "A new projection is caught up by the first worker running this release (its reports are "
    "empty until then), or here by `projections catch-up NAME`."
)


class ProgressBar:
    """A one-line progress bar on stderr (a rebuild can take minutes), redrawn in place: for a
    terminal only (Command.rebuild), since a file or a pipe keeps every drawing."""

    def __init__(self, label: str, total: int, stream: TextIO = sys.stderr) -> None:
        self.label, self.total, self.stream = label, total, stream
        self.done = 0
        self.started = time.monotonic()
        self.shown = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self.draw()

    def draw(self, end: str = "") -> None:
        share = min(1.0, self.done / self.total) if self.total else 1.0
        filled = int(share * 30)
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} "
            f"{self.done}/{self.total} events, {rate:,.0f}/s{end}"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.draw(end="\n")


def batch_size(text: str) -> int:
    """A --batch-size: what store.read_all accepts as a page size (1..100000), checked here so a
    bad value is a usage error, not a traceback from the middle of a rebuild."""
    try:
        value = int(text)
    except ValueError:
        raise ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 100_000:
        raise ArgumentTypeError(f"must be from 1 to 100000, not {value}")
    return value


def rebuild_group(names: list[str], batch_size: int) -> tuple[int, float]:
    """In a child process: rebuild a group together; (events applied or read, seconds)."""
    started = time.monotonic()
    applied = replay.rebuild(names, batch_size=batch_size)
    return applied, time.monotonic() - started


def _outcome(future: Future[tuple[int, float]]) -> tuple[int, float] | BaseException:
    try:
        return future.result()
    except Exception as error:  # reported with the other groups' outcomes
        return error


def failure(
    name: str, partition: int, partitions: int, position: int | None, last_error: str
) -> str:
    """A failed checkpoint in one line, as `projections status` shows it: the projection (and
    partition, where it has several), the event it stopped at and the error's last line."""
    label = name if partitions == 1 else f"{name}[{partition}]"
    error = last_error.strip().splitlines()[-1:] or [""]
    return f"{label} failed on event {position if position is not None else '-'}: {error[0]}"


class Command(BaseCommand):
    help = "Show, rebuild or catch up the projections (read models) of the event log."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("status", help="cursor, events and seconds behind, state")
        rebuild = commands.add_parser(
            "rebuild",
            help="reset projections and replay all events; NAME,NAME is a group rebuilt with one "
            "read of the log; several groups run side by side, one process each",
        )
        rebuild.add_argument("names", nargs="*", metavar="NAME[,NAME...]")
        rebuild.add_argument("--all", action="store_true", help="every registered projection")
        rebuild.add_argument("--batch-size", type=batch_size, default=5000)
        rebuild.add_argument(
            "--no-progress",
            action="store_true",
            help="no progress bar on a terminal either (never drawn to a file or a pipe)",
        )
        catch_up = commands.add_parser("catch-up", help="apply pending events in this process")
        catch_up.add_argument("names", nargs="*", metavar="NAME", help="default: all")
        catch_up.add_argument("--batch-size", type=batch_size, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.run(options)
        except BrokenPipeError:
            self.reader_gone()

    def reader_gone(self) -> None:
        """`projections status | head`: the reader has what it wanted and closed the pipe; stop
        writing, without a traceback. Where the pipe is this process's standard output, that is
        pointed at /dev/null, or Python's flush of it on exit would meet the closed pipe again."""
        if self.stdout._out is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)

    def run(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "status":
            self.status()
        elif action == "rebuild":
            groups = [[name for name in group.split(",") if name] for group in options["names"]]
            groups = [group for group in groups if group]
            names = self.names(
                [name for group in groups for name in group],
                every=options["all"],
                default_all=False,
            )
            if options["all"]:
                groups = [names]
            if len(set(names)) != len(names):
                raise CommandError("Name each projection once.")
            # A bar redrawn in place reads only on a terminal: in a file (or a CI log) each
            # drawing stays, and the last was drawn twice.
            progress = not options["no_progress"] and self.stderr.isatty()
            try:
                if len(groups) == 1:
                    self.rebuild(groups[0], options["batch_size"], progress=progress)
                else:
                    self.rebuild_side_by_side(groups, options["batch_size"])
            except KeyboardInterrupt:
                self.stderr.write("")
                raise CommandError(f"Interrupted. {RESUMES}", returncode=130) from None
        elif action == "catch-up":
            names = self.names(options["names"], every=True, default_all=True)
            failed: list[str] = []
            for name in names:
                failed += self.catch_up(name, options["batch_size"])
            # What this run met failing, not what the checkpoints say at its end: a partition a
            # worker held meanwhile (skipped, and said so) may have failed before, and this run
            # tried nothing there, a fix or not.
            if failed:
                raise CommandError("; ".join(failed))

    def names(self, names: list[str], *, every: bool, default_all: bool) -> list[str]:
        known = [projection.name for projection in projections.all_projections()]
        if names and every and not default_all:
            raise CommandError("Name projections or pass --all, not both.")
        if not names and (every or default_all):
            return known
        if not names:
            raise CommandError("Name a projection, or pass --all.")
        unknown = [name for name in names if name not in known]
        if unknown:
            raise CommandError(f"Unknown projection(s): {', '.join(unknown)}. Known: {known}")
        return names

    def status(self) -> None:
        header = f"{'projection':<28} {'state':<15} {'position':>10} {'behind':>9} {'seconds':>9}"
        self.stdout.write(header)
        rows = selectors.partition_statuses()
        for row in rows:
            label = row.name if row.partitions == 1 else f"{row.name}[{row.partition}]"
            state = row.status
            if row.rebuild_progress is not None:
                state += f" {row.rebuild_progress:.0%}"
            self.stdout.write(
                f"{label:<28} {state:<15} {row.position if row.position is not None else '-':>10} "
                f"{row.lag_events:>9} {row.lag_seconds:>9.1f}"
            )
            if row.status == "failed":
                error = row.last_error.strip().splitlines()[-1:] or [""]
                # In the site's time zone, as the admin shows it.
                retry = (
                    f"{timezone.localtime(row.next_attempt_at):%Y-%m-%d %H:%M:%S %Z}"
                    if row.next_attempt_at
                    else "-"
                )
                self.stdout.write(
                    f"    failed on event {row.failed_position}, retry at {retry}: {error[0]}"
                )
            if row.status == selectors.REBUILD_PENDING:
                self.stdout.write(f"    {selectors.pending_note(row.rows_version, row.version)}")
        if any(row.status == "rebuilding" for row in rows):
            self.stdout.write(RESUMES)
        if any(row.status == selectors.REBUILD_PENDING for row in rows):
            self.stdout.write(PENDING)
        if any(row.status == selectors.NEW and row.lag_events for row in rows):
            self.stdout.write(NEW)

    def rebuild(self, names: list[str], batch_size: int, *, progress: bool) -> None:
        label = ", ".join(names)
        bar: ProgressBar | None = None

        def on_start(total: int) -> None:
            nonlocal bar
            if progress:
                bar = ProgressBar(label, total, cast(TextIO, self.stderr._out))

        def on_batch(count: int) -> None:
            if bar is not None:
                bar.advance(count)

        started = time.monotonic()
        applied = replay.rebuild(names, batch_size=batch_size, on_start=on_start, on_batch=on_batch)
        if bar is not None:
            bar.finish()
        self.report(names, applied, time.monotonic() - started)
        self.raise_if_failed(names)

    def rebuild_side_by_side(self, groups: list[list[str]], batch_size: int) -> None:
        """One forked process per group (Django is set up in them already; they must not share our
        database connection, so it is closed first). Without fork, one group after the other."""
        started = time.monotonic()
        results: list[tuple[int, float] | BaseException]
        if "fork" not in multiprocessing.get_all_start_methods():
            results = [rebuild_group(group, batch_size) for group in groups]
        else:
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(len(groups), mp_context=context) as pool:
                futures = [pool.submit(rebuild_group, group, batch_size) for group in groups]
                results = [_outcome(future) for future in futures]
        crashed: list[str] = []
        for group, result in zip(groups, results, strict=True):
            if isinstance(result, BaseException):
                crashed.append(f"{', '.join(group)}: {result}")
            else:
                self.report(group, *result)
        self.stdout.write(f"All groups done in {time.monotonic() - started:.1f} s")
        self.raise_if_failed([name for group in groups for name in group], crashed)

    def report(self, names: list[str], count: int, seconds: float) -> None:
        # One projection counts the events it applied; a group, the events it read from the log
        # (once for all, or once per projection where it had to go on one by one).
        what = "events applied" if len(names) == 1 else "events read from the log"
        self.stdout.write(
            f"Rebuilt {', '.join(names)}: {count} {what} in {seconds:.1f} s "
            f"({count / max(seconds, 1e-9):,.0f}/s)"
        )

    def raise_if_failed(self, names: list[str], crashed: Sequence[str] = ()) -> None:
        """After a rebuild, one error for everything that stopped (a non-zero exit, so an
        operator's script can tell): handlers that failed (recorded on their checkpoints, which
        the rebuild reset first, so a failure there is of this run) and groups whose process ended
        in an error."""
        failed = (
            ProjectionCheckpoint.objects.filter(name__in=names, status=Status.FAILED)
            .order_by("name", "partition")
            .values_list("name", "partition", "partitions", "failed_position", "last_error")
        )
        problems = [*crashed, *(failure(*row) for row in failed)]
        if problems:
            raise CommandError("; ".join(problems))

    def catch_up(self, name: str, batch_size: int | None) -> list[str]:
        """Catch every partition of `name` up; a line for each that failed here, as `projections
        status` shows it, read from its checkpoint as this run's failure left it."""
        projection = projections.get(name)
        applied = 0
        failed = []
        for partition in range(projection.partitions):
            result = runner.catch_up(
                name, partition, budget_seconds=math.inf, batch_size=batch_size, force=True
            )
            applied += result.applied
            if result.skipped:
                self.stdout.write(f"{name}[{partition}] skipped ({result.skipped}).")
            if result.failed:
                recorded = (
                    ProjectionCheckpoint.objects.filter(name=name, partition=partition)
                    .values_list("failed_position", "last_error")
                    .first()
                )
                position, error = recorded if recorded is not None else (None, "")
                failed.append(failure(name, partition, projection.partitions, position, error))
        self.stdout.write(f"{name}: applied {applied} events.")
        return failed
