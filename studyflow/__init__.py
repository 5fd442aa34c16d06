from studyflow.celery import app as celery_app

# The release this code is: the newest "The release of ..." heading of UPGRADING.md, its date
# written with dots (a second release that day, "2026-11-27 (night)", is "2026.11.27-night").
# /api/health/ reports it, so an operator sees which release each web process runs.
__version__ = "2026.11.28"

__all__ = ("__version__", "celery_app")
