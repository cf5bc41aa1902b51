"""Settings shared by every environment. Values come from the environment (django-environ).

Base settings are safe by default; local.py relaxes what a first run on a laptop needs and
production.py insists on every secret.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean variable; anything but a recognised word stops the process (healthchecks' envbool)."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"The {name} environment variable must be true or false, not {raw!r}.")


def env_db(name: str = "DATABASE_URL", **kwargs) -> dict:
    """A database URL; a malformed one stops the process with a message naming the variable."""
    url = env.str(name, **kwargs)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"The {name} environment variable must be a postgres:// or sqlite:/// URL."
        )
    return environ.Env.db_url_config(url)


DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "clinic.core.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",  # the change audit (clinic.core.audit); before clinic.core, whose admin replaces its own
    "clinic.core",
    "intake",
    "referrals",
    "appointments",
    "clinic.staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clinic.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second-factor device, if any, this session has passed (user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # After authentication: the change audit's actor and address (clinic.core.audit).
    "clinic.core.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle and over-long signed-in sessions (after messages: it says why).
    "clinic.core.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out sign-in into the friendly lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes guards both sign-in pages (staff /staff/login/, referrers /referrals/sign-in/) against
# password guessing: it must come first, it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.core.context_processors.clinic",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords ------------------------------------------------------------------------------------
# Argon2id first: new passwords and every older hash, when its owner next signs in, are stored with it;
# the others stay so that hashes made before still verify. The validators run wherever a password is
# set (registration, reset, staff setting one); clinic.core.passwords refuses common passwords and
# patterns from bundled lists, with no network call.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "clinic.core.passwords.MaximumLengthValidator"},
    {"NAME": "clinic.core.passwords.GuessablePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link emailed to staff or a referring provider works this long, and once.
PASSWORD_RESET_TIMEOUT = 60 * env.int("PASSWORD_RESET_MINUTES", default=60)
# --- end of passwords ------------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("CLINIC_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    # Uploaded PHI lives outside any public URL; it is only ever served through views that check
    # who is asking, so MEDIA_URL is deliberately not routed.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# A picture is decoded in full before it is stored; more pixels than this is refused (a
# decompression bomb). 50 million is a 48-megapixel phone photo or a letter page scanned at 600 dpi.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=50_000_000)
# Requests may carry several documents of MAX_UPLOAD_BYTES each.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "US"

# The client address of a request (clinic.core.addresses), for the audit, the rate limits and the
# sign-in lockout alike: how many proxies of ours (load balancer, ...) stand in front of the web
# processes. 0: the client is REMOTE_ADDR and X-Forwarded-For is ignored (anyone can write it); N: the
# address the outermost proxy saw, the Nth entry from the right of X-Forwarded-For. RATE_LIMIT_PROXY_COUNT
# is its earlier name, still read when TRUSTED_PROXY_COUNT is not set.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("RATE_LIMIT_PROXY_COUNT", default=0))

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused for AXES_COOLOFF_TIME after its last attempt. Locking the pair, not the
# username alone, means an attacker elsewhere cannot lock a clinician out of the portal.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Usernames are compared case-insensitively, so "Ana@x" and "ana@x" count as one.
AXES_USERNAME_CALLABLE = "clinic.core.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "clinic.core.lockout.lockout_response"
# Axes masks passwords always; usernames (emails) and addresses are masked in its log lines too.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "email"]
# The address a lock is kept for is the one the audit and the rate limits see (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "clinic.core.addresses.client_address"

# The change audit (django-auditlog, clinic.core.audit): the correlation id is not read from a header
# the client writes (a Celery task names itself there instead).
AUDITLOG_CID_HEADER = None

# --- Rate limits (clinic/core/ratelimits.py names each action) -------------------------------------
# How many requests one client address, and one email address, may make per window: "5/h" is five
# an hour, "10/15m" ten in fifteen minutes. Set RATE_LIMIT_<ACTION>_PER_ADDRESS or _PER_EMAIL (for
# example RATE_LIMIT_INTAKE_START_PER_EMAIL=3/h); an empty value turns that limit off. Sign-ins count
# failed attempts only. Counts live in the cache (Redis); when it is down, limits fail open (logged).
_RATE_LIMIT_DEFAULTS = {
    # action: (per client address, per email address)
    "intake_start": ("20/h", "5/h"),
    "intake_resend_link": ("20/h", "5/h"),
    "appointment_request": ("20/h", "5/h"),
    "provider_registration": ("10/h", "3/h"),
    "provider_resend_verification": ("10/h", "3/h"),
    "password_reset": ("10/h", "3/h"),
    "provider_sign_in": ("30/h", "10/h"),
    # Wrong codes at a provider's second step (after django-otp's own growing wait between tries).
    "provider_second_factor": ("30/h", "10/h"),
    # A whole clinic signs in from one address; one account's failures are what the email rate counts.
    "staff_sign_in": ("60/h", "10/h"),
}
RATE_LIMITS = {
    action: {
        "per_address": env.str(f"RATE_LIMIT_{action.upper()}_PER_ADDRESS", default=per_address),
        "per_email": env.str(f"RATE_LIMIT_{action.upper()}_PER_EMAIL", default=per_email),
    }
    for action, (per_address, per_email) in _RATE_LIMIT_DEFAULTS.items()
}
RATELIMIT_USE_CACHE = "default"
# A count that vanished between two cache calls (a key expiring) must not refuse anyone.
RATELIMIT_FAIL_OPEN = True
# A referral from a provider the clinic has not verified yet is held out of the staff worklists, and
# such a provider may store at most this many documents in all until verified.
REFERRAL_UNVERIFIED_DOCUMENT_QUOTA = env.int("REFERRAL_UNVERIFIED_DOCUMENT_QUOTA", default=3)
# --- end of rate limits ------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after SESSION_IDLE_MINUTES without a request (pages warn a minute before
# and offer to stay) and SESSION_MAX_HOURS after signing in (clinic.core.sessions).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=15)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=60)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Headers and failure pages (issue 11). No page uses these browser features, so none may be
# turned on by injected markup or a framed page. A refused form (CSRF) gets the clinic's own page.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
CSRF_FAILURE_VIEW = "clinic.core.views.csrf_failure"

# Email: every message goes through the OutboundEmail outbox and the Celery task.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_LOCALTIME = True
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Pain Clinic Portal <no-reply@clinic.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in emails are built from this, never from the request's Host header.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CLINIC_NAME = env("CLINIC_NAME", default="Riverside Interventional Pain Center")
# The name an authenticator app shows beside a staff member's codes.
OTP_TOTP_ISSUER = CLINIC_NAME
# The device pages in the admin never show a secret (its owner saw it once, when enrolling).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
CLINIC_PHONE = env("CLINIC_PHONE", default="(555) 010-2000")

# Intake: a draft expires this many days after it was started; the patient is reminded a few days before.
# Patient links (resume, invitation) are signed and stop working after INTAKE_LINK_MAX_AGE_DAYS.
INTAKE_DRAFT_DAYS = env.int("INTAKE_DRAFT_DAYS", default=30)
INTAKE_REMINDER_DAYS_BEFORE = env.int("INTAKE_REMINDER_DAYS_BEFORE", default=5)
INTAKE_LINK_MAX_AGE_DAYS = env.int("INTAKE_LINK_MAX_AGE_DAYS", default=INTAKE_DRAFT_DAYS)
# The spec asks for "the date and drug of any recent steroid injection" with no window;
# the issue says 3 months.
RECENT_STEROID_INJECTION_MONTHS = env.int("RECENT_STEROID_INJECTION_MONTHS", default=3)
# Staff alerts (red flags, PHQ-9 item 9) go to these addresses, or to every active user in the
# Clinician group when empty.
CLINIC_ALERT_EMAILS = env.list("CLINIC_ALERT_EMAILS", default=[])
# An alert nobody acknowledges in time goes, once, to these addresses, or to every active user in the
# Clinic administrator group when empty (clinic/alerts.py). Emergency red flags and PHQ-9 item 9
# escalate after minutes, day or night; urgent red flags after hours of the clinic's working hours.
CLINIC_ESCALATION_EMAILS = env.list("CLINIC_ESCALATION_EMAILS", default=[])
STAFF_ALERT_EMERGENCY_ESCALATE_MINUTES = env.int("STAFF_ALERT_EMERGENCY_ESCALATE_MINUTES", default=15)
STAFF_ALERT_URGENT_ESCALATE_WORKING_HOURS = env.float("STAFF_ALERT_URGENT_ESCALATE_WORKING_HOURS", default=4)
STAFF_ALERT_ESCALATION_SWEEP_SECONDS = env.int("STAFF_ALERT_ESCALATION_SWEEP_SECONDS", default=60)
# Working hours, in CLINIC_TIME_ZONE: weekdays as numbers (Monday is 0), and the day's start and end.
CLINIC_WORKING_DAYS = [int(day) for day in env.list("CLINIC_WORKING_DAYS", default=["0", "1", "2", "3", "4"])]
CLINIC_WORKING_DAY_START = env.str("CLINIC_WORKING_DAY_START", default="08:00")
CLINIC_WORKING_DAY_END = env.str("CLINIC_WORKING_DAY_END", default="17:00")
# The clinic's licensed questionnaire wording (ODI, NDI, DN4); without it those are not offered.
# Its JSON shape is documented in intake/instruments/licensed.py.
INSTRUMENT_WORDING_FILE = env.str("INSTRUMENT_WORDING_FILE", default="")

# Appointments: reminders this many hours before a visit (beat checks every
# APPOINTMENT_REMINDER_SWEEP_SECONDS); patient links; how far ahead a patient may ask.
APPOINTMENT_REMINDER_OFFSETS_HOURS = [
    int(hours) for hours in env.list("APPOINTMENT_REMINDER_OFFSETS_HOURS", default=["72", "24"])
]
APPOINTMENT_REMINDER_SWEEP_SECONDS = env.int("APPOINTMENT_REMINDER_SWEEP_SECONDS", default=300)
APPOINTMENT_LINK_MAX_AGE_DAYS = env.int("APPOINTMENT_LINK_MAX_AGE_DAYS", default=180)
APPOINTMENT_VERIFY_LINK_MAX_AGE_HOURS = env.int("APPOINTMENT_VERIFY_LINK_MAX_AGE_HOURS", default=72)
APPOINTMENT_MAX_DAYS_AHEAD = env.int("APPOINTMENT_MAX_DAYS_AHEAD", default=365)
# Told when a patient cancels or asks for another time; the Front desk group's emails when empty.
CLINIC_STAFF_EMAILS = env.list("CLINIC_STAFF_EMAILS", default=[])

OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
# A pending email that was queued this long ago and is still not sent is re-queued by beat.
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=300)
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=60)

# Celery: Redis as the broker when REDIS_URL is set; without it tasks run eagerly in-process
# (a first run on a laptop), through exactly the same outbox and task code.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the task time limit, so a slow task is not handed to a second worker.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A request must never hang on a dead broker: a few quick tries, then the beat sweeper takes over.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "clinic.outbox.sweep", "schedule": OUTBOX_SWEEP_SECONDS},
    "staff-alert-escalation": {
        "task": "clinic.alerts.escalate",
        "schedule": STAFF_ALERT_ESCALATION_SWEEP_SECONDS,
    },
    "appointment-reminders": {
        "task": "appointments.tasks.appointment_reminders_task",
        "schedule": APPOINTMENT_REMINDER_SWEEP_SECONDS,
    },
    # Intake drafts: reminder emails a few days before expiry, then expiry itself.
    "intake-drafts": {"task": "intake.tasks.intake_drafts_task", "schedule": 60 * 60},
    "referral-abandoned-uploads": {
        "task": "referrals.tasks.discard_abandoned_uploads_task",
        "schedule": 24 * 60 * 60,
    },
}

# A request never hangs on a dead Redis: the rate limits then fail open at once (clinic.core.ratelimits).
CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": CACHE_OPTIONS,
        }
        if REDIS_URL
        # Only for a single-process first run; every real deployment sets REDIS_URL.
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Logs (issue 11): no line carries a patient's link, a search or a request body. Every line passes
# clinic.core.redaction's filter on the one console handler; Django's own handlers are replaced, as
# they print request lines unfiltered (django.server) or mail a failed request with its data (mail_admins).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_urls": {"()": "clinic.core.redaction.RedactUrlsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_urls"]}
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
