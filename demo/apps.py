from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and scale content (`manage.py seed_demo`, `seed_scale`), made through the real
    services of every app: it sits above them all, and nothing imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
