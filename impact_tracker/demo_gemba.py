"""Demo gemba walks."""


def seed_demo_walks(organisations) -> None:
    """Add demo walks (filled in with the gemba feature)."""
