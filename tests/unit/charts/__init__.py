"""Tests of the chart renderer, icons and cache (pure: no app)."""
