"""`manage.py seed_demo [--history DAYS]`: the demo school, users and course; optionally history."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from quiz.demo import DemoCourseClash, seed_demo
from studyflow.taken_meanwhile import taken


class Command(BaseCommand):
    help = (
        "Create or reset the demo: admin/admin, teacher/teacher (class 2A, student1-30), "
        "teacher2/teacher (class 2B, student31-40), students' password 'student', and the "
        "'Math basics' course. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            metavar="DAYS",
            help="Also simulate the students practising on the school days of the past DAYS "
            "days, through the real quiz services. Skipped when the demo students have quizzes.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed of the history simulation."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["history"]
        if days < 0 or days > 366:
            raise CommandError("--history takes a number of days from 0 to 366.")
        started = time.monotonic()
        try:
            report = seed_demo()
        except DemoCourseClash as clash:
            raise CommandError(str(clash)) from None
        except IntegrityError as error:
            # A demo user (in any case), school or class added by someone else since seed_demo
            # looked, or a school's own course of the demo course's title: it finds that one
            # the next time (and names that course).
            if not taken(error):
                raise
            raise CommandError(
                f"Another process added part of the demo meanwhile ({str(error).splitlines()[0]}); "
                "nothing was seeded: run seed_demo again."
            ) from None
        self.stdout.write(
            f"Demo seeded in {time.monotonic() - started:.1f}s: "
            f"{report.created_users} users created, {report.updated_users} reset; "
            f"{report.created_questions} questions created, {report.revised_questions} revised."
        )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if days:
            from quiz.demo_history import simulate_history

            started = time.monotonic()
            outcome = simulate_history(days=days, seed=options["seed"])
            self.stdout.write(f"History ({time.monotonic() - started:.1f}s): {outcome.summary()}")
        self.stdout.write(self.style.SUCCESS("Demo ready."))
