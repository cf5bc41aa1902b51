"""A first run on a laptop: SQLite, emails printed on the console, tasks run eagerly.

These settings run with DEBUG on, so they refuse to start where production signs show (a host
name other than this machine's, a SITE_URL on https): an operator who forgot
DJANGO_SETTINGS_MODULE=clinic.settings.production is told so instead of serving PHI in debug mode.
"""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool, env_db

DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")  # noqa: S105
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
DATABASES = {"default": env_db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True


def _is_this_machine(host: str) -> bool:
    name = host.strip().lstrip(".").strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def production_signs(*, allowed_hosts: list[str], site_url: str) -> list[str]:
    """What in these settings says the process is not on a developer's machine."""
    signs = [f"DJANGO_ALLOWED_HOSTS names {host!r}" for host in allowed_hosts if not _is_this_machine(host)]
    site = urlsplit(site_url)
    if site.scheme == "https":
        signs.append(f"SITE_URL is on https ({site_url})")
    elif site.hostname and not _is_this_machine(site.hostname):
        signs.append(f"SITE_URL names {site.hostname!r}")
    return signs


_signs = production_signs(allowed_hosts=ALLOWED_HOSTS, site_url=SITE_URL)  # noqa: F405
if _signs:
    raise ImproperlyConfigured(
        "clinic.settings.local (DEBUG, emails printed, no HTTPS) is for this machine only, but "
        + "; ".join(_signs)
        + ". To serve the portal, set DJANGO_SETTINGS_MODULE=clinic.settings.production."
    )
