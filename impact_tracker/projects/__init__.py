"""Improvement projects: aim, team, status, progress score and driver diagram."""
