"""gunicorn's log in UTC, ISO 8601, like the site's own lines (studyflow.logs):
`gunicorn --logger-class studyflow.gunicorn_logs.UtcLogger`.

gunicorn stamps its lines in the process's local time: UTC (or the machine's zone) in the master,
TIME_ZONE in the workers once Django has set it, so one log mixed the two."""

from __future__ import annotations

import time
from typing import Any

from gunicorn import glogging

from studyflow.logs import UtcTimes, utc_moment


class UtcLogger(glogging.Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # gunicorn's own error log handlers; the access log's formatter has no time (the line's
        # `%(t)s` is `now()`), a syslog handler neither, and a --log-config's are the operator's.
        for handler in self.error_log.handlers:
            formatter = handler.formatter
            if getattr(handler, "_gunicorn", False) and formatter and formatter.usesTime():
                handler.setFormatter(UtcTimes(self.error_fmt))

    def now(self) -> str:
        """The access log's `%(t)s`: `[2026-11-28T09:15:03.120Z]`."""
        return f"[{utc_moment(time.time())}]"
