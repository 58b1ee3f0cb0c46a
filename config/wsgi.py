"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Web requests get a statement timeout (config/settings.py); commands do not.
os.environ.setdefault("VETTED_WEB", "1")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve a misconfigured production site.
from config.checks import refuse_misconfigured_site  # noqa: E402

refuse_misconfigured_site()
