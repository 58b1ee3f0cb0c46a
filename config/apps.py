from django.apps import AppConfig

# Registers the site's own system checks (SITE_URL must be the public address).
from config import checks  # noqa: F401


class SiteConfig(AppConfig):
    """The site itself (settings, urls, site-wide middleware): an app only so that its
    checks are registered for every command, as each app registers its own."""

    name = "config"
    verbose_name = "site"
