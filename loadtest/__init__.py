"""The load test (`python -m loadtest`): gunicorn on 127.0.0.1, many signed-in users reading and writing."""
