"""gunicorn's settings for the Procfile's web process (`gunicorn --config clinic/gunicorn.conf.py`).

The access log names the path without a patient's token and the query string without its values
(clinic.core.redaction, read from the URL conf), and no Referer, cookie or other header: a line
says who asked (the balancer's address), when, which route, the status, the size and the time.
"""

import os
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

wsgi_app = "clinic.wsgi:application"
bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
errorlog = "-"
# %(U)s and %(q)s are the redacted path and query (RedactingLogger), never the raw request line.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s%(q)s %(H)s" %(s)s %(B)s %(M)sms'
# TLS ends at the load balancer; only its X-Forwarded-* headers are believed (set the balancer's address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicornc's control socket is one path per user: two servers on a host would share it. Not used here.
control_socket_disable = True


class RedactingLogger(Logger):
    """Every atom that can carry a URL is redacted, so a changed format cannot leak a token; the error
    log ("Error handling request /intake/link/...", with its traceback) passes the redaction filter."""

    def setup(self, cfg):
        from clinic.core.redaction import RedactUrlsFilter  # noqa: PLC0415

        super().setup(cfg)
        for handler in self.error_log.handlers:
            if not any(isinstance(existing, RedactUrlsFilter) for existing in handler.filters):
                handler.addFilter(RedactUrlsFilter())

    def atoms(self, resp, req, environ, request_time):
        from clinic.core.redaction import redact_query, redact_split_url, redact_url  # noqa: PLC0415

        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        atoms["U"] = redact_url(path)
        atoms["q"] = f"?{redact_query(query)}" if query else ""
        atoms["r"] = f"{atoms['m']} {redact_url(path + atoms['q'])} {atoms['H']}"
        atoms["f"] = "-"
        for key, value in atoms.items():
            if not key.startswith("{") or not isinstance(value, str):
                continue
            if any(word in key for word in ("cookie", "authorization", "csrf", "token")):
                atoms[key] = "-"
            elif any(word in key for word in ("uri", "path", "query", "referer", "location", "url")):
                atoms[key] = redact_split_url(urlsplit(value))
        return atoms


logger_class = RedactingLogger
