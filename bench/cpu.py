"""CPU accounting for the benchmarks: a process's own CPU (all its threads) and its database
backend's. Throughput on a shared machine drifts from minute to minute; the CPU a unit of work
costs drifts far less, and on a CPU-bound machine throughput comes down to it."""

from __future__ import annotations

import os
import time


def backend_seconds(pid: int) -> float | None:
    """CPU seconds of the PostgreSQL backend `pid`, or None when it does not run on this machine."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def django_backend_pid() -> int:
    from django.db import connection

    connection.ensure_connection()
    return int(connection.connection.info.backend_pid)


class CpuClock:
    """CPU seconds of this process and of its database backend since the clock was made."""

    def __init__(self, backend_pid: int) -> None:
        self.backend_pid = backend_pid
        self.began = self._now()

    def _now(self) -> tuple[float, float | None]:
        return time.process_time(), backend_seconds(self.backend_pid)

    def elapsed(self) -> tuple[float, float | None]:
        now = self._now()
        backend = None if now[1] is None or self.began[1] is None else now[1] - self.began[1]
        return now[0] - self.began[0], backend
