"""gunicorn's settings for the dashboard: ``gunicorn dashboard.wsgi:server -c python:dashboard.gunicorn_config``
(the Procfile's web line, and the tests' server).

Why these (README, "Deployment"):
- ``gthread`` workers with a few threads each: a request that works for seconds (a dry run of a 20 MB
  workbook) holds one thread, not a whole worker, so the pages and the health probe keep answering. With
  the default sync workers two such requests froze the dashboard.
- ``timeout``: with threads, gunicorn's heartbeat comes from the worker's main loop, so the timeout only
  restarts a worker that hangs altogether; slow requests are bounded by the application instead (upload
  size, the annotated workbook's cell limit, LOCK_WAIT_SECONDS = 30 s for a busy database).
- ``max_requests`` with jitter recycles workers now and then, so a slow leak cannot grow for weeks.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SHARING_WEB_THREADS", "12"))
timeout = 120
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
# Set-password and share links carry a token in their path: the access log masks it.
logger_class = "dashboard.access_log.MaskingLogger"
