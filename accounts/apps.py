from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "staff accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: these import models, which may not be loaded while app
        # configs are; ready() runs once they are (connects the lockout audit).
        from accounts import signals  # noqa: F401, PLC0415
        from accounts.models import AccountEvent  # noqa: PLC0415
        from audit import registry  # noqa: PLC0415

        # The account security record is a hash chain (verify_audit_log walks it).
        registry.register(AccountEvent)
