"""Measures API endpoints."""
