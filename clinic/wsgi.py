"""The web server's entry point (gunicorn, Procfile). Production settings unless told otherwise:
an operator who forgets DJANGO_SETTINGS_MODULE gets production's checks, never DEBUG."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.production")

application = get_wsgi_application()
