"""HTTP benchmark: the answer command against a CRUD strawman, same stack, same run.

gunicorn (2 workers, gthread) serves the project on PostgreSQL with a bench-only URLconf that adds
the strawman (one row UPDATE). A load generator in a second process drives 50 concurrent students
with keep-alive connections: first the strawman, then real quizzes (answer, next, answer, ...).

    DATABASE_URL=postgres://root@127.0.0.1:5432/studyflow_bench_http .venv/bin/python -m bench.http
    options: --students 50 --seconds 10 --rounds 3 --record (append the figures to bench/README.md)
"""

import os
import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where this module would shadow the
# standard library's `http` package: put the project root there instead, before any other import.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path[1:] if Path(p or ".").resolve() != ROOT / "bench")]

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/studyflow_bench_http"
WRONG = "not the answer"


# --- setup (this process) -------------------------------------------------------------------------


def bench_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        # DEBUG off takes a key Django's deploy check calls strong: 50 characters or more.
        "SECRET_KEY": "bench-only-secret-key-not-for-production-" + "k3Yq" * 4,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "FAST_PASSWORD_HASHING": "1",
        # Each simulated student sends commands as fast as the server answers, far above the
        # limit meant for scripts: off, or the figures would be of 429s.
        "COMMAND_THROTTLE_RATE": "0",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/5"),
        "PYTHONPATH": str(ROOT),
    }


def create_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(students: int) -> dict[str, Any]:
    """Migrate, then a class of students with tokens, a chapter, and the strawman's rows."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from bench.http_urls import STRAWMAN_TABLE
    from quiz.content import create_question
    from quiz.models import Chapter, Course
    from studyflow.models import Classroom, School

    call_command("migrate", verbosity=0, interactive=False)
    school, _ = School.objects.get_or_create(name="Bench School")
    classroom, _ = Classroom.objects.get_or_create(school=school, name="Bench class")
    course, _ = Course.objects.get_or_create(title="Bench course")
    # A high streak goal keeps quizzes going, so the run measures answers rather than starts.
    chapter, created = Chapter.objects.get_or_create(
        course=course, title="Bench chapter", defaults={"streak_goal": 20}
    )
    if created:
        for n in range(20):
            create_question(
                chapter=chapter,
                kind="open",
                text=f"What is {n} + {n}?",
                choices=None,
                accepted_answers=[str(2 * n)],
                worked_answer=f"{n} + {n} = {2 * n}",
            )
    answers = {
        str(q.pk): q.revisions.get(revision=q.current_revision).accepted_answers[0]
        for q in chapter.questions.all()
    }
    students_group, _ = Group.objects.get_or_create(name="students")
    tokens = []
    for n in range(students):
        user, made = User.objects.get_or_create(username=f"bench-student-{n}")
        if made:
            user.groups.add(students_group)
            classroom.students.add(user)
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STRAWMAN_TABLE} (student_id bigint PRIMARY KEY, "
            "answer text NOT NULL DEFAULT '', answered integer NOT NULL DEFAULT 0, "
            "updated_at timestamptz)"
        )
        cursor.execute(
            f"INSERT INTO {STRAWMAN_TABLE} (student_id) "
            "SELECT id FROM auth_user WHERE username LIKE 'bench-student-%%' ON CONFLICT DO NOTHING"
        )
    return {"tokens": tokens, "chapter": chapter.pk, "answers": answers}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 30) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not come up at {url}")


# --- the load generator (second process) ----------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_load(config: dict[str, Any]) -> dict[str, Any]:
    import requests

    base, seconds = config["base"], float(config["seconds"])
    lock = threading.Lock()
    results: dict[str, Any] = {}

    totals: dict[str, dict[str, Any]] = {}

    def phase(name: str, student: Any, seconds: float) -> None:
        latencies: dict[str, list[float]] = {}
        errors: list[str] = []
        barrier = threading.Barrier(len(config["tokens"]) + 1)
        stop = threading.Event()

        def worker(token: str) -> None:
            session = requests.Session()
            session.headers["Authorization"] = f"Token {token}"
            mine: dict[str, list[float]] = {}
            barrier.wait()
            try:
                student(session, mine, stop)
            except Exception as error:  # a failed request is reported, not fatal to the run
                with lock:
                    errors.append(repr(error))
            with lock:
                for kind, values in mine.items():
                    latencies.setdefault(kind, []).extend(values)

        threads = [threading.Thread(target=worker, args=(t,)) for t in config["tokens"]]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
        total = totals.setdefault(name, {"seconds": 0.0, "errors": [], "latencies": {}})
        total["seconds"] += time.perf_counter() - started
        total["errors"] += errors
        for kind, values in latencies.items():
            total["latencies"].setdefault(kind, []).extend(values)

    def timed(session: Any, mine: dict[str, list[float]], kind: str, url: str, body: Any) -> Any:
        t0 = time.perf_counter()
        response = session.post(url, json=body, timeout=30)
        mine.setdefault(kind, []).append(time.perf_counter() - t0)
        if response.status_code >= 300:
            raise RuntimeError(f"{kind}: {response.status_code} {response.text[:200]}")
        return response.json()

    def strawman(session: Any, mine: dict[str, list[float]], stop: threading.Event) -> None:
        while not stop.is_set():
            answer = random.choice([WRONG, "42"])
            timed(session, mine, "update", f"{base}/bench/strawman/", {"answer": answer})

    def quiz_student(session: Any, mine: dict[str, list[float]], stop: threading.Event) -> None:
        quizzes = f"{base}/api/quizzes/"
        state = session.post(quizzes, json={"chapter": config["chapter"]}, timeout=30).json()
        while not stop.is_set():
            url = f"{quizzes}{state['id']}/"
            if state["status"] == "passed":
                state = session.post(quizzes, json={"chapter": config["chapter"]}, timeout=30)
                state = state.json()
            elif state["status"] == "question_open":
                correct = random.random() < 0.6
                answer = config["answers"][str(state["question"]["id"])] if correct else WRONG
                state = timed(session, mine, "answer", f"{url}answer/", {"answer": answer})
            else:
                state = timed(session, mine, "next", f"{url}next/", None)

    phase("warmup", strawman, min(5.0, seconds))
    # Rounds alternate, so both sides meet the same background load on a shared machine.
    for _ in range(config["rounds"]):
        phase("strawman", strawman, seconds)
        phase("quiz", quiz_student, seconds)
    for name, total in totals.items():
        elapsed = total["seconds"]
        results[name] = {
            "seconds": elapsed,
            "errors": total["errors"][:5],
            "error_count": len(total["errors"]),
            "kinds": {
                kind: {
                    "count": len(values),
                    "per_second": len(values) / elapsed,
                    "p50_ms": statistics.median(values) * 1000,
                    "p99_ms": percentile(values, 0.99) * 1000,
                }
                for kind, values in total["latencies"].items()
            },
        }
    return results


# --- orchestration --------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()}"


def report(results: dict[str, Any], students: int, database_url: str) -> str:
    straw = results["strawman"]["kinds"]["update"]
    quiz = results["quiz"]["kinds"]
    answer, nxt = quiz["answer"], quiz.get("next", {"per_second": 0.0})
    commands = answer["per_second"] + nxt["per_second"]
    host = database_url.rpartition("@")[2]
    lines = [
        f"### HTTP: answer command vs CRUD strawman ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {machine()}. PostgreSQL at {host}; gunicorn 2 workers x 4 threads (gthread);",
        f"load generator: a separate process, {students} students on keep-alive connections, "
        f"rounds alternate; {results['quiz']['seconds']:.0f} s of load per side in all.",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
        f"| strawman: one row UPDATE | {straw['per_second']:.0f} | {straw['p50_ms']:.1f} | "
        f"{straw['p99_ms']:.1f} |",
        f"| POST .../answer/ (answer command) | {answer['per_second']:.0f} | "
        f"{answer['p50_ms']:.1f} | {answer['p99_ms']:.1f} |",
    ]
    if "next" in quiz:
        lines.append(
            f"| POST .../next/ (next command) | {nxt['per_second']:.0f} | {nxt['p50_ms']:.1f} | "
            f"{nxt['p99_ms']:.1f} |"
        )
    lines += [
        "",
        f"Commands/s (answer + next, each one event-store append): {commands:.0f}; "
        f"ratio to the strawman: **{commands / straw['per_second']:.2f}** (target >= 0.7). "
        f"p50 latency ratio strawman/answer: {straw['p50_ms'] / answer['p50_ms']:.2f}.",
        f"Errors: strawman {results['strawman']['error_count']}, "
        f"quiz {results['quiz']['error_count']}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10, help="per side per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append to bench/README.md")
    parser.add_argument("--load", help=argparse.SUPPRESS)  # internal: run as the load generator
    args = parser.parse_args()
    if args.load:
        print(json.dumps(run_load(json.loads(Path(args.load).read_text()))))
        return

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    env = bench_env(database_url)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")})
    os.environ.update({k: env[k] for k in ("DEBUG", "FAST_PASSWORD_HASHING", "CELERY_BROKER_URL")})
    create_database(database_url)
    setup = prepare(args.students)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "studyflow.wsgi:application",
            "--workers=2",
            "--worker-class=gthread",
            "--threads=4",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    config_file = ROOT / "var" / "bench_http_load.json"
    try:
        wait_for(f"{base}/api/health/")
        config = {"base": base, "seconds": args.seconds, "rounds": args.rounds, **setup}
        config_file.write_text(json.dumps(config))
        load = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--load", str(config_file)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results = json.loads(load.stdout.strip().splitlines()[-1])
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        config_file.unlink(missing_ok=True)
    for phase in ("strawman", "quiz"):
        if results[phase]["errors"]:
            print(f"{phase} errors (first 5): {results[phase]['errors']}", file=sys.stderr)
    text = report(results, args.students, database_url)
    print(text)
    if args.record:
        readme = ROOT / "bench" / "README.md"
        previous = readme.read_text() if readme.exists() else "# Benchmarks\n"
        readme.write_text(previous.rstrip("\n") + "\n\n" + text + "\n")


if __name__ == "__main__":
    main()
