"""Projects API endpoints."""
