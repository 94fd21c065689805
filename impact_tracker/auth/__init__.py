"""Signing in and out, and API tokens."""
