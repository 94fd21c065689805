"""Demo capability and capacity figures."""


def seed_demo_capability(organisations) -> None:
    """Add demo training, headcount and posts (filled in with the portfolio feature)."""
