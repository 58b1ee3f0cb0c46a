from django.apps import AppConfig


class CachingConfig(AppConfig):
    """Shared caching for anonymous pages: the server-side page cache and CDN purges."""

    name = "caching"
    default_auto_field = "django.db.models.BigAutoField"
