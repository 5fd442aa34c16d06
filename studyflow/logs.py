"""Logging filters."""

from __future__ import annotations

import logging


class NoTracebackForClientErrors(logging.Filter):
    """A 403 or 404 (logged as a warning) is what a client asked for, not a fault of ours: its one
    line says so, and a traceback with it only buries the real errors in an operator's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            record.exc_info = None
            record.exc_text = None
        return True
