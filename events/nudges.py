"""Nudges: queue a projection's catch-up after an append commits, at most one pending per partition.

Celery carries nudges, not data, so a lost nudge only delays a projection until the beat sweep. That
makes publishing best-effort: it must never fail or slow down the command that appended. Bursts
coalesce through a "nudge pending" flag per projection partition (a Redis key when the broker is
Redis, a marker file for the filesystem broker), set when a task is queued and cleared when that
task starts: an append committed after the clear queues the next task; one before it is seen by
the task that is about to run.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

# How long a pending flag holds when its task never starts (lost message, dead worker): then the
# next append or sweep may queue another.
PENDING_TTL_SECONDS = 15.0
# After the broker failed, skip publishing for a while: the sweep catches up once it is back.
BROKER_PAUSE_SECONDS = 5.0
# Short: a command waits at most this long for a broker that does not answer.
REDIS_TIMEOUT_SECONDS = 0.5


class Gate(Protocol):
    def acquire(self, key: str) -> bool: ...  # True: no task pending, queue one
    def release(self, key: str) -> None: ...


class RedisGate:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry_on_timeout=False,
        )

    def acquire(self, key: str) -> bool:
        return bool(self.client.set(key, b"1", nx=True, px=int(PENDING_TTL_SECONDS * 1000)))

    def release(self, key: str) -> None:
        self.client.delete(key)


class FileGate:
    """For the filesystem broker (one machine): an exclusively created marker file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / key.replace(":", "_").replace("/", "_")

    def acquire(self, key: str) -> bool:
        path = self._path(key)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return True
        except FileExistsError:
            try:
                stale = time.time() - path.stat().st_mtime > PENDING_TTL_SECONDS
            except FileNotFoundError:
                stale = True
            if stale:
                path.touch()
            return stale

    def release(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class OpenGate:
    """Other brokers: no coalescing (a duplicate catch-up finds nothing to do)."""

    def acquire(self, key: str) -> bool:
        return True

    def release(self, key: str) -> None:
        return None


_lock = threading.Lock()
_gates: dict[str, Gate] = {}
_paused_until = 0.0


def broker_url() -> str:
    from studyflow.celery import app

    return str(app.conf.broker_url or "")


def gate() -> Gate:
    url = broker_url()
    with _lock:
        found = _gates.get(url)
        if found is None:
            found = _make_gate(url)
            _gates[url] = found
        return found


def reset_gates() -> None:
    """Forget the gates (their connections), e.g. after the broker URL changed."""
    with _lock:
        _gates.clear()


def _make_gate(url: str) -> Gate:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisGate(url)
    if url.startswith("filesystem://"):
        return FileGate(Path(settings.VAR_DIR) / "broker" / "nudges")
    return OpenGate()


def key(name: str, partition: int) -> str:
    return f"studyflow:projection-nudge:{name}:{partition}"


def broker_paused() -> bool:
    return time.monotonic() < _paused_until


def pause_broker(error: BaseException) -> None:
    global _paused_until
    if not broker_paused():
        logger.warning(
            "Broker unavailable (%s); projections catch up on the next sweep instead.", error
        )
    _paused_until = time.monotonic() + BROKER_PAUSE_SECONDS


def resume_broker() -> None:
    """Forget an earlier broker failure (tests, and the sweep once publishing works again)."""
    global _paused_until
    _paused_until = 0.0


def nudge(
    name: str, partition: int, *, force: bool = False, waits: int = 0, countdown: float = 0.0
) -> bool:
    """Queue a catch-up of one projection partition unless one is pending. Never raises; True when
    a task was queued."""
    if broker_paused():
        return False
    from events.tasks import catch_up_projection

    flag = key(name, partition)
    try:
        if not gate().acquire(flag):
            return False
    except Exception as error:
        pause_broker(error)
        return False
    try:
        catch_up_projection.apply_async(
            args=(name, partition), kwargs={"force": force}, retry=False
        )
        return True
    except Exception as error:
        pause_broker(error)
        try:
            gate().release(flag)
        except Exception:
            logger.debug("Could not clear the nudge flag %s", flag, exc_info=True)
        return False


def clear(name: str, partition: int) -> None:
    """A catch-up task starts: later appends may queue the next one."""
    try:
        gate().release(key(name, partition))
    except Exception:
        logger.debug("Could not clear the nudge flag of %s[%s]", name, partition, exc_info=True)
