"""The health check: release, database, broker, cache, static files, beat's sweep and projection
lag, with no auth."""

from __future__ import annotations

import ast
import json
import logging
import re
import socket
import textwrap
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command
from django.db import OperationalError
from django.db.models.functions import Now
from django.test import Client, override_settings
from rest_framework.test import APIClient

from events.models import Heartbeat
from events.tasks import SWEEP, sweep_projections
from studyflow import __version__, api, static_manifest, window_counts
from studyflow.api import OutageLog, broker_ok
from studyflow.health import Parts, Sweep, problems, sweep, unusable
from studyflow.outages import Note, Outage, follow
from studyflow.static_manifest import (
    first_missing,
    first_stale,
    names_other_files,
    reference_patterns,
)
from tests.conftest import skip_without_service
from tests.fresh_python import stderr_of
from tests.hung_cache import Monotonic, hung_redis
from tests.studyflow.test_settings import load_settings


@pytest.fixture(autouse=True)
def no_outage_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a fresh web process, which has seen nothing down yet (and so logs the
    first failure it meets)."""
    monkeypatch.setattr(api, "outage_log", OutageLog())


# --- when an outage is logged (pure) --------------------------------------------------------------


def test_a_part_first_seen_down_is_logged() -> None:
    # given a part that was up, when a check fails, then that is logged
    assert follow(None, ok=False, now=100.0, every=60.0) == (
        Outage(since=100.0, logged_at=100.0),
        Note.DOWN,
    )


def test_a_part_that_stays_down_is_logged_once_a_minute() -> None:
    # given a part down since 100 s, probed every 2 s
    outage: Outage | None = Outage(since=100.0, logged_at=100.0)
    notes = []
    for now in range(102, 224, 2):
        outage, note = follow(outage, ok=False, now=float(now), every=60.0)
        notes.append((now, note))
    # then only a minute after the last line is there another
    assert [(now, note) for now, note in notes if note is not None] == [
        (160, Note.STILL_DOWN),
        (220, Note.STILL_DOWN),
    ]
    assert outage == Outage(since=100.0, logged_at=220.0)


def test_a_part_back_up_is_logged_once() -> None:
    # given a part down since 100 s, when a check succeeds, then its end is logged, and only once
    outage, note = follow(Outage(since=100.0, logged_at=160.0), ok=True, now=170.0, every=60.0)
    assert (outage, note) == (None, Note.BACK)
    assert follow(outage, ok=True, now=172.0, every=60.0) == (None, None)


def test_a_part_down_again_after_it_came_back_is_logged_at_once() -> None:
    outage, _ = follow(Outage(since=100.0, logged_at=100.0), ok=True, now=110.0, every=60.0)
    assert follow(outage, ok=False, now=112.0, every=60.0)[1] is Note.DOWN


def test_a_part_that_is_up_logs_nothing() -> None:
    assert follow(None, ok=True, now=100.0, every=60.0) == (None, None)


def test_filesystem_broker_is_ok_when_its_folder_is_writable(settings: Any, tmp_path: Path) -> None:
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    assert broker_ok("filesystem://") is True
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}
    assert broker_ok("filesystem://") is False


def test_unreachable_redis_is_down_within_a_second() -> None:
    started = time.monotonic()
    assert broker_ok("redis://127.0.0.1:1/0") is False  # nothing listens on port 1
    assert time.monotonic() - started < 2


@pytest.fixture
def redis_url(settings: Any) -> str:
    """The suite's broker, a Redis (CELERY_BROKER_URL): never a fixed database of its own, which a
    run given another Redis database or host would still touch."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_without_service("the Redis broker and cache tests need CELERY_BROKER_URL=redis://...")
    return str(settings.CELERY_BROKER_URL)


def test_reachable_redis_is_ok(redis_url: str) -> None:
    assert broker_ok(redis_url) is True


@pytest.mark.django_db
def test_it_names_the_release_the_process_runs() -> None:
    # an operator after an upgrade: a web process still on the old release was not restarted
    response = APIClient().get("/api/health/")
    assert response.status_code == 200 and response.json()["version"] == __version__


@pytest.mark.django_db
def test_broker_down_is_reported_but_still_200(settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = APIClient().get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "down"


@pytest.mark.django_db
def test_a_probe_every_few_seconds_logs_an_outage_once_and_its_end_once(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A load balancer's probes while the broker is down: each is answered, one line is logged."""

    def broker_lines() -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name == "studyflow.api" and "the broker" in r.getMessage()
        ]

    up = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            response = APIClient().get("/api/health/")
            assert response.status_code == 200 and response.json()["broker"] == "down"
        [down] = broker_lines()
        assert down.startswith("Health check: the broker is down: ")
        settings.CELERY_BROKER_URL = up
        for _ in range(2):
            response = APIClient().get("/api/health/")
            assert response.status_code == 200 and response.json()["broker"] == "ok"
    [back] = broker_lines()[1:]
    assert re.fullmatch(r"Health check: the broker is back after \d+ s", back)


def test_database_down_is_a_503_and_the_log_says_why(caplog: pytest.LogCaptureFixture) -> None:
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError('database "studyflow" does not exist')
    with mock.patch("studyflow.api.connection", broken), caplog.at_level(logging.WARNING):
        response = APIClient().get("/api/health/")
    assert response.status_code == 503 and response.json()["database"] == "down"
    # a probe or client waits as long as after the API's other 503s
    assert response["Retry-After"] == "5"
    assert any(
        r.name == "studyflow.api" and 'database "studyflow" does not exist' in r.getMessage()
        for r in caplog.records
    )


def test_broker_down_says_why_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert broker_ok("redis://127.0.0.1:1/0") is False
    assert any(
        r.name == "studyflow.api" and "broker is down" in r.getMessage() for r in caplog.records
    )


# --- the cache (CACHE_URL): where the log-in and quiz command limits count -----------------------


@contextmanager
def site_caches(cache_url: str, **options: Any) -> Iterator[None]:
    """The CACHES the site itself makes of this CACHE_URL (with its timeouts), until the end of
    the block: before the fixtures' cache.clear() at teardown, which must not empty a Redis."""
    loaded = load_settings({"CACHE_URL": cache_url}, show="CACHES")
    assert loaded.returncode == 0, loaded.stderr
    caches = ast.literal_eval(loaded.stdout)
    caches["default"].update(options)
    with override_settings(CACHES=caches):
        yield


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A Redis URL whose server takes connections and never answers (overloaded, or half down)."""
    silent = socket.create_server(("127.0.0.1", 0))  # listens, never accepts nor answers
    try:
        yield f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    finally:
        silent.close()


@pytest.mark.django_db
def test_without_cache_url_the_cache_is_local() -> None:
    with site_caches(""):
        response = APIClient().get("/api/health/")
    assert response.status_code == 200 and response.json()["cache"] == "local"


@pytest.mark.django_db
def test_a_reachable_redis_cache_is_ok_and_keeps_nothing(redis_url: str) -> None:
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    server = redis.Redis.from_url(redis_url)
    try:
        with site_caches(redis_url, KEY_PREFIX=prefix):
            response = APIClient().get("/api/health/")
        assert response.status_code == 200 and response.json()["cache"] == "ok"
        # the probe's key is gone again: a probe every few seconds leaves no trail
        assert server.keys(f"{prefix}:*") == []
    finally:
        server.close()


@pytest.mark.django_db
def test_a_cache_down_is_reported_but_still_200_and_the_log_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # the site works on without it (the limits count nothing), as without the broker
    with site_caches("redis://127.0.0.1:1/0"), caplog.at_level(logging.WARNING):  # port 1: nobody
        response = APIClient().get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "down"
    assert "Retry-After" not in response
    assert any(
        r.name == "studyflow.api" and "cache is down" in r.getMessage() for r in caplog.records
    )


@pytest.mark.django_db
def test_a_hanging_redis_cache_is_down_after_a_moment(silent_redis: str) -> None:
    """The probe waits on the cache as long as a log-in or a quiz command would (settings.CACHES'
    1 s), not the client's default 5 s a call, which a probe's own timeout may not allow."""
    with site_caches(silent_redis):
        started = time.monotonic()
        response = APIClient().get("/api/health/")
    assert response.status_code == 200 and response.json()["cache"] == "down"
    assert time.monotonic() - started < 3


@pytest.mark.django_db
def test_after_a_probe_found_the_cache_hung_the_next_ones_do_not_wait_for_it(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A load balancer probing every second: a cache that hangs held each probe its 1 s timeout.
    After a call to it fails, the process leaves it alone for a few seconds (the pause the quiz
    command and log-in limits keep, studyflow.window_counts); the probe keeps it too."""
    clock = Monotonic(500.0)
    monkeypatch.setattr(window_counts, "cache_outage", window_counts.CacheOutage(clock))
    with hung_redis() as hung, caplog.at_level(logging.WARNING, logger="studyflow.api"):
        with site_caches(hung.url):
            # given a first probe, which asks the cache and waits for it
            started = time.monotonic()
            first = APIClient().get("/api/health/")
            assert time.monotonic() - started >= 0.9
            assert first.status_code == 200 and first.json()["cache"] == "down"
            assert hung.connections == 1
            # then the counts do not ask it either (the pause is the process's)
            assert window_counts.cache_outage.paused()
            # when the next probes come within the pause, then they say it is down without
            # asking it, and without waiting
            for _ in range(3):
                started = time.monotonic()
                probe = APIClient().get("/api/health/")
                assert time.monotonic() - started < 0.9
                assert probe.status_code == 200 and probe.json()["cache"] == "down"
                assert any(line.startswith("cache: down") for line in probe.json()["problems"])
            assert hung.connections == 1
            # and the outage was logged once, with the reason the first probe met
            [down] = [r.getMessage() for r in caplog.records if "cache is down" in r.getMessage()]
            assert "not asked" not in down
            # when the pause is over, then the next probe asks again
            clock.at += window_counts.CACHE_PAUSE_SECONDS
            assert APIClient().get("/api/health/").json()["cache"] == "down"
            assert hung.connections == 2
        # and a cache that is back is found so by the first probe after the pause
        clock.at += window_counts.CACHE_PAUSE_SECONDS
        with site_caches(redis_url):
            assert APIClient().get("/api/health/").json()["cache"] == "ok"
    assert not window_counts.cache_outage.paused()


# --- what Django's own request log adds -----------------------------------------------------------


def site_log_while_the_database_is_down(code: str) -> str:
    """Run `code` in a fresh process with the site's own settings and logging (settings.LOGGING)
    and a database nobody answers on (port 1); its log (stderr)."""
    return stderr_of(
        "import django\ndjango.setup()\n" + textwrap.dedent(code),
        DJANGO_SETTINGS_MODULE="studyflow.settings",
        DATABASE_URL="postgres://root@127.0.0.1:1/studyflow",
        CACHE_URL="",
    )


def test_a_probe_while_the_database_is_down_is_logged_once_not_by_django_too() -> None:
    # given a load balancer probing while the database is down, and a client's log-in meanwhile
    log = site_log_while_the_database_is_down(
        """
        from django.test import Client
        client = Client()
        for _ in range(5):
            assert client.get("/api/health/").status_code == 503
        login = {"username": "anna", "password": "pw"}
        answer = client.post("/api/auth/token/", login, content_type="application/json")
        assert answer.status_code == 503
        """
    )
    # then the health check's own line says it once, and Django's request log adds nothing for
    # the probes (the 503 is their answer): it still logs the log-in the site failed
    assert log.count("Health check: the database is down") == 1, log
    assert "Service Unavailable: /api/health/" not in log, log
    assert log.count("ERROR django.request: Service Unavailable: /api/auth/token/") == 1, log


@pytest.mark.django_db
def test_a_fault_of_the_health_check_itself_is_still_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Any, request: Any) -> Any:
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(api.HealthApi, "get", broken)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client(raise_request_exception=False).get("/api/health/")
    assert response.status_code == 500
    [line] = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert line == "Internal Server Error: /api/health/"


# --- the static files' manifest (DEBUG off): what every page names --------------------------------


SWEPT = Sweep("ok", 1)  # a worker ran beat's sweep a second ago


def test_only_the_database_or_a_missing_static_manifest_take_the_site_down() -> None:
    # given every part fine
    fine = Parts(database="ok", broker="ok", cache="ok", static="ok", sweep=SWEPT)
    assert not unusable(fine) and problems(fine) == []
    # when parts the pages do without are down, then the site is still up, and they are named
    degraded = Parts(database="ok", broker="down", cache="down", static="dev", sweep=SWEPT)
    assert not unusable(degraded)
    assert [line.split(":")[0] for line in problems(degraded)] == ["broker", "cache"]
    # when the pages cannot name their static files, then it is down, and says what to do
    missing = Parts(
        database="ok",
        broker="ok",
        cache="local",
        static="missing",
        sweep=SWEPT,
        static_why="Missing staticfiles manifest entry for 'studyflow/site.css'",
    )
    assert unusable(missing)
    assert problems(missing) == [
        "static: Missing staticfiles manifest entry for 'studyflow/site.css'; run "
        "`manage.py collectstatic --noinput`, then restart the web processes"
    ]
    assert unusable(Parts(database="down", broker="ok", cache="ok", static="ok", sweep=SWEPT))


def test_a_failed_or_pending_projection_is_one_line_for_all_its_partitions() -> None:
    # given answers failed in two of its partitions, and wrong_answers computed by version 2
    answers = [
        {"name": "answers", "partition": p, "status": s, "version": 1, "rows_version": 1}
        for p, s in enumerate(["ok", "failed", "failed", "ok"])
    ]
    pending = {"name": "wrong_answers", "partition": 0, "status": "rebuild_pending"}
    rows = [*answers, {**pending, "version": 3, "rows_version": 2}]
    parts = Parts(
        database="ok", broker="ok", cache="ok", static="ok", sweep=SWEPT, projections=rows
    )
    # then the site is up, with one line for each
    assert not unusable(parts)
    assert problems(parts) == [
        "answers: failed; it retries on its own (`manage.py projections status`)",
        "wrong_answers: rebuild pending (version 2 → 3); its reports are the old version's until "
        "a worker running this release rebuilds it",
    ]


def test_a_new_projection_is_a_problem_only_with_events_to_apply() -> None:
    # given class_activity new (a release added it, no worker ran it) with events in one of its
    # partitions, and progress new with none (nothing it handles happened yet)
    rows = [
        {"name": "class_activity", "partition": 0, "status": "new", "lag_events": 0},
        {"name": "class_activity", "partition": 1, "status": "new", "lag_events": 12},
        {"name": "progress", "partition": 0, "status": "new", "lag_events": 0},
    ]
    parts = Parts(
        database="ok", broker="ok", cache="ok", static="ok", sweep=SWEPT, projections=rows
    )
    # then the site is up, with one line for class_activity, as the teachers' pages say the
    # reports wait, and none for progress, whose empty reports are right
    assert not unusable(parts)
    assert problems(parts) == [
        "class_activity: new, never run; its reports are empty until a worker running this "
        "release applies the event log to it"
    ]


def test_the_first_file_without_a_stored_name_is_the_one_named() -> None:
    manifest = {"studyflow/site.css": "studyflow/site.0123.css"}

    def stored_name(name: str) -> str:
        if name not in manifest:
            raise ValueError(f"Missing staticfiles manifest entry for '{name}'")
        return manifest[name]

    assert first_missing(["studyflow/site.css"], stored_name) is None
    assert first_missing(["studyflow/site.css", "quiz/quiz.js", "a.js"], stored_name) == (
        "Missing staticfiles manifest entry for 'quiz/quiz.js'"
    )


def test_a_file_collected_from_another_version_of_it_is_the_one_named() -> None:
    # given a manifest collected for the release before, which changed quiz.js only
    manifest = {
        "studyflow/site.css": "studyflow/site.0123.css",
        "quiz/quiz.js": "quiz/quiz.aaaa.js",
    }
    current = {"studyflow/site.css": "studyflow/site.0123.css", "quiz/quiz.js": "quiz/quiz.bbbb.js"}
    # then that file is named, with both names
    assert first_stale(manifest, manifest.__getitem__, current.get) == (
        "the manifest is another release's: it names quiz/quiz.js as quiz/quiz.aaaa.js, collected "
        "from another version of it (this release's is quiz/quiz.bbbb.js)"
    )
    # when it is this release's, nothing is; a file whose current name cannot be told is skipped
    assert first_stale(current, current.__getitem__, current.get) is None
    assert first_stale(manifest, manifest.__getitem__, lambda name: None) is None


def test_a_file_naming_others_is_not_compared_as_collectstatic_rewrites_it() -> None:
    # given the manifest storage's patterns: style sheets' url() and @import, scripts' source maps
    patterns = reference_patterns(ManifestStaticFilesStorage.patterns)
    # then a style sheet naming an image, or a script its source map, is hashed as rewritten
    assert names_other_files("a/site.css", "h1 { background: url(dot.png) }", patterns)
    assert names_other_files("a/app.js", "go();\n//# sourceMappingURL=app.js.map", patterns)
    # while one naming none is hashed as it is, and a script's url() is no reference
    assert not names_other_files("a/site.css", "h1 { color: red }", patterns)
    assert not names_other_files("a/app.js", "fetch(url(x));", patterns)


def site_static_storage() -> dict[str, Any]:
    """The STORAGES the site runs with DEBUG off (the manifest storage), as settings makes them."""
    loaded = load_settings(
        {"DEBUG": "0", "SECRET_KEY": "a-key-for-this-test-only-" + "x" * 40}, show="STORAGES"
    )
    assert loaded.returncode == 0, loaded.stderr
    storages = ast.literal_eval(loaded.stdout)
    assert "Manifest" in storages["staticfiles"]["BACKEND"]
    return dict(storages)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """This release's static files collected (`collectstatic --noinput`) with the site's DEBUG-off
    storage: (STORAGES, the manifest it wrote)."""
    storages = site_static_storage()
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STORAGES=storages, STATIC_ROOT=root):
        call_command("collectstatic", "--noinput", verbosity=0)
    return storages, root / "staticfiles.json"


@pytest.mark.django_db
def test_without_a_manifest_every_page_fails_and_health_says_so(
    collected: tuple[dict[str, Any], Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # given the manifest storage and a STATIC_ROOT collectstatic never wrote to
    storages, _ = collected
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        # then a page fails (what the operator met), with the site's 500 page, which names its
        # files without the manifest (tests/studyflow/test_error_pages.py) ...
        page = Client(raise_request_exception=False).get("/login/")
        assert page.status_code == 500 and "Something went wrong" in page.content.decode()
        # ... and the health check is a 503 that says why and what to do
        with caplog.at_level(logging.WARNING):
            response = Client().get("/api/health/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    body = response.json()
    assert (body["database"], body["static"]) == ("ok", "missing")
    [line] = [line for line in body["problems"] if line.startswith("static:")]
    assert line.startswith("static: Missing staticfiles manifest entry for 'studyflow/site.css'")
    assert line.endswith("run `manage.py collectstatic --noinput`, then restart the web processes")
    assert any(
        r.name == "studyflow.api"
        and r.getMessage().startswith("Health check: the static manifest is down: Missing")
        for r in caplog.records
    )


@pytest.mark.django_db
def test_a_manifest_of_the_release_before_lacks_the_file_this_one_added(
    collected: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    # given the manifest collected for the release before this one added quiz/quiz.js
    storages, manifest = collected
    before = json.loads(manifest.read_text())
    del before["paths"]["quiz/quiz.js"]
    (tmp_path / "staticfiles.json").write_text(json.dumps(before))
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        response = Client().get("/api/health/")
    # then the site is down: the quiz page names that file
    assert response.status_code == 503 and response.json()["static"] == "missing"
    assert "'quiz/quiz.js'" in response.json()["problems"][0]  # the first: what breaks pages


@pytest.mark.django_db
def test_a_manifest_collected_from_the_release_before_is_stale(
    collected: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    # given the manifest collected for the release before, whose site.css had other content
    # (the same file names: the check for missing ones finds nothing)
    storages, manifest = collected
    before = json.loads(manifest.read_text())
    now = before["paths"]["studyflow/site.css"]
    before["paths"]["studyflow/site.css"] = "studyflow/site.0123456789ab.css"
    (tmp_path / "staticfiles.json").write_text(json.dumps(before))
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        response = Client().get("/api/health/")
        # the pages work, with that release's style sheet
        page = Client().get("/login/")
    assert page.status_code == 200 and "site.0123456789ab.css" in page.content.decode()
    # then the health check says so, with a 200, and what to do
    assert response.status_code == 200
    body = response.json()
    assert body["static"] == "stale"
    [line] = [line for line in body["problems"] if line.startswith("static:")]
    assert line == (
        "static: the manifest is another release's: it names studyflow/site.css as "
        f"studyflow/site.0123456789ab.css, collected from another version of it (this release's "
        f"is {now}); run `manage.py collectstatic --noinput`, then restart the web processes"
    )


@pytest.mark.django_db
def test_the_collected_release_is_ok_and_checked_once_a_process(
    collected: tuple[dict[str, Any], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    storages, manifest = collected
    listed = []
    needed_files = static_manifest.needed_files

    def counted() -> Iterator[str]:
        listed.append(1)
        return needed_files()

    monkeypatch.setattr(static_manifest, "needed_files", counted)
    with override_settings(STORAGES=storages, STATIC_ROOT=manifest.parent):
        first = Client().get("/api/health/")
        assert first.status_code == 200
        body = first.json()
        assert body["static"] == "ok"
        assert not any(line.startswith("static:") for line in body["problems"])
        # the pages work
        assert Client().get("/login/").status_code == 200
        # and the next probes only ask whether it is still the same manifest
        for _ in range(3):
            assert Client().get("/api/health/").json()["static"] == "ok"
    assert listed == [1]


@pytest.mark.django_db
def test_with_debug_on_the_files_are_served_as_they_are() -> None:
    # the suite's own settings: no SECRET_KEY, so DEBUG was on and the storage has no manifest
    response = APIClient().get("/api/health/")
    assert response.status_code == 200 and response.json()["static"] == "dev"


# --- the workers and beat: when beat's sweep last ran ---------------------------------------------


def test_the_sweep_is_late_after_ten_sweeps_missed_and_never_under_half_a_minute() -> None:
    # given beat sweeping every 2 s (the default): late after 30 s without a sweep
    assert sweep(3.4, every=2) == Sweep("ok", 3)
    assert sweep(30, every=2) == Sweep("ok", 30)
    assert sweep(30.6, every=2) == Sweep("late", 31)
    # every 10 s: after 100 s
    assert sweep(99, every=10) == Sweep("ok", 99)
    assert sweep(101, every=10).status == "late"
    # a sweep that never ran (the workers or beat never started) is late too
    assert sweep(None, every=2) == Sweep("late", None)


def test_a_late_sweep_says_how_to_check_the_workers_and_keeps_the_site_up() -> None:
    late = Parts(database="ok", broker="ok", cache="ok", static="ok", sweep=Sweep("late", 312))
    assert not unusable(late)
    [line] = problems(late)
    assert line.startswith("sweep: last ran 312 s ago; without the workers and beat")
    assert "`celery -A studyflow inspect ping`" in line
    never = Parts(database="ok", broker="ok", cache="ok", static="ok", sweep=Sweep("late", None))
    assert problems(never)[0].startswith("sweep: never ran;")


@pytest.mark.django_db
def test_a_sweep_just_run_is_ok() -> None:
    # given a worker ran beat's sweep (with nothing to do: no projection behind)
    assert sweep_projections() == 0
    # then the health check counts it as just now
    response = APIClient().get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["sweep"]["status"] == "ok" and body["sweep"]["last_ran_seconds_ago"] <= 2
    assert not any(line.startswith("sweep:") for line in body["problems"])


@pytest.mark.django_db
def test_a_sweep_that_stopped_is_late_but_still_200(settings: Any) -> None:
    # given the last sweep five minutes ago (every worker died on a quiet night)
    settings.PROJECTION_SWEEP_SECONDS = 2
    sweep_projections()
    Heartbeat.objects.filter(task=SWEEP).update(ran_at=Now() - timedelta(minutes=5))
    response = APIClient().get("/api/health/")
    # then it is late, with a 200: the pages work, only the reports stop
    assert response.status_code == 200
    late = response.json()["sweep"]
    assert late["status"] == "late" and 299 <= late["last_ran_seconds_ago"] <= 302
    assert any(line.startswith("sweep: last ran") for line in response.json()["problems"])
    # and beat sweeping every 60 s would still have 10 minutes to go
    settings.PROJECTION_SWEEP_SECONDS = 60
    assert APIClient().get("/api/health/").json()["sweep"]["status"] == "ok"


@pytest.mark.django_db
def test_a_sweep_that_never_ran_is_late() -> None:
    # given a site whose workers or beat never started since the upgrade
    Heartbeat.objects.all().delete()
    response = APIClient().get("/api/health/")
    assert response.status_code == 200
    assert response.json()["sweep"] == {"status": "late", "last_ran_seconds_ago": None}
    assert any(line.startswith("sweep: never ran;") for line in response.json()["problems"])


def test_while_the_database_is_down_the_sweep_is_unknown() -> None:
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("the database is down")
    with mock.patch("studyflow.api.connection", broken):
        response = APIClient().get("/api/health/")
    assert response.status_code == 503
    assert response.json()["sweep"] == {"status": "unknown", "last_ran_seconds_ago": None}
