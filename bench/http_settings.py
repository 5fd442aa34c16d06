"""Settings for the HTTP benchmark's gunicorn: the project's settings plus a bench-only URLconf."""

from studyflow.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
