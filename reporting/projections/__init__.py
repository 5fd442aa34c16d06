"""Reporting projections, registered with the engine when Django starts (autodiscovered)."""

from events.projections import register
from reporting.projections.answers import answers

register(answers)
