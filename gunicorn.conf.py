"""gunicorn settings: `gunicorn wsgi:app` reads this file.

The app (and matplotlib, which takes about a second to import) loads once in the master process and is
shared by the workers, so no request pays for it.
"""

import multiprocessing

bind = "127.0.0.1:8000"
workers = max(2, multiprocessing.cpu_count())
preload_app = True
timeout = 60
accesslog = "-"
