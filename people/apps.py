from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Who a person is to both sides: roles, names, reviewer and writer profiles."""

    name = "people"
    default_auto_field = "django.db.models.BigAutoField"
