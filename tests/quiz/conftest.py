"""Fixtures of the quiz tests. Pure domain tests need none; service tests use the database ones."""
