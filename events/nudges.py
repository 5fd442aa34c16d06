"""Nudges: queue a projection's catch-up after an append commits, at most one pending per partition.

Celery carries nudges, not data, so a lost nudge only delays a projection until the beat sweep. That
makes publishing best-effort: it must never fail or slow down the command that appended. Bursts
coalesce through a "nudge pending" flag per projection partition (a Redis key when the broker is
Redis, a marker file for the filesystem broker), set when a task is queued and cleared when that
task starts: an append committed after the clear queues the next task; one before it is seen by
the task that is about to run.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from django.conf import settings

from studyflow.pauses import Pause

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
    def acquire_many(self, keys: Sequence[str]) -> list[bool]: ...  # acquire of each key
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

    def acquire_many(self, keys: Sequence[str]) -> list[bool]:
        # An append interests several projection partitions (3-4 for a quiz answer): one round
        # trip for all their flags instead of one each (most of the nudge's client CPU).
        if len(keys) == 1:
            return [self.acquire(keys[0])]
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.set(key, b"1", nx=True, px=int(PENDING_TTL_SECONDS * 1000))
        return [bool(done) for done in pipe.execute()]

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

    def acquire_many(self, keys: Sequence[str]) -> list[bool]:
        return [self.acquire(key) for key in keys]

    def release(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class OpenGate:
    """Other brokers: no coalescing (a duplicate catch-up finds nothing to do)."""

    def acquire(self, key: str) -> bool:
        return True

    def acquire_many(self, keys: Sequence[str]) -> list[bool]:
        return [True] * len(keys)

    def release(self, key: str) -> None:
        return None


_lock = threading.Lock()
_gates: dict[str, Gate] = {}
_broker_pause = Pause(BROKER_PAUSE_SECONDS)


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
    global _outbox_decided
    with _lock:
        _gates.clear()
        _outbox_decided = None


def _make_gate(url: str) -> Gate:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisGate(url)
    if url.startswith("filesystem://"):
        return FileGate(Path(settings.VAR_DIR) / "broker" / "nudges")
    return OpenGate()


def key(name: str, partition: int) -> str:
    return f"studyflow:projection-nudge:{name}:{partition}"


def broker_paused() -> bool:
    return _broker_pause.on()


def pause_broker(error: BaseException) -> None:
    if _broker_pause.start():
        logger.warning(
            "Broker unavailable (%s); projections catch up on the next sweep instead.", error
        )


def resume_broker() -> None:
    """Forget an earlier broker failure (tests, and the sweep once publishing works again)."""
    _broker_pause.end()


def nudge(
    name: str, partition: int, *, force: bool = False, waits: int = 0, countdown: float = 0.0
) -> bool:
    """Queue a catch-up of one projection partition unless one is pending. Never raises; True when
    a task was queued."""
    if broker_paused():
        return False
    flag = key(name, partition)
    try:
        if not gate().acquire(flag):
            return False
    except Exception as error:
        pause_broker(error)
        return False
    return _queue(name, partition, flag, force=force, waits=waits, countdown=countdown)


def nudge_many(targets: Sequence[tuple[str, int]]) -> int:
    """nudge() of several projection partitions (an append's), their flags set in one round trip.
    Never raises; returns how many tasks were queued."""
    if not targets or broker_paused():
        return 0
    flags = [key(name, partition) for name, partition in targets]
    try:
        acquired = gate().acquire_many(flags)
    except Exception as error:
        pause_broker(error)
        return 0
    queued = 0
    for (name, partition), flag, mine in zip(targets, flags, acquired, strict=True):
        if mine:
            if broker_paused():
                _release(flag)  # publishing failed a moment ago: the sweep catches up
            else:
                queued += _queue(name, partition, flag, force=False)
    return queued


def _queue(
    name: str, partition: int, flag: str, *, force: bool, waits: int = 0, countdown: float = 0.0
) -> bool:
    from events.tasks import catch_up_projection

    try:
        catch_up_projection.apply_async(
            args=(name, partition),
            kwargs={"force": force, "waits": waits},
            countdown=countdown,
            retry=False,
        )
        return True
    except Exception as error:
        pause_broker(error)
        _release(flag)
        return False


def _release(flag: str) -> None:
    try:
        gate().release(flag)
    except Exception:
        logger.debug("Could not clear the nudge flag %s", flag, exc_info=True)


def clear(name: str, partition: int) -> None:
    """A catch-up task starts: later appends may queue the next one."""
    _release(key(name, partition))


# --- the per-process outbox of the on-commit nudges ----------------------------------------------
# With a Redis broker, an append does not talk to Redis itself: it adds its projection partitions
# to this process's outbox, and a background thread sets their flags (one pipelined round trip)
# and queues the tasks, at most once per FLUSH_SECONDS. A burst of appends from one process (a
# gunicorn worker's threads, a benchmark) then costs one round trip per interval instead of one
# per append, which was ~40% of a quiz command's client CPU.
#
# The guarantee is the one of nudge(): every append's partitions get their flag checked AFTER the
# append committed (only later: at most FLUSH_SECONDS plus one round trip). If the flag is set then,
# its task has not started yet and will read the event; if it is clear, a task is queued. Nothing
# is skipped, so no event waits for the sweep because of the outbox. What it trades is latency
# (a few ms, up to FLUSH_SECONDS in a burst) for CPU. A process that exits with nudges still in its
# outbox flushes them at exit; one killed leaves them to the sweep, as a lost message would.
# Eager Celery (tests) and the other brokers keep nudging inline: an eager task must run in the
# appending thread.
# An append after a quiet spell is flushed at once; in a burst the flags are checked every 100 ms.
# At 20 ms, 8 busy writer processes on 2 cores spent about 70 us more client CPU per append (the
# flushes, and the thread waking for them); the 80 ms it adds at most to a read model's lag is
# well inside the second a teacher waits.
FLUSH_SECONDS = 0.1


class Outbox:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.pending: dict[tuple[str, int], None] = {}
        self.thread: threading.Thread | None = None

    def add(self, targets: Sequence[tuple[str, int]]) -> None:
        with self.lock:
            self.pending.update(dict.fromkeys(targets))
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="projection-nudges", daemon=True
                )
                self.thread.start()
            self.wake.set()

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            targets = list(self.pending)
            self.pending.clear()
            self.wake.clear()
        return targets

    def flush(self) -> int:
        return nudge_many(self.take())

    def _run(self) -> None:
        while True:
            self.wake.wait()
            try:
                self.flush()
            except Exception:  # nudge_many never raises; keep the thread alive regardless
                logger.exception("Projection nudges failed; the sweep catches up")
            time.sleep(FLUSH_SECONDS)  # let a burst gather: one round trip for all of it


_outbox = Outbox()


def _new_outbox_after_fork() -> None:
    global _outbox
    _outbox = Outbox()  # the parent's thread does not exist in the child


os.register_at_fork(after_in_child=_new_outbox_after_fork)
atexit.register(lambda: _outbox.flush())


def nudge_after_commit(targets: Sequence[tuple[str, int]]) -> None:
    """An append committed: nudge its projection partitions (through the outbox when it helps)."""
    if not targets or broker_paused():
        return
    if _use_outbox():
        _outbox.add(targets)
    else:
        nudge_many(targets)


_outbox_decided: bool | None = None


def _use_outbox() -> bool:
    # Decided once (Celery's config lookups cost ~0.1 ms an append); reset_gates() forgets it.
    global _outbox_decided
    if _outbox_decided is None:
        from studyflow.celery import app

        _outbox_decided = isinstance(gate(), RedisGate) and not app.conf.task_always_eager
    return _outbox_decided
