"""The embedded Celery broker (`filesystem://`), with every message file written whole.

kombu's filesystem transport creates a message file under its final name and only then writes
it. A worker that lists the folder in between takes the empty file, cannot decode it, and stops
with an unrecoverable error (kombu issue 1551) - and with it `make run`. Here a message is written
under a name no worker picks up (it does not end in `.<queue>.msg`) and then renamed into place:
a rename within one folder is atomic, so a worker sees either no file or all of it.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # As kombu's filesystem channel names it (its base class names the payload `message`).
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        # The name as kombu gives it: the milliseconds first, so workers take messages in order.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            self._write(partial, str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _write(self, path: str, data: bytes) -> None:
        with open(path, "wb") as file:
            file.write(data)


class Transport(filesystem.Transport):
    Channel = Channel
