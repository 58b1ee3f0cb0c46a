from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: it imports models, which cannot load with the configs.
        # A source's retraction or correction flags the live articles citing it.
        from reviews import receivers  # noqa: F401, PLC0415
