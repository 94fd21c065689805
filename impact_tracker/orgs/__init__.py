"""Organisations, their units and the people who work in them: the root domain."""
