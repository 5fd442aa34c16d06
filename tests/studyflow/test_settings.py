"""Settings from the environment: a bad value stops the start with a message that names it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(
    env: dict[str, str], cwd: Path = ROOT, show: str = "VAR_DIR", unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in env and k not in unset}
    return subprocess.run(
        [sys.executable, "-c", f"import studyflow.settings as s; print(s.{show})"],
        cwd=cwd,
        env={**clean, **env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "PROJECTION_BATCH_SIZE",
            "lots",
            "PROJECTION_BATCH_SIZE must be a whole number, not 'lots'",
        ),
        ("PROJECTION_BATCH_SIZE", "0", "PROJECTION_BATCH_SIZE must be at least 1, not 0"),
        ("COMMAND_OUTCOME_DAYS", "7.5", "COMMAND_OUTCOME_DAYS must be a whole number"),
        ("API_TOKEN_DAYS", "0", "API_TOKEN_DAYS must be at least 1, not 0"),
        ("API_TOKEN_DAYS", "999999", "API_TOKEN_DAYS must be at most 3650, not 999999"),
        (
            "PROJECTION_SWEEP_SECONDS",
            "often",
            "PROJECTION_SWEEP_SECONDS must be a number of seconds",
        ),
        ("PROJECTION_RETRY_MAX_SECONDS", "-1", "must be at least 0.01 seconds, not -1"),
        ("PROJECTION_BATCH_SECONDS", "inf", "PROJECTION_BATCH_SECONDS must be at least"),
        (
            "CONTENT_SECURITY_POLICY",
            "default-src 'self'\nscript-src 'unsafe-inline'",
            "CONTENT_SECURITY_POLICY must be one line",
        ),
        ("COMMAND_THROTTLE_RATE", "lots", "COMMAND_THROTTLE_RATE: a rate looks like 120/min"),
        ("COMMAND_THROTTLE_RATE", "0/min", "or 0 for no limit, not '0/min'"),
        ("COMMAND_THROTTLE_RATE", "0", "no error"),  # no limit
        ("COMMAND_THROTTLE_RATE", "", "no error"),  # empty: the default
        ("LOGIN_THROTTLE_RATE", "10", "LOGIN_THROTTLE_RATE: a rate looks like 10/min"),
        ("CONTENT_SECURITY_POLICY", "", "no error"),  # empty: no policy sent
        ("SECRET_KEY", "", "SECRET_KEY is set but empty"),  # with DEBUG unset: not debug mode
    ],
)
def test_a_bad_number_is_refused_by_name(name: str, value: str, message: str) -> None:
    loaded = load_settings({name: value})
    if message == "no error":
        assert loaded.returncode == 0, loaded.stderr
        return
    assert loaded.returncode != 0
    assert "ImproperlyConfigured" in loaded.stderr and message in loaded.stderr


def test_a_relative_var_dir_is_under_the_project_wherever_it_starts(tmp_path: Path) -> None:
    name = f"var-test-{os.getpid()}"
    loaded = load_settings({"STUDYFLOW_VAR_DIR": name}, tmp_path)  # started from another directory
    try:
        assert loaded.returncode == 0, loaded.stderr
        assert loaded.stdout.strip() == str(ROOT / name)
    finally:
        shutil.rmtree(ROOT / name, ignore_errors=True)
    assert load_settings({"STUDYFLOW_VAR_DIR": str(tmp_path)}).stdout.strip() == str(tmp_path)


# What `python -c "import secrets; print(secrets.token_urlsafe(50))"` prints (the README's way).
A_GOOD_KEY = "vT3xk0Qm9bWc2LzR8hYp1sNf4JdUa7GeKo5iXq6Hr_Zl-Ct0yMwBvEjS2nPgDuF1aI"
PRODUCTION = {"SECRET_KEY": A_GOOD_KEY, "DEBUG": "0", "ALLOWED_HOSTS": "example.org"}


@pytest.mark.parametrize("debug", [None, "0", "1"])
def test_an_empty_secret_key_is_refused_in_any_mode(debug: str | None) -> None:
    # an env file's `SECRET_KEY=${UNRESOLVED}`: not a developer's machine, whatever DEBUG says
    env = {"SECRET_KEY": ""} if debug is None else {"SECRET_KEY": "", "DEBUG": debug}
    loaded = load_settings(env)
    assert loaded.returncode != 0
    assert "SECRET_KEY is set but empty" in loaded.stderr
    assert "secrets.token_urlsafe(50)" in loaded.stderr


def test_without_a_secret_key_debug_is_on_with_the_development_key() -> None:
    loaded = load_settings({}, show="DEBUG, s.SECRET_KEY", unset=("SECRET_KEY", "DEBUG"))
    assert loaded.returncode == 0, loaded.stderr
    debug, key = loaded.stdout.split()
    assert debug == "True" and key.startswith("django-insecure-studyflow-development-key")
    refused = load_settings({"DEBUG": "0"}, unset=("SECRET_KEY",))
    assert refused.returncode != 0
    assert "DEBUG is off but SECRET_KEY is not set" in refused.stderr


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("x", "it has 1 character, fewer than 50"),
        ("k" * 60, "it has 1 different character, fewer than 5"),
        ("django-insecure-" + A_GOOD_KEY, "it starts with 'django-insecure-'"),
    ],
)
def test_a_weak_secret_key_is_refused_in_production_only(key: str, why: str) -> None:
    refused = load_settings({**PRODUCTION, "SECRET_KEY": key})
    assert refused.returncode != 0
    assert "SECRET_KEY is too weak for a site with DEBUG off: " + why in refused.stderr
    assert 'python -c "import secrets; print(secrets.token_urlsafe(50))"' in refused.stderr
    # a developer may use any key with DEBUG on
    assert load_settings({"SECRET_KEY": key, "DEBUG": "1"}).returncode == 0


def test_a_strong_secret_key_starts_production() -> None:
    loaded = load_settings(PRODUCTION, show="DEBUG")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "False"


def test_hsts_is_an_operators_whole_number_of_seconds() -> None:
    production = PRODUCTION
    bad = load_settings({**production, "SECURE_HSTS_SECONDS": "a year"})
    assert bad.returncode != 0
    assert "SECURE_HSTS_SECONDS must be a whole number, not 'a year'" in bad.stderr
    assert load_settings({**production, "SECURE_HSTS_SECONDS": "31536000"}).returncode == 0


def test_the_development_server_keeps_no_connection_open() -> None:
    # (it runs every request in a new thread: a persistent connection per thread would pile up)
    code = "import studyflow.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://root@127.0.0.1:5432/x",
        "PYTHONPATH": str(ROOT),
    }
    ages = [
        subprocess.run(
            [sys.executable, "-c", f"import sys; sys.argv = {argv!r}; {code}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        for argv in (["manage.py", "runserver"], ["manage.py", "migrate"])
    ]
    assert ages == ["0", "60"]


@pytest.mark.parametrize(
    ("value", "rate"), [(None, "120/min"), ("", "120/min"), ("30/m", "30/m"), ("0", "0")]
)
def test_quiz_commands_are_limited_unless_turned_off(value: str | None, rate: str) -> None:
    env = {} if value is None else {"COMMAND_THROTTLE_RATE": value}
    loaded = load_settings(env, show="COMMAND_THROTTLE_RATE")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == rate
