"""A cache that hangs, for real: a TCP server that takes the cache client's connections and never
answers (a Redis overloaded, or half down), and a clock for the pause after a failed call."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class HungRedis(socketserver.ThreadingTCPServer):
    """A Redis that takes connections and never answers (overloaded, or half down). The cache's
    client gives up on a connection whose call timed out, so each call is a connection."""

    daemon_threads = True

    def __init__(self) -> None:
        self.connections = 0
        super().__init__(("127.0.0.1", 0), HearNothing)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server_address[1]}/0"


class HearNothing(socketserver.BaseRequestHandler):
    server: HungRedis

    def handle(self) -> None:
        self.server.connections += 1
        while self.request.recv(4096):  # until the client hangs up
            pass


@contextmanager
def hung_redis() -> Iterator[HungRedis]:
    server = HungRedis()
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class Monotonic:
    """The cache's pause's clock: the monotonic seconds are what the test says."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at
