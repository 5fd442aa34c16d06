"""Fixtures of the projection tests: a private Redis broker this process publishes to."""

from tests.projection_support import broker, redis_server

__all__ = ["broker", "redis_server"]
