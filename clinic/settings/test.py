"""The test suite: SQLite unless DATABASE_URL is set (CI sets PostgreSQL), in-memory email."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool, env_db

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": env_db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'test.sqlite3'}")}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# A fast hasher keeps the suite quick; tests/clinic/test_passwords.py proves Argon2 in base and production.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
STORAGES["default"]["OPTIONS"]["location"] = env.path(  # noqa: F405
    "PRIVATE_MEDIA_ROOT", default=BASE_DIR / ".test-private-media"
)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=1)
# The suite's own unit tests run tasks in-process unless an integration test gives a broker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Each test starts with an empty cache (tests/conftest.py), so login throttles do not leak between tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
