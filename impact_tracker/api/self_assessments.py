"""self_assessments API endpoints."""
