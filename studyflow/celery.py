"""The Celery app: `celery -A studyflow worker` and `celery -A studyflow beat`."""

import logging
import os
from typing import Any

from celery import Celery, signals
from celery.app.log import TaskFormatter
from celery.utils.log import ColorFormatter, get_multiprocessing_logger

from studyflow.logs import UtcTimes

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyflow.settings")

app = Celery("studyflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Celery's own layouts, with the moment in UTC like the site's log lines (studyflow.logs): its
# formatters read the process's local time, which Django has set to TIME_ZONE.
class UtcColorFormatter(UtcTimes, ColorFormatter):
    pass


class UtcTaskFormatter(UtcTimes, TaskFormatter):
    pass


def stamp_in_utc(
    logger: logging.Logger | None, formatter: type[ColorFormatter], format: str, colorize: bool
) -> None:
    for handler in logger.handlers if logger is not None else []:
        handler.setFormatter(formatter(format, use_color=colorize))


@signals.after_setup_logger.connect
def worker_log_in_utc(logger: logging.Logger, format: str, colorize: bool, **_: Any) -> None:
    stamp_in_utc(logger, UtcColorFormatter, format, colorize)
    # set up alongside the root logger, without a signal of its own
    stamp_in_utc(get_multiprocessing_logger(), UtcColorFormatter, format, colorize)


@signals.after_setup_task_logger.connect
def task_log_in_utc(logger: logging.Logger, format: str, colorize: bool, **_: Any) -> None:
    stamp_in_utc(logger, UtcTaskFormatter, format, colorize)
