from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the receivers that keep stored pages in step with admin edits. Here, not
        # at the top: articles.receivers imports models, which cannot load with the configs.
        from articles import receivers  # noqa: F401, PLC0415
