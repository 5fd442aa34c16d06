"""Registers the faulty test projection in a worker process (PROJECTION_MODULES)."""

from events.projections import register
from tests.events.faulty_projection import faulty

register(faulty)
