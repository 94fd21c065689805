"""Gemba walk models."""
