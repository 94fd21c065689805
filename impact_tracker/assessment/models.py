"""Self-assessment models."""
