"""Cycles API endpoints."""
