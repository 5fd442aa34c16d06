"""The embedded broker: a worker never sees a message file before it is written whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from queue import Empty
from typing import Any

import pytest
from kombu import Connection

from studyflow import broker_files

ROOT = Path(__file__).resolve().parents[2]


def connection(folder: Path, transport: type = broker_files.Transport) -> Connection:
    return Connection(
        "filesystem://",
        transport=transport,
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),  # kombu's default is ./control
        },
    )


def test_every_message_goes_through_once(tmp_path: Path) -> None:
    with connection(tmp_path) as conn:
        queue = conn.SimpleQueue("nudges")
        for n in range(5):
            queue.put({"n": n})
        taken = []
        for _ in range(5):
            message = queue.get(timeout=1)
            message.ack()
            taken.append(message.payload["n"])
        queue.close()
    assert sorted(taken) == list(range(5))
    # All taken, and no partial file left behind.
    assert [name for name in os.listdir(tmp_path) if name != "control"] == []


def test_a_message_being_written_is_not_there_for_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connection(tmp_path) as conn:
        channel = conn.default_channel
        assert isinstance(channel, broker_files.Channel)
        seen: list[Any] = []
        write = broker_files.Channel._write

        def write_then_look(self: broker_files.Channel, path: str, data: bytes) -> None:
            write(self, path, data)
            # Written but not renamed yet: what a worker polling now would find.
            try:
                seen.append(channel._get("nudges"))
            except Empty:
                seen.append("nothing")

        monkeypatch.setattr(broker_files.Channel, "_write", write_then_look)
        channel._put("nudges", {"n": 1})
        assert seen == ["nothing"]
        assert channel._get("nudges") == {"n": 1}


def test_the_embedded_settings_use_it(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "CELERY_BROKER_URL": "filesystem://",
        "DJANGO_SETTINGS_MODULE": "studyflow.settings",
    }
    script = (
        "import django; django.setup(); from studyflow.celery import app;"
        "print(type(app.connection_for_write().transport).__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "studyflow.broker_files"
