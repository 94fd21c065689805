"""Demo self-assessments."""


def seed_demo_assessments(organisations) -> None:
    """Add demo self-assessments (filled in with the self-assessment feature)."""
