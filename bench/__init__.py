"""Benchmark scripts. Run them as modules from the repository root (.venv/bin/python -m
bench.<name>): run as files, bench/http.py would shadow the standard library's http."""
