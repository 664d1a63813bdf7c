"""gunicorn's settings for the production server (``make serve``; docs/deployment.md,
"Serving"), read from environment variables:

``gunicorn -c python:pacesetter.gunicorn_conf pacesetter.wsgi``

The defaults suit one machine of 2 cores behind a reverse proxy on the same machine:
2 worker processes (one per core) of 4 threads each (a request mostly waits on the
database), listening on 127.0.0.1 only.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


#: Where to listen: ``PACESETTER_BIND`` (``host:port``, ``unix:/path``), else
#: 127.0.0.1:``PORT``. Listen elsewhere than the loopback only behind a proxy.
bind = [os.environ.get("PACESETTER_BIND") or f"127.0.0.1:{_int('PORT', 8000)}"]
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("WEB_THREADS", 4)
#: A worker silent this long (seconds) is killed and replaced. Long exports run in
#: a request, so it is generous.
timeout = _int("WEB_TIMEOUT", 120)
#: On SIGTERM (and on a reload, SIGHUP) the requests under way get this long to finish.
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
#: Behind a proxy that keeps connections to the server open.
keepalive = _int("WEB_KEEPALIVE", 5)
#: A worker is replaced after this many requests (0: never), staggered by the jitter.
max_requests = _int("WEB_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
#: One access-log line per request, on standard output; errors on standard error.
accesslog = os.environ.get("WEB_ACCESS_LOG") or "-"
errorlog = "-"
#: The proxies whose X-Forwarded-* headers gunicorn itself reads: the loopback and the
#: same ``PACESETTER_TRUSTED_PROXIES`` as the login lockout's client address.
_proxies = [p.strip() for p in os.environ.get("PACESETTER_TRUSTED_PROXIES", "").split(",")]
forwarded_allow_ips = ",".join(["127.0.0.1", "::1", *filter(None, _proxies)])
#: No control socket: its default path is one per user ($HOME/.gunicorn), which two
#: servers on one machine (the tests, the bench) would share.
control_socket_disable = True
