"""gemba API endpoints."""
