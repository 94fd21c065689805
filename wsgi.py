"""The WSGI entry point for gunicorn: `gunicorn wsgi:app` (settings in gunicorn.conf.py)."""

import impact_tracker.charts  # noqa: F401  (preload matplotlib in gunicorn's master, not in a request)
from impact_tracker import create_app

app = create_app()
