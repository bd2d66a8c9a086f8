"""gunicorn's settings for Newsroom: `make serve`, or `gunicorn -c gunicorn.conf.py newsroom.wsgi`.

Each value can be changed from the environment (GUNICORN_CMD_ARGS works too). Behind a proxy,
also set Django's SECURE_PROXY_SSL_HEADER (see README, Deployment).
"""

import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Sync workers, about one per core: on 2 cores, 2 workers served more than 4 did (the pages are
# CPU-bound; the database and cache answer in well under a millisecond).
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so that a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10

# Only the proxy on this host may say which scheme and address the client used.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Errors to stderr; the access log is off unless asked for (the proxy usually keeps one).
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
